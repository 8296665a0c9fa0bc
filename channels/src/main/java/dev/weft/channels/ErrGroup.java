package dev.weft.channels;

import dev.weft.scheduler.DeadlockException;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Go's {@code golang.org/x/sync/errgroup}: runs a group of tasks, each on its own virtual thread,
 * waits for all of them and reports the first one that failed.
 *
 * <pre>{@code
 * try (CancelContext parent = Context.withTimeout(Context.background(), Duration.ofSeconds(5))) {
 *     ErrGroup g = ErrGroup.withContext(parent);        // g, ctx := errgroup.WithContext(parent)
 *     g.setLimit(4);                                    // at most 4 fetches at once
 *     for (String url : urls) {
 *         g.go(() -> fetch(g.context(), url));          // g.Go(func() error { ... })
 *     }
 *     Optional<Throwable> err = g.await();              // err := g.Wait()
 *     err.ifPresent(e -> System.out.println("first error: " + e));
 * }
 * }</pre>
 *
 * <ul>
 *   <li>A task fails by throwing; the first throwable is kept and {@link #await()} returns it,
 *       later ones are dropped (as Go keeps the first non-nil error). A task's return value is
 *       ignored.</li>
 *   <li>A group made by {@link #withContext} owns a context derived from the parent: it is
 *       cancelled when a task first fails, or when {@link #await()} returns, whichever is
 *       first, and, as in errgroup since it uses {@code context.WithCancelCause},
 *       {@link Context#cause} of it is then the first failure (or {@link Context#CANCELED}
 *       when none failed). Tasks should watch {@link #context()} ({@code ctx.done()},
 *       {@code ctx.isDone()}) to stop early.</li>
 *   <li>{@link #setLimit(int)} bounds the number of tasks running at once: {@link #go} blocks
 *       while the group is at the limit, {@link #tryGo} returns false instead.</li>
 *   <li>By default tasks run on virtual threads made by {@code Thread.ofVirtual()}: started from
 *       a virtual thread of a {@code GoScheduler}, they run on that scheduler too; from a
 *       platform thread, on the JDK's default scheduler. To choose, pass a factory, e.g.
 *       {@code new ErrGroup(GoScheduler.global().virtualThreadFactory())}.</li>
 * </ul>
 *
 * <p>Model: errgroup.go. The counter of live tasks is a {@link WaitGroup}; the limit is a
 * buffered {@link Chan} used as a semaphore (a token is sent before a task starts and received
 * when it ends).
 */
public final class ErrGroup {
    /**
     * A task that returns nothing and may throw: the {@code func() error} of Go's errgroup.
     */
    @FunctionalInterface
    public interface Task {
        /**
         * Runs the task.
         *
         * @throws Exception to fail the task; the group's first failure is what {@link #await()}
         *                   returns
         */
        void run() throws Exception;
    }

    private static final Boolean TOKEN = Boolean.TRUE;

    private final ThreadFactory factory; // null: Thread.ofVirtual(), inheriting the caller's scheduler
    private final CancelCauseContext ctx; // null unless made by withContext
    private final WaitGroup wg = new WaitGroup();
    private final AtomicReference<Throwable> err = new AtomicReference<>();
    private volatile Chan<Boolean> sem; // null: no limit

    /** A group without a context, whose tasks run on {@code Thread.ofVirtual()} threads. */
    public ErrGroup() {
        this(null, null);
    }

    /**
     * A group without a context whose tasks run on threads of {@code factory}, e.g.
     * {@code GoScheduler.virtualThreadFactory()}.
     *
     * @param factory makes the thread of each task, e.g. {@code GoScheduler.virtualThreadFactory()}
     * @throws NullPointerException if {@code factory} is null
     */
    public ErrGroup(ThreadFactory factory) {
        this(Objects.requireNonNull(factory, "factory"), null);
    }

    private ErrGroup(ThreadFactory factory, CancelCauseContext ctx) {
        this.factory = factory;
        this.ctx = ctx;
    }

    /**
     * Go's {@code errgroup.WithContext}: a group with a context derived from {@code parent}, which
     * is cancelled when a task first fails or when {@link #await()} returns.
     *
     * @param parent the context the group's context derives from
     * @return a new group whose tasks run on {@code Thread.ofVirtual()} threads
     * @throws NullPointerException if {@code parent} is null
     */
    public static ErrGroup withContext(Context parent) {
        return new ErrGroup(null, Context.withCancelCause(Objects.requireNonNull(parent, "parent")));
    }

    /**
     * {@link #withContext(Context)} with tasks running on threads of {@code factory}.
     *
     * @param parent the context the group's context derives from
     * @param factory makes the thread of each task
     * @return a new group
     * @throws NullPointerException if {@code parent} or {@code factory} is null
     */
    public static ErrGroup withContext(Context parent, ThreadFactory factory) {
        Objects.requireNonNull(factory, "factory");
        return new ErrGroup(factory, Context.withCancelCause(Objects.requireNonNull(parent, "parent")));
    }

    /**
     * The group's context: for a group made by {@link #withContext}, the derived context that is
     * cancelled when a task fails or {@link #await()} returns; for a group made by a constructor,
     * {@link Context#background()}, never cancelled.
     *
     * @return the group's context; never null
     */
    public Context context() {
        return ctx != null ? ctx : Context.background();
    }

    /**
     * Go's {@code g.SetLimit(n)}: at most {@code n} tasks of this group run at once; a negative
     * {@code n} removes the limit. With {@code n == 0} no task can start ({@link #go} blocks).
     *
     * @param n the most tasks running at once; negative for no limit, 0 lets none start
     * @throws IllegalStateException if tasks of the group are running (Go panics); the limit is
     *                               left as it was
     */
    public void setLimit(int n) {
        long active = wg.count();
        if (active != 0) {
            throw new IllegalStateException(
                    "errgroup: modify limit while " + active + " tasks in the group are still active");
        }
        sem = n < 0 ? null : Chan.buffered(n);
    }

    /**
     * Go's {@code g.Go(f)}: runs {@code task} on a new virtual thread. With a {@linkplain
     * #setLimit limit}, blocks until a task slot is free.
     *
     * @param task the task; its first exception (or error) becomes the group's failure
     * @throws NullPointerException if {@code task} is null
     * @throws CancellationException if interrupted while waiting for a slot: the task was not
     *                               started, and the interrupt status is kept
     * @throws DeadlockException     with {@code -Dweft.deadlock=fail}, if the scheduler's deadlock
     *                               detector finds this wait for a slot in a deadlock: the task
     *                               was not started
     */
    public void go(Task task) {
        Objects.requireNonNull(task, "task");
        Chan<Boolean> s = sem;
        if (s != null) {
            try {
                s.send(TOKEN);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                CancellationException ce = new CancellationException("interrupted while waiting for an ErrGroup slot");
                ce.initCause(e);
                throw ce;
            }
        }
        start(task, s);
    }

    /**
     * {@link #go(Task)} for a task that returns a value (ignored).
     *
     * @param task the task; its result is ignored, its first exception becomes the group's failure
     * @throws NullPointerException if {@code task} is null
     */
    public void go(Callable<?> task) {
        Objects.requireNonNull(task, "task");
        go(asTask(task));
    }

    /**
     * Go's {@code g.TryGo(f)}: starts {@code task} only if a slot is free now (always, without a
     * limit); never blocks.
     *
     * @param task the task; its first exception (or error) becomes the group's failure
     * @return true if the task was started
     * @throws NullPointerException if {@code task} is null
     */
    public boolean tryGo(Task task) {
        Objects.requireNonNull(task, "task");
        Chan<Boolean> s = sem;
        if (s != null && !s.trySend(TOKEN)) {
            return false;
        }
        start(task, s);
        return true;
    }

    /**
     * {@link #tryGo(Task)} for a task that returns a value (ignored).
     *
     * @param task the task; its result is ignored, its first exception becomes the group's failure
     * @return true if the task was started, false if the group is at its limit
     * @throws NullPointerException if {@code task} is null
     */
    public boolean tryGo(Callable<?> task) {
        Objects.requireNonNull(task, "task");
        return tryGo(asTask(task));
    }

    private static Task asTask(Callable<?> task) {
        return task::call;
    }

    /**
     * Go's {@code g.Wait()}: blocks until every task started so far has ended, cancels the
     * group's context, and returns the first failure.
     *
     * @return the first throwable a task threw, or empty if none failed
     * @throws InterruptedException if interrupted while waiting (the context is not cancelled
     *                              then, and the tasks go on)
     * @throws DeadlockException    with {@code -Dweft.deadlock=fail}, if the scheduler's deadlock
     *                              detector finds this wait blocked in a deadlock (the context
     *                              is not cancelled then)
     */
    public Optional<Throwable> await() throws InterruptedException {
        wg.await();
        Throwable first = err.get();
        if (ctx != null) {
            ctx.cancel(first); // null: Context.CANCELED
        }
        return Optional.ofNullable(first);
    }

    private void start(Task task, Chan<Boolean> s) {
        wg.add(1);
        Runnable body = () -> {
            try {
                task.run();
            } catch (Throwable t) {
                fail(t);
            } finally {
                finish(s);
            }
        };
        try {
            Thread t = factory != null
                    ? factory.newThread(body)
                    : Thread.ofVirtual().unstarted(body);
            if (t == null) {
                throw new IllegalStateException("the ThreadFactory returned null");
            }
            t.start();
        } catch (RuntimeException | Error e) {
            finish(s); // the task never started: give its slot and count back
            throw e;
        }
    }

    private void fail(Throwable t) {
        if (err.compareAndSet(null, t) && ctx != null) {
            ctx.cancel(t);
        }
    }

    private void finish(Chan<Boolean> s) {
        if (s != null) {
            s.tryReceive(); // our token is in the buffer; this never blocks
        }
        wg.done();
    }

    @Override
    public String toString() {
        Chan<Boolean> s = sem;
        return "ErrGroup[active=" + wg.count() + (s != null ? ", limit=" + s.cap() : "")
                + (err.get() != null ? ", failed" : "") + "]";
    }
}
