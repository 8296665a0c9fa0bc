package dev.weft.channels;

import dev.weft.scheduler.GoScheduler;
import dev.weft.scheduler.internal.Deadlocks;
import dev.weft.scheduler.internal.TimerHeap;
import java.lang.ref.Reference;
import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Go's {@code time} package as channels, with Go 1.23 semantics: {@link #after}, {@link #newTimer},
 * {@link #newTicker}, {@link #tick} and {@link #afterFunc}.
 *
 * <pre>{@code
 * String r = Select.select(
 *     results.onReceive(v -> "got " + v),
 *     Timers.after(Duration.ofSeconds(1)).onReceive(t -> "timeout"));   // case <-time.After(time.Second)
 *
 * Ticker tick = Timers.newTicker(Duration.ofMillis(100));
 * try { for (Instant t : tick.c()) poll(t); } finally { tick.stop(); }  // for t := range ticker.C
 * }</pre>
 *
 * <h2>Cost</h2>
 * No thread per timer and none per timed select: one shared daemon platform thread,
 * {@code weft-timers}, owns a binary min-heap of entries keyed by deadline
 * ({@link System#nanoTime}): weft's one timer heap ({@code TimerHeap}, which each scheduler's
 * timer queue uses too), here one global instance, so that timers work on any thread (a
 * {@link GoScheduler}'s virtual threads, the JDK's, platform threads). A pending timer costs one
 * heap entry (about 56 bytes, and a 32-byte weak reference to its channel) plus its channel (a
 * {@code Chan} with a buffer of one, about 130 bytes); insertion and removal are O(log n). The
 * timer thread waits for the earliest deadline parked on the heap's idle blocker
 * ({@code timer goroutine (idle)}), by which the deadlock detector recognises it. Firing never
 * blocks the timer thread: it delivers with {@link Chan#trySend} into the channel's buffer of
 * one, and a func timer's function runs on a new virtual thread (see {@link #afterFunc} for
 * which scheduler).
 *
 * <h2>Unreferenced timers (Go 1.23)</h2>
 * As in Go 1.23, a timer or ticker whose channel nobody references any more can be collected
 * even if it was never stopped: the heap entry holds its channel through a weak reference, and
 * a second daemon thread, {@code weft-timers-reaper}, removes the entries of collected channels
 * from the heap (in O(log n) each) as soon as the garbage collector clears them: no other timer
 * needs to be scheduled, and an idle program keeps none. So a loop that selects on
 * {@code Timers.after(Duration.ofHours(1))} a million times, with another case always winning,
 * does not keep a million entries for an hour: the heap holds only the entries whose channels
 * the GC has not cleared yet, bounded by the GC's cadence, not by the loop count, and 0 after a
 * full GC. With strong references (Go before 1.23) the same loop runs out of a 128 MB heap after
 * about 600k iterations. A stopped or fired timer leaves the heap at once.
 *
 * <p>A thread blocked on a timer's channel keeps the channel reachable (its stack references
 * it), so the value is still delivered: platform threads are GC roots, and the JDK tracks every
 * started virtual thread by default. With {@code -Djdk.trackAllThreads=false} the
 * JDK lets an otherwise unreachable blocked virtual thread be collected, so weft then holds
 * timer channels strongly, with the cost of Go before 1.23: one entry and its channel until the
 * timer fires or is stopped. A func timer ({@link #afterFunc}) always holds its function until
 * it runs or is stopped, as in Go.
 *
 * <h2>No stale values (Go 1.23)</h2>
 * After {@link Timer#stop}, {@link Timer#reset}, {@link Ticker#stop} or {@link Ticker#reset}
 * returns, no value computed before the call is received from the channel: stop and reset drain
 * the channel's pending value, and they and the timer thread's fire are serialised on the
 * entry's monitor. As in Go 1.23, whose timer channels are synchronous,
 * {@code len()} and {@code cap()} of a timer channel are always 0; as in Go's implementation, the
 * channel still holds the one fired value internally until it is received, stopped or reset.
 * One difference: the value is the time of the fire (Go 1.23 may compute it at receive time).
 *
 * <p>Deadlock detection: the timers pending here (in the heap, or being fired) are reported to
 * weft's deadlock detector, so, as in Go, no deadlock is
 * reported while a timer may still wake a blocked thread.
 */
public final class Timers {
    // Invariants of the heap: HEAP, and every entry's deadline and place in it, are
    // guarded by LOCK (the heap's own invariants are TimerHeap's). No lost wake-up:
    // an insert that makes its entry the earliest unparks the timer thread after it (under
    // LOCK); the thread reads the earliest deadline under LOCK, then parks, so an
    // insert after its read leaves it a permit and its park returns at once. FIRING counts
    // entries the timer thread took as due and has not finished firing (incremented under
    // LOCK before the entry can leave the heap), so HEAP.size() + FIRING never drops
    // to 0 between a timer's removal and its delivery. Lock order: an entry's monitor, then LOCK; nothing blocks
    // while holding either.

    private static final Logger LOG = LoggerFactory.getLogger(Timers.class);

    /** The longest delay the heap stores (~73 years): keeps {@code when} differences in range. */
    private static final long MAX_DELAY = Long.MAX_VALUE >> 2;

    private static final int MIN_CAPACITY = 64;

    /**
     * Whether heap entries hold their channel weakly: only when the JDK keeps every started
     * virtual thread reachable (its default), so a blocked receiver's stack keeps the channel.
     * Parsed as the JDK's {@code jdk.internal.vm.ThreadContainers} does.
     */
    static final boolean WEAK_CHANNELS;

    static {
        String s = System.getProperty("jdk.trackAllThreads");
        WEAK_CHANNELS = s == null || s.isEmpty() || Boolean.parseBoolean(s);
    }

    private static final ReentrantLock LOCK = new ReentrantLock();
    /** References to collected channels; drained under LOCK by {@link #expungeLocked}. */
    private static final ReferenceQueue<Chan<Instant>> COLLECTED = new ReferenceQueue<>();

    /** Every pending entry; guarded by LOCK. */
    private static final TimerHeap<Entry> HEAP = new TimerHeap<>(MIN_CAPACITY);

    /** Entries taken as due by the timer thread and not yet fired (see the class comment). */
    private static final AtomicInteger FIRING = new AtomicInteger();

    /** The one timer thread; started when this class initialises. */
    private static final Thread THREAD = startThread("weft-timers", Timers::loop);
    /** Removes the entries of collected channels as the GC clears them. */
    @SuppressWarnings("unused") // runs for the life of the JVM
    private static final Thread REAPER = startThread("weft-timers-reaper", Timers::reap);

    static {
        // a thread blocked on a timer's channel is not deadlocked while the timer is pending
        Deadlocks.addTimerSource(Timers::pending);
    }

    private Timers() {}

    /**
     * Go's {@code time.After(d)}: a channel that receives the current time once, {@code d} from
     * now. A non-positive {@code d} delivers at once. For a timer that can be stopped, use
     * {@link #newTimer}.
     *
     * <pre>{@code
     * Instant fired = Timers.after(Duration.ofMillis(50)).receive();
     * }</pre>
     *
     * <p>A pending {@code after} costs one heap entry (about 64 bytes) until it fires or its
     * channel is collected (see the class comment): no thread.
     *
     * @param d the delay from now; zero or negative delivers at once; saturated at about 73 years
     * @return a channel, of capacity 0 as reported, that receives one {@link Instant}
     * @throws NullPointerException if {@code d} is null
     */
    public static ReceiveChan<Instant> after(Duration d) {
        long nanos = toNanos(d);
        Chan<Instant> ch = Chan.timerChannel();
        Entry e = new Entry(ch, null, false, null);
        reset(e, ch, nanos, 0);
        return ch;
    }

    /**
     * Go's {@code time.NewTimer(d)}: a timer that sends the current time on {@link Timer#c()}
     * once, {@code d} from now (at once if {@code d} is not positive).
     *
     * <pre>{@code
     * Timer t = Timers.newTimer(Duration.ofSeconds(5));
     * try { ... Select.select(work.onReceive(...), t.c().onReceive(x -> "timeout")); }
     * finally { t.stop(); }
     * }</pre>
     *
     * @param d the delay from now; zero or negative fires at once; saturated at about 73 years
     * @return a new pending timer, thread-safe
     * @throws NullPointerException if {@code d} is null
     */
    public static Timer newTimer(Duration d) {
        long nanos = toNanos(d);
        Chan<Instant> ch = Chan.timerChannel();
        Timer t = new Timer(new Entry(ch, null, false, null), ch);
        reset(t.entry, ch, nanos, 0);
        return t;
    }

    /**
     * Go's {@code time.NewTicker(period)}: sends the current time on {@link Ticker#c()} every
     * {@code period}, the first one {@code period} from now. A slow receiver misses ticks: at
     * most one tick is pending, the others are dropped, and ticks stay on the original phase.
     *
     * <pre>{@code
     * Ticker t = Timers.newTicker(Duration.ofMillis(100));
     * try { for (Instant now : t.c()) if (poll(now)) break; } finally { t.stop(); }
     * }</pre>
     *
     * @param period the interval between ticks; positive; saturated at about 73 years
     * @return a new running ticker, thread-safe; stop it when done
     * @throws NullPointerException if {@code period} is null
     * @throws IllegalArgumentException if {@code period} is zero or negative (Go panics)
     */
    public static Ticker newTicker(Duration period) {
        long nanos = tickerPeriod(period, "newTicker");
        Chan<Instant> ch = Chan.timerChannel();
        Ticker t = new Ticker(new Entry(ch, null, false, null), ch);
        reset(t.entry, ch, nanos, nanos);
        return t;
    }

    /**
     * Go's {@code time.Tick(d)}: the channel of a ticker that nobody can stop, for programs that
     * tick for their whole life. Unlike Go before 1.23, and like Go 1.23, the ticker is collected
     * (and leaves the heap) once the program no longer references the channel, so it does not
     * leak. Same ticks as {@link #newTicker}: every {@code d}, the first one {@code d} from now,
     * at most one pending.
     *
     * <pre>{@code
     * for (Instant now : Timers.tick(Duration.ofSeconds(1))) report(now);   // for now := range time.Tick(time.Second)
     * }</pre>
     *
     * <p>Go returns a nil channel for {@code d <= 0}; so does this method in the only form Java
     * has for it: a channel on which nothing is ever sent (a receive blocks forever, as on Go's
     * nil channel, and a select never picks it; {@code len} and {@code cap} are 0). Use
     * {@link #newTicker} to have a non-positive period rejected instead.
     *
     * @param d the period; any value (non-positive: a channel that never receives)
     * @return the ticks; thread-safe like every channel
     * @throws NullPointerException if {@code d} is null
     */
    public static ReceiveChan<Instant> tick(Duration d) {
        Objects.requireNonNull(d, "d");
        if (d.isNegative() || d.isZero()) {
            return Chan.timerChannel(); // Go's nil: nobody holds it to send, so nothing ever arrives
        }
        return newTicker(d).c(); // the entry holds the channel weakly: collected with it
    }

    /**
     * Go's {@code time.AfterFunc(d, f)}: starts {@code f} in its own new virtual thread (Go: its
     * own goroutine) {@code d} from now, at once if {@code d} is not positive. The returned timer
     * has no channel; {@link Timer#stop()} returns true if it stopped {@code f} from being started.
     *
     * <pre>{@code
     * Timer t = Timers.afterFunc(Duration.ofSeconds(30), () -> log.warn("slow request"));
     * handle(request);
     * t.stop();
     * }</pre>
     *
     * <p>Where {@code f} runs is decided by the thread that calls {@code afterFunc}, whatever
     * {@code d} is: from a virtual thread of a {@link GoScheduler}, on a new virtual thread of
     * that scheduler ({@link GoScheduler#go}: it counts in its {@code numGoroutine()} and runs
     * within its gomaxprocs); from any other thread (a platform thread, or a virtual thread of
     * the JDK's scheduler), on a new virtual thread of the JDK's default scheduler
     * ({@code Thread.ofVirtual().start(f)}). If that GoScheduler has been shut down when the
     * timer fires, {@code f} cannot start (as {@code go} would throw) and an error is logged. The
     * timer holds {@code f} (and the scheduler) until it fires or is stopped.
     *
     * @param d when, from now; saturated at about 73 years
     * @param f what to run; exceptions it throws go to its thread's uncaught-exception handler
     * @return the timer, thread-safe
     * @throws NullPointerException if {@code d} or {@code f} is null
     */
    public static Timer afterFunc(Duration d, Runnable f) {
        Objects.requireNonNull(f, "f");
        long nanos = toNanos(d);
        Timer t = new Timer(new Entry(null, f, false, callersScheduler()), null);
        reset(t.entry, null, nanos, 0);
        return t;
    }

    /** The GoScheduler running the calling virtual thread, or null (then: the JDK's default). */
    private static GoScheduler callersScheduler() {
        if (!Thread.currentThread().isVirtual()) {
            return null;
        }
        try {
            return GoScheduler.current().orElse(null);
        } catch (IllegalStateException weftUnavailable) {
            return null; // java.lang not open to weft: then no GoScheduler can be running us
        }
    }

    /**
     * A func timer whose function runs on the timer thread itself, for short, non-blocking,
     * non-throwing functions inside this package (a context's deadline cancel).
     */
    static Timer afterFuncOnTimerThread(Duration d, Runnable f) {
        long nanos = toNanos(d);
        Timer t = new Timer(new Entry(null, f, true, null), null);
        reset(t.entry, null, nanos, 0);
        return t;
    }

    // ---- stop / reset (callers' side) -------------------------------------------------------

    /**
     * Stops {@code e}. True if it was in the heap, or if its fired value was still pending in
     * {@code ch} (drained here: Go 1.23 counts an unreceived timer as not yet fired).
     */
    static boolean stop(Entry e, Chan<Instant> ch) {
        synchronized (e) {
            boolean active;
            LOCK.lock();
            try {
                active = HEAP.remove(e);
            } finally {
                LOCK.unlock();
            }
            // Under e's monitor, so no fire slips in between: what is drained here is stale.
            if (ch != null && drain(ch)) {
                active = true;
            }
            return active;
        }
    }

    /**
     * (Re)schedules {@code e} to fire {@code nanos} from now, then every {@code period} if that
     * is positive. A one-shot due now fires in the caller, with no heap entry. Returns what
     * {@link #stop} would have returned.
     */
    static boolean reset(Entry e, Chan<Instant> ch, long nanos, long period) {
        Runnable run = null;
        boolean active;
        synchronized (e) {
            e.period = period;
            boolean dueNow = nanos <= 0 && period <= 0;
            LOCK.lock();
            try {
                expungeLocked();
                active = HEAP.remove(e);
                if (!dueNow) {
                    insertLocked(e, System.nanoTime() + Math.min(nanos, MAX_DELAY));
                }
            } finally {
                LOCK.unlock();
            }
            if (ch != null && drain(ch)) {
                active = true;
            }
            if (dueNow) {
                if (e.func != null) {
                    run = e.func; // started below, outside the monitor
                } else {
                    deliver(ch);
                }
            }
        }
        if (run != null) {
            run(e, run);
        }
        return active;
    }

    static long tickerPeriod(Duration period, String what) {
        Objects.requireNonNull(period, "period");
        if (period.isNegative() || period.isZero()) {
            throw new IllegalArgumentException("non-positive interval for " + what + ": " + period);
        }
        return Math.min(TimeUnit.NANOSECONDS.convert(period), MAX_DELAY); // saturates
    }

    private static long toNanos(Duration d) {
        Objects.requireNonNull(d, "d");
        return TimeUnit.NANOSECONDS.convert(d); // saturates instead of overflowing
    }

    private static boolean drain(Chan<Instant> ch) {
        try {
            return ch.tryReceive() != null;
        } catch (ChannelClosedException closedByAbuse) {
            return false;
        }
    }

    private static void deliver(Chan<Instant> ch) {
        try {
            ch.trySend(Instant.now()); // capacity 1: a full channel (a slow ticker receiver) drops the tick
        } catch (ChannelClosedException closedByAbuse) {
            LOG.debug("timer channel was closed by its user; value dropped");
        }
    }

    /** Runs a func timer's function: on the timer thread, or on a new virtual thread (see {@link #afterFunc}). */
    private static void run(Entry e, Runnable f) {
        try {
            if (e.onTimerThread) {
                f.run();
            } else if (e.scheduler != null) {
                e.scheduler.go(f);
            } else {
                Thread.ofVirtual().start(f);
            }
        } catch (Throwable t) {
            LOG.error("timer function {} failed to start or run (scheduler {})", f, e.scheduler, t);
        }
    }

    // ---- the timer thread -------------------------------------------------------------------

    /**
     * Timers pending: entries in the heap (a collected channel's entry counts until reaped) plus
     * those being fired. What the deadlock detector sees ({@code Deadlocks.pendingTimers}).
     */
    static int pending() {
        LOCK.lock();
        try {
            return HEAP.size() + FIRING.get(); // FIRING is raised under LOCK before an entry leaves
        } finally {
            LOCK.unlock();
        }
    }

    private static Thread startThread(String name, Runnable body) {
        Thread t = Thread.ofPlatform().name(name).daemon(true).unstarted(body);
        t.start();
        return t;
    }

    /**
     * The reaper: blocks until the GC clears a timer channel, then removes its entry (and any
     * other cleared one) from the heap. Go 1.23 makes unreferenced timers collectable at once;
     * without this, their entries would stay until their deadline or the next schedule.
     */
    private static void reap() {
        for (; ; ) {
            try {
                Reference<? extends Chan<Instant>> r = COLLECTED.remove();
                LOCK.lock();
                try {
                    expungeOne(((ChanRef) r).entry);
                    expungeLocked();
                } finally {
                    LOCK.unlock();
                }
            } catch (InterruptedException ignored) {
                // nobody should interrupt this thread; keep reaping
            } catch (Throwable t) {
                LOG.error("timer reaper failed", t);
            }
        }
    }

    /**
     * Waits for the earliest deadline and fires it; never blocks on anything but LOCK (held for
     * a few instructions by anyone) and its park on {@link TimerHeap#IDLE_BLOCKER}.
     */
    private static void loop() {
        for (; ; ) {
            Entry due = null;
            long delay = 0; // 0: no entry, park until an insert unparks us
            LOCK.lock();
            try {
                expungeLocked();
                Entry top = HEAP.peek();
                if (top != null) {
                    delay = top.when() - System.nanoTime();
                    if (delay <= 0) {
                        due = top;
                        FIRING.incrementAndGet(); // under LOCK, while still in the heap
                    }
                }
            } finally {
                LOCK.unlock();
            }
            if (due == null) {
                // an insert after our look unparked us (see the class comment): no lost wake-up
                if (delay == 0) {
                    LockSupport.park(TimerHeap.IDLE_BLOCKER);
                } else {
                    LockSupport.parkNanos(TimerHeap.IDLE_BLOCKER, delay);
                }
                Thread.interrupted(); // nobody should interrupt this thread; never let it turn park into a spin
                continue;
            }
            try {
                fire(due);
            } catch (Throwable t) {
                LOG.error("timer fire failed", t);
            } finally {
                FIRING.decrementAndGet(); // delivered, or its thread started: visible by itself now
            }
        }
    }

    /**
     * Fires {@code e} if it is still in the heap and due: a stop or reset that got its monitor
     * first wins, and then the loop simply looks at the heap again.
     */
    private static void fire(Entry e) {
        Runnable run = null;
        synchronized (e) {
            long now = System.nanoTime();
            Chan<Instant> ch = e.chan();
            LOCK.lock();
            try {
                if (!e.inHeap() || e.when() - now > 0) {
                    return; // stopped, reset to later, or expunged meanwhile
                }
                HEAP.remove(e);
                if (e.period > 0 && ch != null) {
                    // next tick strictly after now, on the original phase (Go skips missed ticks)
                    long late = now - e.when();
                    insertLocked(e, e.when() + e.period * (1 + late / e.period));
                }
            } finally {
                LOCK.unlock();
            }
            if (e.func != null) {
                run = e.func;
            } else if (ch != null) {
                deliver(ch); // under the monitor: a stop/reset after this drains it
            }
        }
        if (run != null) {
            run(e, run);
        }
    }

    // ---- the heap (all under LOCK) ----------------------------------------------------------

    /** Removes the entries whose channel the GC collected (Go 1.23: unreferenced timers go). */
    private static void expungeLocked() {
        for (Reference<? extends Chan<Instant>> r; (r = COLLECTED.poll()) != null; ) {
            expungeOne(((ChanRef) r).entry);
        }
    }

    private static void expungeOne(Entry e) {
        HEAP.remove(e);
    }

    /** Inserts {@code e} due at {@code when}; wakes the timer thread if it is now the earliest. */
    private static void insertLocked(Entry e, long when) {
        if (HEAP.add(e, when)) {
            LockSupport.unpark(THREAD);
        }
    }

    // ---- test hooks -------------------------------------------------------------------------

    /** Entries in the heap now (pending timers, tickers and func timers of every user). */
    static int pendingForTest() {
        LOCK.lock();
        try {
            return HEAP.size();
        } finally {
            LOCK.unlock();
        }
    }

    /** Whether {@code e} is in the heap now. */
    static boolean inHeapForTest(Entry e) {
        LOCK.lock();
        try {
            return e.inHeap();
        } finally {
            LOCK.unlock();
        }
    }

    /** The timer thread. */
    static Thread threadForTest() {
        return THREAD;
    }

    /**
     * One timer, ticker or func timer in the heap: Go's {@code runtime.timer}. It holds its
     * channel through a {@link ChanRef}, weakly when {@link #WEAK_CHANNELS} (then the reference
     * is enqueued on {@code COLLECTED} when the channel is collected), else strongly in
     * {@code strongChan}.
     *
     * <p>Who writes what: its deadline and place in the heap only with {@code LOCK} held (and,
     * except in {@link #expungeLocked} for an entry no user can reach any more, with this
     * entry's monitor too); {@code period} only under this entry's monitor. Fire, stop and reset
     * all hold the monitor while they decide and deliver or drain, which is what makes "no stale
     * value after stop/reset returns" hold. Users never see the monitor: entries are private to
     * {@link Timer} and {@link Ticker}.
     */
    static final class Entry extends TimerHeap.Node {
        /** The channel, weakly; null for a func timer or when held strongly. */
        private final ChanRef ref;

        private final Chan<Instant> strongChan;
        /** For a func timer: what to run; null for a channel timer. */
        final Runnable func;
        /** Run {@link #func} on the timer thread instead of a new virtual thread. */
        final boolean onTimerThread;
        /** For a func timer: the scheduler to start {@link #func} on; null for the JDK's default. */
        final GoScheduler scheduler;

        long period;

        Entry(Chan<Instant> ch, Runnable func, boolean onTimerThread, GoScheduler scheduler) {
            this.ref = WEAK_CHANNELS && ch != null ? new ChanRef(ch, this) : null;
            this.strongChan = WEAK_CHANNELS ? null : ch;
            this.func = func;
            this.onTimerThread = onTimerThread;
            this.scheduler = scheduler;
        }

        /** The channel, or null for a func timer or a collected channel. */
        Chan<Instant> chan() {
            return strongChan != null ? strongChan : ref == null ? null : ref.get();
        }
    }

    /**
     * A timer channel held weakly, enqueued on {@code COLLECTED} once the GC clears it; knows
     * its entry, for the reaper to remove. Reachable only from that entry: once the entry leaves
     * the heap and its timer is dropped, both are collected and nothing is enqueued.
     */
    private static final class ChanRef extends WeakReference<Chan<Instant>> {
        final Entry entry;

        ChanRef(Chan<Instant> ch, Entry entry) {
            super(ch, COLLECTED);
            this.entry = entry;
        }
    }
}
