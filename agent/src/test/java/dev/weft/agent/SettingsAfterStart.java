package dev.weft.agent;

/**
 * Plain JDK code: prints the {@code gomaxprocs} property as the application sees it, then sets it
 * (and a weft property) to values weft would refuse, as an application may do for its own
 * reasons, and only then starts its first virtual thread, which must run (within 10 s).
 */
public final class SettingsAfterStart {
    private SettingsAfterStart() {}

    public static void main(String[] args) throws Exception {
        System.out.println("gomaxprocs property " + System.getProperty("gomaxprocs"));
        System.setProperty("gomaxprocs", "auto");
        System.setProperty("weft.handoff", "soon");
        String[] seen = new String[1];
        Thread t =
                Thread.ofVirtual().start(() -> seen[0] = Thread.currentThread().toString());
        System.out.println("joined " + t.join(java.time.Duration.ofSeconds(10)) + " on " + seen[0]);
        System.out.println("done");
    }
}
