package dev.weft.agent;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.locks.LockSupport;

/**
 * Plain JDK code: {@code args[0]} virtual threads park forever; once all of them are parked
 * (started and about to park), main prints {@code done} and returns: virtual threads are daemon
 * threads, so the JVM must exit with status 0.
 */
public final class ExitWithParkedVirtualThreads {
    private ExitWithParkedVirtualThreads() {}

    public static void main(String[] args) throws Exception {
        int n = Integer.parseInt(args[0]);
        CountDownLatch started = new CountDownLatch(n);
        String[] carrier = new String[1];
        for (int i = 0; i < n; i++) {
            Thread.ofVirtual().start(() -> {
                carrier[0] = Thread.currentThread().toString();
                started.countDown();
                for (; ; ) {
                    LockSupport.park();
                }
            });
        }
        started.await();
        System.out.println("parked " + n + " e.g. " + carrier[0]);
        System.out.println("done");
    }
}
