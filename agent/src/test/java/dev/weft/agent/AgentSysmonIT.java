package dev.weft.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What weft's sysmon does keeps working under the agent, for plain JDK code: the hand-off of a
 * P whose carrier is blocked in file I/O (the JDK's own compensation works only on its
 * {@code CarrierThread}s, not on weft's), schedtrace, and the deadlock report, which must not
 * count the JDK's I/O pollers (virtual threads on weft now) and must stay silent for a thread
 * blocked in {@code accept()}.
 */
class AgentSysmonIT {
    private static final String DEADLOCK = "all goroutines are asleep - deadlock!";
    private static final String DEBUG_DEADLOCK_WATCH =
            "-Ddev.weft.agent.slf4j.simpleLogger.log.dev.weft.scheduler.engine.DeadlockWatch=debug";

    @TempDir
    Path tmp;

    @Test
    void aFileReadBlockingTheOnlyCarrierDoesNotStallOtherVirtualThreads() throws Exception {
        Path fifo = mkfifo(tmp.resolve("fifo"));
        String out = AgentJvm.withAgent(FifoReaderProgram.class, List.of("-Dgomaxprocs=1"), fifo.toString(), "50", "60")
                .ok();
        assertTrue(out.contains("ticker finished: ticks 50, reader still blocked true"), out);
        assertTrue(out.contains("reader read 5"), out);
        Matcher m = Pattern.compile("handoffs (\\d+)").matcher(out);
        assertTrue(m.find() && Long.parseLong(m.group(1)) > 0, "weft's MXBean counts sysmon's hand-off:\n" + out);
    }

    /** The same program without sysmon's hand-off: the ticker waits for the reader's carrier. */
    @Test
    void withoutTheHandoffTheBlockedCarrierStallsTheOthers() throws Exception {
        Path fifo = mkfifo(tmp.resolve("fifo"));
        String out = AgentJvm.withAgent(
                        FifoReaderProgram.class,
                        List.of("-Dgomaxprocs=1", "-Dweft.handoff=off"),
                        fifo.toString(),
                        "50",
                        "3")
                .ok();
        assertTrue(out.contains("ticker stalled: ticks 0, reader still blocked true"), out);
        assertTrue(out.contains("handoffs 0"), out);
    }

    @Test
    void schedtracePrintsGosSchedLines() throws Exception {
        try (LiveChild child = LiveChild.withAgent(
                ParkedUntilStdinProgram.class, List.of("-Dgomaxprocs=2", "-Dgomaxprocs.schedtrace=200"), "3")) {
            String line = child.awaitLine(l -> l.contains("SCHED "), 2, Duration.ofSeconds(60));
            assertTrue(
                    line.matches(
                            ".*dev\\.weft\\.scheduler\\.schedtrace - SCHED \\d+ms: gomaxprocs=2 idleprocs=\\d+ threads=\\d+"
                                    + " spinningthreads=\\d+ idlethreads=\\d+ runqueue=\\d+ \\[\\d+ \\d+\\]"),
                    line);
            child.send("go");
            child.awaitExit().ok();
        }
    }

    @Test
    void virtualThreadsParkedForeverOnEachOtherAreReported() throws Exception {
        String report = deadlockReport("queues", List.of(), child -> {});
        assertTrue(report.contains(DEADLOCK + " (2 virtual threads of weft-global parked)"), report);
    }

    @Test
    void afterSocketIoTheJdkPollersOnWeftNeitherWakeNorDeadlock() throws Exception {
        String report = deadlockReport("socket", List.of(), child -> {
            // the JDK's SubPoller-n are virtual threads of the default scheduler: weft's now
            Path json = tmp.resolve("threads.json");
            AgentViewsIT.jcmd(String.valueOf(child.pid()), "Thread.dump_to_file", "-format=json", json.toString());
            String dump = java.nio.file.Files.readString(json);
            assertTrue(dump.matches("(?s).*\"virtual\": true,\\s*\"name\": \"SubPoller-\\d+\".*"), dump);
        });
        assertTrue(report.contains("echoed ping"), report);
        assertTrue(
                report.contains(DEADLOCK + " (2 virtual threads of weft-global parked)"),
                "the pollers not counted:\n" + report);
        assertFalse(report.contains("sun.nio.ch.Poller"), "a poller listed as deadlocked:\n" + report);
    }

    /** A recording registers JFR's shutdown hook, which only dumps it: no waker. */
    @Test
    void aDeadlockIsReportedWhileJfrRecords() throws Exception {
        String report = deadlockReport("queues", List.of("-XX:StartFlightRecording"), child -> {});
        assertTrue(report.contains(DEADLOCK + " (2 virtual threads of weft-global parked)"), report);
    }

    /** java.util.logging's LogManager registers a shutdown hook that only closes its handlers: no waker. */
    @Test
    void aDeadlockIsReportedInAProgramThatUsesJavaUtilLogging() throws Exception {
        String report = deadlockReport("logging", List.of(), child -> {});
        assertTrue(report.contains("logged through java.util.logging"), report);
        assertTrue(report.contains(DEADLOCK + " (2 virtual threads of weft-global parked)"), report);
    }

    /** {@code close()} of a virtual-thread-per-task executor waits for its threads only (one-day timed waits in a loop). */
    @Test
    void tasksOfAnExecutorThatMainClosesAreReported() throws Exception {
        String report = deadlockReport("executor", List.of(), child -> {});
        assertTrue(report.contains(DEADLOCK + " (2 virtual threads of weft-global parked)"), report);
    }

    @Test
    void aVirtualThreadBlockedInAcceptIsNoDeadlock() throws Exception {
        try (LiveChild child =
                LiveChild.withAgent(DeadlockProgram.class, List.of("-Dgomaxprocs=2", DEBUG_DEADLOCK_WATCH), "accept")) {
            child.awaitLine("parked accept"::equals, 1, Duration.ofSeconds(60));
            // sysmon looks after 1 s of quiet, then 1 s later, then 2 s: wait for two looks that say why not
            child.awaitLine(
                    l -> l.contains("quiet, but no deadlock: VirtualThread[")
                            && l.contains(",deadlock-accept]")
                            && l.endsWith(" is OTHER"),
                    2,
                    Duration.ofSeconds(60));
            assertEquals(0, child.count(l -> l.contains(DEADLOCK)), child.output());
        }
    }

    /** What to look at in a deadlocked child once it was reported. */
    private interface Inspect {
        void check(LiveChild child) throws Exception;
    }

    /**
     * Runs {@link DeadlockProgram} in {@code mode} with {@code flags}, waits for weft's report and its two stacks,
     * runs {@code inspect}; the output.
     */
    private static String deadlockReport(String mode, List<String> flags, Inspect inspect) throws Exception {
        List<String> all = new java.util.ArrayList<>(List.of("-Dgomaxprocs=2", DEBUG_DEADLOCK_WATCH));
        all.addAll(flags);
        try (LiveChild child = LiveChild.withAgent(DeadlockProgram.class, all, mode)) {
            child.awaitLine(("parked " + mode)::equals, 1, Duration.ofSeconds(60));
            child.awaitLine(
                    l -> l.contains("ERROR dev.weft.scheduler.engine.DeadlockWatch - weft-global: " + DEADLOCK),
                    1,
                    Duration.ofSeconds(60));
            child.awaitLine(l -> l.contains("at dev.weft.agent.DeadlockProgram.lambda$"), 2, Duration.ofSeconds(10));
            inspect.check(child);
            String out = child.output();
            assertTrue(out.contains(",deadlock-taker-0]") && out.contains(",deadlock-taker-1]"), out);
            return out;
        }
    }

    /** A FIFO made with {@code mkfifo}. */
    static Path mkfifo(Path path) throws Exception {
        AgentJvm.Result r = AgentJvm.exec(List.of("mkfifo", path.toString()));
        assertEquals(0, r.exitCode(), r.output());
        return path;
    }
}
