package dev.weft.agent;

/**
 * Plain JDK code, no SLF4J: runs a virtual thread (which starts the scheduler), then keeps the JVM
 * up for {@code args[0]} ms, so that a periodic log line of the scheduler
 * ({@code -Dgomaxprocs.schedtrace}) has time to appear; prints {@code done}.
 */
public final class VirtualThreadsForAWhile {
    private VirtualThreadsForAWhile() {}

    public static void main(String[] args) throws Exception {
        Thread.ofVirtual()
                .start(() -> System.out.println("ran on " + Thread.currentThread()))
                .join();
        Thread.sleep(Long.parseLong(args[0]));
        System.out.println("done");
    }
}
