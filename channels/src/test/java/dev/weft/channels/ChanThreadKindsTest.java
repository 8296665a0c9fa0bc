package dev.weft.channels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.weft.scheduler.GoScheduler;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The thread kinds the channel tests run on, and a small harness to start, join and clean up the
 * threads of one test without ever hanging the build: a thread still alive at the end is
 * interrupted, and if it still doesn't end, a thread dump (virtual threads included) is written
 * under {@code target/thread-dumps} and the test fails.
 *
 * <p>The tests of this class check that each kind really runs where it says.
 */
class ChanThreadKindsTest {

    /** How long any single wait of a test may take before it counts as a hang. */
    static final Duration HANG = Duration.ofSeconds(20);

    /** Every thread started through a {@link Threads} and not yet seen to end, for thread dumps. */
    private static final java.util.Set<Thread> LIVE = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /** Where a channel test's threads run. */
    enum ThreadKind {
        /** Virtual threads on a {@link GoScheduler} with one P: hand-offs run next on the same P. */
        GO_1P(1),
        /** Virtual threads on a {@link GoScheduler} with two Ps: real parallelism plus stealing. */
        GO_2P(2),
        /** Virtual threads on the JDK's default ForkJoinPool scheduler. */
        JDK_VIRTUAL(0),
        /** Platform threads. */
        PLATFORM(0);

        final int procs;

        ThreadKind(int procs) {
            this.procs = procs;
        }

        Threads open() {
            return new Threads(this);
        }
    }

    /** A task that may throw anything; a failure is collected and rethrown by the test thread. */
    @FunctionalInterface
    interface Task {
        void run() throws Exception;
    }

    /** The threads of one test, all of one {@link ThreadKind}. */
    static final class Threads implements AutoCloseable {
        final ThreadKind kind;
        final GoScheduler scheduler;
        private final List<Thread> started = new CopyOnWriteArrayList<>();
        private final ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();

        Threads(ThreadKind kind) {
            this.kind = kind;
            this.scheduler = kind.procs > 0 ? GoScheduler.create(kind.procs) : null;
        }

        /** Starts {@code task} on a new thread of this kind. */
        Thread start(String name, Task task) {
            Runnable r = () -> {
                try {
                    task.run();
                } catch (Throwable t) {
                    failures.add(new AssertionError(
                            "thread " + Thread.currentThread().getName() + " failed: " + t, t));
                }
            };
            Thread t = switch (kind) {
                case GO_1P, GO_2P -> scheduler.virtualThreadBuilder().name(name).unstarted(r);
                case JDK_VIRTUAL -> Thread.ofVirtual().name(name).unstarted(r);
                case PLATFORM -> Thread.ofPlatform().name(name).daemon().unstarted(r);
            };
            started.add(t);
            LIVE.add(t);
            t.start();
            return t;
        }

        /** Joins {@code t}; fails with a thread dump if it hasn't ended within {@link #HANG}. */
        void join(Thread t) throws InterruptedException {
            if (t.join(HANG)) {
                LIVE.remove(t);
            } else {
                fail(kind + ": thread " + t.getName() + " still running after " + HANG + " (state " + t.getState()
                        + "); thread dump: " + dumpThreads("join-" + t.getName(), started));
            }
        }

        /** Joins every thread started so far and rethrows the first failure of any of them. */
        void joinAll() throws InterruptedException {
            for (Thread t : started) {
                join(t);
            }
            rethrowFailures();
        }

        /** Rethrows the first failure collected from a thread (the others suppressed), if any. */
        void rethrowFailures() {
            Throwable first = failures.poll();
            if (first != null) {
                for (Throwable t; (t = failures.poll()) != null; ) {
                    first.addSuppressed(t);
                }
                if (first instanceof Error e) {
                    throw e;
                }
                throw new AssertionError(first);
            }
        }

        /**
         * Interrupts and joins any thread still alive; if one doesn't end, dumps the threads, shuts
         * the scheduler down without waiting (so the build doesn't hang) and fails. Otherwise closes
         * the scheduler (waits for its carriers) and rethrows collected failures.
         */
        @Override
        public void close() {
            // Not InterruptedException: try-with-resources could suppress it under the body's exception,
            // and the interrupt with it (javac's [try] lint). Interrupted, it restores the flag and fails.
            try {
                closeInterruptibly();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(kind + ": interrupted while closing the test's threads", e);
            }
        }

        private void closeInterruptibly() throws InterruptedException {
            List<Thread> alive = new ArrayList<>();
            for (Thread t : started) {
                if (t.isAlive()) {
                    alive.add(t);
                    t.interrupt();
                }
            }
            String hung = null;
            for (Thread t : alive) {
                if (!t.join(Duration.ofSeconds(5)) && hung == null) {
                    hung = t.getName() + " (" + t.getState() + ") ignored an interrupt; thread dump: "
                            + dumpThreads("close-" + t.getName(), started);
                }
            }
            started.stream().filter(t -> !t.isAlive()).forEach(LIVE::remove);
            if (scheduler != null) {
                if (hung == null) {
                    scheduler.close();
                } else {
                    scheduler.shutdown();
                }
            }
            if (hung != null) {
                fail(kind + ": " + hung);
            }
            rethrowFailures();
            if (!alive.isEmpty()) {
                fail(kind + ": threads still alive at the end of the test: " + alive);
            }
        }
    }

    /**
     * Waits (bounded, no sleep) until {@code t} is parked: WAITING or TIMED_WAITING. Fails with a
     * thread dump if it doesn't get there within {@link #HANG} or ends first.
     */
    static void awaitBlocked(Thread t) {
        long deadline = System.nanoTime() + HANG.toNanos();
        for (int i = 0; ; i++) {
            Thread.State s = t.getState();
            if (s == Thread.State.WAITING || s == Thread.State.TIMED_WAITING) {
                return;
            }
            if (s == Thread.State.TERMINATED) {
                fail(t.getName() + " ended instead of blocking");
            }
            if (System.nanoTime() > deadline) {
                fail(t.getName() + " never blocked (state " + s + "); thread dump: "
                        + dumpThreads("blocked-" + t.getName(), List.of(t)));
            }
            if ((i & 63) == 63) {
                Thread.yield();
            } else {
                Thread.onSpinWait();
            }
        }
    }

    /**
     * Round budget of a randomized race test: at least {@code min} rounds, at most {@code max},
     * and no new round past {@code budget} after the first {@code min}, so that a loaded machine
     * runs fewer rounds instead of a much longer test.
     */
    static final class Rounds {
        private final int min;
        private final int max;
        private final long deadline;

        Rounds(int min, int max, Duration budget) {
            this.min = min;
            this.max = max;
            this.deadline = System.nanoTime() + budget.toNanos();
        }

        boolean more(int round) {
            return round < max && (round < min || System.nanoTime() < deadline);
        }
    }

    /** Spins (bounded, no sleep) for roughly {@code n} iterations: a random delay for races. */
    static void spin(int n) {
        for (int i = 0; i < n; i++) {
            Thread.onSpinWait();
        }
    }

    /**
     * Writes the stacks of {@code threads} (virtual or not) and of every platform thread to a file
     * under {@code target/thread-dumps} and returns its path.
     *
     * <p>Not {@code HotSpotDiagnosticMXBean.dumpThreads} nor {@code jcmd Thread.dump_to_file}: on
     * Temurin 25.0.3 both crash the JVM (SIGSEGV in {@code GetThreadSnapshotClosure}) when a
     * virtual thread is spinning in {@code Thread.yield()}, as the channel lock's slow path does.
     * {@link Thread#getStackTrace()} is safe.
     */
    static String dumpThreads(String why, Iterable<Thread> threads) {
        StringBuilder sb = new StringBuilder(why).append('\n');
        java.util.Set<Thread> seen = new java.util.HashSet<>();
        for (Thread t : threads) {
            seen.add(t);
            appendStack(sb, t, t.getStackTrace());
        }
        for (var e : Thread.getAllStackTraces().entrySet()) {
            if (seen.add(e.getKey())) {
                appendStack(sb, e.getKey(), e.getValue());
            }
        }
        try {
            Path dir = Path.of("target", "thread-dumps");
            Files.createDirectories(dir);
            Path f = dir.resolve(why.replaceAll("[^A-Za-z0-9_.-]", "_") + "-" + System.nanoTime() + ".txt")
                    .toAbsolutePath();
            Files.writeString(f, sb);
            return f.toString();
        } catch (IOException | RuntimeException e) {
            return "(not written: " + e + ")\n" + sb;
        }
    }

    /** {@link #dumpThreads} of every test thread still alive, and of every platform thread. */
    static String dumpAllThreads(String why) {
        return dumpThreads(why, LIVE.stream().filter(Thread::isAlive).toList());
    }

    private static void appendStack(StringBuilder sb, Thread t, StackTraceElement[] stack) {
        sb.append('\n')
                .append('"')
                .append(t.getName())
                .append('"')
                .append(t.isVirtual() ? " virtual " : " ")
                .append(t.getState())
                .append('\n');
        for (StackTraceElement e : stack) {
            sb.append("    at ").append(e).append('\n');
        }
    }

    // ---- the harness itself -------------------------------------------------------------------

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void eachKindRunsWhereItSays(ThreadKind kind) throws Exception {
        AtomicReference<Boolean> virtual = new AtomicReference<>();
        AtomicReference<Optional<GoScheduler>> current = new AtomicReference<>();
        try (Threads threads = kind.open()) {
            threads.start("probe", () -> {
                virtual.set(Thread.currentThread().isVirtual());
                current.set(GoScheduler.current());
            });
            threads.joinAll();
            assertEquals(kind != ThreadKind.PLATFORM, virtual.get(), "virtual");
            if (kind.procs > 0) {
                assertTrue(current.get().isPresent(), "runs on a GoScheduler");
                assertEquals(threads.scheduler, current.get().get());
                assertEquals(kind.procs, current.get().get().gomaxprocs());
            } else {
                assertFalse(current.get().isPresent(), "not on a GoScheduler");
            }
        }
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void aFailureInAThreadFailsTheTest(ThreadKind kind) throws Exception {
        Threads threads = kind.open();
        threads.start("boom", () -> {
            throw new IllegalStateException("boom");
        });
        AssertionError e = assertThrows(AssertionError.class, threads::joinAll);
        assertTrue(String.valueOf(e.getMessage()).contains("boom"), e.getMessage());
        threads.close();
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void awaitBlockedSeesAParkedChannelReceive(ThreadKind kind) throws Exception {
        Chan<Integer> ch = Chan.unbuffered();
        AtomicReference<Integer> got = new AtomicReference<>();
        try (Threads threads = kind.open()) {
            Thread t = threads.start("receiver", () -> got.set(ch.receive()));
            awaitBlocked(t);
            assertTrue(ch.send(7, Duration.ofSeconds(HANG.toSeconds())));
            threads.joinAll();
            assertEquals(7, got.get());
        }
    }
}
