package dev.weft.scheduler;

import java.util.List;
import java.util.Objects;

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
 *                  "running"
 * @param stack     its stack when listed, top frame first (empty if it was not mounted and the
 *                  JDK could not tell)
 */
public record Goroutine(Thread thread, String scheduler, Thread.State state, String waitsOn,
                        List<StackTraceElement> stack) {
    /** Frames of these packages are the JDK's park and I/O machinery, skipped by {@link #topFunction()}. */
    private static final String[] JDK_PACKAGES = {"java.", "javax.", "jdk.", "sun.", "com.sun."};

    /**
     * @throws NullPointerException if any component is null
     */
    public Goroutine {
        Objects.requireNonNull(thread, "thread");
        Objects.requireNonNull(scheduler, "scheduler");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(waitsOn, "waitsOn");
        stack = List.copyOf(stack);
    }

    /** The thread's name (may be empty: virtual threads are unnamed by default). */
    public String name() {
        return thread.getName();
    }

    /** The thread's id ({@link Thread#threadId()}), unique in the JVM. */
    public long id() {
        return thread.threadId();
    }

    /**
     * The function on top of the stack, {@code class.method} (binary class name, e.g.
     * {@code com.example.Worker$Loop.run}): the top frame outside the JDK's packages
     * ({@code java.}, {@code javax.}, {@code jdk.}, {@code sun.}, {@code com.sun.}), because
     * every parked virtual thread's literal top frame is the JDK's park machinery. If every frame
     * is the JDK's, the literal top frame; empty if the stack is.
     */
    public String topFunction() {
        for (StackTraceElement f : stack) {
            if (!isJdk(f)) {
                return function(f);
            }
        }
        return stack.isEmpty() ? "" : function(stack.getFirst());
    }

    /**
     * Whether {@code function} ({@code class.method}) is a top function of this goroutine: one of
     * the frames from the top down to the first frame outside the JDK, that frame included. So
     * both {@code java.util.concurrent.CountDownLatch.await} and the user's method that called it
     * match a goroutine waiting on a latch (Go's goleak {@code IgnoreTopFunction}).
     */
    boolean hasTopFunction(String function) {
        for (StackTraceElement f : stack) {
            if (function(f).equals(function)) {
                return true;
            }
            if (!isJdk(f)) {
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
        sb.append("[Goroutine #").append(id()).append(" \"").append(name()).append("\" on ").append(scheduler)
                .append(", ").append(state).append(", ").append(waitsOn)
                .append(stack.isEmpty() ? ", with an empty stack:" : ", with " + topFunction() + " on top of the stack:");
        for (StackTraceElement f : stack) {
            sb.append("\n\tat ").append(f);
        }
        return sb.append("\n]").toString();
    }
}
