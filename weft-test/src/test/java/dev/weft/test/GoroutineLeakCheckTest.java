package dev.weft.test;

import static dev.weft.test.support.Await.awaitTrue;
import static dev.weft.test.support.TestKitResults.failure;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectMethod;

import dev.weft.scheduler.GoScheduler;
import dev.weft.scheduler.Goroutine;
import dev.weft.scheduler.GoroutineLeakError;
import dev.weft.scheduler.Goroutines;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.platform.engine.DiscoverySelector;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;

/**
 * {@link GoroutineLeakCheck}, run on small test classes (the static nested ones below, which
 * Surefire does not run by itself) through JUnit's {@link EngineTestKit}.
 */
class GoroutineLeakCheckTest {
    /** What the nested classes' goroutines run on and wait for; reset by each test here. */
    static volatile GoScheduler sched;

    static volatile CountDownLatch release;
    static final List<Thread> STARTED = new CopyOnWriteArrayList<>();

    @BeforeEach
    void setUp() {
        sched = GoScheduler.create(2);
        release = new CountDownLatch(1);
        STARTED.clear();
    }

    @AfterEach
    void tearDown() throws InterruptedException {
        release.countDown();
        for (Thread t : STARTED) {
            assertTrue(t.join(Duration.ofSeconds(10)), t + " did not end");
        }
        sched.close();
        Goroutines.verifyNone(Duration.ofSeconds(10)); // and this class leaks nothing itself
    }

    // ---- what the nested test classes do

    static void waitForRelease() {
        try {
            release.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Starts a goroutine named {@code name} that waits for {@link #release}; returns once it waits. */
    static Thread leak(String name) {
        Thread t = sched.virtualThreadBuilder().name(name).start(GoroutineLeakCheckTest::waitForRelease);
        STARTED.add(t);
        awaitTrue(() -> t.getState() == Thread.State.WAITING, t + " never waited");
        return t;
    }

    /** Releases the goroutines once {@code checker} is backing off inside {@code Goroutines.verifyNone}. */
    static void releaseWhenVerifyNoneWaits(Thread checker) {
        Thread.ofPlatform().daemon().start(() -> {
            awaitTrue(
                    () -> checker.getState() == Thread.State.TIMED_WAITING
                            && List.of(checker.getStackTrace()).stream()
                                    .anyMatch(f -> f.getClassName().equals(Goroutines.class.getName())
                                            && f.getMethodName().equals("verifyNone")),
                    "verifyNone never backed off");
            release.countDown();
        });
    }

    // ---- the nested test classes: run only through EngineTestKit (Surefire skips them by name,
    //      but a -Dtest pattern may select them: then they are disabled, not failed)

    static final String FIXTURE = "dev.weft.test.GoroutineLeakCheckTest#underTestKit";
    private static volatile boolean underTestKit;

    static boolean underTestKit() {
        return underTestKit;
    }

    @EnabledIf(FIXTURE)
    @ExtendWith(GoroutineLeakCheck.class)
    @GoroutineLeakCheck.Options(grace = "50ms")
    static class Leaks {
        @Test
        void leaks() {
            leak("leaky-worker");
        }
    }

    @EnabledIf(FIXTURE)
    @ExtendWith(GoroutineLeakCheck.class)
    static class Clean {
        @Test
        void joinsWhatItStarts() throws InterruptedException {
            sched.go(() -> {}).join();
            Thread t = leak("joined");
            release.countDown();
            t.join();
        }
    }

    static final class IgnoreLeakyWorkers implements Predicate<Goroutine> {
        @Override
        public boolean test(Goroutine g) {
            return g.name().equals("leaky-worker");
        }
    }

    @EnabledIf(FIXTURE)
    @ExtendWith(GoroutineLeakCheck.class)
    @GoroutineLeakCheck.Options(grace = "0")
    static class Ignores {
        @Test
        @GoroutineLeakCheck.Options(
                grace = "0",
                ignoreTopFunction = "dev.weft.test.GoroutineLeakCheckTest.waitForRelease")
        void byTopFunction() {
            leak("leaky-worker");
        }

        @Test
        @GoroutineLeakCheck.Options(grace = "0", ignoreAnyFunction = "java.lang.VirtualThread.run")
        void byAnyFunction() {
            leak("leaky-worker");
        }

        @Test
        @GoroutineLeakCheck.Options(grace = "0", ignoreThreadNamePrefix = "leaky-")
        void byNamePrefix() {
            leak("leaky-worker");
        }

        @Test
        @GoroutineLeakCheck.Options(grace = "0", ignore = IgnoreLeakyWorkers.class)
        void byPredicate() {
            leak("leaky-worker");
        }

        @Test
        @GoroutineLeakCheck.Options(
                grace = "0",
                ignoreTopFunction = "java.lang.VirtualThread.run",
                ignoreThreadNamePrefix = "other-",
                ignore = IgnoreLeakyWorkers.class)
        void notIgnored() {
            leak("not-ignored");
        }
    }

    @EnabledIf(FIXTURE)
    @ExtendWith(GoroutineLeakCheck.class)
    static class Grace {
        @Test
        @GoroutineLeakCheck.Options(grace = "30s")
        void endsWithinTheGracePeriod() {
            leak("ends-soon");
            releaseWhenVerifyNoneWaits(Thread.currentThread());
        }

        @Test
        @GoroutineLeakCheck.Options(grace = "0")
        void graceZeroLooksOnce() {
            leak("ends-too-late");
        }
    }

    @EnabledIf(FIXTURE)
    @ExtendWith(GoroutineLeakCheck.class)
    @GoroutineLeakCheck.Options(grace = "0")
    static class IgnoreCurrentOn {
        @BeforeAll
        static void startEarly() {
            leak("from-before-all");
        }

        @Test
        void passes() {}
    }

    @EnabledIf(FIXTURE)
    @ExtendWith(GoroutineLeakCheck.class)
    @GoroutineLeakCheck.Options(grace = "0", ignoreCurrent = false)
    static class IgnoreCurrentOff {
        @BeforeAll
        static void startEarly() {
            leak("from-before-all");
        }

        @Test
        void fails() {}
    }

    @EnabledIf(FIXTURE)
    @ExtendWith(GoroutineLeakCheck.class)
    @GoroutineLeakCheck.Options(grace = "2 sec")
    static class BadGrace {
        @Test
        void neverRuns() {
            fail("the test ran despite a bad grace");
        }
    }

    @EnabledIf(FIXTURE)
    @ExtendWith(GoroutineLeakCheck.class)
    static class JdkDefault {
        @Test
        @GoroutineLeakCheck.Options(grace = "0", includeJdkDefaultScheduler = false)
        void notCheckedWhenExcluded() {
            Thread t = Thread.ofVirtual().name("jdk-leak").start(GoroutineLeakCheckTest::waitForRelease);
            STARTED.add(t);
            awaitTrue(() -> t.getState() == Thread.State.WAITING, "never waited");
        }

        @Test
        @GoroutineLeakCheck.Options(grace = "0")
        void checkedByDefault() {
            Thread t = Thread.ofVirtual().name("jdk-leak").start(GoroutineLeakCheckTest::waitForRelease);
            STARTED.add(t);
            awaitTrue(() -> t.getState() == Thread.State.WAITING, "never waited");
        }
    }

    @EnabledIf(FIXTURE)
    @ExtendWith(GoroutineLeakCheck.class)
    @GoroutineLeakCheck.Options(grace = "0")
    static class FailsAndLeaks {
        @Test
        void failsAndLeaks() {
            leak("leaky-and-failing");
            fail("the test's own failure");
        }
    }

    // ---- the tests

    private static EngineExecutionResults run(DiscoverySelector selector) {
        underTestKit = true;
        try {
            return EngineTestKit.engine("junit-jupiter").selectors(selector).execute();
        } finally {
            underTestKit = false;
        }
    }

    @Test
    void aTestThatLeaksFailsListingTheThreadWithItsWaitAndStack() {
        EngineExecutionResults r = run(selectClass(Leaks.class));
        r.testEvents().assertStatistics(s -> s.started(1).succeeded(0).failed(1));
        GoroutineLeakError e = assertInstanceOf(GoroutineLeakError.class, failure(r, "leaks"));
        String m = e.getMessage();
        assertTrue(
                m.startsWith(
                        "found unexpected goroutines: 1 virtual thread still alive after a grace period of 50 ms:"),
                m);
        assertTrue(
                m.contains("\"leaky-worker\" on " + sched.name()
                        + ", WAITING, waiting on java.util.concurrent.CountDownLatch"),
                m);
        assertTrue(m.contains("with dev.weft.test.GoroutineLeakCheckTest.waitForRelease on top of the stack:"), m);
        assertTrue(m.contains("\tat java.base/java.util.concurrent.CountDownLatch.await("), m);
        assertTrue(m.contains("\tat dev.weft.test.GoroutineLeakCheckTest.waitForRelease("), m);
        assertEquals("leaky-worker", e.leaked().getFirst().name());
    }

    @Test
    void aCleanTestPasses() {
        run(selectClass(Clean.class))
                .testEvents()
                .assertStatistics(s -> s.started(1).succeeded(1));
    }

    @Test
    void ignoreOptionsAreRespected() {
        EngineExecutionResults r = run(selectClass(Ignores.class));
        r.testEvents().assertStatistics(s -> s.started(5).succeeded(4).failed(1));
        GoroutineLeakError e = assertInstanceOf(GoroutineLeakError.class, failure(r, "notIgnored"));
        assertEquals(
                List.of("not-ignored"), e.leaked().stream().map(Goroutine::name).toList());
    }

    @Test
    void aGoroutineEndingWithinTheGracePeriodPasses() {
        EngineExecutionResults r = run(selectMethod(Grace.class, "endsWithinTheGracePeriod"));
        r.testEvents().assertStatistics(s -> s.started(1).succeeded(1));
        assertEquals(0, release.getCount(), "released before verifyNone looked");
    }

    @Test
    void withoutGraceTheSameGoroutineFails() {
        EngineExecutionResults r = run(selectMethod(Grace.class, "graceZeroLooksOnce"));
        r.testEvents().assertStatistics(s -> s.started(1).failed(1));
        assertTrue(failure(r, "graceZeroLooksOnce").getMessage().contains("\"ends-too-late\""));
    }

    @Test
    void goroutinesAliveBeforeTheTestAreIgnoredUnlessIgnoreCurrentIsOff() {
        run(selectClass(IgnoreCurrentOn.class))
                .testEvents()
                .assertStatistics(s -> s.started(1).succeeded(1));
        EngineExecutionResults r = run(selectClass(IgnoreCurrentOff.class));
        r.testEvents().assertStatistics(s -> s.started(1).failed(1));
        GoroutineLeakError e = assertInstanceOf(GoroutineLeakError.class, failure(r, "fails"));
        assertTrue(e.leaked().stream().anyMatch(g -> g.name().equals("from-before-all")), e.getMessage());
    }

    @Test
    void aBadGraceFailsTheTestBeforeItRunsNamingTheValue() {
        EngineExecutionResults r = run(selectClass(BadGrace.class));
        r.testEvents().assertStatistics(s -> s.started(1).failed(1));
        Throwable e = assertInstanceOf(ExtensionConfigurationException.class, failure(r, "neverRuns"));
        assertTrue(
                e.getMessage().contains("grace = \"2 sec\"") && e.getMessage().contains("\"500ms\""), e.getMessage());
    }

    @Test
    void jdkDefaultSchedulerThreadsByDefaultUnlessExcluded() {
        EngineExecutionResults r = run(selectClass(JdkDefault.class));
        r.testEvents().assertStatistics(s -> s.started(2).succeeded(1).failed(1));
        GoroutineLeakError e = assertInstanceOf(GoroutineLeakError.class, failure(r, "checkedByDefault"));
        assertTrue(e.getMessage().contains("\"jdk-leak\" on " + Goroutines.JDK_DEFAULT_SCHEDULER), e.getMessage());
    }

    @Test
    void aFailingTestThatLeaksReportsBoth() {
        EngineExecutionResults r = run(selectClass(FailsAndLeaks.class));
        Throwable e = failure(r, "failsAndLeaks");
        assertEquals("the test's own failure", e.getMessage());
        assertEquals(1, e.getSuppressed().length);
        assertInstanceOf(GoroutineLeakError.class, e.getSuppressed()[0]);
    }

    @Test
    void graceForms() {
        assertEquals(Duration.ZERO, GoroutineLeakCheck.parseGrace("0"));
        assertEquals(Duration.ofMillis(500), GoroutineLeakCheck.parseGrace("500ms"));
        assertEquals(Duration.ofSeconds(2), GoroutineLeakCheck.parseGrace(" 2s "));
        assertEquals(Duration.ofMillis(1500), GoroutineLeakCheck.parseGrace("PT1.5S"));
        for (String bad : List.of("", "2 sec", "-1s", "PT-1S", "1.5s", "s")) {
            ExtensionConfigurationException e =
                    assertThrows(ExtensionConfigurationException.class, () -> GoroutineLeakCheck.parseGrace(bad), bad);
            assertTrue(e.getMessage().contains("grace = \"" + bad + "\""), e.getMessage());
        }
    }
}
