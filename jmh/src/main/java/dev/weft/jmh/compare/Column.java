package dev.weft.jmh.compare;

/**
 * A column of the comparison: what a Go-style Java program runs on. Every JVM column runs the
 * same benchmark code; only the scheduler and the channel implementation change. The drop-in
 * columns ({@link #JDK_ON_WEFT}, {@link #JOX_ON_WEFT}) run unchanged code ({@code
 * Thread.ofVirtual()}) in a JVM where weft's agent has replaced the JDK's default scheduler
 * ({@link Compare#agentJvmArgs}), each beside its JDK-default {@link #baseline()}.
 */
public enum Column {
    /** weft's GoScheduler and weft's Chan/Select. */
    WEFT("weft", "weft", "weft"),
    /** The JDK's queues (as {@link #JDK}) on weft through weft's agent: unchanged code, {@code scheduler=agent}. */
    JDK_ON_WEFT("JDK on weft", "agent", "jdk"),
    /** The JDK's default virtual-thread scheduler with the JDK's queues (SynchronousQueue, ArrayBlockingQueue). */
    JDK("JDK default", "jdk", "jdk"),
    /** jox channels on weft through weft's agent: unchanged code, {@code scheduler=agent}. */
    JOX_ON_WEFT("jox on weft", "agent", "jox"),
    /** jox channels (com.softwaremill.jox) on the JDK's default scheduler. */
    JOX("jox", "jdk", "jox"),
    /** The Go reference (jmh/go), run by jmh/compare when go is installed. */
    GO("Go", null, null);

    /** The column's heading. */
    public final String heading;
    /** The JMH {@code scheduler} parameter, null for Go. */
    public final String scheduler;
    /** The JMH {@code impl} parameter, null for Go. */
    public final String impl;

    Column(String heading, String scheduler, String impl) {
        this.heading = heading;
        this.scheduler = scheduler;
        this.impl = impl;
    }

    /** Whether this column runs under weft's agent (a drop-in column). */
    public boolean dropIn() {
        return "agent".equals(scheduler);
    }

    /**
     * The JDK-default column a drop-in column is compared with (the same code on the JDK's
     * scheduler): {@link #JDK} for {@link #JDK_ON_WEFT}, {@link #JOX} for {@link #JOX_ON_WEFT}.
     *
     * @throws IllegalStateException for a column that is not a drop-in one
     */
    public Column baseline() {
        return switch (this) {
            case JDK_ON_WEFT -> JDK;
            case JOX_ON_WEFT -> JOX;
            default -> throw new IllegalStateException(this + " is not a drop-in column");
        };
    }

    /** The drop-in columns, in the table's order. */
    public static java.util.List<Column> dropIns() {
        return java.util.List.of(JDK_ON_WEFT, JOX_ON_WEFT);
    }
}
