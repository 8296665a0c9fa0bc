package dev.weft.scheduler.engine;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;
import jdk.jfr.Timespan;

/**
 * JFR event {@code dev.weft.Handoff}: a P was taken from a carrier blocked in a system call (or
 * in {@code GoScheduler.blocking}) and handed to another carrier, as Go's sysmon
 * {@code retake}/{@code handoffp} do.
 *
 * <p>No stack trace: the event is committed by sysmon or by the blocking carrier's bookkeeping,
 * whose stack says nothing about the blocked code; the carrier's name does.
 *
 * <p>Emit with {@link #emit}; it costs nothing when no recording enables the event.
 */
@Name("dev.weft.Handoff")
@Label("P Hand-off")
@Category({"weft", "Scheduler"})
@Description("A processor (P) was handed from a blocked carrier thread to another one")
@StackTrace(false)
public final class HandoffEvent extends Event {
    /**
     * An empty event, its fields unset; weft creates one per hand-off, in {@link #emit}. Public
     * as JFR requires of an event's class; not for callers outside weft.
     */
    public HandoffEvent() {}

    /** Why the P was handed off: sysmon saw its carrier blocked too long. */
    static final String SYSMON = "sysmon";
    /** Why the P was handed off: its carrier announced a blocking call. */
    static final String BLOCKING = "blocking";

    @Label("Scheduler")
    @Description("The GoScheduler's name")
    String scheduler;

    @Label("Processor")
    @Description("The id of the P handed off")
    int processor;

    @Label("Carrier")
    @Description("The name of the blocked carrier thread that held the P")
    String carrier;

    @Label("Reason")
    @Description("\"sysmon\" (retaken from a carrier blocked too long) or \"blocking\" (given up for a blocking call)")
    String reason;

    @Label("Blocked For")
    @Description("How long the carrier had been blocked when its P was handed off")
    @Timespan(Timespan.NANOSECONDS)
    long blockedNanos;

    /**
     * Commits a hand-off event if a recording enables it.
     *
     * <p>Cost when disabled: the JDK's own pattern (java.lang.VirtualThread#submitFailed does
     * {@code var event = new ...Event(); if (event.isEnabled())}): allocate, then ask. Until a
     * recording enables the event, {@code shouldCommit()} is the empty stub of
     * {@link Event} returning false; once JIT-compiled, the event never escapes on that path and
     * C2 removes the allocation (escape analysis): measured on JDK 25 with no recording,
     * 20 M calls of both emits allocate 0.5 bytes per call in the first round (interpreter),
     * 0 in every round after. A static "enabled" flag is not on offer for
     * user events, and {@code EventType.getEventType(...).isEnabled()} would start the JFR
     * subsystem on first use and look the type up in a registry: worse on both counts.
     */
    static void emit(String scheduler, int processor, String carrier, String reason, long blockedNanos) {
        HandoffEvent e = new HandoffEvent();
        if (e.shouldCommit()) {
            e.scheduler = scheduler;
            e.processor = processor;
            e.carrier = carrier;
            e.reason = reason;
            e.blockedNanos = blockedNanos;
            e.commit();
        }
    }
}
