package dev.weft.scheduler.internal;

import java.util.Objects;
import java.util.concurrent.locks.LockSupport;

/**
 * The park blocker ({@link LockSupport#park(Object)}) of every wait of weft: what marks a parked
 * thread as waiting in weft, and why ({@link #waitReason()}). The deadlock detector and the
 * goroutine dumps recognise weft's waits by this type alone, never by class or method names,
 * so renaming or moving weft's classes cannot silently break them; a class of a
 * {@code dev.weft.*} package used as a blocker is, like any foreign blocker, not a weft wait.
 *
 * <p><b>Internal:</b> public only so that {@code dev.weft.channels} can reach it. Immutable,
 * thread-safe.
 */
public class WeftBlocker {
    private final WaitReason reason;

    /**
     * A blocker for waits of {@code reason}.
     *
     * @param reason why the thread parks
     * @throws NullPointerException if {@code reason} is null
     */
    public WeftBlocker(WaitReason reason) {
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    /**
     * Why the thread parked on this blocker parks.
     *
     * @return the wait reason, never null
     */
    public final WaitReason waitReason() {
        return reason;
    }

    /**
     * The wait reason of {@code t}'s current park, if it is parked (or about to park, or just
     * woken) on a weft blocker; a racy snapshot of {@link LockSupport#getBlocker(Thread)}.
     *
     * @param t any thread
     * @return the reason, or null if {@code t}'s blocker is not a {@code WeftBlocker}
     */
    public static WaitReason waitReasonOf(Thread t) {
        return LockSupport.getBlocker(t) instanceof WeftBlocker b ? b.reason : null;
    }
}
