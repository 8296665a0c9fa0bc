package dev.weft.scheduler;

import java.security.CodeSource;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A snapshot of one live goroutine (a virtual thread of a weft scheduler, or of the JDK's default
 * scheduler when asked for), as {@link Goroutines#find} saw it: Go's {@code runtime.Stack} entry,
 * as goleak parses it.
 *
 * <p>Immutable, but the thread it names moves on: {@link #state()}, {@link #waitsOn()} and
 * {@link #stack()} are what they were when it was taken.
 *
 * @param thread    the virtual thread
 * @param scheduler the name of its scheduler: a {@link GoScheduler#name()}, or
 *                  {@value Goroutines#JDK_DEFAULT_SCHEDULER} for the JDK's own
 * @param state     its state when listed
 * @param waitsOn   what it waits on, in words: the park blocker and its kind (a weft object, a
 *                  {@code java.util.concurrent} synchronizer, a deadline, a monitor, I/O), or
 *                  "running"; a wait in weft carries Go's wait reason in brackets, e.g.
 *                  {@code "parked in a weft operation [chan receive] on ..."}
 * @param stack     its stack when listed, top frame first (empty if it was not mounted and the
 *                  JDK could not tell)
 */
public record Goroutine(
        Thread thread, String scheduler, Thread.State state, String waitsOn, List<StackTraceElement> stack) {
    /** Frames of these packages are the JDK's park and I/O machinery, skipped by {@link #topFunction()}. */
    private static final String[] JDK_PACKAGES = {"java.", "javax.", "jdk.", "sun.", "com.sun."};

    /**
     * weft's own packages: their frames are weft's channel and park machinery (a receive's
     * {@code Waiter.await}, {@code WaitGroup.await0}), skipped by {@link #topFunction()} as Go
     * hides runtime frames. Not {@code dev.weft.examples.}: examples are user code.
     */
    private static final String[] WEFT_PACKAGES = {"dev.weft.channels.", "dev.weft.scheduler."};

    /**
     * A snapshot of one goroutine; {@link Goroutines#find} makes them. The stack is copied.
     *
     * @throws NullPointerException if any component is null
     */
    public Goroutine {
        Objects.requireNonNull(thread, "thread");
        Objects.requireNonNull(scheduler, "scheduler");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(waitsOn, "waitsOn");
        stack = List.copyOf(stack);
    }

    /**
     * The thread's name.
     *
     * @return the name; may be empty: virtual threads are unnamed by default
     */
    public String name() {
        return thread.getName();
    }

    /**
     * The thread's id.
     *
     * @return {@link Thread#threadId()}, unique in the JVM
     */
    public long id() {
        return thread.threadId();
    }

    /**
     * The function on top of the stack, {@code class.method} (binary class name, e.g.
     * {@code com.example.Worker$Loop.run}): the top user frame, the first one that is neither
     * the JDK's ({@code java.}, {@code javax.}, {@code jdk.}, {@code sun.}, {@code com.sun.}) nor
     * weft's own ({@code dev.weft.channels.}, {@code dev.weft.scheduler.}, classes of weft's
     * jars only: tests and examples in those packages are user code). Every parked virtual
     * thread's literal top frame is the JDK's park machinery, and a goroutine blocked on a
     * channel is in {@code Waiter.await} whatever it waits for; goleak reports the user's function
     * because Go hides runtime frames.
     *
     * @return {@code class.method} of the top user frame; if every frame is the JDK's or weft's,
     *         the literal top frame; empty if the stack is
     */
    public String topFunction() {
        for (StackTraceElement f : stack) {
            if (!isInternal(f)) {
                return function(f);
            }
        }
        return stack.isEmpty() ? "" : function(stack.getFirst());
    }

    /**
     * Whether {@code function} ({@code class.method}) is a top function of this goroutine: one of
     * the frames from the top down to the first user frame (see {@link #topFunction()}), that
     * frame included. So {@code java.util.concurrent.CountDownLatch.await},
     * {@code dev.weft.channels.Chan.receive} and the user's method that called them all match
     * (Go's goleak {@code IgnoreTopFunction}).
     */
    boolean hasTopFunction(String function) {
        for (StackTraceElement f : stack) {
            if (function(f).equals(function)) {
                return true;
            }
            if (!isInternal(f)) {
                return false;
            }
        }
        return false;
    }

    /** Whether any frame of the stack is {@code function} ({@code class.method}): goleak's {@code IgnoreAnyFunction}. */
    boolean hasAnyFunction(String function) {
        for (StackTraceElement f : stack) {
            if (function(f).equals(function)) {
                return true;
            }
        }
        return false;
    }

    /** Whether a frame's class starts with {@code prefix}. */
    boolean hasFrameOfClassPrefix(String prefix) {
        for (StackTraceElement f : stack) {
            if (f.getClassName().startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }

    static String function(StackTraceElement f) {
        return f.getClassName() + "." + f.getMethodName();
    }

    /** A frame of the JDK or of weft itself: not the user's (see {@link #topFunction()}). */
    private static boolean isInternal(StackTraceElement f) {
        return isJdk(f) || WeftCode.isWeft(f.getClassName());
    }

    private static boolean isJdk(StackTraceElement f) {
        String c = f.getClassName();
        for (String p : JDK_PACKAGES) {
            if (c.startsWith(p)) {
                return true;
            }
        }
        return false;
    }

    /**
     * goleak's format: a header line with the id, name, scheduler, state, what it waits on and
     * the top function, then the stack, one {@code at} line per frame.
     */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        sb.append("[Goroutine #")
                .append(id())
                .append(" \"")
                .append(name())
                .append("\" on ")
                .append(scheduler)
                .append(", ")
                .append(state)
                .append(", ")
                .append(waitsOn)
                .append(
                        stack.isEmpty()
                                ? ", with an empty stack:"
                                : ", with " + topFunction() + " on top of the stack:");
        for (StackTraceElement f : stack) {
            sb.append("\n\tat ").append(f);
        }
        return sb.append("\n]").toString();
    }

    /**
     * Which classes are weft's own: in {@link #WEFT_PACKAGES} and loaded from weft's jars (the
     * code source of the scheduler, or of the channels library if present), so weft's own tests
     * in those packages count as user code. Cached per class name; thread-safe.
     */
    private static final class WeftCode {
        private static final Map<String, Boolean> CACHE = new ConcurrentHashMap<>();
        private static final List<String> WEFT_JARS = weftJars();

        static boolean isWeft(String className) {
            boolean inPackage = false;
            for (String p : WEFT_PACKAGES) {
                inPackage |= className.startsWith(p);
            }
            return inPackage && CACHE.computeIfAbsent(className, WeftCode::fromWeftJar);
        }

        /** Whether the class was loaded from a weft jar; if that cannot be told, its package decides: yes. */
        private static boolean fromWeftJar(String className) {
            String where = location(load(className));
            return where == null || WEFT_JARS.isEmpty() || WEFT_JARS.contains(where);
        }

        private static List<String> weftJars() {
            String scheduler = location(Goroutine.class);
            String channels = location(load("dev.weft.channels.Chan"));
            return java.util.stream.Stream.of(scheduler, channels)
                    .filter(Objects::nonNull)
                    .toList();
        }

        private static Class<?> load(String className) {
            try {
                return Class.forName(className, false, Goroutine.class.getClassLoader());
            } catch (ClassNotFoundException | LinkageError | RuntimeException e) {
                return null;
            }
        }

        private static String location(Class<?> c) {
            if (c == null) {
                return null;
            }
            try {
                CodeSource cs = c.getProtectionDomain().getCodeSource();
                return cs == null || cs.getLocation() == null
                        ? null
                        : cs.getLocation().toString(); // no URL.equals: it resolves hosts
            } catch (SecurityException e) {
                return null;
            }
        }
    }
}
