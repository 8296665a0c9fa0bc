package dev.weft.scheduler.engine;

import java.util.List;
import java.util.Optional;
import javax.management.ObjectName;

/**
 * What the tests of package {@code dev.weft.scheduler} read of an engine's internals, which are
 * package-private (the engine package is not exported).
 */
public final class EngineAccess {
    private EngineAccess() {}

    private static CarrierScheduler sched(Engine e) {
        return (CarrierScheduler) e;
    }

    /** The MXBean's registered name, or null. */
    public static ObjectName mbeanName(Engine e) {
        return sched(e).telemetry.mbean;
    }

    /** The MXBean, registered or not. */
    public static SchedulerMBean mxbean(Engine e) {
        return sched(e).telemetry.mxbean;
    }

    /** What sysmon does once a second: register the MXBean if JMX is up. */
    public static void registerMBeanIfJmxStarted(Engine e) {
        sched(e).telemetry.registerMBeanIfJmxStarted();
    }

    public static Thread sysmonThread(Engine e) {
        return sched(e).sysmon().thread();
    }

    public static boolean followsCpuLimit(Engine e) {
        return sched(e).sysmon().followsCpuLimit();
    }

    public static List<String> schedDetail(Engine e) {
        return sched(e).schedDetail();
    }

    public static TimerQueue timers(Engine e) {
        return sched(e).timers();
    }

    /** Whether {@code t} is a carrier of a weft engine. */
    public static boolean isCarrier(Thread t) {
        return t instanceof Carrier;
    }

    /** The Linux TID of a carrier whose P was taken while it was blocked, if one is. */
    public static Optional<Integer> lostCarrierTid(Engine e) {
        return sched(e).allm().stream()
                .filter(c -> c.state() == Carrier.LOST)
                .findFirst()
                .map(c -> c.tid);
    }

    /** {@link Sysmon#isBlocked}. */
    public static boolean isBlocked(long cpuBefore, long cpuAfter, long windowNanos, int stateBefore, int stateAfter) {
        return Sysmon.isBlocked(cpuBefore, cpuAfter, windowNanos, stateBefore, stateAfter);
    }
}
