package dev.weft.scheduler;

import java.util.concurrent.CountDownLatch;

/**
 * Run by {@link DeadlockWatchTest}: a service whose one goroutine waits, without a deadline, for
 * a shutdown hook to release it (a SIGTERM), while main joins it without a timeout: Go's
 * {@code signal.Notify(c, SIGTERM); <-c}. Nothing in the JVM can wake the goroutine but the hook,
 * so before the hook counted as a waker sysmon reported "all goroutines are asleep" about a
 * second in. Prints {@code serving}, then {@code done} once the hook released it.
 */
public final class ShutdownHookServiceMain {
    private ShutdownHookServiceMain() {}

    public static void main(String[] args) throws Exception {
        CountDownLatch stop = new CountDownLatch(1);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            stop.countDown();
            try {
                stopped.await(); // the service ends its work before the JVM goes
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            System.out.println("done");
            System.out.flush();
        }));
        GoScheduler s = GoScheduler.create(1);
        Thread service = s.go(() -> {
            try {
                stop.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            stopped.countDown();
        });
        System.out.println("serving");
        System.out.flush();
        service.join();
    }
}
