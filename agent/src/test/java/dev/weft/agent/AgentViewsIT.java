package dev.weft.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The JDK's own views of virtual threads show weft under the agent: the
 * {@code VirtualThreadSchedulerMXBean}, {@code jcmd Thread.vthread_scheduler}, thread dumps, and
 * JFR's virtual-thread events beside weft's own.
 */
class AgentViewsIT {
    @TempDir
    Path tmp;

    @Test
    void virtualThreadSchedulerMXBeanIsWeftsGlobalScheduler() throws Exception {
        String out = AgentJvm.withAgent(SchedulerBeanProgram.class, List.of("-Dgomaxprocs=2"))
                .ok();
        assertTrue(out.contains("\nparallelism 2\n") || out.startsWith("parallelism 2\n"), out);
        Matcher m = Pattern.compile("from a virtual thread: mounted (-?\\d+) queued (-?\\d+) poolSize (-?\\d+)")
                .matcher(out);
        assertTrue(m.find(), out);
        int mounted = Integer.parseInt(m.group(1));
        long queued = Long.parseLong(m.group(2));
        int poolSize = Integer.parseInt(m.group(3));
        assertTrue(mounted >= 1 && mounted <= 2, "mounted (read from a virtual thread, 2 Ps): " + mounted + "\n" + out);
        assertTrue(queued >= 0, "queued: " + queued + "\n" + out);
        assertTrue(poolSize >= 1, "pool size (carriers) while one runs: " + poolSize + "\n" + out);
        assertTrue(out.contains("after setParallelism(3) 3"), out);
        assertTrue(out.contains("weft Gomaxprocs 3"), "weft's own MXBean agrees:\n" + out);
        for (int bad : new int[] {0, -1, 1025}) {
            assertTrue(
                    out.contains("setParallelism(" + bad + ") IllegalArgumentException: parallelism (gomaxprocs)"
                            + " must be from 1 to 1024, got " + bad),
                    out);
        }
        assertTrue(out.contains("after bad sizes 3"), "a refused size changes nothing:\n" + out);
    }

    @Test
    void jcmdShowsTheSchedulerAndThreadDumpsListParkedVirtualThreads() throws Exception {
        int parked = 5;
        try (LiveChild child =
                LiveChild.withAgent(ParkedUntilStdinProgram.class, List.of("-Dgomaxprocs=2"), String.valueOf(parked))) {
            child.awaitLine(l -> l.startsWith("ready "), 1, Duration.ofSeconds(60));
            String pid = String.valueOf(child.pid());

            String sched = jcmd(pid, "Thread.vthread_scheduler");
            assertTrue(
                    sched.matches(
                            "(?s).*GoScheduler weft-global gomaxprocs=2 idleprocs=\\d+ threads=\\d+ spinningthreads=\\d+ idlethreads=\\d+ runqueue=\\d+ \\[\\d+ \\d+\\].*"),
                    "Go's schedtrace line:\n" + sched);

            Path json = tmp.resolve("threads.json");
            String dumped = jcmd(pid, "Thread.dump_to_file", "-format=json", json.toString());
            assertTrue(Files.isRegularFile(json), dumped);
            String dump = Files.readString(json);
            for (int i = 0; i < parked; i++) {
                assertTrue(
                        dump.contains("\"views-parked-" + i + "\""),
                        "views-parked-" + i + " not in the dump:\n" + dump);
            }
            assertTrue(dump.contains("java.util.concurrent.CountDownLatch.await"), "their stacks:\n" + dump);

            String print = jcmd(pid, "Thread.print");
            assertTrue(print.contains("\"main\"") && print.contains("weft-global-sysmon"), print);

            child.send("go");
            child.awaitExit().ok();
        }
    }

    @Test
    void jfrRecordsVirtualThreadStartAndEndOfTheProgramAndWeftsResize() throws Exception {
        Path file = tmp.resolve("views.jfr");
        int n = 20;
        String out = AgentJvm.withAgent(JfrProgram.class, List.of("-Dgomaxprocs=2"), file.toString(), String.valueOf(n))
                .ok();
        Matcher m = Pattern.compile("ids ([\\d,]+)").matcher(out);
        assertTrue(m.find(), out);
        Set<Long> ids = Arrays.stream(m.group(1).split(",")).map(Long::valueOf).collect(Collectors.toSet());
        assertEquals(n, ids.size(), out);
        List<RecordedEvent> events = RecordingFile.readAllEvents(file);
        assertTrue(threadIds(events, "jdk.VirtualThreadStart").containsAll(ids), "a start event for each: " + out);
        assertTrue(threadIds(events, "jdk.VirtualThreadEnd").containsAll(ids), "an end event for each: " + out);
        List<RecordedEvent> resizes = events.stream()
                .filter(e -> e.getEventType().getName().equals("dev.weft.Resize"))
                .toList();
        assertEquals(1, resizes.size(), resizes.toString());
        assertEquals("weft-global", resizes.get(0).getString("scheduler"));
        assertEquals(2, resizes.get(0).getInt("from"));
        assertEquals(3, resizes.get(0).getInt("to"));
        assertEquals("jmx", resizes.get(0).getString("reason"));
    }

    @Test
    void startFlightRecordingWithProfileSettingsRecordsVirtualThreadsAndSysmonsHandoff() throws Exception {
        Path fifo = AgentSysmonIT.mkfifo(tmp.resolve("fifo"));
        Path file = tmp.resolve("profile.jfr");
        String out = AgentJvm.withAgent(
                        FifoReaderProgram.class,
                        List.of(
                                "-Dgomaxprocs=1",
                                "-XX:StartFlightRecording=filename=" + file + ",settings=profile,"
                                        + "jdk.VirtualThreadStart#enabled=true,jdk.VirtualThreadEnd#enabled=true"),
                        fifo.toString(),
                        "50",
                        "60")
                .ok();
        List<RecordedEvent> events = RecordingFile.readAllEvents(file);
        Set<String> started = events.stream()
                .filter(e -> e.getEventType().getName().equals("jdk.VirtualThreadStart"))
                .map(e -> e.getThread().getJavaName())
                .collect(Collectors.toSet());
        assertTrue(started.containsAll(Set.of("fifo-reader", "ticker")), started + "\n" + out);
        assertTrue(
                events.stream()
                        .anyMatch(e -> e.getEventType().getName().equals("jdk.VirtualThreadEnd")
                                && "ticker".equals(e.getThread().getJavaName())),
                out);
        List<RecordedEvent> handoffs = events.stream()
                .filter(e -> e.getEventType().getName().equals("dev.weft.Handoff"))
                .toList();
        assertFalse(handoffs.isEmpty(), "no dev.weft.Handoff in the recording:\n" + out);
        assertEquals("weft-global", handoffs.get(0).getString("scheduler"));
        assertEquals("sysmon", handoffs.get(0).getString("reason"));
    }

    private static Set<Long> threadIds(List<RecordedEvent> events, String type) {
        return events.stream()
                .filter(e -> e.getEventType().getName().equals(type))
                .map(e -> e.getLong("javaThreadId"))
                .collect(Collectors.toSet());
    }

    /** Runs {@code jcmd pid command...}: exit 0 within 120 s (no hang). */
    static String jcmd(String pid, String... command) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of(LiveChild.jcmd(), pid));
        cmd.addAll(List.of(command));
        AgentJvm.Result r = AgentJvm.exec(cmd);
        assertEquals(0, r.exitCode(), r.output());
        return r.output();
    }
}
