package dev.weft.scheduler.internal;

import java.util.Arrays;
import java.util.function.Predicate;

/**
 * weft's one timer heap: a binary min-heap of timers keyed by deadline ({@link System#nanoTime},
 * compared by difference so that wrap-around is harmless), Go's per-P timer heap
 * ({@code runtime.timers}). Used by each scheduler's timer queue (the timed parks of its
 * virtual threads) and by the channel timers ({@code dev.weft.channels.Timers}: Timer, Ticker,
 * AfterFunc, context deadlines), which run on any thread, weft's or not.
 *
 * <p>Each {@link Node} knows its index in the heap, so a timer leaves it in O(log n)
 * ({@link #remove}); insertion and {@link #poll} are O(log n), {@link #removeIf} O(n). The array
 * shrinks by half when a quarter full (never below its initial capacity): a burst of timers
 * does not keep its array once they are gone, and a removed node is never referenced by the heap
 * (its slot is cleared), so a stopped timer is reachable only through its owner.
 *
 * <p>Not thread-safe: its owner serialises every call (a scheduler's timer thread alone, or the
 * channel timers' lock). Invariants: {@code heap[0..size)} is a min-heap on {@link Node#when()};
 * {@code heap[i].heapIndex == i} for every {@code i < size}; every other slot is null; a node not
 * in the heap has {@code heapIndex == -1}.
 *
 * <p>The owner's timer thread parks on {@link #IDLE_BLOCKER} until its next deadline: the
 * deadlock detector recognises it by that blocker's type and reason, not by a name.
 *
 * <p><b>Internal:</b> public only so that {@code dev.weft.channels} can reach it.
 *
 * @param <T> the owner's timer type
 */
public final class TimerHeap<T extends TimerHeap.Node> {
    /**
     * The park blocker of a timer thread waiting for its next deadline, Go's
     * {@code timer goroutine (idle)}: such a thread wakes nobody by itself (its timers are
     * counted as pending timers).
     */
    public static final WeftBlocker IDLE_BLOCKER = new WeftBlocker(WaitReason.TIMER_GOROUTINE_IDLE);

    /**
     * One timer in a {@link TimerHeap}: its deadline and its index in the heap. Its owner
     * writes {@code when} only through the heap ({@link #add(Node, long)}) or before the node is
     * first added, and never while it is in the heap.
     */
    public abstract static class Node {
        long when;
        int heapIndex = -1;

        /** A node that is in no heap, with no deadline yet. */
        protected Node() {}

        /**
         * A node that is in no heap, due at {@code when}.
         *
         * @param when the deadline, a {@link System#nanoTime} value
         */
        protected Node(long when) {
            this.when = when;
        }

        /**
         * The deadline, a {@link System#nanoTime} value; read under the heap owner's
         * serialisation, or after a happens-before edge from the write.
         *
         * @return the deadline
         */
        public final long when() {
            return when;
        }

        /**
         * Whether this node is in a heap now (same serialisation as {@link #when()}).
         *
         * @return true while in a heap
         */
        public final boolean inHeap() {
            return heapIndex >= 0;
        }
    }

    private final int minCapacity;
    private Node[] heap;
    private int size;

    /**
     * An empty heap.
     *
     * @param minCapacity the initial and smallest capacity of the array, 1 or more
     * @throws IllegalArgumentException if {@code minCapacity < 1}
     */
    public TimerHeap(int minCapacity) {
        if (minCapacity < 1) {
            throw new IllegalArgumentException("minCapacity must be 1 or more, got " + minCapacity);
        }
        this.minCapacity = minCapacity;
        this.heap = new Node[minCapacity];
    }

    /**
     * How many timers the heap holds. Only its owner may call it (see the class comment).
     *
     * @return the number of nodes in the heap, {@code >= 0}
     */
    public int size() {
        return size;
    }

    /**
     * Whether the heap holds no timer. Only its owner may call it (see the class comment).
     *
     * @return true if {@link #size()} is 0
     */
    public boolean isEmpty() {
        return size == 0;
    }

    /**
     * The node with the earliest deadline, left in the heap.
     *
     * @return it, or null if the heap is empty
     */
    @SuppressWarnings("unchecked")
    public T peek() {
        return (T) heap[0];
    }

    /**
     * Adds {@code n}, due at its current {@link Node#when()}.
     *
     * @param n a node in no heap
     * @return whether {@code n} is now the earliest (the timer thread may have to wake sooner)
     */
    public boolean add(T n) {
        assert n.heapIndex < 0 : "already in a heap";
        if (size == heap.length) {
            heap = Arrays.copyOf(heap, size * 2);
        }
        siftUp(size++, n);
        return n.heapIndex == 0;
    }

    /**
     * Sets {@code n}'s deadline to {@code when} and adds it.
     *
     * @param n    a node in no heap
     * @param when its deadline, a {@link System#nanoTime} value
     * @return whether {@code n} is now the earliest
     */
    public boolean add(T n, long when) {
        assert n.heapIndex < 0 : "already in a heap";
        n.when = when;
        return add(n);
    }

    /**
     * Removes and returns the node with the earliest deadline.
     *
     * @return it, or null if the heap is empty
     */
    public T poll() {
        T first = peek();
        if (first != null) {
            removeAt(0);
        }
        return first;
    }

    /**
     * Removes {@code n} if it is in this heap.
     *
     * @param n a node of this heap's owner
     * @return true if it was in the heap
     */
    public boolean remove(T n) {
        int i = n.heapIndex;
        if (i < 0) {
            return false;
        }
        assert heap[i] == n : "a node of another heap";
        removeAt(i);
        return true;
    }

    /**
     * Removes every node {@code drop} accepts, then restores the heap in O(n) (Go's
     * {@code adjusttimers} after many deleted timers).
     *
     * @param drop which nodes to remove
     * @return how many were removed
     */
    @SuppressWarnings("unchecked")
    public int removeIf(Predicate<? super T> drop) {
        int kept = 0;
        int n = size;
        for (int i = 0; i < n; i++) {
            Node t = heap[i];
            heap[i] = null;
            if (drop.test((T) t)) {
                t.heapIndex = -1;
            } else {
                t.heapIndex = kept;
                heap[kept++] = t;
            }
        }
        size = kept;
        for (int i = size / 2 - 1; i >= 0; i--) {
            siftDown(i, heap[i]);
        }
        shrink();
        return n - kept;
    }

    private void removeAt(int i) {
        Node n = heap[i];
        int last = --size;
        Node moved = heap[last];
        heap[last] = null;
        n.heapIndex = -1;
        if (i != last) {
            siftDown(i, moved);
            if (moved.heapIndex == i) {
                siftUp(i, moved);
            }
        }
        shrink();
    }

    private void shrink() {
        if (heap.length > minCapacity && size < heap.length >>> 2) {
            heap = Arrays.copyOf(heap, Math.max(minCapacity, heap.length >>> 1));
        }
    }

    private void siftUp(int i, Node n) {
        while (i > 0) {
            int p = (i - 1) >>> 1;
            Node pn = heap[p];
            if (n.when - pn.when >= 0) {
                break;
            }
            heap[i] = pn;
            pn.heapIndex = i;
            i = p;
        }
        heap[i] = n;
        n.heapIndex = i;
    }

    private void siftDown(int i, Node n) {
        int half = size >>> 1;
        while (i < half) {
            int c = 2 * i + 1;
            Node cn = heap[c];
            int r = c + 1;
            if (r < size && heap[r].when - cn.when < 0) {
                c = r;
                cn = heap[c];
            }
            if (n.when - cn.when <= 0) {
                break;
            }
            heap[i] = cn;
            cn.heapIndex = i;
            i = c;
        }
        heap[i] = n;
        n.heapIndex = i;
    }
}
