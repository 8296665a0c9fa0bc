package dev.weft.jmh.compare;

/**
 * A column of the comparison: what a Go-style Java program runs on. Every JVM column runs the
 * same benchmark code; only the scheduler and the channel implementation change.
 */
public enum Column {
    /** weft's GoScheduler and weft's Chan/Select. */
    WEFT("weft", "weft", "weft"),
    /** The JDK's default virtual-thread scheduler with the JDK's queues (SynchronousQueue, ArrayBlockingQueue). */
    JDK("JDK default", "jdk", "jdk"),
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
}
