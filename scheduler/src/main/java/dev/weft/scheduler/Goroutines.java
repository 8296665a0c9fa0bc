package dev.weft.scheduler;

import dev.weft.scheduler.engine.Engine;
import dev.weft.scheduler.engine.LiveSchedulers;
import dev.weft.scheduler.engine.ParkedThreads;
import dev.weft.scheduler.engine.VirtualThreads;
import dev.weft.scheduler.internal.WeftBlocker;
import java.lang.reflect.Field;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * Goroutine-leak checks, as Go's {@code go.uber.org/goleak}: the live virtual threads of every
 * weft scheduler, and a check that none is left when a test ends. Framework-neutral; weft's
 * JUnit 5 extension ({@code dev.weft.test.GoroutineLeakCheck}, artifact {@code weft-test}) is
 * built on it.
 *
 * <pre>{@code
 * Goroutines.Option before = Goroutines.Option.ignoreCurrent();     // goleak.IgnoreCurrent()
 * runTheTest();
 * Goroutines.verifyNone(Duration.ofSeconds(2), before,              // goleak.VerifyNone(t, ...)
 *         Goroutines.Option.ignoreTopFunction("com.example.Cache.refreshLoop"));
 * }</pre>
 *
 * <h2>Which threads</h2>
 * The live virtual threads of every {@link GoScheduler} of the JVM that is not terminated
 * ({@link GoScheduler#global()} included once created), including threads started with plain
 * {@code Thread.ofVirtual()} from one of them (they inherit its scheduler). With
 * {@link Option#includeJdkDefaultScheduler()}, also those of the JDK's default scheduler: the
 * threads weft's own APIs start when called from a platform thread ({@code ErrGroup.go},
 * {@code Context.afterFunc}, {@code Timers.afterFunc}) and plain {@code Thread.ofVirtual()}.
 * Under weft-agent the JDK's default scheduler is {@link GoScheduler#global()}: those threads are
 * then listed once, as goroutines of the global scheduler, with or without the option. Here
 * it is opt-in, because {@link #find} and a {@code verifyNone} without {@link Option#ignoreCurrent()}
 * would otherwise report every library's virtual threads in the JVM; the JUnit extension, which
 * always snapshots first, includes them by default. Left
 * out: the calling thread, and the JDK's I/O poller threads ({@code sun.nio.ch.Poller} frames),
 * which live forever by design. Platform threads are never listed: weft's carriers and sysmon
 * end with their scheduler.
 *
 * <h2>Grace period</h2>
 * A goroutine may be just finishing when the test ends (it was woken, it has not run yet).
 * {@link #verifyNone(Duration, Option...)} looks again with a backoff (1 ms, doubling up to
 * 100 ms) until none is left or the grace period is over, as goleak retries; a passing check
 * returns as soon as the goroutines are gone.
 *
 * <p>Requires what {@code GoScheduler} requires ({@code --add-opens java.base/java.lang}), and the
 * JDK's thread tracking ({@code -Djdk.trackAllThreads}, on by default): without it the JDK keeps
 * no list of virtual threads and every method here throws {@link IllegalStateException} saying so.
 *
 * <p>Costs: each look walks all the JVM's threads once per live scheduler and takes two stack
 * traces per goroutine it reports (measured, 10,000 parked goroutines on 2 busy cores: 0.35-1.9 s,
 * the first look the slowest). Goroutines ignored by {@link Option#ignoreCurrent()} are left out by
 * id before any stack is taken (10,000 of them: 20-150 ms a look). Meant for the end of a test,
 * not a hot path.
 *
 * <p>Thread-safety: every method may be called from any thread, concurrently.
 */
public final class Goroutines {
    /** The default grace period of the JUnit extension: 2 seconds, about goleak's default retries. */
    public static final Duration DEFAULT_GRACE = Duration.ofSeconds(2);

    /** The scheduler name {@link Goroutine#scheduler()} gives the JDK's default scheduler. */
    public static final String JDK_DEFAULT_SCHEDULER = "jdk-default";

    private static final long FIRST_BACKOFF_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
    private static final long MAX_BACKOFF_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    /** Frames of the JDK's I/O pollers: infrastructure that never ends, never a leak. */
    private static final String POLLER_PREFIX = "sun.nio.ch.Poller";

    private Goroutines() {}

    /**
     * One option of {@link #find} and {@link #verifyNone}: a goroutine to ignore, or a scheduler
     * to include. Immutable and thread-safe; create them once and reuse them.
     */
    public static final class Option {
        private final String description;
        private final Predicate<Goroutine> ignores;
        private final boolean includeDefault;
        /** For {@link #ignoreCurrent()}: the thread ids it ignores, checked before a stack is taken; else empty. */
        private final Set<Long> ignoredIds;

        private Option(String description, Predicate<Goroutine> ignores, boolean includeDefault) {
            this(description, ignores, includeDefault, Set.of());
        }

        private Option(String description, Predicate<Goroutine> ignores, boolean includeDefault, Set<Long> ignoredIds) {
            this.description = description;
            this.ignores = ignores;
            this.includeDefault = includeDefault;
            this.ignoredIds = ignoredIds;
        }

        /**
         * Ignores goroutines whose top function is {@code function}: goleak's
         * {@code IgnoreTopFunction}. See {@link Goroutine#topFunction()}: it matches any frame
         * from the top of the stack down to the first user frame (outside the JDK and weft
         * itself), that one included; so a goroutine blocked in {@code ch.receive()} from
         * {@code com.example.Cache.refreshLoop} matches that function, and also
         * {@code "dev.weft.channels.Chan.receive"}.
         *
         * @param function {@code class.method} with the fully qualified binary class name, e.g.
         *                 {@code "com.example.Cache.refreshLoop"} or
         *                 {@code "com.example.Server$Acceptor.run"}: no spaces, no
         *                 {@code "()"}, no {@code "::"}
         * @return the option
         * @throws IllegalArgumentException if it is not of that form, naming the value
         * @throws NullPointerException     if it is null
         */
        public static Option ignoreTopFunction(String function) {
            String f = checkFunction(function, "ignoreTopFunction");
            return new Option("ignoreTopFunction(" + f + ")", g -> g.hasTopFunction(f), false);
        }

        /**
         * Ignores goroutines with {@code function} anywhere on their stack: goleak's
         * {@code IgnoreAnyFunction}.
         *
         * @param function {@code class.method}, as for {@link #ignoreTopFunction}
         * @return the option
         * @throws IllegalArgumentException if it is not of that form, naming the value
         * @throws NullPointerException     if it is null
         */
        public static Option ignoreAnyFunction(String function) {
            String f = checkFunction(function, "ignoreAnyFunction");
            return new Option("ignoreAnyFunction(" + f + ")", g -> g.hasAnyFunction(f), false);
        }

        /**
         * Ignores goroutines whose thread name starts with {@code prefix} (case-sensitive).
         *
         * @param prefix the start of the names to ignore, e.g. {@code "my-pool-"}
         * @return the option
         * @throws IllegalArgumentException if {@code prefix} is empty (it would ignore every
         *                                  goroutine) or blank (a name is never meant to start so)
         * @throws NullPointerException     if it is null
         */
        public static Option ignoreThreadNamePrefix(String prefix) {
            Objects.requireNonNull(prefix, "prefix");
            if (prefix.isEmpty()) {
                throw new IllegalArgumentException("ignoreThreadNamePrefix(\"\") would ignore every goroutine:"
                        + " give the start of the names to ignore, e.g. \"cache-refresher-\"");
            }
            if (prefix.isBlank()) {
                throw new IllegalArgumentException("ignoreThreadNamePrefix(\"" + prefix + "\") is only white space:"
                        + " give the start of the names to ignore, e.g. \"cache-refresher-\"");
            }
            return new Option(
                    "ignoreThreadNamePrefix(" + prefix + ")", g -> g.name().startsWith(prefix), false);
        }

        /**
         * Ignores goroutines for which {@code predicate} is true. It runs on the checking thread,
         * once per goroutine per look; it must not block.
         *
         * @param predicate true for a goroutine to ignore
         * @return the option
         * @throws NullPointerException if it is null
         */
        public static Option ignore(Predicate<Goroutine> predicate) {
            Objects.requireNonNull(predicate, "predicate");
            return new Option("ignore(" + predicate + ")", predicate, false);
        }

        /**
         * Ignores the goroutines alive now (of every weft scheduler and of the JDK's default
         * one, whether or not that is included later): goleak's {@code IgnoreCurrent}. Take it before the code under test runs; only
         * goroutines started afterwards are then reported. Holds their ids, not the threads.
         *
         * @return the option, holding the ids seen now
         * @throws IllegalStateException if the JDK does not list virtual threads (see the class doc)
         */
        public static Option ignoreCurrent() {
            Set<Long> ids = new HashSet<>();
            for (Live l : liveThreads(JdkDefault.SCHEDULER != null, t -> false)) { // without it, weft's alone
                ids.add(l.thread().threadId());
            }
            return new Option("ignoreCurrent(" + ids.size() + " goroutines)", g -> ids.contains(g.id()), false, ids);
        }

        /**
         * Also lists the virtual threads of the JDK's default scheduler (plain
         * {@code Thread.ofVirtual()} from a platform thread,
         * {@code Executors.newVirtualThreadPerTaskExecutor()}, and weft's {@code ErrGroup.go},
         * {@code Context.afterFunc} and {@code Timers.afterFunc} called from a platform thread),
         * but not the JDK's I/O pollers. Off unless given (see the class doc); the JUnit
         * extension gives it by default.
         *
         * @return the option
         */
        public static Option includeJdkDefaultScheduler() {
            return new Option("includeJdkDefaultScheduler", g -> false, true);
        }

        /**
         * {@code class.method}: dot-separated Java identifiers (binary names: {@code $} is an
         * identifier character), at least two; the method may also be {@code <init>} or
         * {@code <clinit>}, as stack frames name constructors.
         */
        private static final Pattern FUNCTION =
                Pattern.compile("\\p{javaJavaIdentifierStart}\\p{javaJavaIdentifierPart}*"
                        + "(\\.\\p{javaJavaIdentifierStart}\\p{javaJavaIdentifierPart}*)*"
                        + "\\.(\\p{javaJavaIdentifierStart}\\p{javaJavaIdentifierPart}*|<init>|<clinit>)");

        private static String checkFunction(String function, String option) {
            Objects.requireNonNull(function, "function");
            if (!FUNCTION.matcher(function).matches()) {
                throw new IllegalArgumentException(option + "(\"" + function + "\") is not a function:"
                        + " give the fully qualified binary class name and the method, no spaces, \"()\" or \"::\","
                        + " e.g. \"com.example.Worker.loop\" or \"com.example.Server$Acceptor.run\"");
            }
            return function;
        }

        @Override
        public String toString() {
            return description;
        }
    }

    /**
     * The live goroutines not ignored by {@code options}, each once, in no particular order: a
     * snapshot, as goleak's {@code Find} builds before it judges.
     *
     * @param options what to ignore or include; none: every goroutine of every weft scheduler
     * @return the goroutines found, each described as it was when seen
     * @throws IllegalStateException if the JDK does not list virtual threads (see the class doc)
     * @throws NullPointerException  if {@code options} or one of them is null, naming which
     */
    public static List<Goroutine> find(Option... options) {
        List<Option> opts = checkOptions(options);
        boolean includeDefault = opts.stream().anyMatch(o -> o.includeDefault);
        // ignoreCurrent's threads are left out by id, before their stacks are taken (the costly part)
        Predicate<Thread> skip = t -> opts.stream().anyMatch(o -> o.ignoredIds.contains(t.threadId()));
        List<Goroutine> found = new ArrayList<>();
        for (Live l : liveThreads(includeDefault, skip)) {
            Goroutine g = describe(l.thread(), l.scheduler());
            if (!g.hasFrameOfClassPrefix(POLLER_PREFIX) && opts.stream().noneMatch(o -> o.ignores.test(g))) {
                found.add(g);
            }
        }
        return found;
    }

    /** {@code options} as a list; a null array or element is named (which one) in the exception. */
    private static List<Option> checkOptions(Option[] options) {
        Objects.requireNonNull(options, "options (the array) is null: pass no options, or Goroutines.Option values");
        for (int i = 0; i < options.length; i++) {
            if (options[i] == null) {
                throw new NullPointerException("options[" + i + "] is null: pass only Goroutines.Option values,"
                        + " e.g. Goroutines.Option.ignoreCurrent()");
            }
        }
        return List.of(options);
    }

    /**
     * {@link #verifyNone(Duration, Option...)} without options.
     *
     * @param grace how long goroutines may take to end, 0 or more ({@link #DEFAULT_GRACE} is the
     *              extension's default); zero looks once
     * @throws GoroutineLeakError       if goroutines are still alive after {@code grace}
     * @throws IllegalArgumentException if {@code grace} is negative
     */
    public static void verifyNone(Duration grace) {
        verifyNone(grace, new Option[0]);
    }

    /**
     * Fails if goroutines not ignored by {@code options} are still alive after {@code grace}:
     * goleak's {@code VerifyNone}. Looks at once, then again after 1 ms, 2 ms, 4 ms... (at most
     * 100 ms apart) until none is left or {@code grace} is over; returns as soon as none is left.
     * If interrupted while waiting, it looks one last time and returns or throws with the
     * interrupt status set.
     *
     * @param grace how long goroutines may take to end, {@code Duration.ZERO} or more
     *              ({@link #DEFAULT_GRACE} is the extension's default); zero looks once
     * @param options what to ignore or include, as for {@link #find}
     * @throws GoroutineLeakError       listing every goroutine still alive, with its stack
     * @throws IllegalArgumentException if {@code grace} is negative
     * @throws IllegalStateException    if the JDK does not list virtual threads (see the class doc)
     * @throws NullPointerException     if {@code grace}, {@code options} or one of them is null (named)
     */
    public static void verifyNone(Duration grace, Option... options) {
        Objects.requireNonNull(grace, "grace");
        checkOptions(options); // before the first look: a bad option is named, not an NPE from deep inside
        if (grace.isNegative()) {
            throw new IllegalArgumentException("grace must not be negative, got " + grace
                    + ": use Duration.ZERO to look once, or e.g. Duration.ofSeconds(2)");
        }
        long graceNanos = TimeUnit.NANOSECONDS.convert(grace); // saturates
        long deadline = System.nanoTime() + graceNanos;
        long backoff = FIRST_BACKOFF_NANOS;
        for (; ; ) {
            List<Goroutine> leaked = find(options);
            if (leaked.isEmpty()) {
                return;
            }
            long left = deadline - System.nanoTime();
            if (left <= 0 || Thread.currentThread().isInterrupted()) {
                throw new GoroutineLeakError(leaked, grace);
            }
            LockSupport.parkNanos(Math.min(backoff, left)); // an interrupt ends the park: one last look
            backoff = Math.min(2 * backoff, MAX_BACKOFF_NANOS);
        }
    }

    /** A live virtual thread and the name of its scheduler. */
    private record Live(Thread thread, String scheduler) {}

    /**
     * The virtual threads of every live weft scheduler (and of the JDK's default one), but the
     * caller and those {@code skip} rules out. Cheap: no stack is taken.
     */
    private static List<Live> liveThreads(boolean includeDefault, Predicate<Thread> skip) {
        if (!ParkedThreads.available()) {
            throw new IllegalStateException("cannot list goroutines: " + ParkedThreads.unavailableReason());
        }
        Thread self = Thread.currentThread();
        List<Live> all = new ArrayList<>();
        boolean defaultListed = false;
        for (Engine s : LiveSchedulers.live()) {
            addAll(all, s.jdk(), s.name(), self, skip);
            // under weft-agent the JDK's default scheduler is GoScheduler.global()'s own face
            defaultListed |= s.jdk() == JdkDefault.SCHEDULER;
        }
        if (includeDefault && !defaultListed) { // each thread once: a goroutine of weft-global, not jdk-default too
            if (JdkDefault.SCHEDULER == null) {
                throw new IllegalStateException(JdkDefault.FAILURE);
            }
            addAll(all, JdkDefault.SCHEDULER, JDK_DEFAULT_SCHEDULER, self, skip);
        }
        return all;
    }

    private static void addAll(List<Live> into, Executor scheduler, String name, Thread self, Predicate<Thread> skip) {
        for (Thread t : ParkedThreads.virtualThreadsOf(scheduler)) {
            if (t != self && !skip.test(t)) {
                into.add(new Live(t, name));
            }
        }
    }

    /** A snapshot of {@code t}: its wait classified as the deadlock detector does ({@link ParkedThreads#classify}). */
    static Goroutine describe(Thread t, String scheduler) {
        ParkedThreads.Wait wait = ParkedThreads.classify(t);
        Object blocker = LockSupport.getBlocker(t);
        StackTraceElement[] stack = t.getStackTrace();
        // a virtual thread caught mounting or unmounting shows no frames: look again, briefly
        for (int i = 0; stack.length == 0 && i < 100 && t.isAlive(); i++) {
            Thread.yield();
            stack = t.getStackTrace();
        }
        Thread.State state = t.getState();
        return new Goroutine(t, scheduler, state, waitsOn(wait, state, blocker), Arrays.asList(stack));
    }

    /** Go's wait reason in brackets, {@code " [chan receive]"}, for a weft blocker; else empty. */
    private static String reason(Object blocker) {
        return blocker instanceof WeftBlocker b ? " [" + b.waitReason() + "]" : "";
    }

    /** {@link Goroutine#waitsOn()}: the classified wait, in words, with the blocker. */
    static String waitsOn(ParkedThreads.Wait wait, Thread.State state, Object blocker) {
        // a weft blocker's wait reason says it all; its identity (Waiter@3fb4f649) says nothing
        String on = blocker == null || (blocker instanceof WeftBlocker && !describes(blocker))
                ? ""
                : " on " + describeBlocker(blocker);
        return switch (wait) {
            case RUNNING -> state == Thread.State.TERMINATED ? "terminated" : "running";
            case WEFT -> "parked in a weft operation" + reason(blocker) + on;
            case JUC -> blocker == null ? "waiting in Object.wait()" : "waiting" + on;
            case TIMED -> "waiting with a deadline (sleep, timed park or wait)" + reason(blocker) + on;
            case OTHER ->
                switch (state) {
                    case BLOCKED -> "blocked on a monitor";
                    case WAITING -> blocker == null ? "parked without a blocker or in I/O" : "parked" + on;
                    default -> state.toString().toLowerCase(java.util.Locale.ROOT);
                };
        };
    }

    /** Whether {@code blocker}'s class has a toString of its own, rather than Object's class@hash. */
    private static boolean describes(Object blocker) {
        try {
            return blocker.getClass().getMethod("toString").getDeclaringClass() != Object.class;
        } catch (NoSuchMethodException e) {
            throw new AssertionError(e); // every class has a public toString
        }
    }

    private static String describeBlocker(Object blocker) {
        try {
            return String.valueOf(blocker);
        } catch (RuntimeException e) { // a blocker's toString must not break the report
            return blocker.getClass().getName() + "@" + Integer.toHexString(System.identityHashCode(blocker));
        }
    }

    /** A grace period in the shortest words: "0 ms", "250 ms", "2 s", "1.5 s". */
    static String format(Duration d) {
        long ms = d.toMillis();
        if (ms < 1000 || ms % 100 != 0) {
            return ms + " ms";
        }
        return ms % 1000 == 0 ? (ms / 1000) + " s" : (ms / 1000.0) + " s";
    }

    /** The JDK's default virtual-thread scheduler ({@code VirtualThread.DEFAULT_SCHEDULER}), found on first use. */
    private static final class JdkDefault {
        /** Null if not found: then {@link #FAILURE} says why. */
        static final Executor SCHEDULER;

        static final String FAILURE;

        static {
            Executor s = null;
            String failure = null;
            try {
                Field f = Class.forName("java.lang.VirtualThread").getDeclaredField("DEFAULT_SCHEDULER");
                f.setAccessible(true); // java.lang is open to weft: GoScheduler needs it too
                s = (Executor) f.get(null);
            } catch (ReflectiveOperationException | RuntimeException e) {
                failure = "cannot find the JDK's default virtual-thread scheduler (" + Runtime.version() + "): " + e
                        + ". weft needs JDK 25 and " + VirtualThreads.opensFlag(Goroutines.class.getModule());
            }
            SCHEDULER = s;
            FAILURE = failure;
        }
    }
}
