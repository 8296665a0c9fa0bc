package dev.weft.agent;

import java.util.concurrent.CountDownLatch;

/**
 * Plain JDK code: {@code System.exit(3)} from a virtual thread while main waits forever; the JVM
 * must exit with status 3 (main never prints {@code done}).
 */
public final class ExitFromVirtualThread {
    private ExitFromVirtualThread() {}

    public static void main(String[] args) throws Exception {
        Thread.ofVirtual().start(() -> {
            System.out.println("exiting from " + Thread.currentThread());
            System.exit(3);
        });
        new CountDownLatch(1).await();
        System.out.println("done");
    }
}
