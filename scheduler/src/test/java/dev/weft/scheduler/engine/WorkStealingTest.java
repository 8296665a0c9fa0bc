package dev.weft.scheduler.engine;

import static dev.weft.test.support.Await.awaitTrue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.scheduler.GoScheduler;
import dev.weft.scheduler.SchedulerStats;
import dev.weft.scheduler.TestAccess;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.Test;

/**
 * Work distribution: every task runs exactly once across Ps, through stealing, global-queue
 * overflow, runnext and live resizes; and the engine's {@link CarrierScheduler#execute} directly.
 */
class WorkStealingTest {

    private static final long TIMEOUT_S = 30;

    /** Counts each task id's runs; reports the ids that ran other than once. */
    static final class RunOnce {
        final AtomicIntegerArray runs;
        final LongAdder sum = new LongAdder();
        final LongAdder count = new LongAdder();

        RunOnce(int n) {
            runs = new AtomicIntegerArray(n);
        }

        void ran(int id) {
            runs.incrementAndGet(id);
            sum.add(id);
            count.increment();
        }

        void assertEachRanOnce() {
            int n = runs.length();
            List<String> bad = new ArrayList<>();
            for (int i = 0; i < n && bad.size() < 10; i++) {
                if (runs.get(i) != 1) {
                    bad.add("#" + i + " ran " + runs.get(i) + "x");
                }
            }
            assertEquals(List.of(), bad, "tasks that did not run exactly once");
            assertEquals(n, count.sum());
            assertEquals((long) n * (n - 1) / 2, sum.sum(), "checksum");
        }
    }

    @Test
    void aMillionGoroutinesRunExactlyOnceWhileGomaxprocsIsResized() throws Exception {
        int spawners = 1000;
        int perSpawner = 1000;
        int n = spawners * perSpawner;
        RunOnce once = new RunOnce(n);
        CountDownLatch done = new CountDownLatch(1);
        AtomicInteger left = new AtomicInteger(n);
        try (GoScheduler s = GoScheduler.create(4)) {
            AtomicBoolean stop = new AtomicBoolean();
            AtomicInteger resizes = new AtomicInteger();
            AtomicReference<Throwable> resizerFailure = new AtomicReference<>();
            int[] sizes = {1, 4, 2, 3, 1, 2, 4, 1, 3, 2};
            int step = n / 200; // resize on progress, not on time: ~200 resizes over the run
            Semaphore progress = new Semaphore(0);
            Thread resizer = Thread.ofPlatform().name("resizer").daemon().start(() -> {
                try {
                    int i = 0;
                    while (!stop.get()) {
                        if (progress.tryAcquire(100, TimeUnit.MILLISECONDS)) {
                            s.gomaxprocs(sizes[i++ % sizes.length]);
                            resizes.incrementAndGet();
                        }
                    }
                } catch (Throwable e) {
                    resizerFailure.set(e);
                }
            });
            Runnable finish = () -> {
                int l = left.decrementAndGet();
                if (l == 0) {
                    done.countDown();
                } else if (l % step == 0) {
                    progress.release();
                }
            };
            // nested go(): each spawner's children land on its own P (runnext, ring, overflow to the
            // global queue), so the other Ps have to steal
            List<Thread> spawnerThreads = new ArrayList<>();
            boolean finished;
            try {
                for (int sp = 0; sp < spawners; sp++) {
                    int base = sp * perSpawner;
                    spawnerThreads.add(s.go(() -> {
                        for (int k = 0; k < perSpawner; k++) {
                            int id = base + k;
                            s.go(() -> {
                                once.ran(id);
                                finish.run();
                            });
                        }
                    }));
                }
                finished = done.await(TIMEOUT_S, TimeUnit.SECONDS);
                if (finished) { // let the resizer catch up with the progress signals
                    awaitTrue(() -> progress.availablePermits() == 0 || resizerFailure.get() != null, "resizer");
                }
            } finally {
                stop.set(true);
                resizer.join();
            }
            assertNull(resizerFailure.get());
            assertTrue(finished, () -> "tasks left: " + left.get() + ", " + s.stats());
            once.assertEachRanOnce();
            assertEquals(n / step - 1, resizes.get(), "resizes while the tasks ran");

            for (Thread t : spawnerThreads) {
                assertTrue(t.join(Duration.ofSeconds(TIMEOUT_S)));
            }
            awaitTrue(() -> s.numGoroutine() == 0, "numGoroutine back to 0: " + s.stats());
            assertEquals(0, s.stats().queuedTasks(), s.stats().toString());

            // the Ps above mostly fed on the global queue (spawners and ring overflow), so stealing was
            // optional there; now make it the only way: at gomaxprocs=2, a parent queues children on its
            // own P (fewer than a ring, so none overflows to the global queue) and keeps that P busy
            // until they all ran: only the other P can run them, by stealing
            s.gomaxprocs(2);
            long stealsBefore = s.stats().steals();
            int children = 200;
            CountDownLatch childrenRan = new CountDownLatch(children);
            AtomicBoolean parentSawAll = new AtomicBoolean();
            Thread parent = s.go(() -> {
                for (int i = 0; i < children; i++) {
                    s.go(childrenRan::countDown);
                }
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_S);
                while (childrenRan.getCount() > 0 && System.nanoTime() < deadline) {
                    Thread.onSpinWait(); // never parks: this P never runs its own queue
                }
                parentSawAll.set(childrenRan.getCount() == 0);
            });
            assertTrue(parent.join(Duration.ofSeconds(2 * TIMEOUT_S)));
            assertTrue(
                    parentSawAll.get(), () -> "children not stolen: " + childrenRan.getCount() + " left, " + s.stats());
            SchedulerStats st = s.stats();
            assertTrue(st.steals() > stealsBefore, "no steal: " + st);
        }
    }

    @Test
    void manyTasksThroughTheExecutorRunOnceAcrossPs() throws Exception {
        int n = 200_000;
        RunOnce once = new RunOnce(n);
        try (GoScheduler s = GoScheduler.create(3)) {
            try (var ex = s.newVirtualThreadPerTaskExecutor()) {
                for (int i = 0; i < n; i++) {
                    int id = i;
                    ex.execute(() -> once.ran(id));
                }
            }
            once.assertEachRanOnce();
        }
    }

    @Test
    void noTaskIsLostWhenShrinkingToOneWhileEveryPHasQueuedWork() throws Exception {
        int procs = 4;
        int before = 100;
        int after = 100;
        int n = procs * (before + after);
        RunOnce once = new RunOnce(n);
        CountDownLatch allRan = new CountDownLatch(n);
        try (GoScheduler s = GoScheduler.create(procs)) {
            AtomicInteger arrived = new AtomicInteger();
            CountDownLatch queued = new CountDownLatch(procs);
            AtomicBoolean resized = new AtomicBoolean();
            List<String> carriers = new CopyOnWriteArrayList<>();
            List<Thread> hogs = new ArrayList<>();
            for (int b = 0; b < procs; b++) {
                int base = b * (before + after);
                hogs.add(s.go(() -> {
                    // wait for the others by spinning, not parking: each hog keeps its P, so when all
                    // have arrived, every P is held by one of them
                    arrived.incrementAndGet();
                    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_S);
                    while (arrived.get() < procs) {
                        Thread.onSpinWait();
                        if (System.nanoTime() > deadline) {
                            throw new AssertionError("the hogs never all held a P");
                        }
                    }
                    String me = Thread.currentThread().toString();
                    carriers.add(me.substring(me.lastIndexOf('@') + 1));
                    for (int k = 0; k < before; k++) {
                        int id = base + k;
                        s.go(() -> {
                            once.ran(id);
                            allRan.countDown();
                        });
                    }
                    queued.countDown();
                    while (!resized.get()) { // keep the P until gomaxprocs shrank under us
                        Thread.onSpinWait();
                    }
                    for (int k = before; k < before + after; k++) { // more work on a removed P
                        int id = base + k;
                        s.go(() -> {
                            once.ran(id);
                            allRan.countDown();
                        });
                    }
                }));
            }
            try {
                assertTrue(queued.await(TIMEOUT_S, TimeUnit.SECONDS), s::toString);
                assertEquals(procs, carriers.stream().distinct().count(), "one hog per carrier: " + carriers);
                int[] local = s.stats().localQueues();
                for (int q : local) {
                    assertTrue(q >= 1, "every P has queued work: " + s.stats());
                }
                assertEquals(procs, s.gomaxprocs(1));
            } finally {
                resized.set(true); // never leave spinning hogs behind
            }
            assertTrue(
                    allRan.await(TIMEOUT_S, TimeUnit.SECONDS),
                    () -> "lost tasks: " + allRan.getCount() + " " + s.stats());
            once.assertEachRanOnce();
            for (Thread h : hogs) {
                assertTrue(h.join(Duration.ofSeconds(TIMEOUT_S)));
            }
            awaitTrue(() -> s.numGoroutine() == 0, "numGoroutine 0: " + s.stats());
            assertEquals(1, s.gomaxprocs());
            assertEquals(1, s.stats().localQueues().length);
            assertEquals(0, s.stats().queuedTasks());
        }
    }

    /**
     * Processor's invariant: a P is IDLE exactly while it is on the idle list, DEAD while its id is
     * at or above gomaxprocs. So once every carrier is parked, the idle Ps are exactly the live
     * ones: {@code idleProcs == gomaxprocs}. Shrinking while carriers go idle (between their
     * "was my P removed?" check and giving the P back) must not put a removed P on the idle list,
     * where it inflates {@code npidle} and a later wake-up hands it to a carrier that only retires
     * it.
     */
    @Test
    void aPRemovedByAShrinkNeverGoesBackOnTheIdleList() throws Exception {
        try (GoScheduler s = GoScheduler.create(8)) {
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            for (int round = 0; System.nanoTime() < end; round++) {
                CountDownLatch done = new CountDownLatch(32);
                for (int i = 0; i < 32; i++) {
                    s.go(() -> {
                        for (int k = 0; k < 5; k++) {
                            Thread.yield();
                        }
                        done.countDown();
                    });
                }
                for (int i = 0; done.getCount() > 0; i++) { // flip while carriers run, steal and go idle
                    s.gomaxprocs(i % 2 == 0 ? 8 : 1);
                }
                s.gomaxprocs(1);
                // quiescent: no goroutine, every carrier parked on the idle list, so no carrier holds a P
                awaitTrue(
                        () -> {
                            SchedulerStats st = s.stats();
                            return st.liveGoroutines() == 0 && st.spinning() == 0 && st.idleCarriers() == st.carriers();
                        },
                        "carriers park: " + s.stats());
                SchedulerStats st = s.stats();
                assertEquals(
                        st.gomaxprocs(),
                        st.idleProcs(),
                        "round " + round + ": idle Ps other than the live ones (a removed P was put back): " + st);
            }
        }
    }

    // ---- engine level: CarrierScheduler.execute ------------------------------------------------

    @Test
    void executeFromFourPlatformThreadsAtOnceRunsEachTaskOnce() throws Exception {
        int threads = 4;
        int each = 25_000;
        int n = threads * each;
        RunOnce once = new RunOnce(n);
        CountDownLatch allRan = new CountDownLatch(n);
        try (GoScheduler s = GoScheduler.create(2)) {
            CarrierScheduler engine = (CarrierScheduler) TestAccess.engine(s);
            CyclicBarrier go = new CyclicBarrier(threads);
            List<Thread> submitters = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int base = t * each;
                submitters.add(Thread.ofPlatform().start(() -> {
                    try {
                        go.await();
                    } catch (Exception e) {
                        throw new AssertionError(e);
                    }
                    for (int k = 0; k < each; k++) {
                        int id = base + k;
                        engine.execute(() -> {
                            once.ran(id);
                            allRan.countDown();
                        });
                    }
                }));
            }
            for (Thread t : submitters) {
                t.join();
            }
            assertTrue(allRan.await(TIMEOUT_S, TimeUnit.SECONDS), () -> "not run: " + allRan.getCount());
            once.assertEachRanOnce();
            awaitTrue(() -> s.numGoroutine() == 0, "plain tasks are counted out: " + s.stats());
            assertThrows(NullPointerException.class, () -> engine.execute(null));
        }
    }

    @Test
    void aTaskOnACarrierPutsWhatItSubmitsInRunnextKickingTheOldRunnextToTheTail() throws Exception {
        try (GoScheduler s = GoScheduler.create(1)) {
            CarrierScheduler engine = (CarrierScheduler) TestAccess.engine(s);
            List<String> order = new CopyOnWriteArrayList<>();
            CountDownLatch done = new CountDownLatch(4);
            engine.execute(() -> {
                order.add("T");
                engine.execute(() -> {
                    order.add("B");
                    done.countDown();
                }); // runnext
                engine.execute(() -> {
                    order.add("C");
                    done.countDown();
                }); // runnext; B to the tail
                engine.execute(() -> {
                    order.add("D");
                    done.countDown();
                }); // runnext; C to the tail
                order.add("T-end");
                done.countDown();
            });
            assertTrue(done.await(TIMEOUT_S, TimeUnit.SECONDS));
            // runnext first (the last submitted), then the ring in FIFO order
            assertEquals(List.of("T", "T-end", "D", "B", "C"), order);
        }
    }

    @Test
    void aTaskResubmittingItselfGoesBehindWhatItSubmitted() throws Exception {
        try (GoScheduler s = GoScheduler.create(1)) {
            CarrierScheduler engine = (CarrierScheduler) TestAccess.engine(s);
            List<String> order = new CopyOnWriteArrayList<>();
            CountDownLatch done = new CountDownLatch(1);
            Runnable[] self = new Runnable[1];
            AtomicInteger runs = new AtomicInteger();
            self[0] = () -> {
                int r = runs.incrementAndGet();
                order.add("T" + r);
                if (r == 1) {
                    engine.execute(() -> order.add("U")); // runnext
                    engine.execute(self[0]); // itself: a yield, behind U
                } else {
                    done.countDown();
                }
            };
            engine.execute(self[0]);
            assertTrue(done.await(TIMEOUT_S, TimeUnit.SECONDS));
            assertEquals(List.of("T1", "U", "T2"), order);
        }
    }

    @Test
    void aFullLocalRingOverflowsHalfToTheGlobalQueueAndNothingIsLost() throws Exception {
        int n = 1000;
        RunOnce once = new RunOnce(n);
        CountDownLatch allRan = new CountDownLatch(n);
        try (GoScheduler s = GoScheduler.create(1)) {
            CarrierScheduler engine = (CarrierScheduler) TestAccess.engine(s);
            AtomicReference<SchedulerStats> seen = new AtomicReference<>();
            engine.execute(() -> {
                for (int i = 0; i < n; i++) {
                    int id = i;
                    engine.execute(() -> {
                        once.ran(id);
                        allRan.countDown();
                    });
                }
                seen.set(s.stats());
            });
            assertTrue(allRan.await(TIMEOUT_S, TimeUnit.SECONDS));
            once.assertEachRanOnce();
            SchedulerStats st = seen.get();
            int local = st.localQueues()[0];
            assertTrue(local >= 1 && local <= LocalRunQueue.CAPACITY + 1, st.toString());
            assertEquals(n, st.globalQueue() + local, "queued while the submitter ran: " + st);
            assertTrue(st.globalQueue() >= n - LocalRunQueue.CAPACITY - 1, st.toString());
        }
    }

    @Test
    void plainTasksFromACarrierRunOnThatCarrier() throws Exception {
        try (GoScheduler s = GoScheduler.create(1)) {
            CarrierScheduler engine = (CarrierScheduler) TestAccess.engine(s);
            AtomicReference<Thread> outer = new AtomicReference<>();
            AtomicReference<Thread> inner = new AtomicReference<>();
            CountDownLatch done = new CountDownLatch(1);
            engine.execute(() -> {
                outer.set(Thread.currentThread());
                engine.execute(() -> {
                    inner.set(Thread.currentThread());
                    done.countDown();
                });
            });
            assertTrue(done.await(TIMEOUT_S, TimeUnit.SECONDS));
            assertInstanceOf(Carrier.class, outer.get());
            assertEquals(outer.get(), inner.get());
        }
    }
}
