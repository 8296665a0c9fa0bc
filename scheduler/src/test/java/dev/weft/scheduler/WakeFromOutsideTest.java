package dev.weft.scheduler;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Wake-ups from outside the scheduler are never lost (the no-lost-wake-up invariant of
 * {@link CarrierScheduler}). A platform thread unparks a virtual thread each time it parks: the
 * task lands on the global queue, lock-free, while the only carrier may be giving its P back.
 * Before the fix a carrier that was not spinning gave its P back and parked without looking at
 * the global queue again, so a put that read {@code npidle == 0} just before was stranded: a
 * {@code GoScheduler.create(1)} hung within a few hundred thousand wake-ups (issue 11 part 2's
 * own scenario, found while measuring timer memory).
 */
@Timeout(300)
class WakeFromOutsideTest {
    private static final int PARKS = 300_000;

    @ParameterizedTest(name = "gomaxprocs={0}")
    @ValueSource(ints = {1, 2})
    void everyUnparkFromAPlatformThreadIsServed(int procs) throws Exception {
        for (boolean timed : new boolean[] {true, false}) {
            try (GoScheduler s = GoScheduler.create(procs)) {
                AtomicLong parks = new AtomicLong();
                Thread parker = s.go(() -> {
                    for (int i = 0; i < PARKS; i++) {
                        if (timed) {
                            LockSupport.parkNanos(TimeUnit.HOURS.toNanos(1));
                        } else {
                            LockSupport.park();
                        }
                        parks.incrementAndGet();
                    }
                });
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
                long lastProgress = System.nanoTime();
                long lastParks = 0;
                while (parker.isAlive()) {
                    Thread.State state = parker.getState();
                    if (state == Thread.State.WAITING || state == Thread.State.TIMED_WAITING) {
                        LockSupport.unpark(parker);
                    }
                    long now = System.nanoTime();
                    long p = parks.get();
                    if (p != lastParks) {
                        lastParks = p;
                        lastProgress = now;
                    } else if (now - lastProgress > TimeUnit.SECONDS.toNanos(10)) {
                        throw new AssertionError(
                                "no progress for 10 s after " + p + " parks (timed=" + timed + "): a wake-up was lost; "
                                        + parker + " state " + parker.getState() + ", " + s.stats());
                    }
                    assertTrue(now < deadline, "still running after 120 s: " + p + " parks");
                    Thread.onSpinWait();
                }
                assertTrue(parker.join(Duration.ofSeconds(10)));
            }
        }
    }
}
