package dev.weft.scheduler;

import java.util.concurrent.TimeUnit;

/**
 * Run by {@link SchedtraceTest} in a child JVM with {@code -Dgomaxprocs.schedtrace=100}: keeps a
 * scheduler of 2 Ps busy with yielding virtual threads for long enough to print a few lines.
 */
public final class SchedtraceMain {
    private SchedtraceMain() {
    }

    public static void main(String[] args) throws Exception {
        try (GoScheduler s = GoScheduler.create(2)) {
            long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(450); // the workload's length
            while (System.nanoTime() < end) {
                Thread[] ts = new Thread[8];
                for (int i = 0; i < ts.length; i++) {
                    ts[i] = s.go(() -> {
                        for (int j = 0; j < 100; j++) {
                            Thread.yield();
                        }
                    });
                }
                for (Thread t : ts) {
                    t.join();
                }
            }
        }
        System.out.println("done");
    }
}
