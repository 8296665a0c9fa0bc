package dev.weft.scheduler;

import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.fail;

import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * A class loader whose code ran virtual threads on weft is collectable once those threads ended,
 * while the scheduler still runs: no finished task stays referenced by a run queue slot (the
 * victim's slots a thief copied), {@code runnext} or a carrier. Before the fix, the slots a thief
 * stole from kept the stolen {@code runContinuation}s, so each idle P pinned up to
 * {@link LocalRunQueue#CAPACITY} finished threads, their tasks, their classes and loaders.
 */
class ClassLoaderLeakTest {
    private static final long GC_DEADLINE_S = 10;

    @Test
    void loaderOfFinishedVirtualThreadsIsCollectedWhileTheSchedulerRuns() throws Exception {
        try (GoScheduler s = GoScheduler.create(2)) {
            awaitCollected(runIsolated(s.virtualThreadFactory()), s);
        }
    }

    @Test
    void loaderOfFinishedVirtualThreadsIsCollectedOnTheGlobalScheduler() throws Exception {
        GoScheduler s = GoScheduler.global();
        awaitCollected(runIsolated(s.virtualThreadFactory()), s);
    }

    /**
     * Loads {@link IsolatedYielders} through a loader of its own (parent: the platform loader, so
     * the class is defined again, not delegated), runs it on {@code factory}, and returns a weak
     * reference to that loader. Every strong reference stays in this frame.
     */
    private static WeakReference<ClassLoader> runIsolated(ThreadFactory factory) throws Exception {
        URL testClasses =
                IsolatedYielders.class.getProtectionDomain().getCodeSource().getLocation();
        try (URLClassLoader loader =
                new URLClassLoader("isolated", new URL[] {testClasses}, ClassLoader.getPlatformClassLoader())) {
            Class<?> c = Class.forName(IsolatedYielders.class.getName(), true, loader);
            assertSame(loader, c.getClassLoader(), "the payload must be defined by the isolated loader");
            @SuppressWarnings("unchecked")
            Consumer<ThreadFactory> payload =
                    (Consumer<ThreadFactory>) c.getDeclaredConstructor().newInstance();
            payload.accept(factory);
            return new WeakReference<>(loader);
        }
    }

    /** System.gc() until the loader is gone, at most {@link #GC_DEADLINE_S} seconds. */
    private static void awaitCollected(WeakReference<ClassLoader> ref, GoScheduler s) throws InterruptedException {
        ReferenceQueue<ClassLoader> queue = new ReferenceQueue<>();
        WeakReference<ClassLoader> watched = new WeakReference<>(ref.get(), queue);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(GC_DEADLINE_S);
        while (!watched.refersTo(null)) {
            if (System.nanoTime() > deadline) {
                fail("the isolated class loader is still reachable " + GC_DEADLINE_S + " s after its "
                        + IsolatedYielders.THREADS + " virtual threads ended on " + s + " (still open): "
                        + "a finished task is still referenced by the scheduler; " + s.stats());
            }
            System.gc();
            queue.remove(100); // returns as soon as the reference is cleared and enqueued
        }
    }
}
