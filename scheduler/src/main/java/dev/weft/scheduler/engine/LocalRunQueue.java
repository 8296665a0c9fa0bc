package dev.weft.scheduler.engine;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * A P's local run queue: Go's {@code p.runq} ring plus the one-slot {@code p.runnext}.
 *
 * <p>The model is Go's {@code runqput}, {@code runqget}, {@code runqgrab} and {@code runqsteal}
 * (runtime/proc.go). One thread, the <em>owner</em> (the carrier holding the P, or whoever holds
 * the P while it is idle), pushes at the tail and pops at the head; any number of <em>thieves</em>
 * take batches from the head.
 *
 * <p>Invariants, and who keeps them:
 * <ul>
 *   <li>{@code tail} is written only by the owner, with release semantics after the slots it
 *       covers are filled; thieves read it with acquire semantics, so every slot in
 *       {@code [head, tail)} they read was written before.</li>
 *   <li>{@code head} only moves forward, and only by a successful CAS (owner pop or thief grab).
 *       Whoever wins the CAS from {@code h} to {@code h+n} owns the tasks it read from slots
 *       {@code [h, h+n)}: each task leaves the queue exactly once. A thief's read of a slot that
 *       the owner overwrote meanwhile is always followed by a failing CAS, so it is discarded.</li>
 *   <li>{@code tail - head} is in {@code [0, CAPACITY]} for the owner; a thief may see a larger
 *       value from an inconsistent pair of reads and retries.</li>
 *   <li>{@code runnext} is set by the owner only (one {@code getAndSet}) and cleared by the owner
 *       or a thief by CAS: a task in {@code runnext} is taken exactly once. {@code handoffs} counts the
 *       owner's puts there; it only steers whether a thief tries, never who wins.</li>
 *   <li>Only the owner writes a ring slot: it fills slots at the tail, and nulls a slot after
 *       its own successful pop or batch move. A thief never writes the victim's ring (not even
 *       a {@code compareAndSet(slot, task, null)} after its CAS on head: the owner may have
 *       refilled that slot meanwhile, with the very same {@code runContinuation} object of a
 *       virtual thread that ran and was queued again, which the thief would then lose). So the
 *       slots a thief stole from keep their tasks until the owner overwrites them as its tail
 *       wraps (bounded and transient while the P is busy), or until the owner clears every free
 *       slot, outside {@code [head, tail)}, with {@link #clearFreeSlots} when it gives the P up
 *       ({@link CarrierScheduler}'s {@code pidleput} and {@code killp}). Without that, an idle P
 *       kept up to {@link #CAPACITY} finished virtual threads reachable, and through their tasks
 *       their classes and class loaders. (Go's ring holds {@code guintptr}s, which the GC does
 *       not trace, so Go has no such step.)</li>
 *   <li>A thief may therefore read null from a slot it is about to claim; its CAS on head then
 *       fails (see {@link #clearFreeSlots}), so it discards what it read and retries, as for an
 *       overwritten slot. It never dereferences a slot before its CAS succeeded.</li>
 * </ul>
 */
final class LocalRunQueue {
    /**
     * Ring size, Go's {@code len(p.runq)}: large enough that a P rarely overflows to the global
     * queue, small enough that stealing half of it is a short copy.
     */
    static final int CAPACITY = 256;

    private static final int MASK = CAPACITY - 1;

    private static final VarHandle HEAD;
    private static final VarHandle TAIL;
    private static final VarHandle RUNNEXT;
    private static final VarHandle HANDOFFS;
    private static final VarHandle SLOT = MethodHandles.arrayElementVarHandle(Runnable[].class);

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            HEAD = l.findVarHandle(LocalRunQueue.class, "head", int.class);
            TAIL = l.findVarHandle(LocalRunQueue.class, "tail", int.class);
            RUNNEXT = l.findVarHandle(LocalRunQueue.class, "runnext", Runnable.class);
            HANDOFFS = l.findVarHandle(LocalRunQueue.class, "handoffs", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final Runnable[] ring = new Runnable[CAPACITY];

    @SuppressWarnings("unused")
    private volatile int head; // CAS by owner and thieves

    @SuppressWarnings("unused")
    private volatile int tail; // written by the owner only

    @SuppressWarnings("unused")
    private volatile Runnable runnext;
    /** Puts into runnext so far: written by the owner only (opaque), read by thieves (opaque). */
    @SuppressWarnings("unused")
    private int handoffs;

    /** Where overflow goes: half the ring moves there when the ring is full. */
    interface Overflow {
        void putBatch(Runnable[] batch, int n);
    }

    // ---- owner side -------------------------------------------------------------------------

    /**
     * Go's {@code runqput}. With {@code next}, the task goes to {@code runnext} and the task it
     * displaces goes to the tail. A full ring moves half of itself, plus the task, to
     * {@code overflow}. Owner only.
     */
    void put(Runnable task, boolean next, Overflow overflow) {
        if (next) {
            HANDOFFS.setOpaque(this, (int) HANDOFFS.getOpaque(this) + 1);
            Runnable old = (Runnable) RUNNEXT.getAndSet(this, task);
            if (old == null) {
                return;
            }
            task = old; // kick the old runnext to the tail
        }
        for (; ; ) {
            int h = (int) HEAD.getAcquire(this);
            int t = (int) TAIL.getOpaque(this);
            if (t - h < CAPACITY) {
                SLOT.setOpaque(ring, t & MASK, task);
                TAIL.setRelease(this, t + 1);
                return;
            }
            if (putSlow(task, h, t, overflow)) {
                return;
            }
            // a thief moved head: the ring has room now
        }
    }

    /** Go's {@code runqputslow}: moves half the ring and {@code task} to the overflow queue. */
    private boolean putSlow(Runnable task, int h, int t, Overflow overflow) {
        int n = (t - h) / 2; // 128: half, as Go does, so the P keeps work and the rest is shared
        Runnable[] batch = new Runnable[n + 1];
        for (int i = 0; i < n; i++) {
            batch[i] = (Runnable) SLOT.getOpaque(ring, (h + i) & MASK);
        }
        if (!HEAD.compareAndSet(this, h, h + n)) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            SLOT.setOpaque(ring, (h + i) & MASK, null); // owner: the slots are ours again
        }
        batch[n] = task;
        overflow.putBatch(batch, n + 1);
        return true;
    }

    /**
     * Nulls every free slot of the ring, those outside {@code [head, tail)}, so that tasks a
     * thief took (it never writes our ring) stay referenced no longer. Owner only, and off the
     * hot path: when the owner gives its P up. Returns how many slots held a task.
     *
     * <p>Why a thief can't lose a task to it: the owner nulls slots outside {@code [h, t)} after
     * reading head {@code h} (acquire), and tail {@code t} doesn't move meanwhile (only the owner
     * writes it). A thief that read head {@code h' >= h} copies slots inside {@code [h', t')}
     * with {@code t' <= t}, none of which is nulled. A thief that read {@code h' < h} may copy a
     * nulled slot, but head moved from {@code h'} by a CAS (a release) that the owner's read of
     * {@code h} synchronizes with, and the thief's slot reads come before its own CAS: if the
     * thief's CAS from {@code h'} succeeded, it would be that CAS, so its slot reads would
     * happen before the owner's null writes and could not see them. So the thief's CAS fails
     * and what it read is discarded. Slots freed by thieves while the owner clears are cleared
     * by re-reading head until it stays put.
     */
    int clearFreeSlots() {
        int t = (int) TAIL.getOpaque(this); // ours: only the owner writes tail
        int h = (int) HEAD.getAcquire(this);
        int cleared = 0;
        for (int i = t; i != h + CAPACITY; i++) { // [t, h + CAPACITY): the free slots
            cleared += clear(i);
        }
        for (; ; ) {
            int h2 = (int) HEAD.getAcquire(this);
            if (h2 == h) {
                return cleared;
            }
            for (int i = h; i != h2; i++) { // taken by thieves while we cleared: free now too
                cleared += clear(i);
            }
            h = h2;
        }
    }

    /** Free slots (outside {@code [head, tail)}) that still hold a task: for tests, on a quiet queue. */
    int heldFreeSlots() {
        int h = (int) HEAD.getAcquire(this);
        int t = (int) TAIL.getAcquire(this);
        int held = 0;
        for (int i = t; i != h + CAPACITY; i++) {
            held += SLOT.getOpaque(ring, i & MASK) != null ? 1 : 0;
        }
        return held;
    }

    private int clear(int i) {
        if (SLOT.getOpaque(ring, i & MASK) == null) {
            return 0;
        }
        SLOT.setOpaque(ring, i & MASK, null);
        return 1;
    }

    /**
     * Go's forcePreemptNS: a runnext chain (G hands off to G on one P) inherits one time slice
     * of 10 ms; after that, while other tasks wait, the chain's next G goes to the global queue.
     */
    static final long TIME_SLICE_NANOS = TimeUnit.MILLISECONDS.toNanos(10);
    /** No time slice measured yet: see {@link #get}. */
    private static final long NO_SLICE = Long.MIN_VALUE;

    /** When the current runnext chain's time slice began (System.nanoTime), or NO_SLICE. Owner only. */
    private long sliceStart = NO_SLICE;
    /** Whether the task {@link #get} returned last came from {@code runnext}. Owner only. */
    private boolean tookRunnext;

    /**
     * Go's {@code runqget}, the pop of the carrier that owns this queue: {@code runnext} first,
     * then the head of the ring; {@link #tookRunnext} tells which (Go's {@code inheritTime}).
     * The time slice of a runnext chain is explicit because Java can't preempt: while other
     * tasks wait (this ring or {@code global}), a chain of runnext hand-offs may run for
     * {@link #TIME_SLICE_NANOS}; then its next task goes to {@code global} (Go's preemption)
     * and the ring's head runs. The clock is read only while others wait. Owner only.
     */
    Runnable get(GlobalRunQueue global) {
        Runnable next = peekRunnext();
        if (next != null) {
            if (ringNonEmpty() || !global.isEmpty()) {
                long now = System.nanoTime();
                if (sliceStart == NO_SLICE) {
                    sliceStart = now;
                } else if (now - sliceStart > TIME_SLICE_NANOS) {
                    sliceStart = NO_SLICE;
                    if (takeRunnext(next)) {
                        global.put(next); // Go's preemption: the G goes to the global queue
                    }
                    tookRunnext = false;
                    return pollRing();
                }
            }
            if (takeRunnext(next)) {
                tookRunnext = true;
                return next;
            }
        }
        tookRunnext = false;
        return pollRing();
    }

    /** Whether the last {@link #get} returned {@code runnext}: the task inherits the time slice. Owner only. */
    boolean tookRunnext() {
        return tookRunnext;
    }

    /** A task that did not inherit the time slice runs: the next runnext chain starts afresh. Owner only. */
    void newSlice() {
        sliceStart = NO_SLICE;
    }

    /** The head of the ring, skipping {@code runnext}. Owner only. */
    private Runnable pollRing() {
        for (; ; ) {
            int h = (int) HEAD.getAcquire(this);
            int t = (int) TAIL.getOpaque(this);
            if (t == h) {
                return null;
            }
            Runnable task = (Runnable) SLOT.getOpaque(ring, h & MASK);
            if (HEAD.compareAndSet(this, h, h + 1)) {
                SLOT.setOpaque(ring, h & MASK, null);
                return task;
            }
        }
    }

    /** Takes {@code runnext} if it is still {@code expected}. Owner or thief. */
    boolean takeRunnext(Runnable expected) {
        return RUNNEXT.compareAndSet(this, expected, null);
    }

    /** Peeks at {@code runnext}. */
    Runnable peekRunnext() {
        return (Runnable) RUNNEXT.getAcquire(this);
    }

    /** True when the ring (not {@code runnext}) holds tasks. Exact for the owner. */
    boolean ringNonEmpty() {
        return (int) TAIL.getAcquire(this) != (int) HEAD.getAcquire(this);
    }

    /**
     * Moves everything (runnext and ring) to {@code overflow}; returns how many moved. Safe for
     * the owner, and for a non-owner too: it takes tasks the way a thief does.
     */
    int drainTo(Overflow overflow, boolean owner) {
        int moved = 0;
        Runnable next = (Runnable) RUNNEXT.getAcquire(this);
        if (next != null && RUNNEXT.compareAndSet(this, next, null)) {
            overflow.putBatch(new Runnable[] {next}, 1);
            moved++;
        }
        for (; ; ) {
            int h = (int) HEAD.getAcquire(this);
            int t = (int) TAIL.getAcquire(this);
            int n = t - h;
            if (n <= 0) {
                return moved;
            }
            if (n > CAPACITY) {
                continue; // inconsistent h/t pair: retry
            }
            Runnable[] batch = new Runnable[n];
            for (int i = 0; i < n; i++) {
                batch[i] = (Runnable) SLOT.getOpaque(ring, (h + i) & MASK);
            }
            if (HEAD.compareAndSet(this, h, h + n)) {
                assert noNull(batch, 0, n) : "took a slot cleared by clearFreeSlots: its CAS should have failed";
                if (owner) {
                    for (int i = 0; i < n; i++) {
                        SLOT.setOpaque(ring, (h + i) & MASK, null);
                    }
                }
                overflow.putBatch(batch, n);
                moved += n;
            }
        }
    }

    // ---- thief side -------------------------------------------------------------------------

    /**
     * Go's {@code runqsteal}: moves about half of {@code victim}'s tasks into this queue (whose
     * owner is the caller) and returns one of them to run, or null. With {@code stealRunnext},
     * an empty ring lets the thief take the victim's {@code runnext}.
     */
    Runnable stealFrom(LocalRunQueue victim, boolean stealRunnext, boolean victimRunning) {
        int t = (int) TAIL.getOpaque(this);
        int n = victim.grab(ring, t, stealRunnext, victimRunning);
        if (n == 0) {
            return null;
        }
        n--;
        Runnable task = (Runnable) SLOT.getOpaque(ring, (t + n) & MASK);
        SLOT.setOpaque(ring, (t + n) & MASK, null);
        if (n != 0) {
            TAIL.setRelease(this, t + n);
        }
        return task;
    }

    /**
     * Go's {@code runqgrab}: copies about half of this queue into {@code batch} starting at
     * {@code batchHead}, then claims them with one CAS on {@code head}. Returns the count.
     */
    private int grab(Runnable[] batch, int batchHead, boolean stealRunnext, boolean running) {
        for (; ; ) {
            int h = (int) HEAD.getAcquire(this);
            int t = (int) TAIL.getAcquire(this);
            int n = t - h;
            n = n - n / 2;
            if (n == 0) {
                if (stealRunnext) {
                    Runnable next = (Runnable) RUNNEXT.getAcquire(this);
                    if (next != null) {
                        if (running) {
                            // Go sleeps 3us here: the running owner is probably about to
                            // schedule its runnext (a hand-off takes well under 1us), and
                            // stealing it would bounce the pair between carriers. Unlike Go,
                            // we then leave runnext alone if the owner handed off again
                            // meanwhile: it is making progress, and the task there now is a
                            // fresh hand-off (maybe the same object again, which Go's CAS
                            // would take). Only a runnext the owner left alone, because it is
                            // stuck in a long task, is stolen.
                            int handoffsBefore = (int) HANDOFFS.getOpaque(this);
                            backOffBeforeRunnextSteal();
                            if ((int) HANDOFFS.getOpaque(this) != handoffsBefore) {
                                return 0;
                            }
                        }
                        if (!RUNNEXT.compareAndSet(this, next, null)) {
                            continue;
                        }
                        SLOT.setOpaque(batch, batchHead & MASK, next);
                        return 1;
                    }
                }
                return 0;
            }
            if (n > CAPACITY / 2) {
                continue; // read an inconsistent h/t pair: retry
            }
            // a slot may read null here (the owner cleared it: clearFreeSlots): then head moved
            // past h, the CAS below fails and the copies are overwritten on the retry
            for (int i = 0; i < n; i++) {
                Runnable task = (Runnable) SLOT.getOpaque(ring, (h + i) & MASK);
                SLOT.setOpaque(batch, (batchHead + i) & MASK, task);
            }
            if (HEAD.compareAndSet(this, h, h + n)) {
                assert noNull(batch, batchHead, n)
                        : "stole a slot cleared by clearFreeSlots: its CAS should have failed";
                return n;
            }
        }
    }

    /** For assertions: {@code batch[(from + i) mod batch.length]} is set for every {@code i < n}. */
    private static boolean noNull(Runnable[] batch, int from, int n) {
        for (int i = 0; i < n; i++) {
            if (SLOT.getOpaque(batch, Math.floorMod(from + i, batch.length)) == null) {
                return false;
            }
        }
        return true;
    }

    /**
     * Go's {@code usleep(3)} before stealing a running P's runnext: a real sleep, not a spin.
     * Linux rounds it up past its 50 µs timer slack (120 µs measured on the CI machine kind),
     * as it does Go's; that is the point: the thief stays counted as spinning meanwhile, so a
     * hand-off chain on the victim (each hand-off a {@code wakep}) doesn't wake a parked
     * carrier at every step. A 3 µs busy spin gave 821-1448 ns per channel ping-pong round
     * trip with 2 Ps where this gives 599-1108 (runs taking turns in one scratch session).
     */
    private static void backOffBeforeRunnextSteal() {
        LockSupport.parkNanos(3_000);
    }

    /** Tasks queued, runnext included; a snapshot for stats. */
    int size() {
        for (; ; ) {
            int h = (int) HEAD.getAcquire(this);
            int t = (int) TAIL.getAcquire(this);
            if ((int) HEAD.getAcquire(this) == h) {
                int n = Math.max(0, Math.min(CAPACITY, t - h));
                return n + (RUNNEXT.getAcquire(this) != null ? 1 : 0);
            }
        }
    }

    /** True when nothing is queued, runnext included. */
    boolean isEmpty() {
        return !ringNonEmpty() && RUNNEXT.getAcquire(this) == null;
    }
}
