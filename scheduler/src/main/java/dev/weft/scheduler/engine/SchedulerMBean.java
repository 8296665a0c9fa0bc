package dev.weft.scheduler.engine;

import dev.weft.scheduler.GoScheduler;
import dev.weft.scheduler.GoSchedulerMXBean;
import dev.weft.scheduler.SchedulerStats;
import java.lang.management.ManagementFactory;
import java.util.Objects;
import java.util.function.IntUnaryOperator;
import javax.management.InstanceNotFoundException;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.MBeanServerFactory;
import javax.management.MalformedObjectNameException;
import javax.management.ObjectName;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link GoSchedulerMXBean} of one {@link GoScheduler}, and its registration on the platform
 * MBeanServer.
 *
 * <p>Registration never fails a scheduler: {@link #register} logs a warning and returns null when
 * the MBeanServer refuses (a name already taken, a security manager), and {@link #unregister}
 * ignores a name that is gone. Monitoring is a side show; running virtual threads is the job.
 */
public final class SchedulerMBean implements GoSchedulerMXBean {
    private static final Logger log = LoggerFactory.getLogger(SchedulerMBean.class);

    /** The JMX domain of weft's MBeans. */
    static final String DOMAIN = "dev.weft";
    /** Characters that ObjectName does not allow in an unquoted value. */
    private static final String NEEDS_QUOTING = ",=:\"*?\n";

    /**
     * What the MXBean reads of a scheduler: its engine ({@link Engine} extends it), or anything
     * else that answers the same (tests). Safe from any thread.
     */
    public interface View {
        /**
         * The scheduler's name.
         *
         * @return the name, as given to the builder or {@code weft-<n>}; never null
         */
        String name();

        /**
         * Its current gomaxprocs.
         *
         * @return the number of Ps, 1 to {@value GoScheduler#MAX_GOMAXPROCS}
         */
        int gomaxprocs();

        /**
         * A racy snapshot of its state, as {@link GoScheduler#stats()}.
         *
         * @return the snapshot; never null
         */
        SchedulerStats stats();
    }

    private final View scheduler;
    /** Applies a JMX write and returns the previous size: the integrator's hook to tell JMX resizes apart. */
    private final IntUnaryOperator setGomaxprocs;

    /**
     * An MBean whose {@code Gomaxprocs} writes go through {@code setGomaxprocs}.
     *
     * @param scheduler     what every getter reads
     * @param setGomaxprocs applies a checked new size (1 to {@value GoScheduler#MAX_GOMAXPROCS})
     *                      and returns the previous one; called only for JMX writes
     * @throws NullPointerException if either is null
     */
    public SchedulerMBean(View scheduler, IntUnaryOperator setGomaxprocs) {
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
        this.setGomaxprocs = Objects.requireNonNull(setGomaxprocs, "setGomaxprocs");
    }

    // ---- registration -----------------------------------------------------------------------

    /**
     * The name a scheduler registers under: {@code dev.weft:type=GoScheduler,name=<name>}, the
     * name quoted only when it holds a character an ObjectName value can't (so the usual
     * {@code weft-1} stays readable, and is what {@code jconsole} shows).
     *
     * @param schedulerName the scheduler's name, any string
     * @return the ObjectName
     * @throws IllegalArgumentException if no ObjectName can be made of it (not expected after quoting)
     * @throws NullPointerException     if {@code schedulerName} is null
     */
    public static ObjectName objectName(String schedulerName) {
        Objects.requireNonNull(schedulerName, "schedulerName");
        String value = needsQuoting(schedulerName) ? ObjectName.quote(schedulerName) : schedulerName;
        try {
            return ObjectName.getInstance(DOMAIN + ":type=GoScheduler,name=" + value);
        } catch (MalformedObjectNameException e) {
            throw new IllegalArgumentException("no JMX ObjectName for scheduler " + schedulerName, e);
        }
    }

    /** An empty value is not allowed unquoted either. */
    private static boolean needsQuoting(String value) {
        if (value.isEmpty()) {
            return true;
        }
        for (int i = 0; i < value.length(); i++) {
            if (NEEDS_QUOTING.indexOf(value.charAt(i)) >= 0) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether JMX is up: a platform MBeanServer exists (someone called
     * {@code ManagementFactory.getPlatformMBeanServer()}, a JMX agent started, JConsole or
     * VisualVM attached). Cheap; weft never starts JMX itself, because the platform MBeanServer
     * costs about 200 ms of start-up.
     *
     * @return true if any MBeanServer was created in this JVM
     */
    public static boolean jmxStarted() {
        return !MBeanServerFactory.findMBeanServer(null).isEmpty();
    }

    /**
     * Registers {@code mbean} on the platform MBeanServer under {@code schedulerName}'s
     * ObjectName. Never throws: on failure it logs a warning and returns null, so a scheduler
     * never fails because of JMX.
     *
     * @param mbean         the scheduler's MBean
     * @param schedulerName the scheduler's name, for {@link #objectName}
     * @return the registered name, to pass to {@link #unregister}, or null if not registered
     */
    public static ObjectName register(SchedulerMBean mbean, String schedulerName) {
        try {
            ObjectName name = objectName(schedulerName);
            return platform().registerMBean(mbean, name).getObjectName();
        } catch (JMException | RuntimeException e) { // InstanceAlreadyExists, SecurityException...
            log.warn("GoScheduler {}: not registered with JMX: {}", schedulerName, e.toString());
            return null;
        }
    }

    /**
     * Unregisters a name returned by {@link #register}. Null-safe; a name that is not (or no
     * longer) registered is ignored; any other failure is logged, never thrown.
     *
     * @param name what {@link #register} returned, or null
     */
    public static void unregister(ObjectName name) {
        if (name == null) {
            return; // register failed earlier and already said so
        }
        try {
            platform().unregisterMBean(name);
        } catch (InstanceNotFoundException e) {
            // someone unregistered it already: the outcome we wanted
        } catch (JMException | RuntimeException e) {
            log.warn("cannot unregister {} from JMX: {}", name, e.toString());
        }
    }

    private static MBeanServer platform() {
        return ManagementFactory.getPlatformMBeanServer();
    }

    // ---- attributes ---------------------------------------------------------------------------

    @Override
    public String getName() {
        return scheduler.name();
    }

    @Override
    public int getGomaxprocs() {
        return scheduler.gomaxprocs();
    }

    /**
     * {@inheritDoc}
     *
     * <p>Checked here, not left to {@link GoScheduler#gomaxprocs(int)}: it takes {@code n < 1}
     * as a query, which would make a JMX write of 0 silently do nothing.
     */
    @Override
    public void setGomaxprocs(int gomaxprocs) {
        int n = DefaultGomaxprocs.checkProcs(gomaxprocs); // "gomaxprocs(N) is not valid: ..."
        int previous = setGomaxprocs.applyAsInt(n);
        log.info("GoScheduler {}: gomaxprocs {} -> {} (set through JMX)", scheduler.name(), previous, n);
    }

    @Override
    public int getIdleProcs() {
        return scheduler.stats().idleProcs();
    }

    @Override
    public int getThreads() {
        return scheduler.stats().carriers();
    }

    @Override
    public int getSpinningThreads() {
        return scheduler.stats().spinning();
    }

    @Override
    public int getIdleThreads() {
        return scheduler.stats().idleCarriers();
    }

    @Override
    public int getRunQueue() {
        return scheduler.stats().globalQueue();
    }

    @Override
    public int[] getLocalRunQueues() {
        return scheduler.stats().localQueues(); // already a copy
    }

    @Override
    public long getSteals() {
        return scheduler.stats().steals();
    }

    @Override
    public long getGoroutines() {
        return scheduler.stats().liveGoroutines();
    }

    @Override
    public long getHandoffs() {
        return scheduler.stats().handoffs();
    }

    @Override
    public long getDeadlockReports() {
        return scheduler.stats().deadlockReports();
    }

    @Override
    public String getSchedtrace() {
        return scheduler.stats().schedtrace();
    }
}
