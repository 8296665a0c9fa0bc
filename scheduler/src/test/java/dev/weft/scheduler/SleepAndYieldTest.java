package dev.weft.scheduler;

import static dev.weft.test.support.Await.awaitTrue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.Test;

/** Many virtual threads sleeping (timer wake-ups from outside) and yielding (self-resubmits). */
class SleepAndYieldTest {

    private static final long TIMEOUT_S = 60;

    @Test
    void aHundredThousandVirtualThreadsSleepingAtOnceAllWakeUp() throws Exception {
        int n = 100_000;
        try (GoScheduler s = GoScheduler.create(2)) {
            CountDownLatch allAsleep = new CountDownLatch(n);
            CountDownLatch allAwake = new CountDownLatch(n);
            LongAdder sleptEnough = new LongAdder();
            for (int i = 0; i < n; i++) {
                s.go(() -> {
                    long t0 = System.nanoTime();
                    allAsleep.countDown();
                    try {
                        Thread.sleep(50);
                    } catch (InterruptedException e) {
                        throw new AssertionError(e);
                    }
                    if (System.nanoTime() - t0 >= TimeUnit.MILLISECONDS.toNanos(50)) {
                        sleptEnough.increment();
                    }
                    allAwake.countDown();
                });
            }
            assertTrue(allAsleep.await(TIMEOUT_S, TimeUnit.SECONDS), "not all started");
            assertTrue(
                    allAwake.await(TIMEOUT_S, TimeUnit.SECONDS),
                    () -> allAwake.getCount() + " never woke up: " + s.stats());
            assertEquals(n, sleptEnough.sum(), "sleep returned early");
            awaitTrue(() -> s.numGoroutine() == 0, "numGoroutine back to 0: " + s.stats());
        }
    }

    @Test
    void aYieldStormOnTwoPsCompletesWithTheRightCount() throws Exception {
        int threads = 100;
        int yields = 1000;
        try (GoScheduler s = GoScheduler.create(2)) {
            LongAdder count = new LongAdder();
            List<Thread> ts = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                ts.add(s.go(() -> {
                    for (int k = 0; k < yields; k++) {
                        count.increment();
                        Thread.yield();
                    }
                }));
            }
            for (Thread t : ts) {
                assertTrue(t.join(Duration.ofSeconds(TIMEOUT_S)), () -> t + " stuck: " + s.stats());
            }
            assertEquals((long) threads * yields, count.sum());
            awaitTrue(() -> s.numGoroutine() == 0, "numGoroutine back to 0: " + s.stats());
        }
    }

    @Test
    void yieldOnASinglePLetsEveryOtherThreadProgress() throws Exception {
        // a thread that yields in a loop until the others are done must not starve them
        try (GoScheduler s = GoScheduler.create(1)) {
            int others = 50;
            CountDownLatch othersDone = new CountDownLatch(others);
            Thread spinner = s.go(() -> {
                while (othersDone.getCount() > 0) {
                    Thread.yield();
                }
            });
            for (int i = 0; i < others; i++) {
                s.go(() -> {
                    for (int k = 0; k < 10; k++) {
                        Thread.yield();
                    }
                    othersDone.countDown();
                });
            }
            assertTrue(othersDone.await(TIMEOUT_S, TimeUnit.SECONDS), "starved by a yielding thread");
            assertTrue(spinner.join(Duration.ofSeconds(TIMEOUT_S)));
        }
    }

    /**
     * Goroutines that yield once and end, on more Ps than CPUs. After the yield, the thread sits in
     * its P's queue and another carrier may steal it and run it to its end while the first carrier
     * is still returning from the run that yielded. Each goroutine must be counted out exactly once:
     * {@code numGoroutine()} must come back to the number of goroutines still parked, and the
     * scheduler must terminate once those end.
     *
     * <p>Uses shutdown + awaitTermination rather than close(): when the count goes wrong, close()
     * never returns.
     */
    @Test
    void goroutinesThatYieldOnceAndEndAreCountedOutExactlyOnce() throws Exception {
        int parked = 16;
        GoScheduler s = GoScheduler.create(8);
        CountDownLatch release = new CountDownLatch(1);
        List<Thread> sentinels = new ArrayList<>();
        try {
            for (int i = 0; i < parked; i++) {
                sentinels.add(s.go(() -> {
                    try {
                        release.await();
                    } catch (InterruptedException e) {
                        throw new AssertionError(e);
                    }
                }));
            }
            for (int round = 0; round < 8; round++) {
                try (ExecutorService ex = s.newVirtualThreadPerTaskExecutor()) {
                    for (int i = 0; i < 100_000; i++) {
                        ex.execute(Thread::yield);
                    }
                } // every yielding thread has ended
                // no carrier holds a P: no run is in progress, the count is final
                awaitTrue(() -> s.stats().idleProcs() == s.gomaxprocs(), "carriers go idle: " + s.stats());
                assertEquals(
                        parked,
                        s.numGoroutine(),
                        "round " + round + ": live goroutines miscounted (only the parked sentinels are alive): "
                                + s.stats());
            }
        } finally {
            release.countDown();
            s.shutdown();
        }
        for (Thread t : sentinels) {
            assertTrue(t.join(Duration.ofSeconds(TIMEOUT_S)));
        }
        assertTrue(
                s.awaitTermination(Duration.ofSeconds(TIMEOUT_S)),
                () -> "never terminates after every goroutine ended (close() would hang): " + s);
    }
}
