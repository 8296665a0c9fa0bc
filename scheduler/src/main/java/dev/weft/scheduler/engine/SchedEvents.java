package dev.weft.scheduler.engine;

/**
 * What the engine reports to {@link Telemetry}, the narrow way in: called on carriers, so every
 * method is cheap and never blocks. Safe from any thread.
 */
interface SchedEvents {
    /** P {@code p} was taken from blocked carrier {@code blocked} ({@code reason}: "sysmon" or "blocking"). */
    void handedOff(Processor p, Carrier blocked, String reason, long blockedNanos);

    /** gomaxprocs changed from {@code prev} to {@code n}. */
    void resized(int prev, int n, String reason);

    /** The deadlock watch logged a deadlock. */
    void deadlockReported();
}
