package dev.weft.channels;

import static dev.weft.test.support.TestKitResults.failure;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import dev.weft.scheduler.GoScheduler;
import dev.weft.scheduler.Goroutine;
import dev.weft.scheduler.GoroutineLeakError;
import dev.weft.scheduler.Goroutines;
import dev.weft.test.GoroutineLeakCheck;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;

/**
 * The leak check on goroutines blocked in channels: what "Avoiding Goroutine Leaks" warns of, a
 * receiver nobody will ever send to. Uses the plain API ({@link Goroutines}); the JUnit extension
 * itself is tested in weft-test and used on WaitGroupTest, ErrGroupTest, ChanRulesTest and
 * ChanInterruptTest; here, through JUnit's {@link EngineTestKit}, on the leak shapes only
 * channels make: top functions behind weft's frames, and the JDK-default-scheduler threads that
 * weft's own APIs start from a test's platform thread.
 */
@Timeout(30)
class ChannelLeakCheckTest {

    private static void awaitWaiting(Thread t) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (t.getState() != Thread.State.WAITING) {
            if (System.nanoTime() > deadline) {
                fail(t + " never blocked");
            }
            Thread.sleep(1); // polling a condition, not waiting a guessed time
        }
    }

    @Test
    void aReceiverBlockedForeverIsReportedAsParkedInAWeftChannel() throws Exception {
        Goroutines.Option before = Goroutines.Option.ignoreCurrent();
        Chan<String> results = Chan.unbuffered();
        try (GoScheduler s = GoScheduler.create(2);
                AutoCloseable _ = () -> closeIfOpen(results)) { // a failed assertion must not hang in close()
            AtomicBoolean endedByClose = new AtomicBoolean();
            Thread receiver = s.virtualThreadBuilder()
                    .name("forgotten-receiver")
                    .start(() -> {
                        try {
                            results.receive();
                        } catch (ChannelClosedException e) {
                            endedByClose.set(true); // Go's receive on a closed channel: the receiver ends
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    });
            awaitWaiting(receiver);
            GoroutineLeakError e =
                    assertThrows(GoroutineLeakError.class, () -> Goroutines.verifyNone(Duration.ofMillis(20), before));
            assertEquals(1, e.leaked().size(), e.getMessage());
            Goroutine g = e.leaked().getFirst();
            assertEquals("forgotten-receiver", g.name());
            assertEquals(s.name(), g.scheduler());
            // the wait reason, not the blocker's identity (builder review P7: "... on
            // dev.weft.channels.Waiter@3fb4f649")
            assertEquals("parked in a weft operation [chan receive]", g.waitsOn());
            assertTrue(
                    g.stack().stream()
                            .anyMatch(f -> f.getClassName().equals(Chan.class.getName())
                                    && f.getMethodName().equals("receive")),
                    e.getMessage());
            // the user's function, behind weft's Chan.receive and Waiter.await (Go hides its runtime frames)
            assertTrue(g.topFunction().startsWith(ChannelLeakCheckTest.class.getName() + ".lambda$"), g.topFunction());

            // Go's fix: close the channel; the receiver ends, and the check passes
            results.close();
            receiver.join();
            assertTrue(endedByClose.get(), "the receiver ends because the channel is closed");
            Goroutines.verifyNone(Duration.ofSeconds(10), before);
        }
    }

    @Test
    void aSelectWaitingOnChannelsNoOneUsesIsReportedToo() throws Exception {
        Goroutines.Option before = Goroutines.Option.ignoreCurrent();
        Chan<Integer> a = Chan.unbuffered();
        Chan<Integer> b = Chan.buffered(1);
        try (GoScheduler s = GoScheduler.create(1);
                AutoCloseable _ = () -> closeIfOpen(a)) {
            Thread t = s.go(() -> {
                try {
                    Select.select(a.onReceive(x -> x), b.onReceive(x -> x));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            awaitWaiting(t);
            List<Goroutine> found = Goroutines.find(before);
            assertEquals(List.of(t), found.stream().map(Goroutine::thread).toList());
            assertTrue(
                    found.getFirst().waitsOn().startsWith("parked in a weft operation"),
                    found.getFirst().waitsOn());
            b.send(1);
            t.join();
            Goroutines.verifyNone(Duration.ofSeconds(10), before);
        }
    }

    /** Releases a goroutine a failed assertion left blocked, so the scheduler's close() can end. */
    private static void closeIfOpen(Chan<?> ch) {
        if (!ch.isClosed()) {
            ch.close();
        }
    }

    // ---- the extension on channel leaks: fixture classes run only through EngineTestKit

    /** What the fixtures' goroutines block on; closed by {@link #releaseAll()}. */
    static volatile Chan<String> never;
    /**
     * A permit per goroutine that reached {@link Leaky#loopForever}; each {@link Leaky#awaitBlocked}
     * takes one (a latch would stay open across the fixtures' tests, which share this state).
     */
    static final java.util.concurrent.Semaphore STARTED_PERMITS = new java.util.concurrent.Semaphore(0);

    static volatile GoScheduler sched;
    /** A WaitGroup a fixture's goroutine waits on; done by {@link #releaseAll()}. */
    static volatile WaitGroup group;

    static final List<Thread> STARTED = new CopyOnWriteArrayList<>();
    private static volatile boolean underTestKit;

    static boolean underTestKit() {
        return underTestKit;
    }

    @BeforeEach
    void newFixtureState() {
        never = Chan.unbuffered();
        STARTED_PERMITS.drainPermits();
        sched = GoScheduler.create(1);
        STARTED.clear();
    }

    @AfterEach
    void releaseAll() throws InterruptedException {
        never.close();
        if (group != null) {
            group.done();
            group = null;
        }
        for (Thread t : STARTED) {
            assertTrue(t.join(Duration.ofSeconds(10)), t + " did not end");
        }
        sched.close();
    }

    /** User code that leaks: a loop receiving from a channel nobody sends to. */
    static final class Leaky {
        private Leaky() {}

        static void loopForever() {
            STARTED.add(Thread.currentThread());
            STARTED_PERMITS.release();
            try {
                for (; ; ) {
                    never.receive();
                }
            } catch (ChannelClosedException | InterruptedException e) {
                // released
            }
        }

        static void waitForever(WaitGroup wg) {
            STARTED.add(Thread.currentThread());
            try {
                wg.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        /** Waits until the leaked goroutine has started and is blocked (parked) in its receive. */
        static void awaitBlocked() {
            try {
                assertTrue(STARTED_PERMITS.tryAcquire(10, TimeUnit.SECONDS), "the goroutine never started");
                awaitWaiting(STARTED.getLast());
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        }
    }

    static final String LOOP = "dev.weft.channels.ChannelLeakCheckTest$Leaky.loopForever";

    @EnabledIf("dev.weft.channels.ChannelLeakCheckTest#underTestKit")
    @ExtendWith(GoroutineLeakCheck.class)
    static class TopFunctions {
        @Test
        @GoroutineLeakCheck.Options(grace = "0", ignoreTopFunction = LOOP)
        void userFunctionIgnored() {
            sched.go(Leaky::loopForever);
            Leaky.awaitBlocked();
        }

        @Test
        @GoroutineLeakCheck.Options(grace = "0", ignoreTopFunction = "dev.weft.channels.Chan.receive")
        void weftFrameAboveItIgnored() {
            sched.go(Leaky::loopForever);
            Leaky.awaitBlocked();
        }

        @Test
        @GoroutineLeakCheck.Options(
                grace = "0",
                ignoreTopFunction = "dev.weft.channels.ChannelLeakCheckTest$Leaky.waitForever")
        void waitGroupIgnored() throws InterruptedException {
            WaitGroup wg = new WaitGroup();
            wg.add(1);
            group = wg;
            awaitWaiting(sched.go(() -> Leaky.waitForever(wg)));
        }

        @Test
        @GoroutineLeakCheck.Options(grace = "0")
        void reportedWithTheUserFunctionOnTop() {
            sched.go(Leaky::loopForever);
            Leaky.awaitBlocked();
        }
    }

    @EnabledIf("dev.weft.channels.ChannelLeakCheckTest#underTestKit")
    @ExtendWith(GoroutineLeakCheck.class)
    @GoroutineLeakCheck.Options(grace = "0")
    static class WeftApisFromThePlatformTestThread {
        @Test
        void errGroupGo() {
            new ErrGroup().go(() -> {
                Leaky.loopForever();
                return null;
            });
            Leaky.awaitBlocked();
        }

        @Test
        void contextAfterFunc() {
            CancelContext c = Context.withCancel(Context.background());
            Context.afterFunc(c, Leaky::loopForever);
            c.cancel();
            Leaky.awaitBlocked();
        }

        @Test
        void timersAfterFunc() {
            Timers.afterFunc(Duration.ZERO, Leaky::loopForever);
            Leaky.awaitBlocked();
        }

        @Test
        @GoroutineLeakCheck.Options(grace = "0", includeJdkDefaultScheduler = false)
        void errGroupGoExcluded() {
            errGroupGo();
        }
    }

    private static EngineExecutionResults runFixture(Class<?> c) {
        underTestKit = true;
        try {
            return EngineTestKit.engine("junit-jupiter")
                    .selectors(selectClass(c))
                    .execute();
        } finally {
            underTestKit = false;
        }
    }

    private static List<String> failedNames(EngineExecutionResults r) {
        return r.testEvents().failed().stream()
                .map(e -> e.getTestDescriptor().getDisplayName())
                .sorted()
                .toList();
    }

    @Test
    void ignoreTopFunctionMatchesTheUserFunctionBehindWeftsFramesAndTheFailureNamesIt() {
        EngineExecutionResults r = runFixture(TopFunctions.class);
        assertEquals(
                List.of("reportedWithTheUserFunctionOnTop()"),
                failedNames(r),
                r.testEvents().failed().list().toString());
        GoroutineLeakError e =
                assertInstanceOf(GoroutineLeakError.class, failure(r, "reportedWithTheUserFunctionOnTop"));
        assertEquals(LOOP, e.leaked().getFirst().topFunction(), e.getMessage());
        assertTrue(e.getMessage().contains("with " + LOOP + " on top of the stack"), e.getMessage());
    }

    @Test
    void goroutinesStartedByWeftApisFromThePlatformTestThreadAreLeaksUnlessExcluded() {
        assertTrue(
                !Thread.currentThread().isVirtual(), "the shape under test: weft's APIs called from a platform thread");
        EngineExecutionResults r = runFixture(WeftApisFromThePlatformTestThread.class);
        assertEquals(
                List.of("contextAfterFunc()", "errGroupGo()", "timersAfterFunc()"),
                failedNames(r),
                r.testEvents().failed().list().toString());
        for (String m : List.of("contextAfterFunc", "errGroupGo", "timersAfterFunc")) {
            GoroutineLeakError e = assertInstanceOf(GoroutineLeakError.class, failure(r, m));
            assertEquals(1, e.leaked().size(), e.getMessage());
            assertEquals(Goroutines.JDK_DEFAULT_SCHEDULER, e.leaked().getFirst().scheduler(), m);
            assertEquals(LOOP, e.leaked().getFirst().topFunction(), m + ": " + e.getMessage());
        }
    }
}
