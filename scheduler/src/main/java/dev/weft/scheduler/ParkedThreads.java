package dev.weft.scheduler;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.invoke.VarHandle;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;

/**
 * What the deadlock detector needs to know about threads: which virtual threads a scheduler
 * has, what each one waits on, and whether a thread outside the scheduler could still wake them.
 *
 * <h2>Enumerating a scheduler's virtual threads</h2>
 * The JDK keeps every live virtual thread in a <em>thread container</em>
 * ({@code jdk.internal.vm.ThreadContainer}): threads started directly are in the root
 * container's tracking set, threads of {@code Executors.newVirtualThreadPerTaskExecutor} (and of
 * structured scopes) in child containers. {@link #virtualThreadsOf} walks the tree from
 * {@code ThreadContainers.root()} through {@code children()} and keeps the virtual threads whose
 * {@code VirtualThread.scheduler} field is the given executor.
 *
 * <p>Access: {@code jdk.internal.vm} is neither exported nor opened, and a private lookup in
 * {@code java.lang.Thread} does not reach it either (a lookup obtained with
 * {@code privateLookupIn} from another module keeps the caller as its previous lookup class, and
 * both must be able to access the type: measured, it fails with "access violation"). So this
 * class calls {@code java.lang.Module}'s private {@code implAddExports(String, Module)} (the
 * method behind {@code --add-exports}), reachable because {@code java.lang} is open to weft, to
 * export exactly {@code jdk.internal.vm} to weft's own module. Nothing else in the module graph
 * changes, and it needs no flag beyond the {@code --add-opens java.base/java.lang} weft already
 * requires. If the JVM runs with {@code -Djdk.trackAllThreads=false} the root container only
 * counts virtual threads started directly and cannot list them: then {@link #available()} is
 * false and {@link #unavailableReason()} says why.
 *
 * <h2>Classifying a wait</h2>
 * See {@link #classify} and {@link Wait}. I/O never counts as a deadlock: a virtual thread
 * reading a socket or a pipe parks through the JDK's poller ({@code sun.nio.ch.Poller}) with no
 * park blocker, and only its stack tells what it waits for.
 *
 * <h2>Outside wakers</h2>
 * See {@link #outsideThreadsCanWake}: the judgement is "as far as can be known" from thread
 * states; it cannot see virtual threads of other schedulers at all, nor which object a thread
 * would signal.
 *
 * <p>Costs: {@code virtualThreadsOf} streams every live thread of the JVM once or twice (the
 * root container's set, and the containers' children); {@code classify} takes one stack trace
 * per waiting thread. Measured with 100,000 parked virtual threads: listing 30-250 ms, classifying
 * all of them about 1 s (10 us a thread, the stack walk), so a caller should stop at the first
 * thread that rules a deadlock out. The stack is walked even when the blocker is a latch or a
 * lock: a reader waiting for a channel's read lock (a {@code ReentrantLock}) while another reader
 * is in I/O must count as I/O. Both are meant to run at most once per quiet second.
 *
 * <p>A hazard the caller must know: in the JDK's default poller mode on Linux, the I/O poller
 * threads ({@code SubPoller-n}) are virtual threads started with {@code Thread.ofVirtual()} by
 * whichever virtual thread first blocks on I/O; if that is a weft thread, they inherit its
 * scheduler, are listed here as its threads (classified OTHER, in {@code sun.nio.ch.Poller}),
 * and never end. Starting the pollers from a platform thread first
 * ({@code Class.forName("sun.nio.ch.Poller", true, null)}) avoids it.
 */
final class ParkedThreads {
    private ParkedThreads() {
    }

    /** What a thread is waiting on, as far as its state, park blocker and stack tell. */
    enum Wait {
        /** Runnable (or new, or just terminated): not waiting at all. */
        RUNNING,
        /** Parked without a deadline on a weft object (a channel operation, a WaitGroup...). */
        WEFT,
        /**
         * Waiting without a deadline on a {@code java.util.concurrent} synchronizer (a latch, a
         * lock, a queue; {@code Thread.join} too, which waits on a latch) or in
         * {@code Object.wait()}.
         */
        JUC,
        /** Waiting with a deadline (sleep, timed park, timed wait): time alone will wake it. */
        TIMED,
        /**
         * Anything else: blocked on a monitor, parked without a blocker, or in I/O. Never treated
         * as part of a deadlock: something outside the JVM's threads may end the wait.
         */
        OTHER
    }

    /** Stack frames whose class starts with one of these mean I/O: never a deadlock. */
    private static final String[] IO_FRAMES = {
        "sun.nio.ch.", "java.net.", "java.io.", "sun.nio.fs.", "jdk.internal.misc.Blocker"
    };

    private static final VarHandle SCHEDULER;
    /** {@code ThreadContainers.root()}, typed {@code ()Object}. */
    private static final MethodHandle ROOT;
    /** {@code ThreadContainer.children()}, typed {@code (Object)Stream}. */
    private static final MethodHandle CHILDREN;
    /** {@code ThreadContainer.threads()}, typed {@code (Object)Stream}. */
    private static final MethodHandle THREADS;
    /** Null when enumeration works. */
    private static final String UNAVAILABLE;

    static {
        VarHandle scheduler = null;
        MethodHandle root = null;
        MethodHandle children = null;
        MethodHandle threads = null;
        String unavailable = null;
        try {
            Module weft = ParkedThreads.class.getModule();
            Module base = Object.class.getModule();
            if (!base.isOpen("java.lang", weft)) {
                throw new IllegalStateException(VirtualThreads.missingOpensMessage(weft));
            }
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            Class<?> vt = Class.forName("java.lang.VirtualThread");
            scheduler = MethodHandles.privateLookupIn(vt, lookup).findVarHandle(vt, "scheduler", Executor.class);

            if (!base.isExported("jdk.internal.vm", weft)) {
                Method export = Module.class.getDeclaredMethod("implAddExports", String.class, Module.class);
                export.setAccessible(true);
                export.invoke(base, "jdk.internal.vm", weft);
            }
            Class<?> containers = Class.forName("jdk.internal.vm.ThreadContainers");
            Class<?> container = Class.forName("jdk.internal.vm.ThreadContainer");
            MethodHandle track = lookup.findStatic(containers, "trackAllThreads", MethodType.methodType(boolean.class));
            if (!(boolean) track.invokeExact()) {
                throw new IllegalStateException("the JVM runs with -Djdk.trackAllThreads=false: "
                        + "the JDK does not keep a list of virtual threads started directly");
            }
            root = lookup.findStatic(containers, "root", MethodType.methodType(container))
                    .asType(MethodType.methodType(Object.class));
            children = lookup.findVirtual(container, "children", MethodType.methodType(Stream.class))
                    .asType(MethodType.methodType(Stream.class, Object.class));
            threads = lookup.findVirtual(container, "threads", MethodType.methodType(Stream.class))
                    .asType(MethodType.methodType(Stream.class, Object.class));
            Object r = root.invokeExact();
            if (r == null) {
                throw new IllegalStateException("no root thread container");
            }
        } catch (IllegalStateException e) {
            unavailable = e.getMessage();
        } catch (InvocationTargetException e) {
            unavailable = "cannot reach the JDK's thread containers (" + Runtime.version() + "): " + e.getCause();
        } catch (Throwable e) {
            unavailable = "cannot reach the JDK's thread containers (" + Runtime.version() + "): " + e;
        }
        SCHEDULER = scheduler;
        ROOT = root;
        CHILDREN = children;
        THREADS = threads;
        UNAVAILABLE = unavailable;
    }

    /** Whether {@link #virtualThreadsOf} works on this JVM. */
    static boolean available() {
        return UNAVAILABLE == null;
    }

    /** Why {@link #virtualThreadsOf} does not work here, or null if it does. */
    static String unavailableReason() {
        return UNAVAILABLE;
    }

    /**
     * Every live virtual thread whose scheduler is {@code scheduler} (compared by identity: for
     * a weft scheduler, the {@code JdkScheduler} its threads were built with), each once. A
     * virtual thread started with a plain {@code Thread.ofVirtual()} inside one of them inherits
     * the scheduler and is included. A snapshot: threads start and end meanwhile.
     *
     * @throws IllegalStateException if not {@link #available()}
     */
    static List<Thread> virtualThreadsOf(Executor scheduler) {
        if (UNAVAILABLE != null) {
            throw new IllegalStateException(UNAVAILABLE);
        }
        Set<Thread> found = new HashSet<>(); // Thread does not override equals: identity
        // containers seen, by identity, so a container reachable twice is walked once
        Set<Object> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        ArrayDeque<Object> todo = new ArrayDeque<>();
        try {
            Object root = ROOT.invokeExact();
            seen.add(root);
            todo.add(root);
            while (!todo.isEmpty()) {
                Object c = todo.poll();
                try (Stream<?> s = (Stream<?>) THREADS.invokeExact(c)) {
                    for (Iterator<?> it = s.iterator(); it.hasNext(); ) {
                        Thread t = (Thread) it.next();
                        if (t.isVirtual() && (Executor) SCHEDULER.get(t) == scheduler && t.isAlive()) {
                            found.add(t);
                        }
                    }
                }
                try (Stream<?> s = (Stream<?>) CHILDREN.invokeExact(c)) {
                    for (Iterator<?> it = s.iterator(); it.hasNext(); ) {
                        Object child = it.next();
                        if (child != null && seen.add(child)) {
                            todo.add(child);
                        }
                    }
                }
            }
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException("cannot list virtual threads", e);
        }
        return new ArrayList<>(found);
    }

    /**
     * What {@code t} waits on now (a snapshot):
     * <ul>
     *   <li>{@code NEW}, {@code RUNNABLE} (and {@code TERMINATED}, which is progress): RUNNING;</li>
     *   <li>{@code TIMED_WAITING}: TIMED;</li>
     *   <li>{@code BLOCKED} on a monitor: OTHER;</li>
     *   <li>{@code WAITING} with a stack frame of {@code sun.nio.ch.}, {@code java.net.},
     *       {@code java.io.}, {@code sun.nio.fs.} or {@code jdk.internal.misc.Blocker}: OTHER
     *       (I/O, whatever the blocker);</li>
     *   <li>{@code WAITING}, parked with a blocker whose class is in a {@code dev.weft.}
     *       package: WEFT;</li>
     *   <li>{@code WAITING}, parked with a blocker from {@code java.util.concurrent} (and its
     *       subpackages), or in {@code Object.wait()}: JUC;</li>
     *   <li>any other {@code WAITING} (parked without a blocker, or with a foreign one): OTHER.</li>
     * </ul>
     * If the state changed while the stack and blocker were read, the thread moved: RUNNING.
     */
    static Wait classify(Thread t) {
        Thread.State state = t.getState();
        Wait w = switch (state) {
            case NEW, RUNNABLE, TERMINATED -> Wait.RUNNING;
            case TIMED_WAITING -> Wait.TIMED;
            case BLOCKED -> Wait.OTHER;
            case WAITING -> classifyWaiting(t);
        };
        if (state == Thread.State.WAITING && t.getState() != state) {
            return Wait.RUNNING; // woken while we looked: the snapshot is stale
        }
        return w;
    }

    private static Wait classifyWaiting(Thread t) {
        StackTraceElement[] stack = t.getStackTrace();
        if (inIo(stack)) {
            return Wait.OTHER;
        }
        Object blocker = LockSupport.getBlocker(t);
        if (blocker != null) {
            String pkg = blocker.getClass().getPackageName();
            if (pkg.startsWith("dev.weft.")) {
                return Wait.WEFT;
            }
            if (pkg.startsWith("java.util.concurrent")) {
                return Wait.JUC;
            }
            return Wait.OTHER;
        }
        return inObjectWait(stack) ? Wait.JUC : Wait.OTHER;
    }

    private static boolean inIo(StackTraceElement[] stack) {
        for (StackTraceElement f : stack) {
            String c = f.getClassName();
            for (String prefix : IO_FRAMES) {
                if (c.startsWith(prefix)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** {@code Object.wait} at the top of the stack (its native {@code wait0} under it). */
    private static boolean inObjectWait(StackTraceElement[] stack) {
        for (int i = 0; i < Math.min(3, stack.length); i++) {
            if (stack[i].getClassName().equals("java.lang.Object") && stack[i].getMethodName().startsWith("wait")) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether a thread outside the scheduler could still wake its virtual threads, as far as can
     * be known from the live <em>platform</em> threads. The rule, over every platform thread that
     * is alive, not a daemon, not in {@code exclude} and not the calling thread:
     * <ul>
     *   <li>{@code RUNNABLE}, {@code TIMED_WAITING} or {@code BLOCKED}: it runs, or will run
     *       when its time or monitor comes, and may then send, count down or unpark: true,</li>
     *   <li>except a thread whose stack shows it waiting for a weft scheduler to end (a frame of
     *       {@code CarrierScheduler.awaitTermination} or {@code GoScheduler.close}): it waits for
     *       the very threads in question and wakes nobody (even a timed
     *       {@code awaitTermination} is counted so);</li>
     *   <li>{@code WAITING} (untimed) threads wait for someone else, and {@code NEW} ones have
     *       not started (whoever starts them is itself a thread looked at here): they count
     *       for nothing.</li>
     * </ul>
     * Daemon threads are ignored: JDK and test-harness daemons sit forever in {@code RUNNABLE}
     * reads and would hide every deadlock (Go, likewise, does not count its system goroutines).
     * Not seen at all: virtual threads of other schedulers, including the JDK's default one
     * (the JDK does not list them cheaply, and a virtual thread of another weft scheduler has
     * that scheduler's own detector), and native code or other processes that might write to a
     * pipe or socket (a thread waiting on I/O is never part of a deadlock, see {@link #classify}).
     *
     * @param exclude threads not to count (the scheduler's carriers, a caller that is known to
     *                wait for the result...); may be empty
     */
    static boolean outsideThreadsCanWake(Set<Thread> exclude) {
        Thread self = Thread.currentThread();
        for (Map.Entry<Thread, StackTraceElement[]> e : Thread.getAllStackTraces().entrySet()) {
            Thread t = e.getKey();
            if (t == self || t.isVirtual() || t.isDaemon() || exclude.contains(t)) {
                continue;
            }
            Thread.State s = t.getState();
            if (s == Thread.State.RUNNABLE || s == Thread.State.TIMED_WAITING || s == Thread.State.BLOCKED) {
                if (!awaitingWeft(e.getValue())) {
                    return true;
                }
            }
        }
        return false;
    }

    private static boolean awaitingWeft(StackTraceElement[] stack) {
        for (StackTraceElement f : stack) {
            String c = f.getClassName();
            String m = f.getMethodName();
            if ((c.equals("dev.weft.scheduler.CarrierScheduler") && m.equals("awaitTermination"))
                    || (c.equals("dev.weft.scheduler.GoScheduler") && m.equals("close"))) {
                return true;
            }
        }
        return false;
    }
}
