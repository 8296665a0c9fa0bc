package dev.weft.jmh;

import dev.weft.scheduler.GoScheduler;
import java.lang.reflect.Field;
import java.util.concurrent.ForkJoinPool;

/**
 * The schedulers a benchmark compares: {@code weft} (a {@link GoScheduler} with
 * {@code gomaxprocs} Ps) or {@code jdk} (the JDK's default ForkJoinPool scheduler with
 * parallelism {@code gomaxprocs}, set before the first virtual thread of the fork exists).
 */
final class Schedulers implements AutoCloseable {
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
            default -> throw new IllegalArgumentException("scheduler must be weft or jdk, got " + scheduler);
        }
    }

    /** The JDK default scheduler's parallelism (forces its creation). */
    static int jdkParallelism() {
        try {
            Thread.ofVirtual().start(() -> {}).join();
            Class<?> vt = Class.forName("java.lang.VirtualThread");
            Field f = vt.getDeclaredField("DEFAULT_SCHEDULER");
            f.setAccessible(true);
            return ((ForkJoinPool) f.get(null)).getParallelism();
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
