package dev.weft.channels;

/**
 * Go's {@code waitq}: a FIFO of blocked senders or receivers of one channel, intrusive and
 * doubly linked so a cancelled waiter unlinks itself in O(1). Guarded by the channel's lock.
 */
final class WaitQueue {
    private Waiter head;
    private Waiter tail;

    boolean isEmpty() {
        return head == null;
    }

    void enqueue(Waiter w) {
        w.queue = this;
        w.prev = tail;
        w.next = null;
        if (tail == null) {
            head = w;
        } else {
            tail.next = w;
        }
        tail = w;
    }

    /**
     * Go's {@code dequeue}: the first waiter that can be claimed, claimed and unlinked; stale
     * waiters (cancelled, or a select already won elsewhere) met on the way are unlinked too.
     * A node is unlinked before its claim CAS, so the one returned is off every queue and the
     * caller, having won it, is the only thread that may complete it ({@link Waiter#complete}).
     */
    Waiter dequeueClaimed() {
        for (Waiter w = head; w != null; w = head) {
            unlink(w);
            if (w.claim()) {
                return w;
            }
        }
        return null;
    }

    void unlink(Waiter w) {
        if (w.queue != this) {
            return;
        }
        Waiter p = w.prev;
        Waiter n = w.next;
        if (p == null) {
            head = n;
        } else {
            p.next = n;
        }
        if (n == null) {
            tail = p;
        } else {
            n.prev = p;
        }
        w.prev = null;
        w.next = null;
        w.queue = null;
    }
}
