package dev.weft.scheduler;

import dev.weft.scheduler.engine.EngineAccess;
import dev.weft.scheduler.engine.SchedulerMBean;
import java.lang.management.ManagementFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import javax.management.MBeanServer;

/**
 * Run by {@link SchedulerMBeanTest} in a child JVM: a scheduler created before JMX starts is not
 * registered (weft does not start JMX), and is registered by sysmon within about a second of
 * JMX starting. Prints what it saw and {@code done}.
 */
public final class JmxLateMain {
    private JmxLateMain() {}

    public static void main(String[] args) throws Exception {
        try (GoScheduler s = GoScheduler.create(1)) {
            System.out.println("jmx before=" + SchedulerMBean.jmxStarted() + " registered="
                    + (EngineAccess.mbeanName(s.scheduler()) != null));
            MBeanServer server = ManagementFactory.getPlatformMBeanServer(); // JMX starts now
            long start = System.nanoTime();
            long deadline = start + TimeUnit.SECONDS.toNanos(10);
            while (!server.isRegistered(SchedulerMBean.objectName(s.name())) && System.nanoTime() < deadline) {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
            }
            System.out.println("registered=" + server.isRegistered(SchedulerMBean.objectName(s.name())) + " after="
                    + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start) + "ms");
        }
        System.out.println("done");
    }
}
