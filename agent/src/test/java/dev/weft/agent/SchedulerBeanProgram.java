package dev.weft.agent;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import jdk.management.VirtualThreadSchedulerMXBean;

/**
 * Plain JDK code: reads and writes the JDK's {@link VirtualThreadSchedulerMXBean} while virtual
 * threads run, and reads weft's MXBean generically through the platform MBeanServer. Prints one
 * line per fact for {@code AgentViewsIT}.
 */
public final class SchedulerBeanProgram {
    private SchedulerBeanProgram() {}

    public static void main(String[] args) throws Exception {
        VirtualThreadSchedulerMXBean bean = ManagementFactory.getPlatformMXBean(VirtualThreadSchedulerMXBean.class);
        System.out.println("parallelism " + bean.getParallelism());

        int parkedCount = 4;
        CountDownLatch started = new CountDownLatch(parkedCount);
        CountDownLatch release = new CountDownLatch(1);
        List<Thread> parked = new ArrayList<>();
        for (int i = 0; i < parkedCount; i++) {
            parked.add(Thread.ofVirtual().name("bean-parked-" + i).start(() -> {
                started.countDown();
                awaitQuietly(release);
            }));
        }
        check(started.await(60, TimeUnit.SECONDS), "parked virtual threads did not start");

        String[] seen = new String[1];
        Thread reader = Thread.ofVirtual()
                .start(() -> seen[0] = "mounted " + bean.getMountedVirtualThreadCount() + " queued "
                        + bean.getQueuedVirtualThreadCount() + " poolSize " + bean.getPoolSize());
        reader.join();
        System.out.println("from a virtual thread: " + seen[0]);
        System.out.println("bean " + bean);

        bean.setParallelism(3);
        System.out.println("after setParallelism(3) " + bean.getParallelism());

        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        ObjectName weft = new ObjectName("dev.weft:type=GoScheduler,name=weft-global");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!server.isRegistered(weft) && System.nanoTime() - deadline < 0) {
            Thread.sleep(10); // weft's sysmon registers its bean within a second of JMX starting
        }
        System.out.println("weft Gomaxprocs " + server.getAttribute(weft, "Gomaxprocs"));

        for (int bad : new int[] {0, -1, 1025}) {
            try {
                bean.setParallelism(bad);
                System.out.println("setParallelism(" + bad + ") accepted, parallelism " + bean.getParallelism());
            } catch (IllegalArgumentException e) {
                System.out.println("setParallelism(" + bad + ") IllegalArgumentException: " + e.getMessage());
            }
        }
        System.out.println("after bad sizes " + bean.getParallelism());

        release.countDown();
        for (Thread t : parked) {
            t.join();
        }
        System.out.println("done");
    }

    static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static void check(boolean ok, String what) {
        if (!ok) {
            throw new AssertionError(what);
        }
    }
}
