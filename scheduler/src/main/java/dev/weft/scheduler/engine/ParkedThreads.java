package dev.weft.scheduler.engine;

import dev.weft.scheduler.internal.WaitReason;
import dev.weft.scheduler.internal.WeftBlocker;
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
import java.util.concurrent.ConcurrentHashMap;
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
 * See {@link #outsideWaker}: the judgement is "as far as can be known" from thread states and
 * stacks, over every platform thread and every virtual thread of the JVM; it cannot know which
 * object a thread would signal, so any thread that may still run counts.
 *
 * <p>Costs: {@code allVirtualThreads} (and {@code virtualThreadsOf}) streams every live thread of
 * the JVM once or twice (the root container's set, and the containers' children);
 * {@code outsideWaker} takes every platform thread's stack at one safepoint
 * ({@code Thread.getAllStackTraces}); {@code classify} takes one stack trace
 * per waiting thread. Measured with 100,000 parked virtual threads: listing 30-250 ms, classifying
 * all of them about 1 s (10 us a thread, the stack walk), so a caller should stop at the first
 * thread that rules a deadlock out. The stack is walked even when the blocker is a latch or a
 * lock: a reader waiting for a channel's read lock (a {@code ReentrantLock}) while another reader
 * is in I/O must count as I/O. All are meant to run at most once per quiet second, and less often
 * the longer it stays quiet (see {@link DeadlockWatch}).
 *
 * <p>A hazard the caller must know: in the JDK's default poller mode on Linux, the I/O poller
 * threads ({@code SubPoller-n}) are virtual threads started with {@code Thread.ofVirtual()} by
 * whichever virtual thread first blocks on I/O; if that is a weft thread, they inherit its
 * scheduler, are listed here as its threads (classified OTHER, in {@code sun.nio.ch.Poller}),
 * and never end. {@link JdkPollers} starts them from a platform thread first; wherever they
 * run, {@link #isJdkPoller} tells them apart.
 */
public final class ParkedThreads {
    private ParkedThreads() {}

    /** What a thread is waiting on, as far as its state, park blocker and stack tell. */
    public enum Wait {
        /** Runnable (or new, or just terminated): not waiting at all. */
        RUNNING,
        /**
         * Parked without a deadline in a weft operation (a channel operation, a WaitGroup...): its
         * park blocker is a {@link WeftBlocker}, which tells why ({@link WeftBlocker#waitReasonOf}).
         */
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

    /**
     * Whether {@link #virtualThreadsOf} works on this JVM.
     *
     * @return true if the JDK's thread containers could be reached (see {@link #unavailableReason()})
     */
    public static boolean available() {
        return UNAVAILABLE == null;
    }

    /**
     * Why {@link #virtualThreadsOf} does not work here, or null if it does.
     *
     * @return the reason (what could not be reached, and why), or null
     */
    public static String unavailableReason() {
        return UNAVAILABLE;
    }

    /**
     * Every live virtual thread whose scheduler is {@code scheduler} (compared by identity: for
     * a weft scheduler, the {@code JdkScheduler} its threads were built with), each once. A
     * virtual thread started with a plain {@code Thread.ofVirtual()} inside one of them inherits
     * the scheduler and is included. A snapshot: threads start and end meanwhile.
     *
     * @param scheduler the scheduler the threads were built with
     * @return a new list of those threads, in no particular order
     * @throws IllegalStateException if not {@link #available()}
     */
    public static List<Thread> virtualThreadsOf(Executor scheduler) {
        List<Thread> found = new ArrayList<>();
        for (Thread t : allVirtualThreads()) {
            if (schedulerOf(t) == scheduler) {
                found.add(t);
            }
        }
        return found;
    }

    /** The scheduler of virtual thread {@code t} ({@code VirtualThread.scheduler}). */
    static Executor schedulerOf(Thread t) {
        assert t.isVirtual() && SCHEDULER != null;
        return (Executor) SCHEDULER.get(t);
    }

    /**
     * Every live virtual thread of the JVM, whatever its scheduler, each once: the walk of the
     * thread containers described above. A snapshot.
     *
     * @throws IllegalStateException if not {@link #available()}
     */
    static List<Thread> allVirtualThreads() {
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
                        if (t.isVirtual() && t.isAlive()) {
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
     *   <li>{@code WAITING}, parked with a blocker that is a {@link WeftBlocker} (weft's
     *       channels and WaitGroup park so, with their wait reason): WEFT. Only that type counts,
     *       not a package name: a blocker of another class, whatever its package (one of
     *       {@code dev.weft.*} included), is a foreign one;</li>
     *   <li>{@code WAITING}, parked with a blocker from {@code java.util.concurrent} (and its
     *       subpackages), or in {@code Object.wait()}: JUC;</li>
     *   <li>any other {@code WAITING} (parked without a blocker, or with a foreign one): OTHER.</li>
     * </ul>
     * If the state changed while the stack and blocker were read, the thread moved: RUNNING.
     *
     * @param t any thread, virtual or not
     * @return what it waits for now; a snapshot (it may move on at once)
     */
    public static Wait classify(Thread t) {
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
        if (blocker instanceof WeftBlocker) {
            return Wait.WEFT;
        }
        if (blocker != null) {
            String pkg = blocker.getClass().getPackageName();
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

    /**
     * In {@code ExecutorService.close()} (the default method, {@code ThreadPoolExecutor}'s) or
     * {@code ThreadPerTaskExecutor.close()} ({@code Executors.newVirtualThreadPerTaskExecutor}'s):
     * they wait for the executor's threads to end with one-day timed waits in a loop, so such a
     * platform thread is timed in form only: it waits for other threads, which are looked at
     * themselves (the try-with-resources of structured code). A virtual thread there still
     * rules a deadlock out: its one-day timer is a pending timer of its scheduler.
     */
    static boolean inExecutorClose(StackTraceElement[] stack) {
        return has(stack, "java.util.concurrent.ExecutorService", "close")
                || has(stack, "java.util.concurrent.ThreadPerTaskExecutor", "close");
    }

    /** {@code Object.wait} at the top of the stack (its native {@code wait0} under it). */
    private static boolean inObjectWait(StackTraceElement[] stack) {
        for (int i = 0; i < Math.min(3, stack.length); i++) {
            if (stack[i].getClassName().equals("java.lang.Object")
                    && stack[i].getMethodName().startsWith("wait")) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether {@code t} is one of the JDK's I/O poller threads ({@code sun.nio.ch.Poller}'s
     * {@code pollerLoop} or {@code subPollerLoop}: the platform {@code MasterPoller},
     * {@code Read-Poller}, {@code Write-Poller}, or a virtual {@code SubPoller-n}, which may run
     * on weft). They live forever and only wake threads parked in I/O, which count by
     * themselves: never a waker, never part of a deadlock. Takes a stack trace.
     */
    static boolean isJdkPoller(Thread t) {
        return isJdkPoller(t.getStackTrace());
    }

    private static boolean isJdkPoller(StackTraceElement[] stack) {
        for (StackTraceElement f : stack) {
            if (f.getClassName().equals("sun.nio.ch.Poller")
                    && (f.getMethodName().equals("pollerLoop")
                            || f.getMethodName().equals("subPollerLoop"))) {
                return true;
            }
        }
        return false;
    }

    /**
     * A thread outside the scheduler that could still wake its virtual threads, as far as can
     * be known, or null if there is none: what the deadlock detector asks once the scheduler is
     * quiet and every one of its virtual threads is parked. It errs towards finding one: a false
     * deadlock report is worse than a missed one. Looked at, stopping at the first waker:
     * <ol>
     *   <li><b>every other virtual thread of the JVM</b> ({@code others}: the JDK's default
     *       scheduler, other weft schedulers, any custom one): one that runs, waits with a
     *       deadline, is blocked on a monitor, waits for I/O or is parked on something unknown
     *       ({@link #classify} RUNNING, TIMED or OTHER) is a waker; one parked without a deadline
     *       on a weft or {@code java.util.concurrent} object waits for someone else, who is
     *       looked at too. The JDK's pollers ({@link #isJdkPoller}) never count.</li>
     *   <li><b>every live platform thread</b>, daemon or not (a daemon
     *       {@code ScheduledExecutorService} runs user tasks as well as any other thread):
     *       <ul>
     *         <li>{@code NEW}, {@code TERMINATED}, and {@code WAITING} (untimed) wake nobody by
     *             themselves;</li>
     *         <li>{@code BLOCKED} is a waker: it runs once it has the monitor;</li>
     *         <li>{@code TIMED_WAITING} is a waker (a sleep, a scheduled executor or
     *             {@code java.util.Timer} with a task queued, the JDK's delay schedulers and
     *             {@code VirtualThread-unparker}s with a timer pending), except in spots known to
     *             wake only to find nothing to do: an idle pool worker's keep-alive poll
     *             ({@code ThreadPoolExecutor.getTask}, but not in a scheduled executor's
     *             {@code DelayedWorkQueue}), an idle {@code ForkJoinPool} worker
     *             ({@code awaitWork}), the {@code Cleaner} thread, JFR's {@code JFR Periodic Tasks}
     *             thread, a thread in an executor's {@code close()} ({@link #inExecutorClose}),
     *             weft's own timer threads
     *             (their pending timers are counted by the caller), and a thread waiting for a
     *             weft scheduler to end ({@code CarrierScheduler.awaitTermination},
     *             {@code GoScheduler.close}: it waits for the very threads in question);</li>
     *         <li>{@code RUNNABLE} is a waker (it computes, or is in a native read or accept
     *             that may return), except a thread with no Java frame (the JVM's own:
     *             {@code Signal Dispatcher}, {@code Notification Thread}...), the
     *             {@code Reference Handler} waiting for the GC, the
     *             {@code VirtualThread-unblocker} waiting for monitors to be released (the
     *             virtual threads BLOCKED on them count already), the JDK's pollers, and a
     *             thread waiting for a weft scheduler to end;</li>
     *         <li>weft's own carriers ({@link Carrier}) and sysmon threads (a registered
     *             scheduler's, by identity) never count: what they run is the
     *             virtual threads of step 1, and the caller looks at every weft scheduler's
     *             queues and timers itself.</li>
     *       </ul></li>
     * </ol>
     * Not seen: native code or other processes that might write to a pipe or socket (a thread
     * waiting on I/O is never part of a deadlock, see {@link #classify}), and a JNI-attached
     * native thread between calls into Java.
     *
     * @param others  the virtual threads not of the scheduler in question
     * @param exclude threads not to count (the calling thread always is); may be empty
     * @return a description of the first possible waker found, or null
     */
    static String outsideWaker(List<Thread> others, Set<Thread> exclude) {
        Thread self = Thread.currentThread();
        for (Map.Entry<Thread, StackTraceElement[]> e :
                Thread.getAllStackTraces().entrySet()) {
            Thread t = e.getKey();
            if (t == self || t.isVirtual() || exclude.contains(t)) {
                continue;
            }
            Thread.State s = t.getState();
            if (platformThreadCanWake(t, s, e.getValue())) {
                return "platform thread " + t + " is " + s + (e.getValue().length > 0 ? " at " + e.getValue()[0] : "");
            }
        }
        for (Thread t : others) {
            if (t == self || exclude.contains(t)) {
                continue;
            }
            Wait w = classify(t);
            if (w != Wait.WEFT && w != Wait.JUC && !(w == Wait.OTHER && isJdkPoller(t))) {
                return "virtual thread " + t + " is " + w;
            }
        }
        return null;
    }

    /**
     * The application's shutdown hooks ({@code java.lang.ApplicationShutdownHooks.hooks}, read
     * under that class's monitor as the JDK does; reachable because {@code java.lang} is open to
     * weft). -1 where it can't be read, which counts as none: the check then relies on the
     * threads alone, as before. The JDK's own hooks that wake no thread of the program are not
     * counted ({@link #JDK_HOOKS_THAT_WAKE_NOBODY}): else a JFR recording, or any use of
     * {@code java.util.logging}, would silence every deadlock report.
     */
    static final class ShutdownHooks {
        private static final Class<?> OWNER;
        private static final VarHandle HOOKS;

        static {
            Class<?> owner = null;
            VarHandle hooks = null;
            try {
                owner = Class.forName("java.lang.ApplicationShutdownHooks");
                hooks = MethodHandles.privateLookupIn(owner, MethodHandles.lookup())
                        .findStaticVarHandle(owner, "hooks", IdentityHashMap.class);
            } catch (ReflectiveOperationException | RuntimeException e) {
                hooks = null;
            }
            OWNER = owner;
            HOOKS = hooks;
        }

        /**
         * Classes of the JDK's own shutdown hooks that only flush or close what they own: JFR's
         * (dumps the recordings; registered when a recording starts) and
         * {@code java.util.logging}'s (closes the handlers; registered when its
         * {@code LogManager} starts).
         */
        static final Set<String> JDK_HOOKS_THAT_WAKE_NOBODY =
                Set.of("jdk.jfr.internal.ShutdownHook", "java.util.logging.LogManager$Cleaner");

        private ShutdownHooks() {}

        /**
         * How many hooks that may wake a thread are registered now; 0 once shutdown began (they
         * run then), -1 if unknown.
         */
        static int count() {
            if (HOOKS == null) {
                return -1;
            }
            synchronized (OWNER) {
                IdentityHashMap<?, ?> map = (IdentityHashMap<?, ?>) HOOKS.get();
                if (map == null) {
                    return 0;
                }
                int n = 0;
                for (Object hook : map.keySet()) {
                    if (!JDK_HOOKS_THAT_WAKE_NOBODY.contains(hook.getClass().getName())) {
                        n++;
                    }
                }
                return n;
            }
        }
    }

    /** The platform-thread rule of {@link #outsideWaker}. */
    static boolean platformThreadCanWake(Thread t, Thread.State s, StackTraceElement[] stack) {
        if (t instanceof Carrier || LiveSchedulers.isSysmon(t)) {
            return false;
        }
        return switch (s) {
            case NEW, TERMINATED, WAITING -> false;
            case BLOCKED -> true;
            case TIMED_WAITING -> !idleTimedWait(stack) && !weftIdle(t) && !awaitingWeft(t);
            case RUNNABLE -> stack.length > 0 && !idleNative(stack[0]) && !isJdkPoller(stack) && !awaitingWeft(t);
        };
    }

    /**
     * The JDK's own threads, RUNNABLE in a native wait for the JVM: the {@code Reference
     * Handler} (for the GC's references), {@code VirtualThread-unblocker} (for virtual threads
     * that were BLOCKED on a monitor: those count by themselves).
     */
    private static boolean idleNative(StackTraceElement top) {
        String c = top.getClassName();
        String m = top.getMethodName();
        return (c.equals("java.lang.ref.Reference") && m.equals("waitForReferencePendingList"))
                || (c.equals("java.lang.VirtualThread") && m.equals("takeVirtualThreadListToUnblock"));
    }

    /**
     * A timed wait that, when it times out, finds nothing to do (see {@link #outsideWaker}); also
     * JFR's {@code JFR Periodic Tasks} thread between two rounds of periodic events (it commits
     * events; a hook added with {@code FlightRecorder.addPeriodicEvent} is meant to do only
     * that), so that a running recording does not silence the deadlock report.
     */
    static boolean idleTimedWait(StackTraceElement[] stack) {
        if (has(stack, "java.util.concurrent.ThreadPoolExecutor", "getTask")) {
            for (StackTraceElement f : stack) {
                if (f.getClassName().startsWith("java.util.concurrent.ScheduledThreadPoolExecutor")) {
                    return false; // waiting for a scheduled task to come due
                }
            }
            return true; // keep-alive poll of an empty queue
        }
        return has(stack, "java.util.concurrent.ForkJoinPool", "awaitWork")
                || has(stack, "jdk.internal.ref.CleanerImpl", "run")
                || has(stack, "jdk.jfr.internal.PlatformRecorder", "takeNap")
                || inExecutorClose(stack);
    }

    private static boolean has(StackTraceElement[] stack, String className, String method) {
        for (StackTraceElement f : stack) {
            if (f.getClassName().equals(className) && f.getMethodName().equals(method)) {
                return true;
            }
        }
        return false;
    }

    /**
     * weft's own timer threads (a scheduler's {@code TimerQueue}, the channel timers), parked
     * until their next deadline: their blocker is a {@link WeftBlocker} with a runtime-idle
     * {@link WaitReason} ({@code timer goroutine (idle)}), recognised by type, not by name. Their
     * pending timers are counted by the caller.
     */
    private static boolean weftIdle(Thread t) {
        WaitReason r = WeftBlocker.waitReasonOf(t);
        return r != null && r.isRuntimeIdle();
    }

    /**
     * Threads in {@link CarrierScheduler#awaitTermination} (so in {@code GoScheduler.close} too):
     * they wait for the very threads in question. Registered by that method while it waits, by
     * identity.
     */
    static final Set<Thread> AWAITING_TERMINATION = ConcurrentHashMap.newKeySet();

    private static boolean awaitingWeft(Thread t) {
        return AWAITING_TERMINATION.contains(t);
    }
}
