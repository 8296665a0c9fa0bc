package dev.weft.scheduler;

import static dev.weft.test.support.Await.awaitTrue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.scheduler.Goroutines.Option;
import dev.weft.scheduler.engine.LiveSchedulers;
import dev.weft.scheduler.engine.VirtualThreads;
import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@link Goroutines}: the plain leak-check API (goleak's Find, VerifyNone and options). */
class GoroutinesTest {
    private GoScheduler s;
    /** Goroutines of other test classes in this JVM are not this test's business. */
    private Option before;

    private final CountDownLatch release = new CountDownLatch(1);
    private final List<Thread> started = new ArrayList<>();

    @BeforeEach
    void setUp() {
        s = GoScheduler.create(2);
        before = Option.ignoreCurrent();
    }

    @AfterEach
    void tearDown() throws InterruptedException {
        release.countDown();
        for (Thread t : started) {
            assertTrue(t.join(Duration.ofSeconds(10)), t + " did not end");
        }
        s.close();
    }

    /** Where every leaked goroutine of these tests waits: a named frame for the ignore options. */
    static void waitForRelease(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private Thread leak(String name) throws InterruptedException {
        Thread t = s.virtualThreadBuilder().name(name).start(() -> waitForRelease(release));
        started.add(t);
        awaitState(t, Thread.State.WAITING);
        return t;
    }

    private static void awaitState(Thread t, Thread.State state) throws InterruptedException {
        awaitTrue(() -> t.getState() == state, t + " never reached " + state);
    }

    private static Goroutine only(List<Goroutine> found, Thread t) {
        List<Goroutine> mine = found.stream().filter(g -> g.thread() == t).toList();
        assertEquals(1, mine.size(), "expected " + t + " once in " + found);
        return mine.getFirst();
    }

    @Test
    void findListsAParkedGoroutineWithWhatItWaitsOnAndItsStack() throws InterruptedException {
        Thread t = leak("leaky-latch");
        Goroutine g = only(Goroutines.find(before), t);
        assertEquals("leaky-latch", g.name());
        assertEquals(t.threadId(), g.id());
        assertEquals(s.name(), g.scheduler());
        assertEquals(Thread.State.WAITING, g.state());
        assertTrue(g.waitsOn().startsWith("waiting on java.util.concurrent.CountDownLatch"), g.waitsOn());
        assertEquals(GoroutinesTest.class.getName() + ".waitForRelease", g.topFunction());
        assertTrue(
                g.hasAnyFunction("java.util.concurrent.CountDownLatch.await"),
                g.stack().toString());
        String text = g.toString();
        assertTrue(
                text.startsWith(
                        "[Goroutine #" + t.threadId() + " \"leaky-latch\" on " + s.name() + ", WAITING, waiting on"),
                text);
        assertTrue(text.contains("on top of the stack:\n\tat "), text);
        assertTrue(text.contains("\tat " + GoroutinesTest.class.getName() + ".waitForRelease("), text);
    }

    /** A weft park blocker: classified as the deadlock detector does, a weft wait, with its reason. */
    static final class WeftBlocker extends dev.weft.scheduler.internal.WeftBlocker {
        WeftBlocker() {
            super(dev.weft.scheduler.internal.WaitReason.SELECT);
        }

        @Override
        public String toString() {
            return "WeftBlocker";
        }
    }

    @Test
    void aGoroutineParkedOnAWeftObjectWaitsInAWeftOperation() throws InterruptedException {
        WeftBlocker blocker = new WeftBlocker();
        Thread t = s.go(() -> {
            while (release.getCount() > 0) {
                LockSupport.park(blocker);
            }
        });
        started.add(t);
        awaitState(t, Thread.State.WAITING);
        assertEquals(
                "parked in a weft operation [select] on WeftBlocker",
                only(Goroutines.find(before), t).waitsOn());
        release.countDown();
        LockSupport.unpark(t);
    }

    @Test
    void verifyNoneFailsListingEveryLeakedGoroutine() throws InterruptedException {
        Thread a = leak("leaky-a");
        Thread b = leak("leaky-b");
        GoroutineLeakError e =
                assertThrows(GoroutineLeakError.class, () -> Goroutines.verifyNone(Duration.ZERO, before));
        assertEquals(2, e.leaked().size(), e.getMessage());
        assertTrue(
                e.getMessage()
                        .startsWith(
                                "found unexpected goroutines: 2 virtual threads still alive after a grace period of 0 ms:"),
                e.getMessage());
        assertTrue(e.getMessage().contains("#" + a.threadId() + " \"leaky-a\" on " + s.name()), e.getMessage());
        assertTrue(e.getMessage().contains("#" + b.threadId() + " \"leaky-b\" on " + s.name()), e.getMessage());
    }

    @Test
    void verifyNonePassesWhenNothingIsLeftAndWhenTheLeakEnds() throws InterruptedException {
        Goroutines.verifyNone(Duration.ZERO, before);
        Thread t = leak("ends-in-time");
        release.countDown();
        t.join();
        Goroutines.verifyNone(Duration.ZERO, before);
    }

    @Test
    void aGoroutineEndingWithinTheGracePeriodPasses() throws Exception {
        Thread t = leak("ends-within-grace");
        Thread checker = Thread.currentThread();
        // release the goroutine only once verifyNone has seen it and is backing off
        Thread releaser = Thread.ofPlatform().daemon().start(() -> {
            awaitTrue(() -> inVerifyNoneBackoff(checker), "verifyNone never backed off");
            release.countDown();
        });
        Goroutines.verifyNone(Duration.ofSeconds(30), before);
        assertFalse(t.isAlive());
        releaser.join();
        assertEquals(0, release.getCount());
    }

    static boolean inVerifyNoneBackoff(Thread checker) {
        if (checker.getState() != Thread.State.TIMED_WAITING) {
            return false;
        }
        for (StackTraceElement f : checker.getStackTrace()) {
            if (f.getClassName().equals(Goroutines.class.getName())
                    && f.getMethodName().equals("verifyNone")) {
                return true;
            }
        }
        return false;
    }

    @Test
    void theGracePeriodEndsWithTheListOfWhatIsStillAlive() throws InterruptedException {
        Thread t = leak("never-ends");
        long start = System.nanoTime();
        GoroutineLeakError e =
                assertThrows(GoroutineLeakError.class, () -> Goroutines.verifyNone(Duration.ofMillis(300), before));
        assertTrue(System.nanoTime() - start >= TimeUnit.MILLISECONDS.toNanos(300), "gave up before the grace period");
        assertEquals(t, e.leaked().getFirst().thread());
        assertTrue(e.getMessage().contains("after a grace period of 300 ms"), e.getMessage());
    }

    @Test
    void ignoreOptions() throws InterruptedException {
        Thread t = leak("cache-refresher-1");
        String fn = GoroutinesTest.class.getName() + ".waitForRelease";
        Goroutines.verifyNone(Duration.ZERO, before, Option.ignoreTopFunction(fn));
        Goroutines.verifyNone(
                Duration.ZERO, before, Option.ignoreTopFunction("java.util.concurrent.CountDownLatch.await"));
        Goroutines.verifyNone(Duration.ZERO, before, Option.ignoreAnyFunction("java.lang.VirtualThread.run"));
        Goroutines.verifyNone(Duration.ZERO, before, Option.ignoreThreadNamePrefix("cache-refresher-"));
        Goroutines.verifyNone(Duration.ZERO, before, Option.ignore(g -> g.thread() == t));
        // frames below the first one outside the JDK are not top functions; other names do not match
        for (Option o : List.of(
                Option.ignoreTopFunction("java.lang.VirtualThread.run"),
                Option.ignoreTopFunction(fn + "X"),
                Option.ignoreAnyFunction("java.lang.Object.wait"),
                Option.ignoreThreadNamePrefix("cache-refresher-2"),
                Option.ignore(g -> false))) {
            GoroutineLeakError e = assertThrows(
                    GoroutineLeakError.class, () -> Goroutines.verifyNone(Duration.ZERO, before, o), o.toString());
            assertEquals(t, only(e.leaked(), t).thread(), o.toString());
        }
    }

    @Test
    void ignoreCurrentIgnoresOnlyTheGoroutinesAliveWhenTaken() throws InterruptedException {
        Thread old = leak("old");
        Option now = Option.ignoreCurrent();
        Goroutines.verifyNone(Duration.ZERO, now);
        Thread fresh = leak("fresh");
        GoroutineLeakError e = assertThrows(GoroutineLeakError.class, () -> Goroutines.verifyNone(Duration.ZERO, now));
        assertEquals(List.of(fresh), e.leaked().stream().map(Goroutine::thread).toList());
        assertTrue(Goroutines.find(before).stream().anyMatch(g -> g.thread() == old));
    }

    @Test
    void threadsInheritingAWeftSchedulerAreItsGoroutines() throws Exception {
        AtomicReference<Thread> child = new AtomicReference<>();
        Thread parent =
                s.go(() -> child.set(Thread.ofVirtual().name("inherited").start(() -> waitForRelease(release))));
        parent.join();
        started.add(child.get());
        awaitState(child.get(), Thread.State.WAITING);
        assertEquals(s.name(), only(Goroutines.find(before), child.get()).scheduler());
    }

    @Test
    void jdkDefaultSchedulerThreadsOnlyWhenAskedFor() throws InterruptedException {
        Thread t = Thread.ofVirtual().name("on-jdk-default").start(() -> waitForRelease(release));
        started.add(t);
        awaitState(t, Thread.State.WAITING);
        assertTrue(Goroutines.find(before).stream().noneMatch(g -> g.thread() == t));
        Goroutine g = only(Goroutines.find(before, Option.includeJdkDefaultScheduler()), t);
        assertEquals(Goroutines.JDK_DEFAULT_SCHEDULER, g.scheduler());
        // the JDK's I/O pollers run there forever: never reported
        assertTrue(Goroutines.find(Option.includeJdkDefaultScheduler()).stream()
                .noneMatch(x -> x.hasFrameOfClassPrefix("sun.nio.ch.Poller")));
    }

    /**
     * A plain {@code Thread.ofVirtual()} thread of a platform thread is listed once. Under
     * weft-agent the JDK's default scheduler is {@link GoScheduler#global()}'s own face, so it is
     * weft-global's goroutine: it must not be listed a second time as {@code jdk-default}.
     */
    @Test
    void aThreadOfTheJdkDefaultSchedulerIsListedOnceAlsoWhenItIsWeftsGlobal() throws InterruptedException {
        Thread t = Thread.ofVirtual().name("default-once").start(() -> waitForRelease(release));
        started.add(t);
        awaitState(t, Thread.State.WAITING);
        Goroutine g = only(Goroutines.find(before, Option.includeJdkDefaultScheduler()), t);
        Object jdkDefault = VirtualThreads.jdkDefaultScheduler();
        boolean underAgent = LiveSchedulers.live().stream().anyMatch(x -> x.jdk() == jdkDefault);
        assertEquals(underAgent ? GoScheduler.global().name() : Goroutines.JDK_DEFAULT_SCHEDULER, g.scheduler());
    }

    @Test
    void aGoroutineCheckingForLeaksDoesNotReportItself() throws Exception {
        AtomicReference<Throwable> failure = new AtomicReference<>();
        s.go(() -> {
                    try {
                        Goroutines.verifyNone(Duration.ZERO, before);
                    } catch (Throwable e) {
                        failure.set(e);
                    }
                })
                .join();
        assertNull(failure.get());
    }

    @Test
    void badInputIsNamed() {
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> Goroutines.verifyNone(Duration.ofMillis(-1)));
        assertTrue(e.getMessage().contains("PT-0.001S") && e.getMessage().contains("Duration.ZERO"), e.getMessage());
        for (String bad : List.of("", " ", "run", ".run", "Foo.")) {
            e = assertThrows(IllegalArgumentException.class, () -> Option.ignoreTopFunction(bad), bad);
            assertTrue(
                    e.getMessage().contains("ignoreTopFunction(\"" + bad + "\")")
                            && e.getMessage().contains("com.example.Worker.loop"),
                    e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> Option.ignoreAnyFunction(bad), bad);
        }
        e = assertThrows(IllegalArgumentException.class, () -> Option.ignoreThreadNamePrefix(""));
        assertTrue(e.getMessage().contains("every goroutine"), e.getMessage());
        // forms that could never match a frame: spaces, a call's "()", a method reference's "::"
        for (String bad : List.of(" . ", "com.x.Foo.bar()", "com.x.Foo::bar", " com.x.Foo.bar", "com.x. Foo.bar")) {
            e = assertThrows(IllegalArgumentException.class, () -> Option.ignoreTopFunction(bad), bad);
            assertTrue(
                    e.getMessage().contains("ignoreTopFunction(\"" + bad + "\")")
                            && e.getMessage().contains("no spaces"),
                    e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> Option.ignoreAnyFunction(bad), bad);
            assertTrue(e.getMessage().contains("ignoreAnyFunction(\"" + bad + "\")"), e.getMessage());
        }
        for (String good :
                List.of("com.x.Foo.bar", "com.x.Server$Acceptor.run", "Foo.lambda$main$0", "com.x.Foo.<init>")) {
            Option.ignoreTopFunction(good);
        }
        e = assertThrows(IllegalArgumentException.class, () -> Option.ignoreThreadNamePrefix(" "));
        assertTrue(
                e.getMessage().contains("ignoreThreadNamePrefix(\" \")")
                        && e.getMessage().contains("cache-refresher-"),
                e.getMessage());
        NullPointerException n =
                assertThrows(NullPointerException.class, () -> Goroutines.verifyNone(Duration.ZERO, (Option) null));
        assertTrue(n.getMessage() != null && n.getMessage().contains("options[0]"), String.valueOf(n.getMessage()));
        n = assertThrows(NullPointerException.class, () -> Goroutines.find(before, null));
        assertTrue(n.getMessage() != null && n.getMessage().contains("options[1]"), String.valueOf(n.getMessage()));
        assertThrows(NullPointerException.class, () -> Goroutines.find((Option) null));
        assertThrows(NullPointerException.class, () -> Goroutines.verifyNone(null));
        assertThrows(NullPointerException.class, () -> Option.ignore(null));
        assertThrows(IllegalArgumentException.class, () -> new GoroutineLeakError(List.of(), Duration.ZERO));
    }

    /** The registry is weak: a closed, dropped scheduler is collected (a strong set would keep them all). */
    @Test
    void closedSchedulersDoNotStayInTheRegistry() throws InterruptedException {
        List<WeakReference<GoScheduler>> refs = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            GoScheduler x = GoScheduler.create(1);
            x.go(() -> {}).join();
            x.close();
            refs.add(new WeakReference<>(x));
        }
        awaitTrue(
                () -> {
                    System.gc();
                    return refs.stream().allMatch(r -> r.get() == null);
                },
                "closed schedulers were never collected; registry size " + LiveSchedulers.size());
    }

    /** 100,000 leaked goroutines made an 83 MB message: now the first 50 in full, the rest counted per top function. */
    @Test
    void aHugeLeakMakesABoundedMessageThatStillCountsEveryGoroutine() {
        int n = 100_000;
        List<StackTraceElement> stack = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            stack.add(new StackTraceElement("com.example.Deep", "frame" + i, "Deep.java", i));
        }
        List<Goroutine> leaked = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            List<StackTraceElement> st = new ArrayList<>(stack);
            st.set(0, new StackTraceElement("com.example.Worker" + (i % 3), "loop", "W.java", 1));
            leaked.add(new Goroutine(Thread.currentThread(), "weft-x", Thread.State.WAITING, "parked", st));
        }
        String m = new GoroutineLeakError(leaked, Duration.ZERO).getMessage();
        assertTrue(m.length() < 200_000, "message of " + m.length() + " chars");
        assertTrue(m.startsWith("found unexpected goroutines: 100000 virtual threads"), m.substring(0, 100));
        assertEquals(GoroutineLeakError.MAX_LISTED, m.split("\\[Goroutine #", -1).length - 1);
        assertTrue(m.contains("... and 99950 more"), m);
        // 99,950 left: workers 0, 1, 2 get 33,317, 33,317 and 33,316 of them (i = 50.. start at worker 2)
        assertTrue(
                m.contains("\t33317 with com.example.Worker0.loop on top of the stack")
                        && m.contains("\t33316 with com.example.Worker1.loop on top of the stack")
                        && m.contains("\t33317 with com.example.Worker2.loop on top of the stack"),
                m.substring(m.indexOf("... and")));
        // many distinct top functions: at most MAX_GROUPS lines, then one for the rest
        List<Goroutine> distinct = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            distinct.add(new Goroutine(
                    Thread.currentThread(),
                    "weft-x",
                    Thread.State.WAITING,
                    "parked",
                    List.of(new StackTraceElement("com.example.W" + i, "loop", "W.java", 1))));
        }
        String d = new GoroutineLeakError(distinct, Duration.ZERO).getMessage();
        assertTrue(d.contains("\t130 with 130 other top functions"), d.substring(d.indexOf("... and")));
        assertEquals(
                200, new GoroutineLeakError(distinct, Duration.ZERO).leaked().size());
    }
}
