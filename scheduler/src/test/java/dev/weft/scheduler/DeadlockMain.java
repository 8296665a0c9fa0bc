package dev.weft.scheduler;

import java.nio.ByteBuffer;
import java.nio.channels.Pipe;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * Run by {@link DeadlockWatchTest} in a child JVM, so that the only non-daemon thread is this
 * main thread, waiting for the scheduler to end. Prints {@code reports=N} and {@code done}.
 * What must happen later (a release, a late write) is done by a daemon thread, which the rule
 * does not count: the watcher releases a real deadlock once it was reported.
 *
 * <p>Arguments: the mode, and for {@code cycle} how long the watcher waits for a report before
 * it releases the threads anyway (default 20 s). Modes: {@code cycle} (two virtual threads wait on a latch and a join: a deadlock),
 * {@code sleep} (one sleeps 2.5 s, another waits for it: not one), {@code io} (one waits 2.5 s
 * for bytes on a pipe: not one).
 */
public final class DeadlockMain {
    private DeadlockMain() {
    }

    public static void main(String[] args) throws Exception {
        String mode = args[0];
        long giveUpMillis = args.length > 1 ? Long.parseLong(args[1]) : 20_000; // the watcher's
        GoScheduler s = GoScheduler.create(2);
        long start = System.nanoTime();
        switch (mode) {
            case "cycle" -> {
                CountDownLatch never = new CountDownLatch(1);
                Thread a = s.go(() -> awaitQuietly(never));
                s.go(() -> {
                    try {
                        a.join();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                });
                daemon(() -> s.stats().deadlockReports() > 0, giveUpMillis, never::countDown);
            }
            case "sleep" -> {
                CountDownLatch woke = new CountDownLatch(1);
                s.go(() -> {
                    try {
                        Thread.sleep(2500);
                    } catch (InterruptedException e) {
                        return;
                    }
                    woke.countDown();
                });
                s.go(() -> awaitQuietly(woke));
            }
            case "io" -> {
                Pipe pipe = Pipe.open();
                s.go(() -> {
                    try {
                        pipe.source().read(ByteBuffer.allocate(1)); // parks through the JDK's poller
                    } catch (java.io.IOException e) {
                        throw new RuntimeException(e);
                    }
                });
                daemon(() -> false, 2500, () -> {
                    try {
                        pipe.sink().write(ByteBuffer.wrap(new byte[] {1}));
                    } catch (java.io.IOException e) {
                        throw new RuntimeException(e);
                    }
                });
            }
            default -> throw new IllegalArgumentException(mode);
        }
        s.shutdown();
        boolean ended = s.awaitTermination(Duration.ofSeconds(40));
        System.out.println("ended=" + ended + " reports=" + s.stats().deadlockReports() + " after="
                + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start) + "ms");
        System.out.println("done");
    }

    /** A daemon thread that runs {@code action} once {@code when} holds (polled), or after {@code delayMillis}. */
    private static void daemon(BooleanSupplier when, long delayMillis, Runnable action) {
        Thread.ofPlatform().daemon(true).start(() -> {
            long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(delayMillis);
            while (!when.getAsBoolean() && System.nanoTime() - end < 0) {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
            }
            action.run();
        });
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
