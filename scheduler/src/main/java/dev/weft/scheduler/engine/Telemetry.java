package dev.weft.scheduler.engine;

import java.util.concurrent.atomic.LongAdder;
import javax.management.ObjectName;
import jdk.jfr.FlightRecorder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything an engine shows the outside, and nothing it schedules with: the counters of
 * {@link dev.weft.scheduler.SchedulerStats} that only grow (hand-offs, deadlock reports), the
 * JFR events ({@link HandoffEvent}, {@link ResizeEvent}), their debug lines, and the
 * registration of the {@link SchedulerMBean}. The engine feeds it through {@link SchedEvents}; it
 * reads nothing of the engine (the MXBean reads {@link SchedulerMBean.View}).
 *
 * <p>Thread-safety: {@link SchedEvents} from any thread (carriers included: nothing there blocks;
 * lines go through {@link DeferredLog}). {@link #registerMBeanIfJmxStarted} and
 * {@link #releaseMBean} lock {@code mxbean}, which no carrier ever takes (the MBeanServer's own
 * locks may be held by a virtual thread that waits for a carrier): the engine calls them on the
 * thread that builds it, from sysmon, or from a platform thread at termination.
 */
final class Telemetry implements SchedEvents {
    private static final Logger log = LoggerFactory.getLogger(CarrierScheduler.class);

    private final String name;
    private final DeferredLog deferredLog;
    private final LongAdder handoffs = new LongAdder();
    private final LongAdder deadlockReports = new LongAdder();
    /** The MXBean, built with the engine; registered when JMX is up. */
    final SchedulerMBean mxbean;
    /** Its JMX name once registered, else null; written under {@code mxbean}. */
    volatile ObjectName mbean;
    /** Unregistered for good: never registered again. Written under {@code mxbean}. */
    private volatile boolean released;

    Telemetry(String name, DeferredLog deferredLog, SchedulerMBean mxbean) {
        this.name = name;
        this.deferredLog = deferredLog;
        this.mxbean = mxbean;
    }

    @Override
    public void handedOff(Processor p, Carrier blocked, String reason, long blockedNanos) {
        handoffs.increment();
        if (FlightRecorder.isInitialized()) { // else no recording can run: don't even load JFR's classes
            HandoffEvent.emit(name, p.id, blocked.getName(), reason, blockedNanos);
        }
        if (log.isDebugEnabled()) {
            deferredLog.write(() ->
                    log.debug("{}: {} handed off from blocked carrier {} ({})", name, p, blocked.getName(), reason));
        }
    }

    @Override
    public void resized(int prev, int n, String reason) {
        log.debug("{}: gomaxprocs {} -> {} ({})", name, prev, n, reason);
        if (FlightRecorder.isInitialized()) {
            ResizeEvent.emit(name, prev, n, reason);
        }
    }

    @Override
    public void deadlockReported() {
        deadlockReports.increment();
    }

    long handoffs() {
        return handoffs.sum();
    }

    long deadlockReports() {
        return deadlockReports.sum();
    }

    /**
     * Registers the MXBean if JMX is up and it isn't registered yet (creation, then sysmon once a
     * second). Never after {@link #releaseMBean}. Never on a carrier (see the class comment);
     * from a virtual thread it is not pinned either, which is harmless: no carrier waits for
     * these locks.
     */
    void registerMBeanIfJmxStarted() {
        if (mbean != null || released || !SchedulerMBean.jmxStarted()) {
            return;
        }
        synchronized (mxbean) {
            if (mbean == null && !released) {
                mbean = SchedulerMBean.register(mxbean, name);
            }
        }
    }

    /** After termination, once: unregisters the MXBean for good. Never on a carrier or a virtual thread. */
    void releaseMBean() {
        synchronized (mxbean) {
            released = true;
            SchedulerMBean.unregister(mbean);
            mbean = null;
        }
    }

    boolean released() {
        return released;
    }
}
