package dev.weft.jmh;

import dev.weft.scheduler.GoScheduler;
import java.lang.reflect.Field;
import java.util.concurrent.ForkJoinPool;

/**
 * The schedulers a benchmark compares: {@code weft} (a {@link GoScheduler} with
 * {@code gomaxprocs} Ps), {@code jdk} (the JDK's default ForkJoinPool scheduler with
 * parallelism {@code gomaxprocs}, set before the first virtual thread of the fork exists) or
 * {@code agent} (plain {@link Thread#ofVirtual()}, unchanged JDK code, in a JVM started with
 * weft's agent, which makes weft's global scheduler the JDK's default one: the drop-in columns of
 * {@code jmh/compare}; refused unless the JDK default scheduler really is weft's with
 * {@code gomaxprocs} Ps, so that a drop-in figure can never silently measure the JDK).
 */
final class Schedulers implements AutoCloseable {
    /** The class of the JDK default scheduler under weft's agent. */
    static final String AGENT_SCHEDULER = "dev.weft.scheduler.engine.JdkScheduler";

    final Thread.Builder.OfVirtual builder;
    private final GoScheduler weft;

    Schedulers(String scheduler, int gomaxprocs) {
        switch (scheduler) {
            case "weft" -> {
                weft = GoScheduler.create(gomaxprocs);
                builder = weft.virtualThreadBuilder();
            }
            case "jdk" -> {
                weft = null;
                System.setProperty("jdk.virtualThreadScheduler.parallelism", Integer.toString(gomaxprocs));
                builder = Thread.ofVirtual();
                int actual = jdkParallelism();
                if (actual != gomaxprocs) {
                    throw new IllegalStateException("the JDK scheduler was created before the benchmark set its "
                            + "parallelism: it has " + actual + ", wanted " + gomaxprocs);
                }
            }
            case "agent" -> {
                weft = null;
                builder = Thread.ofVirtual();
                ForkJoinPool jdkDefault = defaultScheduler();
                checkAgent(jdkDefault.getClass().getName(), jdkDefault.getParallelism(), gomaxprocs);
            }
            default -> throw new IllegalArgumentException("scheduler must be weft, jdk or agent, got " + scheduler);
        }
    }

    /**
     * Throws unless the JDK default scheduler (its class {@code name} and {@code parallelism}) is
     * weft's, with {@code gomaxprocs} Ps: the check behind {@code scheduler=agent}.
     *
     * @throws IllegalStateException naming what is wrong and the JVM flag that fixes it
     */
    static void checkAgent(String name, int parallelism, int gomaxprocs) {
        if (!name.equals(AGENT_SCHEDULER)) {
            throw new IllegalStateException("scheduler=agent needs weft's agent: the JDK default scheduler is " + name
                    + ", not " + AGENT_SCHEDULER + "; run the JVM with -javaagent:agent/target/weft-agent.jar "
                    + "-Dgomaxprocs=" + gomaxprocs + " (jmh/compare adds them)");
        }
        if (parallelism != gomaxprocs) {
            throw new IllegalStateException("scheduler=agent: weft's global scheduler has gomaxprocs="
                    + parallelism + ", the benchmark wants " + gomaxprocs + "; run the JVM with "
                    + "-Dgomaxprocs=" + gomaxprocs);
        }
    }

    /** The JDK default scheduler's parallelism (forces its creation). */
    static int jdkParallelism() {
        return defaultScheduler().getParallelism();
    }

    /** The JDK default virtual-thread scheduler, {@code VirtualThread.DEFAULT_SCHEDULER} (forces its creation). */
    static ForkJoinPool defaultScheduler() {
        try {
            Thread.ofVirtual().start(() -> {}).join();
            Class<?> vt = Class.forName("java.lang.VirtualThread");
            Field f = vt.getDeclaredField("DEFAULT_SCHEDULER");
            f.setAccessible(true);
            return (ForkJoinPool) f.get(null);
        } catch (ReflectiveOperationException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        if (weft != null) {
            weft.close();
        }
    }
}
