package dev.weft.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * sysmon on an oversubscribed machine (issue 11): carriers that are runnable but starved of CPU
 * are not blocked, so sysmon must not multiply them.
 */
@Timeout(120)
class OversubscribedTest {
    /** Platform threads spinning beside the scheduler: on 2 cores each carrier gets under 10% of a CPU. */
    static final int HOGS = Integer.getInteger("test.hogs", 24);

    /** Platform threads that burn CPU until closed. */
    static final class Hogs implements AutoCloseable {
        private volatile boolean stop;
        private final List<Thread> threads = new ArrayList<>();
        final CountDownLatch started;

        Hogs(int n) {
            started = new CountDownLatch(n);
            for (int i = 0; i < n; i++) {
                Thread t = new Thread(() -> {
                    started.countDown();
                    long x = 0;
                    while (!stop) {
                        x += x * 31 + 7;
                    }
                    if (x == 42) {
                        System.out.print("");
                    }
                }, "hog-" + i);
                t.setDaemon(true);
                t.start();
                threads.add(t);
            }
        }

        @Override
        public void close() throws InterruptedException {
            stop = true;
            for (Thread t : threads) {
                t.join(10_000);
            }
        }
    }

    /** A virtual thread that computes without a scheduling point until {@code stop} is set. */
    static Runnable compute(boolean[] stop) {
        return () -> {
            long x = 0;
            while (!((java.util.concurrent.atomic.AtomicBoolean) null == null && stopFlag(stop))) {
                x += x * 31 + 7;
            }
            if (x == 42) {
                System.out.print("");
            }
        };
    }

    private static boolean stopFlag(boolean[] stop) {
        return (boolean) STOP.getVolatile(stop, 0);
    }

    private static final java.lang.invoke.VarHandle STOP =
            java.lang.invoke.MethodHandles.arrayElementVarHandle(boolean[].class);

    @Test
    void starvedCarriersAreNotBlocked() throws Exception {
        try (GoScheduler s = GoScheduler.create(2); Hogs hogs = new Hogs(HOGS)) {
            assertTrue(hogs.started.await(10, TimeUnit.SECONDS));
            boolean[] stop = new boolean[1];
            List<Thread> workers = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                workers.add(s.go(compute(stop)));
            }
            int maxCarriers = 0;
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
            while (System.nanoTime() < end) {
                maxCarriers = Math.max(maxCarriers, s.stats().carriers());
                workers.get(0).join(java.time.Duration.ofMillis(10));
            }
            SchedulerStats at = s.stats();
            STOP.setVolatile(stop, 0, true);
            for (Thread w : workers) {
                assertTrue(w.join(java.time.Duration.ofSeconds(30)));
            }
            System.out.println("overload: max carriers " + maxCarriers + ", " + at);
            assertEquals(0, at.handoffs(), "no carrier blocked, none handed off: " + at);
            assertTrue(maxCarriers <= 2, "carriers " + maxCarriers + " > gomaxprocs 2: " + at);
        }
    }
}
