package dev.weft.scheduler.engine;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.invoke.VarHandle;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;

/**
 * The bridge into {@code java.lang}: everything weft needs from the JDK's virtual-thread
 * implementation, found once, with a clear error when {@code java.lang} is not open to weft.
 *
 * <ul>
 *   <li>{@code ThreadBuilders$VirtualThreadBuilder(Executor)}: the package-private constructor
 *       that makes virtual threads use a custom scheduler (JDK 25).</li>
 *   <li>The thread behind a task: a virtual thread hands {@code scheduler.execute} its bound
 *       method reference {@code this::runContinuation}, whose one captured field is the thread.
 *       From it we read the thread's state to tell a start ({@code STARTED}) from a wake-up, and
 *       a finished thread ({@code TERMINATED}) after a run.</li>
 *   <li>{@code VirtualThread.termination}: the latch the JDK counts down exactly once, on the
 *       carrier, when the thread terminates ({@code afterDone}); {@code join} waits on it. weft
 *       installs its own latch there at start to count the goroutine out exactly once.</li>
 *   <li>{@code Thread.currentCarrierThread()}: inside a virtual thread, the carrier under it
 *       (the virtual thread is pinned while it calls {@code execute}, so the answer is stable).</li>
 *   <li>{@code VirtualThread.disableSuspendAndPreempt()} / {@code enableSuspendAndPreempt()}:
 *       pin the current virtual thread to its carrier ({@code Continuation.pin}) and keep
 *       JVMTI from suspending it, the JDK's own guard around the locks its carriers take
 *       ({@link #acquirem}).</li>
 * </ul>
 */
public final class VirtualThreads {
    private VirtualThreads() {}

    /** {@code java.lang.VirtualThread.STARTED}, checked against the JDK at class init. */
    static final int STARTED;
    /** {@code java.lang.VirtualThread.TERMINATED}. */
    static final int TERMINATED;

    private static final Constructor<?> BUILDER;
    private static final MethodHandle CURRENT_CARRIER;
    private static final MethodHandle DISABLE_PREEMPT;
    private static final MethodHandle ENABLE_PREEMPT;
    private static final VarHandle STATE;
    private static final VarHandle TERMINATION;
    private static final Class<?> CONTINUATION_TASK;
    private static final VarHandle TASK_THREAD;
    private static final IllegalStateException FAILURE;

    static {
        Constructor<?> builder = null;
        MethodHandle currentCarrier = null;
        MethodHandle disablePreempt = null;
        MethodHandle enablePreempt = null;
        VarHandle state = null;
        VarHandle termination = null;
        VarHandle taskThread = null;
        Class<?> taskClass = null;
        int started = -1;
        int terminated = -1;
        IllegalStateException failure = null;
        try {
            Module weft = VirtualThreads.class.getModule();
            if (!Object.class.getModule().isOpen("java.lang", weft)) {
                throw new IllegalStateException(missingOpensMessage(weft));
            }
            Class<?> vtb = Class.forName("java.lang.ThreadBuilders$VirtualThreadBuilder");
            builder = vtb.getDeclaredConstructor(Executor.class);
            builder.setAccessible(true);

            MethodHandles.Lookup lookup = MethodHandles.lookup();
            currentCarrier = MethodHandles.privateLookupIn(Thread.class, lookup)
                    .findStatic(Thread.class, "currentCarrierThread", MethodType.methodType(Thread.class));

            Class<?> vt = Class.forName("java.lang.VirtualThread");
            MethodHandles.Lookup vtLookup = MethodHandles.privateLookupIn(vt, lookup);
            state = vtLookup.findVarHandle(vt, "state", int.class);
            termination = vtLookup.findVarHandle(vt, "termination", CountDownLatch.class);
            MethodType asThread = MethodType.methodType(void.class, Thread.class);
            disablePreempt = vtLookup.findVirtual(vt, "disableSuspendAndPreempt", MethodType.methodType(void.class))
                    .asType(asThread);
            enablePreempt = vtLookup.findVirtual(vt, "enableSuspendAndPreempt", MethodType.methodType(void.class))
                    .asType(asThread);
            started = staticInt(vt, "STARTED");
            terminated = staticInt(vt, "TERMINATED");

            // Capture the task class once: start a probe virtual thread on a recording executor.
            // (No lambdas here: their bodies would need this class, which is still initializing.)
            Probe recorder = new Probe();
            Thread probe = ((Thread.Builder.OfVirtual) builder.newInstance(recorder))
                    .name("weft-probe")
                    .unstarted(new Probe());
            probe.start();
            probe.join();
            Runnable[] seen = {recorder.seen};
            taskClass = seen[0].getClass();
            Field threadField = null;
            for (Field f : taskClass.getDeclaredFields()) {
                if (!Modifier.isStatic(f.getModifiers()) && Thread.class.isAssignableFrom(f.getType())) {
                    threadField = f;
                }
            }
            if (threadField == null) {
                throw new IllegalStateException(
                        "unexpected JDK: the virtual thread's task " + taskClass + " does not capture its thread");
            }
            taskThread = MethodHandles.privateLookupIn(taskClass, lookup)
                    .findVarHandle(taskClass, threadField.getName(), threadField.getType());
            if ((Thread) taskThread.get(seen[0]) != probe) {
                throw new IllegalStateException("unexpected JDK: cannot find the thread behind a task");
            }
        } catch (IllegalStateException e) {
            failure = e;
        } catch (ReflectiveOperationException | RuntimeException | Error e) {
            failure = new IllegalStateException(
                    "weft cannot plug into this JDK's virtual threads ("
                            + Runtime.version() + "): " + e + ". weft needs JDK 25 and "
                            + opensFlag(VirtualThreads.class.getModule()),
                    e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            failure = new IllegalStateException("interrupted while probing the JDK's virtual threads", e);
        }
        BUILDER = builder;
        CURRENT_CARRIER = currentCarrier;
        DISABLE_PREEMPT = disablePreempt;
        ENABLE_PREEMPT = enablePreempt;
        STATE = state;
        TERMINATION = termination;
        CONTINUATION_TASK = taskClass;
        TASK_THREAD = taskThread;
        STARTED = started;
        TERMINATED = terminated;
        FAILURE = failure;
    }

    /** Records the task it is given and runs it on a new platform thread; as a task, does nothing. */
    private static final class Probe implements Executor, Runnable {
        volatile Runnable seen;

        @Override
        public void execute(Runnable task) {
            seen = task;
            Thread.ofPlatform().daemon().name("weft-probe").start(task);
        }

        @Override
        public void run() {}
    }

    private static int staticInt(Class<?> c, String name) throws ReflectiveOperationException {
        Field f = c.getDeclaredField(name);
        f.setAccessible(true);
        return f.getInt(null);
    }

    /**
     * The exact flag to add, naming weft's module when it runs as a named module.
     *
     * @param weft the module weft's classes are in (named on the module path, else unnamed)
     * @return {@code --add-opens java.base/java.lang=dev.weft.scheduler} (or {@code =ALL-UNNAMED})
     */
    public static String opensFlag(Module weft) {
        return "--add-opens java.base/java.lang=" + (weft.isNamed() ? weft.getName() : "ALL-UNNAMED");
    }

    /**
     * The error when {@code java.lang} is not open to weft: the flag for where weft runs. On the
     * module path (weft a named module) the class path's {@code =ALL-UNNAMED} and a manifest's
     * {@code Add-Opens} (which opens to the class path of an executable jar) do not reach it: said
     * so when {@code java.lang} is open to the class path only, the usual mistake.
     */
    static String missingOpensMessage(Module weft) {
        String message = "weft's GoScheduler needs the JVM flag " + opensFlag(weft)
                + " (it plugs into virtual threads through a package-private JDK constructor). ";
        if (!weft.isNamed()) {
            return message + "Add it to the java command line, to Surefire's argLine, or as the manifest "
                    + "attribute 'Add-Opens: java.base/java.lang' of an executable jar.";
        }
        Module classPath = ClassLoader.getSystemClassLoader().getUnnamedModule();
        String onlyClassPath = Object.class.getModule().isOpen("java.lang", classPath)
                ? "java.lang is open to ALL-UNNAMED only (the class path's form of the flag), but weft runs on "
                        + "the module path, as module " + weft.getName() + ". "
                : "";
        return message + onlyClassPath + "Add it to the java command line (or JDK_JAVA_OPTIONS): weft runs on "
                + "the module path, where a manifest's Add-Opens does not reach it.";
    }

    /** Throws the reason weft cannot run on this JVM, if any. */
    public static void ensureAvailable() {
        if (FAILURE != null) {
            throw new IllegalStateException(FAILURE.getMessage(), FAILURE.getCause());
        }
    }

    /**
     * A JDK virtual-thread builder whose threads run on {@code scheduler}.
     *
     * @param scheduler where the builder's threads are to run
     * @return a new builder, as {@code Thread.ofVirtual()} but with that scheduler
     * @throws IllegalStateException if weft cannot plug into this JVM (see {@link #ensureAvailable()})
     */
    public static Thread.Builder.OfVirtual builder(Executor scheduler) {
        ensureAvailable();
        try {
            return (Thread.Builder.OfVirtual) BUILDER.newInstance(scheduler);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot create a virtual thread builder", e);
        }
    }

    /**
     * The carrier under the current virtual thread, or the current thread itself. Valid only
     * until the virtual thread next parks, yields or meets a contended monitor (it may resume on
     * another carrier), unless pinned ({@link #acquirem}).
     *
     * @return the carrier thread, or the calling platform thread
     */
    public static Thread currentCarrier() {
        try {
            return (Thread) CURRENT_CARRIER.invokeExact();
        } catch (Throwable e) {
            throw new AssertionError(e);
        }
    }

    /**
     * Go's {@code acquirem}: pins the current virtual thread to its carrier until
     * {@link #releasem}, so that it neither unmounts (on a contended monitor, a park) nor is
     * suspended by JVMTI. Inside, {@link #currentCarrier()} stays the same and a lock that
     * carriers take can be taken: if it is contended, the carrier blocks, as a carrier would,
     * instead of the virtual thread unmounting while carriers wait for the lock (a deadlock
     * since JDK 24). A platform thread needs no pinning: then it does nothing and returns false.
     * Nests. Keep the pinned section short and never park inside it.
     *
     * @return whether it pinned: pass it to {@link #releasem}
     */
    public static boolean acquirem() {
        Thread t = Thread.currentThread();
        if (!t.isVirtual()) {
            return false;
        }
        try {
            DISABLE_PREEMPT.invokeExact(t);
        } catch (Throwable e) {
            throw new AssertionError(e);
        }
        return true;
    }

    /**
     * For assertions: whether the current thread may take a lock that carriers take (a
     * platform thread, or a virtual thread pinned to its carrier). Slow on a virtual thread
     * (the JDK's {@code Continuation.isPinned}); true where that cannot be asked.
     */
    static boolean mayTakeCarrierLock() {
        return !Thread.currentThread().isVirtual() || PinCheck.isPinned();
    }

    /** {@code Continuation.isPinned(VirtualThread.VTHREAD_SCOPE)}, reached once, for assertions. */
    private static final class PinCheck {
        private static final MethodHandle IS_PINNED;

        static {
            MethodHandle isPinned = null;
            try {
                ParkedThreads.available(); // exports jdk.internal.vm to weft (see ParkedThreads)
                Class<?> vt = Class.forName("java.lang.VirtualThread");
                Class<?> scopeClass = Class.forName("jdk.internal.vm.ContinuationScope");
                Field scopeField = vt.getDeclaredField("VTHREAD_SCOPE");
                scopeField.setAccessible(true);
                Object scope = scopeField.get(null);
                isPinned = MethodHandles.lookup()
                        .findStatic(
                                Class.forName("jdk.internal.vm.Continuation"),
                                "isPinned",
                                MethodType.methodType(boolean.class, scopeClass))
                        .bindTo(scope);
            } catch (ReflectiveOperationException | RuntimeException e) {
                isPinned = null; // cannot check: assume pinned
            }
            IS_PINNED = isPinned;
        }

        static boolean isPinned() {
            if (IS_PINNED == null) {
                return true;
            }
            try {
                return (boolean) IS_PINNED.invokeExact();
            } catch (Throwable e) {
                throw new AssertionError(e);
            }
        }
    }

    /**
     * Go's {@code releasem}: ends what {@link #acquirem} began (when it returned true).
     *
     * @param pinned what {@link #acquirem} returned; false does nothing
     */
    public static void releasem(boolean pinned) {
        if (pinned) {
            try {
                ENABLE_PREEMPT.invokeExact(Thread.currentThread());
            } catch (Throwable e) {
                throw new AssertionError(e);
            }
        }
    }

    /** The virtual thread behind a task the JDK submitted, or null for any other task. */
    static Thread threadOf(Runnable task) {
        return task.getClass() == CONTINUATION_TASK ? (Thread) TASK_THREAD.get(task) : null;
    }

    /**
     * Installs {@code latch} as the thread's termination latch, unless a joiner already created
     * one. The JDK counts it down exactly once, when the thread terminates.
     */
    static boolean installTermination(Thread vthread, CountDownLatch latch) {
        return TERMINATION.compareAndSet(vthread, (CountDownLatch) null, latch);
    }

    /**
     * {@code VirtualThread.DEFAULT_SCHEDULER}: the JDK's default virtual-thread scheduler.
     *
     * @return the JDK's default scheduler (a {@code ForkJoinPool}, or weft's face under the agent)
     * @throws IllegalStateException if weft cannot plug into this JVM, or this JDK has no such field
     */
    public static Object jdkDefaultScheduler() {
        ensureAvailable();
        try {
            Field f = Class.forName("java.lang.VirtualThread").getDeclaredField("DEFAULT_SCHEDULER");
            f.setAccessible(true);
            return f.get(null);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("unexpected JDK: no VirtualThread.DEFAULT_SCHEDULER: " + e, e);
        }
    }

    /** The JDK's internal state of a virtual thread (see {@code VirtualThread.state}). */
    static int state(Thread vthread) {
        return (int) STATE.getVolatile(vthread);
    }
}
