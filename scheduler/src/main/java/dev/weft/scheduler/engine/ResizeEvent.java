package dev.weft.scheduler.engine;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;

/**
 * JFR event {@code dev.weft.Resize}: a scheduler's {@code gomaxprocs} changed while it ran.
 *
 * <p>With a stack trace (the JFR default): for an API resize it shows who resized, and resizes
 * are rare enough that its cost does not matter.
 *
 * <p>Emit with {@link #emit}; it costs nothing when no recording enables the event.
 */
@Name("dev.weft.Resize")
@Label("GOMAXPROCS Resize")
@Category({"weft", "Scheduler"})
@Description("A GoScheduler's number of processors (gomaxprocs) changed")
public final class ResizeEvent extends Event {
    /** Resized by {@link dev.weft.scheduler.GoScheduler#gomaxprocs(int)}. */
    public static final String API = "api";
    /** Resized through the {@code Gomaxprocs} attribute of {@link dev.weft.scheduler.GoSchedulerMXBean}. */
    public static final String JMX = "jmx";
    /**
     * An empty event, its fields unset; weft creates one per resize, in {@link #emit}. Public
     * as JFR requires of an event's class; not for callers outside weft.
     */
    public ResizeEvent() {}

    /** Resized to follow a changed container CPU limit. */
    static final String CPU_LIMIT = "cpu-limit";

    @Label("Scheduler")
    @Description("The GoScheduler's name")
    String scheduler;

    @Label("From")
    @Description("gomaxprocs before")
    int from;

    @Label("To")
    @Description("gomaxprocs after")
    int to;

    @Label("Reason")
    @Description("\"api\", \"jmx\" or \"cpu-limit\"")
    String reason;

    /**
     * Commits a resize event if a recording enables it. Same allocate-then-ask pattern as
     * {@link HandoffEvent#emit}, for the same reason: free when disabled, once compiled.
     */
    static void emit(String scheduler, int from, int to, String reason) {
        ResizeEvent e = new ResizeEvent();
        if (e.shouldCommit()) {
            e.scheduler = scheduler;
            e.from = from;
            e.to = to;
            e.reason = reason;
            e.commit();
        }
    }
}
