package dev.weft.channels;

/**
 * Helpers shared by the channel stress tests (not tests themselves).
 */
final class StressSupport {
    private StressSupport() {}

    /** The blocking operations of tests that never interrupt: an interrupt there is a harness bug. */
    private static AssertionError unexpected(InterruptedException e) {
        Thread.currentThread().interrupt();
        return new AssertionError("unexpected interrupt", e);
    }

    static void send(Chan<Integer> ch, int value) {
        try {
            ch.send(value);
        } catch (InterruptedException e) {
            throw unexpected(e);
        }
    }

    static int receive(Chan<Integer> ch) {
        try {
            return ch.receive();
        } catch (InterruptedException e) {
            throw unexpected(e);
        }
    }

    /** receiveOrNull, with 0 for "closed and drained". */
    static int receiveOrZero(Chan<Integer> ch) {
        try {
            Integer v = ch.receiveOrNull();
            return v == null ? 0 : v;
        } catch (InterruptedException e) {
            throw unexpected(e);
        }
    }

    static <R> R select(SelectClause<? extends R> first, SelectClause<? extends R> second) {
        try {
            return Select.select(first, second);
        } catch (InterruptedException e) {
            throw unexpected(e);
        }
    }

    /** Spins politely: on a 2-core machine the thread we wait for may need our CPU. */
    static void pause(int spins) {
        if ((spins & 63) == 63) {
            Thread.yield();
        } else {
            Thread.onSpinWait();
        }
    }

    /** Whether any send or receive waiter is still queued on {@code ch} (read under its lock). */
    static boolean hasWaiters(Chan<?> ch) {
        ch.lock();
        try {
            return !ch.recvq.isEmpty() || !ch.sendq.isEmpty();
        } finally {
            ch.unlock();
        }
    }

    /** 1 if any of the channels still queues a waiter, else 0. */
    static int waitersLeft(Chan<?>... chans) {
        for (Chan<?> ch : chans) {
            if (hasWaiters(ch)) {
                return 1;
            }
        }
        return 0;
    }

    /** The value of a non-blocking receive, or 0 when none is ready; -1 when closed and drained. */
    static int poll(Chan<Integer> ch) {
        try {
            Integer v = ch.tryReceive();
            return v == null ? 0 : v;
        } catch (ChannelClosedException e) {
            return -1;
        }
    }

    /**
     * Lets one actor interrupt another exactly once per sample without leaking the interrupt
     * into the next sample: the target publishes its thread, the interrupter always interrupts
     * it (so a target blocked forever is impossible), and the target, once its operation
     * returned, waits for the interrupt to have been delivered and clears it.
     */
    static final class InterruptHandshake {
        private volatile Thread target;
        private volatile boolean fired;

        /** Target side, before the blocking operation. */
        void publish() {
            target = Thread.currentThread();
        }

        /** Interrupter side. */
        void interruptTarget() {
            Thread t;
            for (int i = 0; (t = target) == null; i++) {
                pause(i);
            }
            t.interrupt();
            fired = true;
        }

        /** Target side, after the operation: absorbs the interrupt; true if it was still pending. */
        boolean absorb() {
            for (int i = 0; !fired; i++) {
                pause(i);
            }
            return Thread.interrupted();
        }
    }
}
