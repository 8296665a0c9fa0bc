package dev.weft.scheduler;

import dev.weft.scheduler.engine.EngineAccess;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Run by {@link DeadlockWatchTest} in a child JVM, so that the only non-daemon thread is this
 * main thread, waiting for the scheduler to end. Prints {@code reports=N} and {@code done}.
 *
 * <p>Arguments: the mode, then {@code key=value} options: {@code procs=N} (the scheduler's
 * gomaxprocs, default 2), {@code deadlock=off|log|fail} (built with that
 * {@link GoScheduler.Builder#deadlockMode}, else {@code create}), {@code giveup=MILLIS} (for {@code cycle}: a daemon thread releases the
 * threads after that long even without a report; a thread sleeping that long might wake them, so
 * use it only with the detector off), {@code waker=MILLIS} (for {@code cycle}: a daemon thread
 * sleeps that long, then ends without waking anyone).
 *
 * <p>Modes: {@code cycle} (two virtual threads wait on a latch and a join: a deadlock; a daemon
 * thread waiting without a timeout for the report, seen on stderr, releases them),
 * {@code sleep} (one sleeps 2.5 s, another waits for it: not one), {@code io} (one waits 2.5 s
 * for bytes on a socket, written by a process outside the JVM: not one). The false alarms of issue 11, where a weft virtual thread waits
 * in {@code take()} for a value {@value #LATE_MILLIS} ms away, put by: {@code other-weft} (a
 * virtual thread of another weft scheduler that sleeps), {@code executor} (a daemon
 * {@code ScheduledExecutorService} task), {@code delayed} ({@code CompletableFuture.delayedExecutor}),
 * {@code jdk-virtual} (a virtual thread of the JDK's default scheduler that sleeps),
 * {@code other-timer} (a pending timer of another weft scheduler, no thread sleeping): each
 * prints {@code received=late} and must report nothing.
 */
public final class DeadlockMain {
    static final long LATE_MILLIS = 2500;

    private DeadlockMain() {}

    public static void main(String[] args) throws Exception {
        String mode = args[0];
        Map<String, String> opts = new HashMap<>();
        for (int i = 1; i < args.length; i++) {
            String[] kv = args[i].split("=", 2);
            opts.put(kv[0], kv[1]);
        }
        int procs = Integer.parseInt(opts.getOrDefault("procs", "2"));
        CountDownLatch reported = teeStderrForReports();
        GoScheduler s = opts.containsKey("deadlock")
                ? GoScheduler.builder()
                        .gomaxprocs(procs)
                        .deadlockMode(DeadlockMode.valueOf(opts.get("deadlock").toUpperCase(java.util.Locale.ROOT)))
                        .build()
                : GoScheduler.create(procs);
        GoScheduler other = null;
        BlockingQueue<String> late = new LinkedBlockingQueue<>();
        long start = System.nanoTime();
        switch (mode) {
            case "cycle" -> {
                CountDownLatch never = new CountDownLatch(1);
                Thread a = s.go(() -> awaitQuietly(never));
                s.go(() -> {
                    try {
                        a.join();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                });
                if (opts.containsKey("waker")) { // a thread that might wake them, but ends without
                    daemonAfter(Long.parseLong(opts.get("waker")), () -> {});
                }
                if (opts.containsKey("giveup")) {
                    daemonAfter(Long.parseLong(opts.get("giveup")), never::countDown);
                }
                Thread.ofPlatform().daemon(true).name("released-by-the-report").start(() -> {
                    awaitQuietly(reported); // untimed: a thread that waits with a timeout could wake anyone
                    never.countDown();
                });
            }
            case "sleep" -> {
                CountDownLatch woke = new CountDownLatch(1);
                s.go(() -> {
                    try {
                        Thread.sleep(LATE_MILLIS);
                    } catch (InterruptedException e) {
                        return;
                    }
                    woke.countDown();
                });
                s.go(() -> awaitQuietly(woke));
            }
            case "io" -> {
                // the writer is outside the JVM (any thread in it that waits 2.5 s could wake them
                // by itself): a shell's background child, left behind as the shell exits at once
                ServerSocketChannel server =
                        ServerSocketChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
                int port = ((InetSocketAddress) server.getLocalAddress()).getPort();
                s.go(() -> {
                    try (server;
                            SocketChannel c = server.accept()) { // parks through the JDK's poller
                        c.read(ByteBuffer.allocate(1));
                    } catch (java.io.IOException e) {
                        throw new RuntimeException(e);
                    }
                });
                Process shell = new ProcessBuilder(
                                "bash",
                                "-c",
                                "(sleep " + LATE_MILLIS / 1000.0 + "; echo x > /dev/tcp/127.0.0.1/" + port
                                        + ") > /dev/null 2>&1 &")
                        .start();
                if (shell.waitFor() != 0) {
                    throw new IllegalStateException(
                            "bash failed: " + new String(shell.getErrorStream().readAllBytes()));
                }
            }
            case "other-weft" -> {
                other = GoScheduler.create(1);
                receiveLate(s, late);
                other.go(() -> {
                    sleepQuietly(LATE_MILLIS);
                    late.add("late");
                });
            }
            case "executor" -> {
                ScheduledExecutorService ses = Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform()
                        .daemon(true)
                        .name("daemon-scheduled")
                        .unstarted(r));
                receiveLate(s, late);
                ses.schedule(() -> late.add("late"), LATE_MILLIS, TimeUnit.MILLISECONDS);
            }
            case "delayed" -> {
                receiveLate(s, late);
                CompletableFuture.delayedExecutor(LATE_MILLIS, TimeUnit.MILLISECONDS)
                        .execute(() -> late.add("late"));
            }
            case "jdk-virtual" -> {
                receiveLate(s, late);
                Thread.ofVirtual()
                        .start(
                                () -> { // started by a platform thread: the JDK's scheduler
                                    sleepQuietly(LATE_MILLIS);
                                    late.add("late");
                                });
            }
            case "other-timer" -> {
                other = GoScheduler.create(1);
                receiveLate(s, late);
                // a timer of the other scheduler's own (what a timed park or a weft afterFunc uses)
                other.scheduler().jdk().schedule(() -> late.add("late"), LATE_MILLIS, TimeUnit.MILLISECONDS);
            }
            default -> throw new IllegalArgumentException(mode);
        }
        s.shutdown();
        boolean ended = s.awaitTermination(Duration.ofSeconds(40));
        if (ended) { // sysmon counts a report after logging it, and ends after the scheduler
            EngineAccess.sysmonThread(s.scheduler()).join(Duration.ofSeconds(10));
        }
        if (other != null) {
            other.close();
        }
        System.out.println("ended=" + ended + " reports=" + s.stats().deadlockReports() + " after="
                + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start) + "ms");
        System.out.println("done");
    }

    /** A weft virtual thread that waits, without a deadline, for the late value and prints it. */
    private static void receiveLate(GoScheduler s, BlockingQueue<String> late) {
        s.go(() -> {
            try {
                System.out.println("received=" + late.take());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
    }

    /**
     * Copies stderr on, and counts the returned latch down when a deadlock report is written
     * (slf4j-simple writes to {@code System.err} as it is at each log call).
     */
    private static CountDownLatch teeStderrForReports() {
        CountDownLatch reported = new CountDownLatch(1);
        PrintStream err = System.err;
        OutputStream tee = new OutputStream() {
            private final ByteArrayOutputStream line = new ByteArrayOutputStream();

            @Override
            public synchronized void write(int b) {
                err.write(b);
                if (b == '\n') {
                    if (line.toString(StandardCharsets.UTF_8).contains("all goroutines are asleep - deadlock!")) {
                        reported.countDown();
                    }
                    line.reset();
                } else {
                    line.write(b);
                }
            }

            @Override
            public synchronized void flush() {
                err.flush();
            }
        };
        System.setErr(new PrintStream(tee, true, StandardCharsets.UTF_8));
        return reported;
    }

    /** A daemon thread that runs {@code action} after {@code delayMillis}. */
    private static void daemonAfter(long delayMillis, Runnable action) {
        Thread.ofPlatform().daemon(true).start(() -> {
            sleepQuietly(delayMillis);
            action.run();
        });
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis); // the scenario: a value that comes late
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
