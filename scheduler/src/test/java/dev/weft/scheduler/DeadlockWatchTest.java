package dev.weft.scheduler;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.test.support.ChildJvm;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * sysmon's deadlock report, in child JVMs ({@link DeadlockMain}): in this JVM JUnit's own
 * non-daemon timeout thread, waiting with a timeout, could wake anyone as far as the rule knows,
 * so no deadlock would ever be reported here.
 */
class DeadlockWatchTest {
    private static final Pattern RESULT = Pattern.compile("ended=true reports=(\\d+) after=(\\d+)ms");

    private static int reports(String output) {
        Matcher m = RESULT.matcher(output);
        assertTrue(m.find(), output);
        return Integer.parseInt(m.group(1));
    }

    private static long afterMillis(String output) {
        Matcher m = RESULT.matcher(output);
        assertTrue(m.find(), output);
        return Long.parseLong(m.group(2));
    }

    @Test
    void reportsVirtualThreadsThatWaitOnEachOther() throws Exception {
        String out = ChildJvm.run(DeadlockMain.class, List.of(), "cycle");
        assertTrue(reports(out) == 1, out);
        assertTrue(afterMillis(out) < 20_000, "reported after the quiet second, not at the watcher's give-up: " + out);
        assertTrue(
                out.contains(
                        "ERROR dev.weft.scheduler.engine.DeadlockWatch - weft-1: all goroutines are asleep - deadlock!"
                                + " (2 virtual threads of weft-1 parked)"),
                out);
        assertTrue(out.contains("java.util.concurrent.CountDownLatch.await("), "each thread's stack: " + out);
        assertTrue(out.contains("java.lang.Thread.join("), out);
    }

    /** A possible waker delays the report (the watch looks again later), it does not cancel it. */
    @Test
    void reportsOnceAThreadThatMightWakeThemEnded() throws Exception {
        String out = ChildJvm.run(DeadlockMain.class, List.of(), "cycle", "waker=2000");
        assertTrue(reports(out) == 1, out);
        assertTrue(afterMillis(out) >= 2000, "not while the sleeper lived: " + out);
        assertTrue(afterMillis(out) < 20_000, out);
    }

    /**
     * Builder review P2, P6: the FAIL line names the builder's setting, not a property it never
     * read, and with nobody in a weft channel it says nothing is failed (before: "-Dweft.deadlock=fail:
     * failing the 0 blocked in weft channels").
     */
    @Test
    void failModeFromTheBuilderNamesItAndSaysWhenNothingIsFailed() throws Exception {
        String out = ChildJvm.run(DeadlockMain.class, List.of(), "cycle", "deadlock=fail");
        assertTrue(reports(out) == 1, out);
        assertTrue(
                out.contains("\n\ndeadlockMode FAIL: none of them is blocked in a weft channel, so none is failed"),
                out);
        assertFalse(out.contains("-Dweft.deadlock"), out);
        assertFalse(out.contains("failing the 0"), out);
    }

    @Test
    void neverFiresWhileAThreadSleeps() throws Exception {
        String out = ChildJvm.run(DeadlockMain.class, List.of(), "sleep");
        assertTrue(reports(out) == 0, out);
        assertTrue(afterMillis(out) >= 2500, out);
    }

    @Test
    void neverFiresWhileAThreadWaitsForIo() throws Exception {
        String out = ChildJvm.run(DeadlockMain.class, List.of(), "io");
        assertTrue(reports(out) == 0, out);
        assertTrue(afterMillis(out) >= 2500, out);
    }

    /**
     * A service parked until SIGTERM runs its shutdown hook is not deadlocked (review of issue
     * 11): the hook is a waker. The test waits until sysmon has looked and said why it kept
     * silent (its DEBUG line), then sends SIGTERM; before, the look logged the ERROR instead.
     */
    @Test
    void neverFiresWhileAShutdownHookCanWakeThem() throws Exception {
        String javaCommand = ProcessHandle.current().info().command().orElseThrow();
        Process p = new ProcessBuilder(
                        javaCommand,
                        "-cp",
                        System.getProperty("java.class.path"),
                        "--add-opens",
                        "java.base/java.lang=ALL-UNNAMED",
                        "-Dorg.slf4j.simpleLogger.defaultLogLevel=info",
                        "-Dorg.slf4j.simpleLogger.log.dev.weft.scheduler.engine.DeadlockWatch=debug",
                        ShutdownHookServiceMain.class.getName())
                .redirectErrorStream(true)
                .start();
        StringBuilder out = new StringBuilder();
        java.util.concurrent.BlockingQueue<String> lines = new java.util.concurrent.LinkedBlockingQueue<>();
        Thread reader = Thread.ofPlatform().daemon(true).start(() -> {
            try (java.io.BufferedReader r = new java.io.BufferedReader(
                    new java.io.InputStreamReader(p.getInputStream(), java.nio.charset.StandardCharsets.UTF_8))) {
                r.lines().forEach(lines::add);
            } catch (java.io.IOException | java.io.UncheckedIOException e) {
                lines.add("read failed: " + e);
            }
        });
        try {
            long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(60);
            boolean looked = false;
            while (!looked && System.nanoTime() < deadline) {
                String line = lines.poll(100, java.util.concurrent.TimeUnit.MILLISECONDS);
                if (line != null) {
                    out.append(line).append('\n');
                    assertFalse(line.contains("all goroutines are asleep"), "false alarm:\n" + out);
                    looked = line.contains("shutdown hook");
                }
            }
            assertTrue(looked, "sysmon never said the hook kept it silent:\n" + out);
            // SIGTERM, as a service manager sends it (Process.destroy would close our end of the output)
            assertTrue(new ProcessBuilder("kill", "-TERM", Long.toString(p.pid()))
                    .start()
                    .waitFor(30, java.util.concurrent.TimeUnit.SECONDS));
            assertTrue(p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS), "did not stop on SIGTERM:\n" + out);
            reader.join(java.time.Duration.ofSeconds(10));
            lines.forEach(l -> out.append(l).append('\n'));
        } finally {
            p.destroyForcibly();
        }
        assertTrue(out.toString().contains("done"), out.toString());
        assertFalse(out.toString().contains("all goroutines are asleep"), out.toString());
    }

    @Test
    void offMeansOff() throws Exception {
        String out = ChildJvm.run(DeadlockMain.class, List.of(), "cycle", "deadlock=off", "giveup=3000");
        assertTrue(reports(out) == 0, out);
        assertTrue(afterMillis(out) >= 3000, "released only by the watcher's give-up, 3 quiet seconds: " + out);
    }

    /**
     * Issue 11's false alarms: a weft virtual thread waits, without a deadline, for a value that
     * comes {@value DeadlockMain#LATE_MILLIS} ms later from outside its scheduler (another weft
     * scheduler's virtual thread or timer, a daemon scheduled executor, a delayed executor, a
     * virtual thread of the JDK's scheduler). Each scenario in its own JVM (any of them would
     * silence the others), all JVMs at once, at gomaxprocs 1 and 2.
     */
    @Test
    void neverFiresWhileAWakerOutsideTheSchedulerIsPending() throws Exception {
        Map<String, CompletableFuture<String>> children = new LinkedHashMap<>();
        for (String mode : List.of("other-weft", "executor", "delayed", "jdk-virtual", "other-timer")) {
            for (int procs : new int[] {1, 2}) {
                children.put(
                        mode + " procs=" + procs,
                        ChildJvm.start(DeadlockMain.class, List.of(), ChildJvm.TIMEOUT, mode, "procs=" + procs));
            }
        }
        List<String> failures = new ArrayList<>();
        for (Map.Entry<String, CompletableFuture<String>> c : children.entrySet()) {
            String out = ChildJvm.await(c.getValue());
            if (reports(out) != 0
                    || out.contains("ERROR")
                    || !out.contains("received=late")
                    || afterMillis(out) < DeadlockMain.LATE_MILLIS) {
                failures.add(c.getKey() + ":\n" + out);
            }
        }
        assertTrue(failures.isEmpty(), failures.size() + " false alarms:\n" + String.join("\n\n", failures));
    }
}
