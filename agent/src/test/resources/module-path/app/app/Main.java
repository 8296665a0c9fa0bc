package app;

import dev.weft.scheduler.GoScheduler;

/** AgentModulePathIT's program: a plain virtual thread, and weft's API, from a named module. */
public final class Main {
    public static void main(String[] args) throws Exception {
        System.out.println("weft is in " + GoScheduler.class.getModule());
        String[] seen = new String[1];
        Thread t = Thread.ofVirtual()
                .start(() -> seen[0] = Thread.currentThread() + " scheduler "
                        + GoScheduler.current().map(GoScheduler::name).orElse("none"));
        t.join();
        System.out.println("ofVirtual " + seen[0]);
        try (GoScheduler s = GoScheduler.create(2)) {
            Thread g = s.go(
                    () -> seen[0] = GoScheduler.current().map(GoScheduler::name).orElse("none"));
            g.join();
            System.out.println("go on " + seen[0]);
        }
        System.out.println("done");
    }
}
