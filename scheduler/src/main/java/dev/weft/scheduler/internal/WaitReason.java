package dev.weft.scheduler.internal;

/**
 * Why a thread parked in weft: Go's {@code waitReason} ({@code runtime/runtime2.go}), with Go's
 * own names, shown in brackets in deadlock reports and goroutine dumps as Go shows
 * {@code goroutine 5 [chan receive]:}. Carried by the thread's park blocker, a {@link WeftBlocker}.
 *
 * <p><b>Internal:</b> public only so that {@code dev.weft.channels} can reach it.
 */
public enum WaitReason {
    /** A send on a channel with no receiver (and no buffer room): Go's {@code waitReasonChanSend}. */
    CHAN_SEND("chan send", false),
    /** A receive on a channel with nothing to receive: Go's {@code waitReasonChanReceive}. */
    CHAN_RECEIVE("chan receive", false),
    /** A select waiting for one of its cases: Go's {@code waitReasonSelect}. */
    SELECT("select", false),
    /** A select with no enabled case, blocked forever: Go's {@code waitReasonSelectNoCases}. */
    SELECT_NO_CASES("select (no cases)", false),
    /** {@code WaitGroup.await}: Go's {@code waitReasonSyncWaitGroupWait}. */
    SYNC_WAIT_GROUP_WAIT("sync.WaitGroup.Wait", false),
    /**
     * A timer thread (a scheduler's, or the channel timers') waiting for its next deadline:
     * Go's {@code waitReasonTimerGoroutineIdle}. weft's own thread, not a goroutine: when it wakes
     * it only fires timers, which the deadlock detector counts by themselves.
     */
    TIMER_GOROUTINE_IDLE("timer goroutine (idle)", true);

    private final String text;
    private final boolean runtimeIdle;

    WaitReason(String text, boolean runtimeIdle) {
        this.text = text;
        this.runtimeIdle = runtimeIdle;
    }

    /**
     * Whether this is the idle wait of one of weft's own threads (never a goroutine's wait, never
     * a waker by itself) rather than a blocking operation of user code.
     *
     * @return true for weft's own idle threads
     */
    public boolean isRuntimeIdle() {
        return runtimeIdle;
    }

    /** Go's name, e.g. {@code "chan receive"}. */
    @Override
    public String toString() {
        return text;
    }
}
