package dev.weft.scheduler;

import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine behind a {@link GoScheduler}: the executor the JDK hands virtual-thread
 * continuations to, and the G-M-P scheduling of Go's runtime/proc.go ({@code sched}).
 *
 * <p>Tasks are the JDK's {@code runContinuation} of a virtual thread (a G). They are queued on
 * a P's {@link LocalRunQueue} or on the {@link GlobalRunQueue} and run by {@link Carrier}s (Ms)
 * that hold a {@link Processor} (P).
 *
 * <p>Invariants:
 * <ul>
 *   <li>The idle P list, the idle carrier list, {@code npidle}, {@code nmidle}, P status and
 *       {@code gomaxprocs} change only under {@link #lock}. {@code npidle} and
 *       {@code gomaxprocs} are volatile so the hot path can read them without the lock.</li>
 *   <li>No lost wake-up (Go's spinning protocol): a submitter makes its task visible, then reads
 *       {@code npidle} and {@code nmspinning} ({@link #wakep}); a carrier that gives up its P puts
 *       the P on the idle list (npidle++), then, if it was spinning, decrements
 *       {@code nmspinning} and re-checks every run queue before parking. Either the submitter
 *       sees an idle P and nobody spinning and starts a carrier, or the carrier sees the task.</li>
 *   <li>At most one carrier is woken per submission, and only when nobody spins; a spinning
 *       carrier that finds work wakes the next one ({@link #resetSpinning}).</li>
 *   <li>Spinning carriers are at most half the busy Ps ({@code 2*nmspinning < gomaxprocs-npidle}).</li>
 *   <li>{@code live} counts started-but-unfinished virtual threads and queued plain tasks: +1 in
 *       {@link #execute} before the task is queued; -1 exactly once at the end: for a virtual
 *       thread by the JDK counting down its termination latch ({@link GoroutineEnd}), which it
 *       does once, on the carrier that ran the last segment (reading the thread's state after a
 *       run would count twice when a yielded thread finishes on another carrier first); for a
 *       plain task after its run. The scheduler terminates when it is shut down and {@code live}
 *       is zero.</li>
 * </ul>
 */
final class CarrierScheduler implements Executor {
    private static final Logger log = LoggerFactory.getLogger(CarrierScheduler.class);

    /** Go checks the global queue first every 61st schedule tick: a prime, so it doesn't beat with user patterns. */
    static final int GLOBAL_QUEUE_TICK = 61;
    /**
     * Go's forcePreemptNS: a runnext chain (G hands off to G on one P) inherits one time slice
     * of 10 ms; after that, while other tasks wait, the chain's next G goes to the global queue.
     */
    static final long TIME_SLICE_NANOS = TimeUnit.MILLISECONDS.toNanos(10);
    /** Go's stealTries: four passes over the victims, the last one also takes runnext. */
    static final int STEAL_TRIES = 4;

    final String name;
    /** The public face; set once before any carrier starts. */
    GoScheduler owner;
    final Object lock = new Object();
    final GlobalRunQueue runq = new GlobalRunQueue();
    /** The timers of timed parks ({@link JdkScheduler#schedule}); stopped at termination. */
    final TimerQueue timers;
    /** What the JDK's virtual threads are given as their scheduler. */
    final JdkScheduler jdk;
    private final Processor[] allp = new Processor[DefaultGomaxprocs.MAX];

    private volatile int gomaxprocs;
    private volatile StealOrder stealOrder;

    // guarded by lock
    private Processor pidle;
    private volatile int npidle;
    private Carrier midle;
    private int nmidle;
    private int carrierSeq;

    private final AtomicInteger nmspinning = new AtomicInteger();
    private final AtomicInteger carriers = new AtomicInteger();
    private final LongAdder live = new LongAdder();
    /** Rare: virtual threads joined before their start reached us, so they kept the JDK's latch. */
    private final ConcurrentHashMap<Thread, Boolean> joinedEarly = new ConcurrentHashMap<>();
    private final AtomicInteger joinedEarlyCount = new AtomicInteger();

    private volatile boolean shutdown;
    private volatile boolean terminated;
    private final CountDownLatch terminationLatch = new CountDownLatch(1);

    CarrierScheduler(String name, int procs) {
        this.name = name;
        this.timers = new TimerQueue(name);
        this.jdk = new JdkScheduler(this);
        synchronized (lock) {
            for (int i = 0; i < procs; i++) {
                allp[i] = new Processor(i);
                pidleput(allp[i]);
            }
            stealOrder = new StealOrder(procs);
            gomaxprocs = procs;
        }
    }

    // ---- submission -------------------------------------------------------------------------

    /**
     * Queues a task. On a carrier of this scheduler (a virtual thread waking or starting another)
     * the task goes to the carrier's P as {@code runnext}; a task resubmitting itself (Thread.yield)
     * goes behind the other runnable work; from any other thread it goes to the global queue.
     * Never blocks; safe from any number of threads.
     *
     * @throws RejectedExecutionException for a new virtual thread (or plain task) after shutdown
     */
    @Override
    public void execute(Runnable task) {
        Objects.requireNonNull(task, "task");
        Thread vthread = VirtualThreads.threadOf(task);
        if (vthread == null || VirtualThreads.state(vthread) == VirtualThreads.STARTED) {
            admit(vthread);
        }

        Carrier c = localCarrier();
        if (c == null) {
            runq.put(task);
        } else if (task == c.current) {
            putBehind(c.p, task); // Gosched: behind the other runnable work, no wake-up needed
            return;
        } else {
            c.p.runq.put(task, true, runq);
        }
        wakep();
    }

    /**
     * The carrier of this scheduler under the caller, or null: the caller is the carrier itself
     * (after a yield or park of the virtual thread it ran), or a virtual thread mounted on it,
     * pinned while it submits, so the carrier (and its P) cannot change under us.
     */
    private Carrier localCarrier() {
        Thread current = Thread.currentThread();
        Thread carrier = current.isVirtual() ? VirtualThreads.currentCarrier() : current;
        return carrier instanceof Carrier c && c.sched == this && c.p != null ? c : null;
    }

    /** Counts a new goroutine in, or rejects it after shutdown. */
    private void admit(Thread vthread) {
        if (shutdown) {
            throw rejected(vthread);
        }
        live.increment();
        if (shutdown) { // close() raced with us: it may already have seen live == 0
            live.decrement();
            tryTerminate();
            throw rejected(vthread);
        }
        if (vthread != null && !VirtualThreads.installTermination(vthread, new GoroutineEnd(this))) {
            // a joiner created the latch between start and here: count it out after its last run
            joinedEarly.put(vthread, Boolean.TRUE);
            joinedEarlyCount.incrementAndGet();
        }
    }

    /** A goroutine ended: count it out, and finish a shutdown that waited for it. */
    void goroutineEnded() {
        live.decrement();
        if (shutdown) {
            tryTerminate();
        }
    }

    /**
     * The termination latch weft gives each of its virtual threads: the JDK counts it down
     * exactly once, when the thread has terminated, and {@code join} waits on it as usual.
     */
    static final class GoroutineEnd extends CountDownLatch {
        private final CarrierScheduler sched;

        GoroutineEnd(CarrierScheduler sched) {
            super(1);
            this.sched = sched;
        }

        @Override
        public void countDown() {
            if (getCount() != 0) {
                sched.goroutineEnded();
            }
            super.countDown();
        }
    }

    private RejectedExecutionException rejected(Thread vthread) {
        return new RejectedExecutionException("GoScheduler " + name + " is closed: cannot start "
                + (vthread != null ? vthread : "a task"));
    }

    /** A yielding task: the local tail when nothing waits globally, else the global tail (Go's goschedImpl). */
    private void putBehind(Processor p, Runnable task) {
        if (runq.isEmpty()) {
            p.runq.put(task, false, runq);
        } else {
            runq.put(task);
        }
    }

    /**
     * Go's {@code wakep}: if there is an idle P and no carrier is spinning, start one spinning.
     * Cheap when there is nothing to do: two volatile reads.
     */
    void wakep() {
        if (npidle == 0) {
            return;
        }
        if (nmspinning.get() != 0 || !nmspinning.compareAndSet(0, 1)) {
            return;
        }
        startm(true);
    }

    /**
     * Go's {@code startm(nil, spinning)}: takes an idle P and hands it to an idle carrier, or to a
     * new one. With {@code spinning}, the caller has already counted the carrier in
     * {@code nmspinning}; without an idle P that count is undone.
     */
    void startm(boolean spinning) {
        Carrier m;
        Processor p;
        synchronized (lock) {
            p = terminated ? null : pidleget();
            if (p == null) {
                if (spinning) {
                    nmspinning.decrementAndGet();
                }
                return;
            }
            m = midle;
            if (m != null) {
                midle = m.nextIdle;
                m.nextIdle = null;
                nmidle--;
                m.spinning = spinning;
                p.carrier = m;
                m.nextp = p; // publishes spinning too
            } else {
                m = new Carrier(this, name + "-carrier-" + (++carrierSeq), p, spinning);
                p.carrier = m;
                carriers.incrementAndGet();
            }
        }
        if (m.getState() == Thread.State.NEW) {
            log.debug("{}: starting carrier {} for {}", name, m.getName(), p);
            m.start();
        } else {
            LockSupport.unpark(m);
        }
    }

    // ---- scheduling -------------------------------------------------------------------------

    /**
     * Go's {@code findRunnable}: the next task for carrier {@code c}, parking it while there is
     * none; null when the scheduler terminated (the carrier then exits). Sets
     * {@code c.inheritTime}.
     */
    Runnable findRunnable(Carrier c) {
        for (;;) {
            Processor p = c.p;
            if (p.id >= gomaxprocs && retire(c)) {
                if (!stopm(c)) {
                    return null;
                }
                continue;
            }
            c.inheritTime = false;
            // every 61st tick the global queue first, so it can't starve behind local work
            if (p.schedtick % GLOBAL_QUEUE_TICK == 0 && !runq.isEmpty()) {
                Runnable task = runq.poll();
                if (task != null) {
                    return task;
                }
            }
            Runnable task = runqget(c, p);
            if (task != null) {
                return task;
            }
            if (!runq.isEmpty()) {
                task = runq.getBatch(gomaxprocs, LocalRunQueue.CAPACITY / 2, p.runq);
                if (task != null) {
                    return task;
                }
            }
            // steal, unless enough carriers already spin (at most half the busy Ps)
            if (c.spinning || 2 * nmspinning.get() < gomaxprocs - npidle) {
                if (!c.spinning) {
                    c.spinning = true;
                    nmspinning.incrementAndGet();
                }
                task = stealWork(p);
                if (task != null) {
                    return task;
                }
            }
            // nothing to do: give the P back
            synchronized (lock) {
                if (!runq.isEmpty()) {
                    task = runq.getBatch(gomaxprocs, LocalRunQueue.CAPACITY / 2, p.runq);
                    if (task != null) {
                        return task;
                    }
                }
                c.p = null;
                if (p.id < gomaxprocs) {
                    pidleput(p);
                } else {
                    killp(p); // a resize removed it while we looked for work: it must not go idle
                }
            }
            if (c.spinning) {
                c.spinning = false;
                nmspinning.decrementAndGet(); // before the re-check below: see the class invariant
                if (workAnywhere() && reacquireSpinning(c)) {
                    continue;
                }
            }
            if (!stopm(c)) {
                return null;
            }
        }
    }

    /**
     * Go's {@code runqget}, with the time slice of a runnext chain made explicit because Java
     * can't preempt: while other tasks wait (local ring or global queue), a chain of runnext
     * hand-offs may run for {@link #TIME_SLICE_NANOS}; then its next task goes to the global
     * queue and the waiting ones run. The clock is read only while others wait.
     */
    private Runnable runqget(Carrier c, Processor p) {
        LocalRunQueue q = p.runq;
        Runnable next = q.peekRunnext();
        if (next != null) {
            if (q.ringNonEmpty() || !runq.isEmpty()) {
                long now = System.nanoTime();
                if (p.sliceStart == Processor.NO_SLICE) {
                    p.sliceStart = now;
                } else if (now - p.sliceStart > TIME_SLICE_NANOS) {
                    p.sliceStart = Processor.NO_SLICE;
                    if (q.takeRunnext(next)) {
                        runq.put(next); // Go's preemption: the G goes to the global queue
                    }
                    return q.pollRing();
                }
            }
            if (q.takeRunnext(next)) {
                c.inheritTime = true;
                return next;
            }
        }
        return q.pollRing();
    }

    /** Go's {@code stealWork}: four passes over the other Ps in a random order. */
    private Runnable stealWork(Processor p) {
        StealOrder order = stealOrder;
        for (int i = 0; i < STEAL_TRIES; i++) {
            boolean stealRunnext = i == STEAL_TRIES - 1;
            int pos = ThreadLocalRandom.current().nextInt();
            for (StealOrder.Enum e = order.start(pos); !e.done(); e.next()) {
                Processor victim = allp[e.position()];
                if (victim == p || victim == null || victim.runq.isEmpty()) {
                    continue;
                }
                Runnable task = p.runq.stealFrom(victim.runq, stealRunnext, victim.status == Processor.RUNNING);
                if (task != null) {
                    p.steals = p.steals + 1;
                    return task;
                }
            }
        }
        return null;
    }

    /** Whether any run queue holds a task: the re-check of a carrier that stopped spinning. */
    private boolean workAnywhere() {
        if (!runq.isEmpty()) {
            return true;
        }
        int n = gomaxprocs;
        for (int i = 0; i < n; i++) {
            Processor p2 = allp[i];
            if (p2 != null && !p2.runq.isEmpty()) {
                return true;
            }
        }
        return false;
    }

    /** After the re-check found work: take an idle P and spin again. */
    private boolean reacquireSpinning(Carrier c) {
        Processor p;
        synchronized (lock) {
            p = pidleget();
            if (p == null) {
                return false;
            }
            p.carrier = c;
        }
        c.p = p;
        c.spinning = true;
        nmspinning.incrementAndGet();
        return true;
    }

    /** Go's {@code resetspinning}: a spinner found work; wake another to keep looking. */
    void resetSpinning(Carrier c) {
        c.spinning = false;
        nmspinning.decrementAndGet();
        wakep();
    }

    /**
     * A carrier whose P was removed by a resize: the P's tasks go to the global queue, the P
     * dies, the carrier has no P. False when a resize brought the P back meanwhile.
     */
    private boolean retire(Carrier c) {
        Processor p = c.p;
        synchronized (lock) {
            if (p.id < gomaxprocs) {
                return false;
            }
            killp(p);
            c.p = null;
        }
        if (c.spinning) {
            c.spinning = false;
            nmspinning.decrementAndGet();
        }
        if (!runq.isEmpty()) {
            wakep();
        }
        return true;
    }

    /** Go's {@code stopm}: park on the idle list until handed a P; false when terminated. */
    private boolean stopm(Carrier c) {
        synchronized (lock) {
            if (terminated) {
                return false;
            }
            c.nextIdle = midle;
            midle = c;
            nmidle++;
        }
        return c.acquireNextp();
    }

    /** Runs one task on carrier {@code c}, and counts a goroutine out when it finished. */
    void runTask(Carrier c, Runnable task) {
        c.current = task;
        try {
            task.run();
        } catch (Throwable e) {
            log.error("{}: task {} threw", name, task, e);
        } finally {
            c.current = null;
        }
        Thread vthread = VirtualThreads.threadOf(task);
        if (vthread == null) {
            goroutineEnded(); // a plain task runs once
        } else if (joinedEarlyCount.get() != 0 && VirtualThreads.state(vthread) == VirtualThreads.TERMINATED
                && joinedEarly.remove(vthread) != null) {
            joinedEarlyCount.decrementAndGet();
            goroutineEnded();
        }
    }

    // ---- idle lists (under lock) ------------------------------------------------------------

    private void pidleput(Processor p) {
        p.status = Processor.IDLE;
        p.carrier = null;
        p.nextIdle = pidle;
        pidle = p;
        npidle = npidle + 1;
    }

    private Processor pidleget() {
        Processor p = pidle;
        if (p != null) {
            pidle = p.nextIdle;
            p.nextIdle = null;
            p.status = Processor.RUNNING;
            npidle = npidle - 1;
        }
        return p;
    }

    /** A removed P: its queue moves to the global queue, and it leaves the P set. Under lock. */
    private void killp(Processor p) {
        p.runq.drainTo(runq, true);
        p.status = Processor.DEAD;
        p.carrier = null;
    }

    private void pidleremove(Processor p) {
        Processor prev = null;
        for (Processor q = pidle; q != null; prev = q, q = q.nextIdle) {
            if (q == p) {
                if (prev == null) {
                    pidle = q.nextIdle;
                } else {
                    prev.nextIdle = q.nextIdle;
                }
                q.nextIdle = null;
                npidle = npidle - 1;
                return;
            }
        }
        throw new AssertionError(p + " is IDLE but not on the idle list");
    }

    // ---- resize -----------------------------------------------------------------------------

    int gomaxprocs() {
        return gomaxprocs;
    }

    /**
     * Go's {@code procresize}, without stopping the world: new Ps join the idle list; a removed
     * idle P dies at once and its queue moves to the global queue; a removed running P's queue is
     * moved too (as a thief would), and its carrier gives it up at its next schedule point.
     */
    int resize(int n) {
        int prev;
        synchronized (lock) {
            prev = gomaxprocs;
            if (n == prev) {
                return prev;
            }
            if (n > prev) {
                for (int i = prev; i < n; i++) {
                    if (allp[i] == null) {
                        allp[i] = new Processor(i);
                    }
                }
                stealOrder = new StealOrder(n);
                gomaxprocs = n;
                for (int i = prev; i < n; i++) {
                    if (allp[i].status == Processor.DEAD) {
                        pidleput(allp[i]);
                    } // RUNNING: its carrier had not retired it yet, and now keeps it
                }
            } else {
                gomaxprocs = n;
                stealOrder = new StealOrder(n);
                for (int i = n; i < prev; i++) {
                    Processor p = allp[i];
                    if (p.status == Processor.IDLE) {
                        pidleremove(p);
                        killp(p);
                    } else if (p.status == Processor.RUNNING) {
                        p.runq.drainTo(runq, false);
                    }
                }
            }
        }
        if (!runq.isEmpty() || n > prev) {
            wakep();
        }
        log.debug("{}: gomaxprocs {} -> {}", name, prev, n);
        return prev;
    }

    // ---- shutdown ---------------------------------------------------------------------------

    void shutdown() {
        shutdown = true;
        tryTerminate();
    }

    boolean isShutdown() {
        return shutdown;
    }

    boolean isTerminated() {
        return terminated;
    }

    boolean awaitTermination(long nanos) throws InterruptedException {
        return terminationLatch.await(nanos, TimeUnit.NANOSECONDS);
    }

    void awaitTermination() throws InterruptedException {
        terminationLatch.await();
    }

    private void tryTerminate() {
        if (terminated || !shutdown || live.sum() != 0) {
            return;
        }
        Carrier wake;
        synchronized (lock) {
            if (terminated) {
                return;
            }
            terminated = true;
            timers.stop();
            wake = midle;
            midle = null;
            nmidle = 0;
        }
        for (Carrier m = wake; m != null; ) {
            Carrier next = m.nextIdle;
            m.nextIdle = null;
            LockSupport.unpark(m);
            m = next;
        }
        if (carriers.get() == 0) {
            terminationLatch.countDown();
        }
    }

    void carrierExited(Carrier c) {
        log.debug("{}: carrier {} exits", name, c.getName());
        if (carriers.decrementAndGet() == 0 && terminated) {
            terminationLatch.countDown();
        }
    }

    // ---- stats ------------------------------------------------------------------------------

    long liveGoroutines() {
        return Math.max(0, live.sum());
    }

    SchedulerStats stats() {
        int n = gomaxprocs;
        int[] local = new int[n];
        long steals = 0;
        for (int i = 0; i < allp.length && allp[i] != null; i++) {
            steals += allp[i].steals;
            if (i < n) {
                local[i] = allp[i].runq.size();
            }
        }
        int idleCarriers;
        synchronized (lock) {
            idleCarriers = nmidle;
        }
        return new SchedulerStats(n, npidle, carriers.get(), nmspinning.get(), idleCarriers,
                runq.size(), local, steals, liveGoroutines());
    }
}
