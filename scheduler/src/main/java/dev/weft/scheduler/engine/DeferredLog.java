package dev.weft.scheduler.engine;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;

/**
 * Log lines of a scheduler that a carrier, or a virtual thread pinned to one, wants written:
 * queued here, lock-free, and written by sysmon on its next pass. A carrier must never wait for
 * a lock that a virtual thread may hold ({@link CarrierScheduler}'s invariants), and a logging
 * backend's locks are such locks (slf4j-simple's config monitor and {@code System.err}'s lock,
 * taken by virtual threads that log; one that unmounts while holding them waits for a carrier).
 * Any other thread logs at once.
 *
 * <p>Bounded: past {@value #MAX_PENDING} queued lines new ones are dropped and counted, and the
 * count is logged with the next line written. Thread-safe: any number of producers, one
 * consumer (sysmon).
 */
final class DeferredLog {
    static final int MAX_PENDING = 1024;

    private final Logger log;
    private final ConcurrentLinkedQueue<Runnable> lines = new ConcurrentLinkedQueue<>();
    private final AtomicInteger pending = new AtomicInteger();
    private final AtomicLong dropped = new AtomicLong();

    DeferredLog(Logger log) {
        this.log = log;
    }

    /** Whether the current thread must not wait for a logging lock: a carrier, or a virtual thread. */
    static boolean mustDefer() {
        Thread t = Thread.currentThread();
        return t instanceof Carrier || t.isVirtual();
    }

    /** Writes {@code line} now, or queues it for sysmon when the caller {@linkplain #mustDefer must defer}. */
    void write(Runnable line) {
        if (!mustDefer()) {
            line.run();
            return;
        }
        if (pending.incrementAndGet() > MAX_PENDING) {
            pending.decrementAndGet();
            dropped.incrementAndGet();
            return;
        }
        lines.add(line);
    }

    /** sysmon: writes what was queued. */
    void drain() {
        Runnable line;
        while ((line = lines.poll()) != null) {
            pending.decrementAndGet();
            line.run();
        }
        long lost = dropped.getAndSet(0);
        if (lost > 0) {
            log.warn(
                    "{} log lines of weft's carriers were dropped: more than {} were waiting to be written",
                    lost,
                    MAX_PENDING);
        }
    }

    /** Lines waiting (tests). */
    int pending() {
        return pending.get();
    }
}
