package dev.weft.channels;

import dev.weft.scheduler.DeadlockException;
import dev.weft.scheduler.internal.WaitReason;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * A Go channel: a ring buffer of {@link #cap()} elements (none for an unbuffered channel), with
 * queues of blocked senders and receivers. Works on any thread; on a GoScheduler, a receiver
 * woken by a send runs next on the sender's P, right after the sender blocks or yields.
 *
 * <pre>{@code
 * Chan<String> jobs = Chan.buffered(128);
 * Go.go(() -> { for (String j : jobs) process(j); });     // for j := range jobs
 * jobs.send("a");
 * jobs.close();
 *
 * Chan<Integer> ping = Chan.unbuffered();                  // a rendezvous
 * SendChan<Integer> out = ping; ReceiveChan<Integer> in = ping;   // chan<- int, <-chan int
 * }</pre>
 *
 * <p>Go's rules: sending on or closing a closed channel throws {@link ChannelClosedException};
 * receivers drain what is buffered after close, then see the channel closed; {@code null} is
 * never a value. A sender blocked when the value can go straight to a waiting receiver hands it
 * over directly, bypassing the buffer (Go's {@code send} to a {@code recvq} waiter).
 *
 * <p>Model: Go's runtime/chan.go. Every field below is guarded by this channel's lock, a short
 * spin lock: nothing blocks or parks while holding it, and wake-ups happen after unlocking.
 * {@code count} and {@code closed} are also volatile so {@link #len()} and {@link #isClosed()}
 * can read them without the lock. Invariants: {@code recvq} is non-empty only while the buffer
 * is empty; {@code sendq} is non-empty only while the buffer is full; once {@code closed}, both
 * queues are empty and stay empty.
 *
 * @param <T> the element type
 */
public final class Chan<T> implements SendChan<T>, ReceiveChan<T> {
    private static final AtomicLong IDS = new AtomicLong();
    private static final VarHandle LOCK;

    static {
        try {
            LOCK = MethodHandles.lookup().findVarHandle(Chan.class, "lock", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /**
     * Spins before yielding the lock to its holder. The lock is held for a few dozen
     * instructions, so a short spin usually wins; past it the holder was descheduled, and on a
     * 2-core machine spinning longer would steal the CPU it needs.
     */
    private static final int LOCK_SPINS = 100;

    /** Lock order for select: channels are locked in increasing id. */
    final long id = IDS.incrementAndGet();

    private final Object[] buf;
    private final int capacity;
    /**
     * A timer's channel (Go 1.23 {@code c.timer != nil}): a buffer of one for the timer thread's
     * non-blocking delivery, but {@link #len()} and {@link #cap()} report 0, as Go 1.23's
     * synchronous timer channels do; stop and reset drain the buffer, so no stale value shows.
     */
    private final boolean timer;

    private int recvx; // index of the next element to receive
    private volatile int count; // elements in buf
    private volatile boolean closed;
    /** A waiter claimed under the lock, to wake right after unlocking ({@link #unlockAndWake}). */
    private Waiter toWake;

    final WaitQueue recvq = new WaitQueue();
    final WaitQueue sendq = new WaitQueue();

    @SuppressWarnings("unused")
    private volatile int lock;

    private Chan(int capacity) {
        this(capacity, false);
    }

    private Chan(int capacity, boolean timer) {
        this.capacity = capacity;
        this.timer = timer;
        this.buf = capacity == 0 ? null : new Object[capacity];
    }

    /** A timer's channel ({@link Timers}): holds one value, reports {@code len} and {@code cap} 0. */
    static <T> Chan<T> timerChannel() {
        return new Chan<>(1, true);
    }

    /**
     * A channel with a ring buffer of {@code capacity} elements; 0 gives an unbuffered channel.
     *
     * @param <T> the element type
     * @param capacity the number of elements the buffer holds, 0 or more; 0 gives an unbuffered channel
     * @return a new open channel, safe for any number of senders and receivers
     * @throws IllegalArgumentException if {@code capacity} is negative
     */
    public static <T> Chan<T> buffered(int capacity) {
        if (capacity < 0) {
            throw new IllegalArgumentException("channel capacity must be >= 0, got " + capacity);
        }
        return new Chan<>(capacity);
    }

    /**
     * An unbuffered channel: a send waits until a receiver takes the value (a rendezvous).
     *
     * @param <T> the element type
     * @return a new open channel of capacity 0, safe for any number of senders and receivers
     */
    public static <T> Chan<T> unbuffered() {
        return new Chan<>(0);
    }

    // ---- lock -------------------------------------------------------------------------------

    /**
     * Takes the lock. Never call it while holding another channel's lock: past a short spin it
     * yields, and a thread must not yield (be unmounted) while it holds a lock others spin on.
     * {@link Select} takes several locks with {@link #tryLockSpinning} instead.
     */
    void lock() {
        if (!LOCK.compareAndSet(this, 0, 1)) {
            lockSlow();
        }
    }

    private void lockSlow() {
        while (!tryLockSpinning()) {
            Thread.yield(); // holding no lock: let the holder run (it may share our carrier)
        }
    }

    /** Tries to take the lock, spinning a little; never yields. */
    boolean tryLockSpinning() {
        for (int spins = 0; spins < LOCK_SPINS; spins++) {
            if (lock == 0 && LOCK.compareAndSet(this, 0, 1)) {
                return true;
            }
            Thread.onSpinWait();
        }
        return false;
    }

    void unlock() {
        LOCK.setRelease(this, 0);
    }

    // ---- send -------------------------------------------------------------------------------

    @Override
    public void send(T value) throws InterruptedException {
        chansend(value, true, 0);
    }

    @Override
    public boolean send(T value, Duration timeout) throws InterruptedException {
        Objects.requireNonNull(timeout, "timeout");
        long nanos = TimeUnit.NANOSECONDS.convert(timeout);
        return chansend(value, true, nanos <= 0 ? -1 : deadline(nanos));
    }

    @Override
    public boolean trySend(T value) {
        try {
            return chansend(value, false, 0);
        } catch (InterruptedException e) {
            throw new AssertionError(e); // never blocks, never waits
        }
    }

    private static long deadline(long nanos) {
        long d = System.nanoTime() + nanos;
        return d == 0 ? 1 : d; // 0 means "no deadline"
    }

    /**
     * Go's {@code chansend}: {@link #chansendLocked} under the lock, else (if {@code block}) wait
     * in {@code sendq} for a receiver or close ({@link #park}). {@code deadline}: 0 = none,
     * -1 = already expired (only try), else a System.nanoTime deadline. True when sent, false
     * when it would block (non-blocking or timed out: the value is still the caller's).
     */
    private boolean chansend(T value, boolean block, long deadline) throws InterruptedException {
        Objects.requireNonNull(value, "channels do not carry null");
        if (block && Thread.interrupted()) {
            throw new InterruptedException();
        }
        lock();
        Object outcome = chansendLocked(value);
        if (outcome != null) {
            unlockAndWake();
        } else if (!block || deadline == -1) {
            unlock();
            return false;
        } else if ((outcome = park(sendq, value, deadline, WaitReason.CHAN_SEND)) == null) {
            return false; // timed out
        }
        if (outcome == CLOSED) {
            throw sendOnClosed();
        }
        assert outcome == SENT : outcome;
        return true;
    }

    /** Go's {@code bufsend}: appends at the tail of the ring, which has room. */
    private void enqueueBuffer(Object value) {
        int sendx = recvx + count;
        if (sendx >= capacity) {
            sendx -= capacity;
        }
        buf[sendx] = value;
        count = count + 1;
    }

    /** Go's {@code bufrecv}: takes the head of the ring, which is not empty. */
    private Object dequeueBuffer() {
        Object v = buf[recvx];
        buf[recvx] = null;
        if (++recvx == capacity) {
            recvx = 0;
        }
        count = count - 1;
        return v;
    }

    // ---- receive ----------------------------------------------------------------------------

    /**
     * An outcome ({@link #chansendLocked}): the channel is closed (and, for a receive, drained).
     * Inside the engine only; users see null or an exception.
     */
    static final Object CLOSED = new Object() {
        @Override
        public String toString() {
            return "CLOSED";
        }
    };

    /** An outcome ({@link #chansendLocked}): the value was sent. Inside the engine only. */
    static final Object SENT = new Object() {
        @Override
        public String toString() {
            return "SENT";
        }
    };

    @Override
    public T receive() throws InterruptedException {
        return valueOrThrow(chanrecv(true, 0));
    }

    @Override
    public T receiveOrNull() throws InterruptedException {
        Object v = chanrecv(true, 0);
        return v == CLOSED ? null : cast(v);
    }

    @Override
    public T receive(Duration timeout) throws InterruptedException {
        Objects.requireNonNull(timeout, "timeout");
        long nanos = TimeUnit.NANOSECONDS.convert(timeout);
        return valueOrThrow(chanrecv(true, nanos <= 0 ? -1 : deadline(nanos)));
    }

    @Override
    public T tryReceive() {
        try {
            return valueOrThrow(chanrecv(false, 0));
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    private T valueOrThrow(Object v) {
        if (v == CLOSED) {
            throw receiveOnClosed();
        }
        return cast(v);
    }

    static ChannelClosedException sendOnClosed() {
        return new ChannelClosedException("send on closed channel");
    }

    static ChannelClosedException receiveOnClosed() {
        return new ChannelClosedException("receive on closed channel");
    }

    @SuppressWarnings("unchecked")
    private static <T> T cast(Object v) {
        return (T) v;
    }

    /**
     * Go's {@code chanrecv}: {@link #chanrecvLocked} under the lock, else (if {@code block}) wait
     * in {@code recvq} for a sender or close ({@link #park}). A value, {@link #CLOSED}, or null
     * when it would block (non-blocking or timed out).
     */
    private Object chanrecv(boolean block, long deadline) throws InterruptedException {
        if (block && Thread.interrupted()) {
            throw new InterruptedException();
        }
        lock();
        Object outcome = chanrecvLocked();
        if (outcome != null) {
            unlockAndWake();
            return outcome;
        }
        if (!block || deadline == -1) {
            unlock();
            return null;
        }
        return park(recvq, null, deadline, WaitReason.CHAN_RECEIVE);
    }

    // ---- the commit: each way a send or a receive completes, written once ---------------------
    //
    // An outcome is what a committed operation did: for a send SENT or CLOSED, for a receive the
    // value or CLOSED; null means "would block, nothing changed". chansend, chanrecv and both of
    // Select's polling passes commit through chansendLocked/chanrecvLocked; a blocked operation
    // is committed by its counterpart's send/recv or by close, through Waiter#complete, and
    // reads the same outcome in park. Who may complete a waiter: only the thread whose
    // Waiter#claim CAS won it, holding this channel's lock, after WaitQueue#dequeueClaimed
    // unlinked it (for a select, that CAS on the shared owner is what picks the winning case).

    /**
     * The non-blocking part of Go's {@code chansend}, shared by {@link #chansend} and
     * {@link Select}'s passes 0 and 1; with the lock held: Go's {@code sclose} ({@link #CLOSED}),
     * {@code send} to a waiting receiver ({@link #send(Waiter, Object)}), {@code bufsend}
     * ({@link #SENT}), or null when neither a receiver nor the buffer can take {@code value}.
     * A claimed receiver is left in {@link #toWake}.
     */
    Object chansendLocked(Object value) {
        assert value != null;
        if (closed) {
            return CLOSED;
        }
        Waiter receiver = recvq.dequeueClaimed();
        if (receiver != null) {
            send(receiver, value);
            return SENT;
        }
        if (count < capacity) {
            enqueueBuffer(value);
            return SENT;
        }
        return null;
    }

    /**
     * The non-blocking part of Go's {@code chanrecv}, shared by {@link #chanrecv} and
     * {@link Select}'s passes 0 and 1; with the lock held: Go's {@code recv} from a waiting
     * sender ({@link #recv(Waiter)}), {@code bufrecv}, {@code rclose} ({@link #CLOSED}: closed and
     * drained), or null when nothing is ready. A claimed sender is left in {@link #toWake}.
     */
    Object chanrecvLocked() {
        Waiter sender = sendq.dequeueClaimed();
        if (sender != null) {
            return recv(sender);
        }
        if (count > 0) {
            return dequeueBuffer();
        }
        return closed ? CLOSED : null;
    }

    /**
     * Go's {@code send}: with the lock held, hands {@code value} to a claimed receiver, bypassing
     * the buffer (a receiver waits only while the buffer is empty), and leaves it to wake.
     */
    private void send(Waiter receiver, Object value) {
        assert count == 0 : "a receiver waited while the buffer held " + count;
        receiver.complete(value);
        toWake = receiver;
    }

    /**
     * Go's {@code recv}: with the lock held, takes the value of a claimed sender and leaves the
     * sender to wake. Unbuffered, straight from the sender; buffered (a sender waits only while
     * the buffer is full), the head of the buffer, and the sender's value goes to the tail, so
     * FIFO order holds.
     */
    private Object recv(Waiter sender) {
        Object v;
        if (capacity == 0) {
            v = sender.elem;
        } else {
            assert count == capacity : "a sender waited while the buffer held " + count + " of " + capacity;
            v = dequeueBuffer();
            enqueueBuffer(sender.elem);
        }
        sender.complete(SENT);
        toWake = sender;
        return v;
    }

    /**
     * Go's {@code gopark} in chansend and chanrecv, for both: with the lock held and nothing
     * ready, queues a waiter offering {@code elem} (null for a receive) in {@code q}, unlocks and
     * waits. Returns the outcome a counterpart or close committed, or null on timeout; throws if
     * interrupted or declared deadlocked first. In those three cases the waiter won its own
     * cancel CAS, so no one committed it: it is unlinked, and the value (of a send) is still the
     * caller's, no value was taken (by a receive).
     */
    private Object park(WaitQueue q, Object elem, long deadline, WaitReason reason) throws InterruptedException {
        Waiter w = new Waiter(Thread.currentThread(), elem, reason);
        q.enqueue(w);
        unlock();
        int result = w.await(deadline, true);
        if (result == Waiter.DONE) {
            assert w.outcome != null;
            return w.outcome;
        }
        lock();
        q.unlink(w);
        unlock();
        if (result == Waiter.TIMED_OUT) {
            return null;
        }
        if (result == Waiter.DEADLOCKED) {
            throw w.deadlock();
        }
        assert result == Waiter.INTERRUPTED : result;
        throw new InterruptedException(
                elem != null
                        ? "interrupted while sending: the value was not delivered"
                        : "interrupted while receiving: no value was taken");
    }

    /**
     * Unlocks, then wakes the waiter a {@code send}/{@code recv} claimed, if any (Go's goready
     * after unlock: the woken thread must not run into our lock).
     */
    void unlockAndWake() {
        Waiter w = toWake;
        toWake = null;
        unlock();
        if (w != null) {
            w.wake();
        }
    }

    /** With the lock held: the waiter to wake after unlocking, cleared. */
    Waiter takeToWake() {
        Waiter w = toWake;
        toWake = null;
        return w;
    }

    // ---- close ------------------------------------------------------------------------------

    // Go's closechan: claims and completes every waiter with CLOSED, wakes them after unlocking
    @Override
    public void close() {
        lock();
        if (closed) {
            unlock();
            throw new ChannelClosedException("close of closed channel");
        }
        closed = true;
        Waiter woken = null;
        for (Waiter w; (w = recvq.dequeueClaimed()) != null; ) {
            w.complete(CLOSED);
            w.next = woken; // reuse the link: the node is off every queue now
            woken = w;
        }
        for (Waiter w; (w = sendq.dequeueClaimed()) != null; ) {
            w.complete(CLOSED);
            w.next = woken;
            woken = w;
        }
        unlock();
        while (woken != null) {
            Waiter next = woken.next;
            woken.next = null;
            woken.wake();
            woken = next;
        }
    }

    @Override
    public boolean isClosed() {
        return closed;
    }

    @Override
    public int len() {
        return timer ? 0 : count;
    }

    /** Values in the buffer now, timer channels included (for tests: {@link #len} hides a timer's). */
    int heldForTest() {
        return count;
    }

    @Override
    public int cap() {
        return timer ? 0 : capacity;
    }

    // ---- select clauses ---------------------------------------------------------------------

    @Override
    public <R> SelectClause<R> onSend(T value, Supplier<? extends R> then) {
        // a null value is rejected by the select that runs the case enabled: a case disabled
        // with Select.when(false, ...) may carry one, as Go's case on a nil channel never runs
        Objects.requireNonNull(then, "then");
        return SelectClause.send(this, value, then);
    }

    @Override
    public <R> SelectClause<R> onReceive(Function<? super T, ? extends R> then) {
        Objects.requireNonNull(then, "then");
        return SelectClause.receive(this, then);
    }

    @Override
    public <R> SelectClause<R> onReceiveOk(BiFunction<? super T, Boolean, ? extends R> then) {
        Objects.requireNonNull(then, "then");
        return SelectClause.receiveOk(this, then);
    }

    // ---- range ------------------------------------------------------------------------------

    /**
     * Go's {@code for v := range ch}: receives until the channel is closed and drained. The
     * iterator blocks in {@code hasNext}; if the thread is interrupted there, it throws
     * {@link CancellationException} with the interrupt status kept; with
     * {@code -Dweft.deadlock=fail}, a deadlock found there throws {@link DeadlockException}.
     */
    @Override
    public Iterator<T> iterator() {
        return new Iterator<>() {
            private T next;
            private boolean done;

            @Override
            public boolean hasNext() {
                if (next != null) {
                    return true;
                }
                if (done) {
                    return false;
                }
                try {
                    next = receiveOrNull();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    CancellationException ce = new CancellationException("interrupted while ranging over a channel");
                    ce.initCause(e);
                    throw ce;
                }
                done = next == null;
                return !done;
            }

            @Override
            public T next() {
                if (!hasNext()) {
                    throw new NoSuchElementException("channel closed and drained");
                }
                T v = next;
                next = null;
                return v;
            }
        };
    }

    @Override
    public String toString() {
        return "Chan[len=" + len() + " cap=" + cap() + (timer ? " timer" : "") + (closed ? " closed" : "") + "]";
    }
}
