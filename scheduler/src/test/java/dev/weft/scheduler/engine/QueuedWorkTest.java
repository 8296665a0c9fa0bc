package dev.weft.scheduler.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.scheduler.GoScheduler;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * {@link QueuedWork#onCurrentCarrier()}: what weft's agent makes
 * {@code ForkJoinWorkerThread.hasKnownQueuedWork()} answer, so that the JDK's hand-off queues
 * park at once when the partner they woke waits on the same P.
 */
class QueuedWorkTest {
    @Test
    void falseOnAPlatformThread() {
        assertFalse(QueuedWork.onCurrentCarrier());
    }

    @Test
    void falseOnAVirtualThreadOfTheJdkScheduler() throws InterruptedException {
        AtomicReference<Boolean> seen = new AtomicReference<>();
        Thread t = Thread.ofVirtual().start(() -> seen.set(QueuedWork.onCurrentCarrier()));
        assertTrue(t.join(Duration.ofSeconds(10)));
        assertEquals(Boolean.FALSE, seen.get());
    }

    /**
     * With one P, a thread that starts another has it in its runnext: queued work, until it
     * parks and the other runs (alone: nothing queued then).
     */
    @Test
    void trueWhileAThreadWokenOnTheSamePWaitsAndFalseWhenNothingWaits() throws InterruptedException {
        try (GoScheduler s = GoScheduler.create(1)) {
            AtomicReference<Boolean> beforeStart = new AtomicReference<>();
            AtomicReference<Boolean> withRunnext = new AtomicReference<>();
            AtomicReference<Boolean> inTheWokenThread = new AtomicReference<>();
            CountDownLatch done = new CountDownLatch(1);
            s.virtualThreadBuilder().start(() -> {
                beforeStart.set(QueuedWork.onCurrentCarrier());
                Thread woken =
                        s.virtualThreadBuilder().start(() -> inTheWokenThread.set(QueuedWork.onCurrentCarrier()));
                withRunnext.set(QueuedWork.onCurrentCarrier());
                try {
                    woken.join();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                done.countDown();
            });
            assertTrue(done.await(10, TimeUnit.SECONDS));
            assertEquals(Boolean.FALSE, beforeStart.get(), "nothing queued yet");
            assertEquals(Boolean.TRUE, withRunnext.get(), "the started thread waits in runnext");
            assertEquals(Boolean.FALSE, inTheWokenThread.get(), "the starter is parked in join: nothing queued");
        }
    }

    /** A platform thread's task queued on the global run queue is work the carrier runs next. */
    @Test
    void trueWhileTheGlobalRunQueueHoldsATask() throws InterruptedException {
        try (GoScheduler s = GoScheduler.create(1)) {
            CountDownLatch running = new CountDownLatch(1);
            AtomicBoolean queued = new AtomicBoolean();
            AtomicReference<Boolean> seen = new AtomicReference<>();
            CountDownLatch done = new CountDownLatch(1);
            s.virtualThreadBuilder().start(() -> {
                running.countDown();
                while (!queued.get()) {
                    Thread.onSpinWait(); // keeps the one P: the task stays queued
                }
                seen.set(QueuedWork.onCurrentCarrier());
                done.countDown();
            });
            assertTrue(running.await(10, TimeUnit.SECONDS));
            Thread other = s.virtualThreadBuilder().unstarted(() -> {});
            other.start(); // from this platform thread: the global run queue
            queued.set(true);
            assertTrue(done.await(10, TimeUnit.SECONDS));
            assertTrue(other.join(Duration.ofSeconds(10)));
            assertEquals(Boolean.TRUE, seen.get());
        }
    }
}
