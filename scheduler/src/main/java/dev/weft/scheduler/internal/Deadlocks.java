package dev.weft.scheduler.internal;

import dev.weft.scheduler.DeadlockException;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntSupplier;

/**
 * The hand-over between weft's deadlock detector and the blocking operations of the channels
 * module: the detector {@linkplain #declare declares} a deadlock to a parked thread, the thread,
 * woken, {@linkplain #take takes} the exception and fails its operation with it.
 *
 * <p><b>Internal:</b> public only so that {@code dev.weft.channels} can reach it. Users must not
 * call it; it may change or disappear in any release.
 *
 * <p>Invariants:
 * <ul>
 *   <li>{@link #declare} (the detector's thread, or a test) is the only writer that adds to the
 *       map; {@link #take} removes a thread's entry and is only ever called by that thread
 *       itself, after a park returned without its operation done. {@code declare} also removes
 *       the entries of threads that have ended.</li>
 *   <li>{@code pending} is at least the number of entries in the map, at every instant: it is
 *       incremented before an entry is added and decremented after one is removed (or after an
 *       add that replaced an entry). So {@code pending == 0} means the map is empty, and
 *       {@code take} costs one volatile read when nothing was declared.</li>
 *   <li>An entry remembers the thread's park blocker when it was declared. {@link
 *       #take(Thread, Object)} hands it out only to a park on that same blocker and drops it
 *       otherwise: a declaration that raced with the operation's completion (the thread went on
 *       and parked for something else) never fails a later, unrelated operation.</li>
 * </ul>
 */
public final class Deadlocks {
    private Deadlocks() {}

    /** A declared deadlock: the exception, and what the thread was parked on then. */
    private record Declared(DeadlockException exception, Object blocker) {}

    private static final ConcurrentHashMap<Thread, Declared> DECLARED = new ConcurrentHashMap<>();
    private static final AtomicInteger PENDING = new AtomicInteger();

    /**
     * Declares {@code t} deadlocked: records {@code e} for it, then unparks it. If {@code t} is
     * parked in a weft blocking operation, that operation withdraws and throws {@code e} (or,
     * if a counterpart completed it meanwhile, returns normally and {@code e} is dropped).
     * Give each thread its own exception: the thread that throws it refills its stack trace.
     *
     * @param t the parked thread
     * @param e the exception its blocking operation is to throw
     */
    public static void declare(Thread t, DeadlockException e) {
        Declared d = new Declared(e, LockSupport.getBlocker(t));
        PENDING.incrementAndGet(); // before the put: pending >= entries
        if (DECLARED.put(t, d) != null) {
            PENDING.decrementAndGet(); // replaced an entry: one entry, one count
        }
        expungeEnded();
        LockSupport.unpark(t);
    }

    /**
     * Removes and returns the deadlock declared for {@code t}, or null; only {@code t} itself
     * calls it. Costs one volatile read when nothing is declared.
     *
     * @param t the calling thread
     * @return the declared exception, its stack trace refilled by the caller, or null
     */
    public static DeadlockException take(Thread t) {
        if (PENDING.get() == 0) {
            return null;
        }
        Declared d = remove(t);
        return d == null ? null : refill(d.exception());
    }

    /**
     * {@link #take(Thread)} for a thread parked on {@code blocker}: returns the exception only if
     * it was declared while {@code t} was parked on that same blocker; a declaration for another
     * park (a stale one) is removed and dropped.
     *
     * @param t       the calling thread
     * @param blocker the object the caller parks on ({@code LockSupport.park(blocker)})
     * @return the declared exception, its stack trace refilled by the caller, or null
     */
    public static DeadlockException take(Thread t, Object blocker) {
        if (PENDING.get() == 0) {
            return null;
        }
        Declared d = remove(t);
        return d == null || d.blocker() != blocker ? null : refill(d.exception());
    }

    private static Declared remove(Thread t) {
        Declared d = DECLARED.remove(t);
        if (d != null) {
            PENDING.decrementAndGet(); // after the remove: pending >= entries
        }
        return d;
    }

    /** Stack trace of the thread that throws, not of the detector that declared. */
    private static DeadlockException refill(DeadlockException e) {
        e.fillInStackTrace();
        return e;
    }

    /** Drops the entries of threads that ended without taking theirs. */
    private static void expungeEnded() {
        for (Iterator<Map.Entry<Thread, Declared>> it = DECLARED.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<Thread, Declared> en = it.next();
            if (!en.getKey().isAlive() && DECLARED.remove(en.getKey(), en.getValue())) {
                PENDING.decrementAndGet();
            }
        }
    }

    /** Pending-timer counts of timer services outside the scheduler (weft's channel timers). */
    private static final CopyOnWriteArrayList<IntSupplier> TIMER_SOURCES = new CopyOnWriteArrayList<>();

    /**
     * Registers a timer service whose pending timers may wake virtual threads that look asleep
     * (a thread blocked on a timer's channel): while any is pending, no deadlock is reported.
     *
     * @param pending how many timers it has pending now; called rarely (by sysmon, when quiet)
     */
    public static void addTimerSource(IntSupplier pending) {
        TIMER_SOURCES.add(pending);
    }

    /**
     * The pending timers of every registered source. Asks each source, so call it rarely.
     *
     * @return the sum of the sources' pending timers, {@code >= 0}; 0 with no source registered
     */
    public static int pendingTimers() {
        int n = 0;
        for (IntSupplier s : TIMER_SOURCES) {
            n += s.getAsInt();
        }
        return n;
    }
}
