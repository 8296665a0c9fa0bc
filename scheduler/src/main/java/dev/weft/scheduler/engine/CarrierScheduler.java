package dev.weft.scheduler.engine;

import dev.weft.scheduler.SchedulerStats;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine behind a {@code GoScheduler}: the executor the JDK hands virtual-thread
 * continuations to, and the G-M-P scheduling of Go's runtime/proc.go ({@code sched}). Its
 * whole object graph is built here, with final fields; what it shows the outside (counters,
 * JFR, JMX) is {@link Telemetry}'s, and each part around it sees only an interface of what it
 * uses: {@link Engine} (the API package), {@link Carrier.Sched}, {@link Sysmon.View},
 * {@link DeadlockWatch.View}, {@link SchedulerMBean.View}. See {@code docs/architecture.md}.
 *
 * <p>Tasks are the JDK's {@code runContinuation} of a virtual thread (a G). They are queued on
 * a P's {@link LocalRunQueue} or on the {@link GlobalRunQueue} and run by {@link Carrier}s (Ms)
 * that hold a {@link Processor} (P).
 *
 * <p>Invariants:
 * <ul>
 *   <li>The idle P list, the idle carrier list, {@code npidle}, {@code nmidle}, P status and
 *       {@code gomaxprocs} change only under {@link #lock}, and the lists only through
 *       {@link #pidleput}, {@link #pidleget}, {@link #pidleremove}, {@link #mput}, {@link #mget}
 *       and {@link #midleremove}, which assert {@code Thread.holdsLock(lock)} and throw
 *       {@link IllegalStateException} on an impossible state (a P put idle twice, a negative
 *       count). {@code npidle}, {@code nmidle} and {@code gomaxprocs} are volatile so the hot
 *       path and {@link #stats} can read them without the lock (written only under it, so their
 *       {@code x = x + 1} is not a lost update).</li>
 *   <li>Carriers take {@link #lock}, so a virtual thread may take it only while pinned to its
 *       carrier ({@link VirtualThreads#acquirem}, Go's {@code acquirem}; the JDK pins a virtual
 *       thread around {@code execute}): since JDK 24 a virtual thread that meets a contended
 *       monitor unmounts and needs a carrier to resume, while the carriers wait for the lock.
 *       Every lock site asserts it ({@link #mayTakeLock}); the entry points a virtual thread
 *       can reach ({@link #resize}, {@link #shutdown}, {@link #handOffForBlocking},
 *       {@link #reacquireAfterBlocking}) pin first. Pinned, they hold nothing but this lock,
 *       which no unmounted virtual thread ever holds, so the pinned wait is short.</li>
 *   <li>The converse: a carrier never waits for a lock that a virtual thread may hold, since
 *       that virtual thread may be unmounted, waiting for a carrier (a deadlock once every
 *       carrier waits). That rules out the JDK's own locks that user code reaches too: NIO's
 *       {@code Cleaner} list (a carrier reading {@code /proc/thread-self} through
 *       {@code Files} hung {@code VirtualThreadCallersTest} so), the MBeanServer's (sysmon, a
 *       platform thread without a P, registers and unregisters the MXBean), a logging backend's
 *       (carriers and pinned virtual threads queue their lines in {@link DeferredLog}, which
 *       sysmon writes).</li>
 *   <li>No lost wake-up (Go's spinning protocol): a submitter makes its task visible, then reads
 *       {@code npidle} and {@code nmspinning} ({@link #wakep}); a carrier that gives up its P puts
 *       the P on the idle list (npidle++), then, if it was spinning, decrements
 *       {@code nmspinning} and re-checks every run queue before parking; if it was not, it
 *       re-checks the global queue, the one a thread without a P puts to, lock-free (Go takes
 *       {@code sched.lock} for that put; here the two volatile writes and the two reads after
 *       them are a Dekker pair). Either the submitter sees an idle P and nobody spinning and
 *       starts a carrier, or the carrier sees the task. The same holds wherever a P goes idle
 *       ({@link #handOffForBlocking} looks at the queues after {@code pidleput}).</li>
 *   <li>At most one carrier is woken per submission, and only when nobody spins; a spinning
 *       carrier that finds work wakes the next one ({@link #resetSpinning}). {@code nmspinning}
 *       changes only in {@link #reserveSpinning}, {@link #unreserveSpinning},
 *       {@link #becomeSpinning} and {@link #stopSpinning} (Go's {@code becomeSpinning} and
 *       {@code resetspinning}), which throw on a negative count or a carrier's flag out of
 *       step.</li>
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
final class CarrierScheduler implements Engine, Executor, Carrier.Sched, Sysmon.View {
    private static final Logger log = LoggerFactory.getLogger(CarrierScheduler.class);

    /** Go checks the global queue first every 61st schedule tick: a prime, so it doesn't beat with user patterns. */
    static final int GLOBAL_QUEUE_TICK = 61;
    /** Go's stealTries: four passes over the victims, the last one also takes runnext. */
    static final int STEAL_TRIES = 4;

    private final String name;
    /** The public face ({@code GoScheduler}), opaque here: only {@link Engine#currentOwner} returns it. */
    private final Object owner;

    final Object lock = new Object();
    final GlobalRunQueue runq = new GlobalRunQueue();
    /** The timers of timed parks ({@link JdkScheduler#schedule}); stopped at termination. */
    private final TimerQueue timers;
    /** What the JDK's virtual threads are given as their scheduler. */
    private final JdkScheduler jdk;

    private final Processor[] allp = new Processor[DefaultGomaxprocs.MAX];

    private volatile int gomaxprocs;
    private volatile StealOrder stealOrder;

    // guarded by lock
    private Processor pidle;
    private volatile int npidle;
    private Carrier midle;
    /** Written under lock; volatile for {@link #stats}. */
    private volatile int nmidle;

    private int carrierSeq;

    /**
     * Carriers spinning (looking for work while holding a P), plus the one {@link #wakep} is
     * starting. Changes only through {@link #becomeSpinning}, {@link #reserveSpinning},
     * {@link #unreserveSpinning} and {@link #stopSpinning}, which check it never goes negative.
     */
    private final AtomicInteger nmspinning = new AtomicInteger();
    /** Carriers alive and not retired: +1 in {@link #carrierFor} (under lock), -1 as they exit or retire. */
    private final AtomicInteger carriers = new AtomicInteger();
    /** Every carrier alive (Go's allm): added under lock at creation, removed when it exits. */
    private final Set<Carrier> allm = ConcurrentHashMap.newKeySet();
    /** -Dweft.maxthreads: the most carriers at once (Go's SetMaxThreads). */
    final int maxThreads;

    private volatile long lastMaxThreadsError;
    final SysmonSettings settings;
    private final Sysmon sysmon;
    /** What carriers and pinned virtual threads log: written by sysmon (see the invariants). */
    private final DeferredLog deferredLog = new DeferredLog(log);
    /** Counters, JFR events, JMX registration (its lifecycle: start, sysmon, termination). */
    final Telemetry telemetry;
    /** The same, as the engine feeds it: the narrow way in. */
    private final SchedEvents events;

    private final LongAdder live = new LongAdder();
    /** Rare: virtual threads joined before their start reached us, so they kept the JDK's latch. */
    private final ConcurrentHashMap<Thread, Boolean> joinedEarly = new ConcurrentHashMap<>();

    private final AtomicInteger joinedEarlyCount = new AtomicInteger();

    private volatile boolean shutdown;
    private volatile boolean terminated;
    /** Whether {@link #start} started sysmon (schedulers built bare, by jcstress tests, have none). */
    private volatile boolean sysmonStarted;

    private final CountDownLatch terminationLatch = new CountDownLatch(1);

    /** A bare engine, with no owner (jcstress tests: they never start it). */
    CarrierScheduler(String name, int procs, SysmonSettings settings, IntSupplier cpuLimit) {
        this(name, procs, settings, cpuLimit, null, null);
    }

    /** See {@link Engine#create}: the whole graph, built once. */
    CarrierScheduler(
            String name, int procs, SysmonSettings settings, IntSupplier cpuLimit, JdkScheduler face, Object owner) {
        this.name = name;
        this.owner = owner;
        this.settings = settings;
        this.maxThreads = settings.maxThreads();
        this.timers = new TimerQueue(name);
        this.jdk = face != null ? face : new JdkScheduler(this);
        synchronized (lock) { // not yet shared: any thread may build a scheduler
            gomaxprocs = procs; // first: pidleput checks each P against it
            for (int i = 0; i < procs; i++) {
                allp[i] = new Processor(i);
                pidleput(allp[i]);
            }
            stealOrder = new StealOrder(procs);
        }
        // `this` escapes only into objects that do nothing until start()
        this.telemetry =
                new Telemetry(name, deferredLog, new SchedulerMBean(this, n -> resizeExplicitly(n, ResizeEvent.JMX)));
        this.events = telemetry;
        this.sysmon = new Sysmon(this, settings, cpuLimit);
    }

    @Override
    public void start() {
        telemetry.registerMBeanIfJmxStarted(); // else sysmon does it once JMX starts
        sysmonStarted = true;
        sysmon.start();
        LiveSchedulers.register(this); // weakly, for Goroutines (leak checks)
        jdk.bind(this); // the JDK default's face runs what was submitted before
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public JdkScheduler jdk() {
        return jdk;
    }

    @Override
    public TimerQueue timers() {
        return timers;
    }

    @Override
    public Object owner() {
        return owner;
    }

    /** Its sysmon (tests). */
    Sysmon sysmon() {
        return sysmon;
    }

    /** Every carrier alive (tests, scheddetail). */
    Set<Carrier> allm() {
        return allm;
    }

    /** See {@link Engine#currentOwner}. */
    static Object currentOwner() {
        return VirtualThreads.currentCarrier() instanceof Carrier c && c.sched instanceof CarrierScheduler s
                ? s.owner
                : null;
    }

    /**
     * Whether the current thread may take {@link #lock}: a platform thread, or a virtual thread
     * pinned to its carrier. For assertions (the pinned check is slow, and runs only on
     * virtual threads).
     */
    private static boolean mayTakeLock() {
        return VirtualThreads.mayTakeCarrierLock();
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
        if (c == null || !c.beginSubmit()) {
            runq.put(task); // not on our carrier, or its P was handed on while this task ran
            wakep();
            return;
        }
        try {
            if (task == c.current) {
                putBehind(c.p, task); // Gosched: behind the other runnable work, no wake-up needed
                return;
            }
            c.p.runq.put(task, true, runq);
        } finally {
            c.endSubmit();
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
    private void goroutineEnded() {
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
        return new RejectedExecutionException(
                "GoScheduler " + name + " is closed: cannot start " + (vthread != null ? vthread : "a task"));
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
        if (!reserveSpinning()) {
            return;
        }
        startm(true);
    }

    // ---- the spinning count: every change of nmspinning (Go's becomeSpinning, resetspinning) ----

    /** {@link #wakep}'s 0 → 1: counts in the carrier {@code startm(true)} is about to start spinning. */
    private boolean reserveSpinning() {
        return nmspinning.get() == 0 && nmspinning.compareAndSet(0, 1);
    }

    /** {@code startm(true)} found no P or no carrier: the count {@link #reserveSpinning} took is undone. */
    private void unreserveSpinning() {
        decrementSpinning();
    }

    /** Go's {@code mp.becomeSpinning}: carrier {@code c}, holding a P, starts looking for work to steal. */
    void becomeSpinning(Carrier c) {
        if (c.spinning) {
            throw new IllegalStateException(c.getName() + " is spinning already");
        }
        c.spinning = true;
        nmspinning.incrementAndGet();
    }

    /**
     * Carrier {@code c} stops spinning without having found work (it gives its P up, or a resize
     * took it): Go's {@code findRunnable} "wasSpinning" step, which throws on a negative count.
     */
    void stopSpinning(Carrier c) {
        if (!c.spinning) {
            throw new IllegalStateException(c.getName() + " stops spinning but was not spinning");
        }
        c.spinning = false;
        decrementSpinning();
    }

    private void decrementSpinning() {
        int n = nmspinning.decrementAndGet();
        if (n < 0) {
            throw new IllegalStateException("negative nmspinning: " + n);
        }
    }

    /** Go's {@code resetspinning}: a spinner found work; wake another to keep looking. */
    @Override
    public void resetSpinning(Carrier c) {
        stopSpinning(c);
        wakep();
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
            assert mayTakeLock();
            p = terminated ? null : pidleget();
            if (p == null) {
                if (spinning) {
                    unreserveSpinning();
                }
                return;
            }
            m = carrierFor(p, spinning);
            if (m == null) { // -Dweft.maxthreads reached: the P stays idle
                pidleput(p);
                if (spinning) {
                    unreserveSpinning();
                }
            }
        }
        if (m == null) {
            tooManyCarriers("start a carrier for an idle P");
            return;
        }
        launch(m, p);
        sysmon.wake();
    }

    /**
     * Go's {@code mget} or {@code newm}: an idle carrier, or a new one, to hold {@code p}; null
     * when none is idle and {@link #maxThreads} carriers exist. Under lock.
     */
    private Carrier carrierFor(Processor p, boolean spinning) {
        assert Thread.holdsLock(lock);
        Carrier m = mget();
        if (m != null) {
            m.spinning = spinning;
            p.carrier = m;
            m.nextp = p; // publishes spinning too
            return m;
        }
        if (carriers.get() >= maxThreads) {
            return null;
        }
        m = new Carrier(this, name + "-carrier-" + (++carrierSeq), p, spinning);
        p.carrier = m;
        carriers.incrementAndGet();
        allm.add(m);
        return m;
    }

    /** Starts a new carrier, or wakes an idle one that was handed a P. */
    private void launch(Carrier m, Processor p) {
        if (m.getState() == Thread.State.NEW) {
            if (log.isDebugEnabled()) {
                deferredLog.write(() -> log.debug("{}: starting carrier {} for {}", name, m.getName(), p));
            }
            m.start();
        } else {
            LockSupport.unpark(m);
        }
    }

    /** The error past -Dweft.maxthreads, logged once per second at most (each one is the same story). */
    private void tooManyCarriers(String what) {
        long now = System.nanoTime();
        long last = lastMaxThreadsError;
        if (last != 0 && now - last < TimeUnit.SECONDS.toNanos(1)) {
            return;
        }
        lastMaxThreadsError = now;
        deferredLog.write(() -> log.error(
                "{}: cannot {}: all {} carriers allowed by {} exist and are busy"
                        + " or blocked; virtual threads wait until one comes back. {} if this many blocking"
                        + " calls at once are expected.",
                name,
                what,
                maxThreads,
                settings.maxThreadsSetting(),
                settings.raiseMaxThreads()));
        sysmon.wake();
    }

    // ---- scheduling -------------------------------------------------------------------------

    /**
     * Go's {@code findRunnable}: the next task for carrier {@code c}, parking it while there is
     * none; null when the scheduler terminated (the carrier then exits). Sets
     * {@code c.inheritTime}.
     */
    @Override
    public Runnable findRunnable(Carrier c) {
        for (; ; ) {
            Processor p = c.p;
            if (p == null) { // its P was handed on while it was blocked (Go's exitsyscall)
                if (!reacquireP(c) && !stopm(c)) {
                    return null;
                }
                continue;
            }
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
            Runnable task = p.runq.get(runq);
            if (task != null) {
                c.inheritTime = p.runq.tookRunnext();
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
                    becomeSpinning(c);
                }
                task = stealWork(p);
                if (task != null) {
                    return task;
                }
            }
            // nothing to do: give the P back
            synchronized (lock) {
                assert mayTakeLock();
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
                stopSpinning(c); // before the re-check below: see the class invariant
                if (workAnywhere() && reacquireSpinning(c)) {
                    continue;
                }
            } else if (!runq.isEmpty() && reacquireP(c)) {
                // a put from outside (lock-free) after our look under the lock may have read
                // npidle before pidleput raised it, and so woken nobody: see the class invariant
                continue;
            }
            if (!stopm(c)) {
                return null;
            }
        }
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

    /** An idle P for carrier {@code c}, if there is one: after a blocked task, or to spin again. */
    private boolean reacquireP(Carrier c) {
        Processor p;
        synchronized (lock) {
            assert mayTakeLock();
            p = pidleget();
            if (p == null) {
                return false;
            }
            p.carrier = c;
        }
        c.p = p;
        return true;
    }

    /** After the re-check found work: take an idle P and spin again. */
    private boolean reacquireSpinning(Carrier c) {
        if (!reacquireP(c)) {
            return false;
        }
        becomeSpinning(c);
        return true;
    }

    /**
     * A carrier whose P was removed by a resize: the P's tasks go to the global queue, the P
     * dies, the carrier has no P. False when a resize brought the P back meanwhile.
     */
    private boolean retire(Carrier c) {
        Processor p = c.p;
        synchronized (lock) {
            assert mayTakeLock();
            if (p.id < gomaxprocs) {
                return false;
            }
            killp(p);
            c.p = null;
        }
        if (c.spinning) {
            stopSpinning(c);
        }
        if (!runq.isEmpty()) {
            wakep();
        }
        return true;
    }

    /**
     * Go's {@code stopm}: park on the idle list until handed a P; false when terminated, or when
     * this carrier was a spare idle for {@code -Dweft.keepalive} (it then exits).
     */
    private boolean stopm(Carrier c) {
        synchronized (lock) {
            assert mayTakeLock();
            if (terminated) {
                return false;
            }
            mput(c);
        }
        return c.acquireNextp(settings.keepAliveNanos());
    }

    /**
     * An idle carrier's keep-alive ran out: it leaves the idle list and exits, unless that would
     * leave fewer carriers than Ps or startm handed it a P meanwhile. Go keeps its Ms forever;
     * here the spares that blocking hand-offs created go away once the blocking is over.
     */
    @Override
    public boolean retireIdle(Carrier c) {
        synchronized (lock) {
            assert mayTakeLock();
            if (c.nextp != null || carriers.get() <= gomaxprocs) {
                return false;
            }
            if (!midleremove(c)) {
                return false;
            }
            c.retired = true;
            carriers.decrementAndGet(); // under the lock, so two spares can't both see room
            return true;
        }
    }

    /** Runs one task on carrier {@code c}, and counts a goroutine out when it finished. */
    @Override
    public void runTask(Carrier c, Runnable task) {
        c.p.runtick++;
        c.current = task;
        c.beginTask();
        try {
            task.run();
        } catch (Throwable e) {
            deferredLog.write(() -> log.error("{}: task {} threw", name, task, e));
            sysmon.wake();
        } finally {
            c.current = null;
        }
        if (!c.endTask()) {
            c.p = null; // sysmon (or blocking) handed the P on: it is another carrier's now
        }
        Thread vthread = VirtualThreads.threadOf(task);
        if (vthread == null) {
            goroutineEnded(); // a plain task runs once
        } else if (joinedEarlyCount.get() != 0
                && VirtualThreads.state(vthread) == VirtualThreads.TERMINATED
                && joinedEarly.remove(vthread) != null) {
            joinedEarlyCount.decrementAndGet();
            goroutineEnded();
        }
    }

    // ---- blocking hand-off (Go's retake, handoffp, entersyscallblock, exitsyscall) ----------

    /**
     * sysmon's retake: P {@code p} has run the same task (run tick {@code runtick}) since
     * before the hand-off threshold, its carrier is not using the CPU, and work waits. The P goes
     * to an idle or new carrier; the blocked one finds it gone when its task ends. False when the
     * P moved on meanwhile, or no carrier can be had (-Dweft.maxthreads).
     */
    @Override
    public boolean retake(Processor p, int runtick, long blockedNanos) {
        Carrier blocked;
        Carrier m;
        synchronized (lock) {
            assert mayTakeLock();
            blocked = p.carrier;
            if (terminated
                    || p.status != Processor.RUNNING
                    || blocked == null
                    || p.runtick != runtick
                    || p.id >= gomaxprocs) { // a resize removed it: no carrier for it
                return false;
            }
            // a carrier must be at hand before the P is taken: taking it can't be undone
            if (midle == null && carriers.get() >= maxThreads) {
                m = null;
            } else if (!blocked.takeP()) {
                return false; // between tasks, or submitting: not blocked after all
            } else {
                m = carrierFor(p, false);
            }
        }
        if (m == null) {
            tooManyCarriers("hand " + p + " of blocked carrier " + blocked.getName() + " to another");
            return false;
        }
        events.handedOff(p, blocked, "sysmon", blockedNanos); // counted before the new carrier can run anything
        launch(m, p);
        return true;
    }

    /**
     * {@link Engine#enterBlocking}: hands the P of the carrier under the current virtual thread
     * on; this engine, or null when there is nothing to hand on (not a weft carrier, or no P).
     * Pinned throughout: the carrier read here is the one whose P is taken, and the scheduler
     * lock it takes can't make this thread unmount while carriers wait for that lock.
     */
    static CarrierScheduler enterBlocking() {
        boolean pinned = VirtualThreads.acquirem();
        try {
            if (!(VirtualThreads.currentCarrier() instanceof Carrier c)
                    || c.p == null
                    || c.state() != Carrier.IN_TASK
                    || !(c.sched instanceof CarrierScheduler s)) {
                return null;
            }
            s.handOffForBlocking(c);
            return s;
        } finally {
            VirtualThreads.releasem(pinned);
        }
    }

    /**
     * {@link Engine#exitBlocking}: take an idle P on the carrier we are on now (it may differ from
     * the one we entered on: the body may have parked), else yield, so that this virtual thread
     * runs again only when a P is free. Pinned while it looks at the carrier, not across the yield.
     */
    static void exitBlocking(CarrierScheduler s) {
        boolean mustYield;
        boolean pinned = VirtualThreads.acquirem();
        try {
            mustYield = VirtualThreads.currentCarrier() instanceof Carrier c
                    && c.sched == s
                    && c.p == null
                    && !s.reacquireAfterBlocking(c);
        } finally {
            VirtualThreads.releasem(pinned);
        }
        if (mustYield) {
            Thread.yield(); // resubmitted to the global queue: the carrier has no P, so it can't take it
        }
    }

    /**
     * Go's {@code entersyscallblock}: the task on carrier {@code c} (the caller, on it) gives its
     * P away before it blocks: to a carrier at once if work waits, else to the idle list. The
     * caller is pinned to {@code c} ({@link VirtualThreads#acquirem}).
     */
    void handOffForBlocking(Carrier c) {
        assert VirtualThreads.currentCarrier() == c : "blocking hand-off from a stale carrier";
        Processor p = c.p;
        Carrier m = null;
        boolean wake = false;
        boolean took;
        boolean killed = false;
        synchronized (lock) {
            assert mayTakeLock();
            took = c.takeP();
            if (took && p.id >= gomaxprocs) {
                killed = true;
                // a resize removed it while the task ran: it dies, as in findRunnable and retake
                // (its queue moves to the global one); it must not go idle or to another carrier
                killp(p);
                wake = !runq.isEmpty();
            } else if (took) {
                if (!p.runq.isEmpty() || !runq.isEmpty()) {
                    m = carrierFor(p, false);
                }
                if (m == null) {
                    pidleput(p);
                    // looked at after pidleput, as findRunnable does: a put from outside that read
                    // npidle before it woke nobody (and only past -Dweft.maxthreads, local work)
                    wake = !p.runq.isEmpty() || !runq.isEmpty();
                }
            } // else sysmon handed it on already
            c.p = null;
        }
        if (took && !killed) {
            events.handedOff(p, c, "blocking", 0); // counted before the new carrier can run anything
        }
        if (m != null) {
            launch(m, p);
        } else if (wake) {
            wakep();
        }
    }

    /**
     * Go's {@code exitsyscall} fast path: the task on carrier {@code c} is back from blocking and
     * takes an idle P to run on; false if there is none (the task must then yield its carrier).
     * The caller is pinned to {@code c}.
     */
    boolean reacquireAfterBlocking(Carrier c) {
        assert VirtualThreads.currentCarrier() == c : "P reacquired for a stale carrier";
        if (!reacquireP(c)) {
            return false;
        }
        c.regainP();
        return true;
    }

    /** Every P, for sysmon: {@code allp[0 .. gomaxprocs)}. */
    @Override
    public Processor processor(int id) {
        return allp[id];
    }

    @Override
    public boolean allProcsIdle() {
        return npidle == gomaxprocs;
    }

    @Override
    public boolean globalQueueEmpty() {
        return runq.isEmpty();
    }

    @Override
    public void deadlockReported() {
        events.deadlockReported();
    }

    @Override
    public DeferredLog deferredLog() {
        return deferredLog;
    }

    @Override
    public void sysmonPass() {
        telemetry.registerMBeanIfJmxStarted(); // JMX may have started since
    }

    // ---- idle lists (under lock): every change of pidle/npidle, midle/nmidle and P status ----

    /**
     * Puts {@code p} on the idle list. The caller holds {@code p} alone (its carrier giving it
     * back after its last put, a blocked task whose carrier lost it, or a P just taken from the
     * idle list), so it acts as the ring's owner and clears its free slots: an idle P must not
     * keep the finished tasks that thieves took (see {@link LocalRunQueue#clearFreeSlots}).
     */
    void pidleput(Processor p) {
        assert Thread.holdsLock(lock);
        if (p.status == Processor.IDLE) {
            throw new IllegalStateException(p + " is idle already");
        }
        if (p.id >= gomaxprocs) { // the idle list holds live Ps only: npidle <= gomaxprocs
            throw new IllegalStateException(
                    p + " was removed by a resize to gomaxprocs " + gomaxprocs + ": it must die (killp), not go idle");
        }
        p.runq.clearFreeSlots();
        p.status = Processor.IDLE;
        p.carrier = null;
        p.nextIdle = pidle;
        pidle = p;
        npidle = npidle + 1;
    }

    /** Go's {@code pidleget}: an idle P, now RUNNING, or null. */
    Processor pidleget() {
        assert Thread.holdsLock(lock);
        Processor p = pidle;
        if (p != null) {
            if (p.status != Processor.IDLE || npidle <= 0) {
                throw new IllegalStateException(p + " on the idle list is " + p.status + ", npidle " + npidle);
            }
            pidle = p.nextIdle;
            p.nextIdle = null;
            p.status = Processor.RUNNING;
            npidle = npidle - 1;
        }
        return p;
    }

    /**
     * A removed P: its queue moves to the global queue, its slots are cleared, and it leaves the
     * P set. Under lock, by the P's owner or, for an idle P, the lock holder.
     */
    private void killp(Processor p) {
        assert Thread.holdsLock(lock);
        p.runq.drainTo(runq, true);
        p.runq.clearFreeSlots(); // drainTo nulls what it took, not what thieves took before
        p.status = Processor.DEAD;
        p.carrier = null;
    }

    /** Go's {@code mput}: carrier {@code c}, without a P, joins the idle list. */
    void mput(Carrier c) {
        assert Thread.holdsLock(lock);
        if (c.p != null || c.nextIdle != null || midle == c) {
            throw new IllegalStateException(c.getName() + " goes idle holding " + c.p + " or on the idle list");
        }
        c.nextIdle = midle;
        midle = c;
        nmidle = nmidle + 1;
        c.idleSince = System.nanoTime();
    }

    /** Go's {@code mget}: an idle carrier off the idle list, or null. */
    Carrier mget() {
        assert Thread.holdsLock(lock);
        Carrier m = midle;
        if (m != null) {
            if (nmidle <= 0) {
                throw new IllegalStateException("idle carrier " + m.getName() + " with nmidle " + nmidle);
            }
            midle = m.nextIdle;
            m.nextIdle = null;
            nmidle = nmidle - 1;
        }
        return m;
    }

    /** Takes idle carrier {@code c} off the idle list; false if it is not on it. */
    private boolean midleremove(Carrier c) {
        assert Thread.holdsLock(lock);
        Carrier prev = null;
        for (Carrier m = midle; m != null; prev = m, m = m.nextIdle) {
            if (m == c) {
                if (prev == null) {
                    midle = m.nextIdle;
                } else {
                    prev.nextIdle = m.nextIdle;
                }
                m.nextIdle = null;
                nmidle = nmidle - 1;
                return true;
            }
        }
        return false;
    }

    /** A P that a resize removes leaves the idle list. */
    private void pidleremove(Processor p) {
        assert Thread.holdsLock(lock);
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

    @Override
    public int gomaxprocs() {
        return gomaxprocs;
    }

    /**
     * A resize by hand (API, JMX): from now on the CPU limit no longer sizes this scheduler.
     *
     * @throws IllegalStateException    once shut down (its size is then fixed)
     * @throws IllegalArgumentException if {@code n} is above the carrier limit
     */
    @Override
    public int resizeExplicitly(int n, String reason) {
        if (shutdown) {
            throw new IllegalStateException("gomaxprocs(" + n + ") on " + name + ", which is shut down: a closed"
                    + " scheduler keeps its size (gomaxprocs(0) still queries it)");
        }
        settings.checkResize(name, n);
        sysmon.procsSetExplicitly();
        return resize(n, reason);
    }

    /**
     * Go's {@code procresize}, without stopping the world: new Ps join the idle list; a removed
     * idle P dies at once and its queue moves to the global queue; a removed running P's queue is
     * moved too (as a thief would), and its carrier gives it up at its next schedule point.
     */
    @Override
    public int resize(int n, String reason) {
        int prev;
        boolean pinned = VirtualThreads.acquirem(); // GoScheduler.gomaxprocs(n) and JMX may run on a virtual thread
        try {
            prev = resizeLocked(n);
        } finally {
            VirtualThreads.releasem(pinned);
        }
        if (prev != n) {
            events.resized(prev, n, reason);
        }
        return prev;
    }

    /** {@link #resize}'s steps; pinned or on a platform thread. */
    private int resizeLocked(int n) {
        int prev;
        synchronized (lock) {
            assert mayTakeLock();
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
        return prev;
    }

    /** Go's scheddetail: a line per P and per carrier, racy snapshots. */
    @Override
    public java.util.List<String> schedDetail() {
        java.util.List<String> lines = new java.util.ArrayList<>();
        int n = gomaxprocs;
        for (int i = 0; i < n; i++) {
            Processor p = allp[i];
            if (p == null) {
                continue;
            }
            Carrier m = p.carrier;
            lines.add("P" + i + ": status=" + p.status + " schedtick=" + p.schedtick + " runtick="
                    + (int) Processor.RUNTICK.getOpaque(p) + " m=" + (m == null ? "-1" : m.getName())
                    + " runqsize=" + p.runq.size() + " steals=" + p.steals);
        }
        for (Carrier m : allm) {
            Processor p = m.p;
            Runnable cur = m.current;
            Thread g = cur == null ? null : VirtualThreads.threadOf(cur);
            lines.add(m.getName() + ": p=" + (p == null ? "-1" : String.valueOf(p.id))
                    + " curg=" + (g == null ? (cur == null ? "-1" : "task") : g.toString())
                    + " spinning=" + m.spinning + " blocked=" + (m.state() == Carrier.LOST)
                    + " idle=" + (m.nextp == null && p == null && cur == null));
        }
        return lines;
    }

    // ---- shutdown ---------------------------------------------------------------------------

    /** Safe from any thread: a virtual thread (its own or another scheduler's) is pinned meanwhile. */
    @Override
    public void shutdown() {
        shutdown = true;
        boolean pinned = VirtualThreads.acquirem();
        try {
            tryTerminate();
        } finally {
            VirtualThreads.releasem(pinned);
        }
    }

    @Override
    public boolean isShutdown() {
        return shutdown;
    }

    /** Every goroutine ended after shutdown: carriers and sysmon stop on it (they may still be exiting). */
    @Override
    public boolean isTerminated() {
        return terminated;
    }

    /** What {@link #awaitTermination} waits for: terminated, every carrier gone, the MXBean unregistered. */
    @Override
    public boolean isFullyTerminated() {
        return terminationLatch.getCount() == 0;
    }

    @Override
    public boolean awaitTermination(long nanos) throws InterruptedException {
        Thread self = Thread.currentThread();
        ParkedThreads.AWAITING_TERMINATION.add(self); // not a waker: it waits for our threads
        try {
            return terminationLatch.await(nanos, TimeUnit.NANOSECONDS);
        } finally {
            ParkedThreads.AWAITING_TERMINATION.remove(self);
        }
    }

    @Override
    public void awaitTermination() throws InterruptedException {
        Thread self = Thread.currentThread();
        ParkedThreads.AWAITING_TERMINATION.add(self); // not a waker: it waits for our threads
        try {
            terminationLatch.await();
        } finally {
            ParkedThreads.AWAITING_TERMINATION.remove(self);
        }
    }

    private void tryTerminate() {
        if (terminated || !shutdown || live.sum() != 0) {
            return;
        }
        Carrier wake;
        synchronized (lock) {
            assert mayTakeLock();
            if (terminated) {
                return;
            }
            terminated = true;
            timers.stop();
            sysmon.wake();
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
        if (!DeferredLog.mustDefer() || !sysmonStarted) {
            // the MXBean's locks are never taken on a carrier or a virtual thread (see Telemetry):
            // here on a platform thread, else sysmon, woken above, unregisters it as it exits
            telemetry.releaseMBean();
        }
        finishTermination();
    }

    @Override
    public void carrierExited(Carrier c) {
        log.debug("{}: carrier {} exits", name, c.getName());
        allm.remove(c);
        if (!c.retired) {
            carriers.decrementAndGet();
        }
        finishTermination();
    }

    @Override
    public boolean hasGlobalWork() {
        return !runq.isEmpty();
    }

    /**
     * sysmon's last act, after termination: the MXBean is unregistered here when the scheduler
     * ended on a carrier or a virtual thread (see {@link #tryTerminate}).
     */
    @Override
    public void sysmonExited() {
        deferredLog.drain();
        if (!telemetry.released()) {
            telemetry.releaseMBean();
        }
        finishTermination();
    }

    /** Terminated, every carrier gone, the MXBean unregistered: {@link #awaitTermination} returns. Idempotent. */
    private void finishTermination() {
        if (terminated && carriers.get() == 0 && telemetry.released()) {
            terminationLatch.countDown();
        }
    }

    // ---- stats ------------------------------------------------------------------------------

    @Override
    public long liveGoroutines() {
        return Math.max(0, live.sum());
    }

    @Override
    public SchedulerStats stats() {
        int n = gomaxprocs;
        int[] local = new int[n];
        long steals = 0;
        for (int i = 0; i < allp.length && allp[i] != null; i++) {
            steals += allp[i].steals;
            if (i < n) {
                local[i] = allp[i].runq.size();
            }
        }
        return new SchedulerStats(
                n,
                npidle,
                carriers.get(),
                nmspinning.get(),
                nmidle,
                runq.size(),
                local,
                steals,
                liveGoroutines(),
                telemetry.handoffs(),
                telemetry.deadlockReports());
    }
}
