package dev.weft.scheduler;

import java.util.concurrent.TimeUnit;

/**
 * Run by {@link SchedtraceTest} in a child JVM with {@code -Dgomaxprocs.schedtrace=100} (or with
 * the argument {@code builder}: {@code GoScheduler.builder().schedtrace(100 ms)}): keeps a
 * scheduler of 2 Ps busy with yielding virtual threads until sysmon has printed
 * {@value #LINES} schedtrace lines (it watches its own standard error, where slf4j-simple
 * writes), or 20 s pass: the count, not the machine's speed, ends the workload.
 */
public final class SchedtraceMain {
    private SchedtraceMain() {}

    static final int LINES = 3;

    public static void main(String[] args) throws Exception {
        java.util.concurrent.atomic.AtomicInteger lines = new java.util.concurrent.atomic.AtomicInteger();
        java.io.PrintStream err = System.err;
        System.setErr(new java.io.PrintStream(
                new java.io.OutputStream() {
                    private final StringBuilder line = new StringBuilder();

                    @Override
                    public synchronized void write(int b) {
                        err.write(b);
                        if (b == '\n') {
                            if (line.indexOf("SCHED ") >= 0) {
                                lines.incrementAndGet();
                            }
                            line.setLength(0);
                        } else {
                            line.append((char) b);
                        }
                    }

                    @Override
                    public void flush() {
                        err.flush();
                    }
                },
                true));
        try (GoScheduler s = args.length > 0 && args[0].equals("builder")
                ? GoScheduler.builder()
                        .gomaxprocs(2)
                        .schedtrace(java.time.Duration.ofMillis(100))
                        .build()
                : GoScheduler.create(2)) {
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20); // a bound, not the workload's length
            while (lines.get() < LINES && System.nanoTime() < end) {
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
