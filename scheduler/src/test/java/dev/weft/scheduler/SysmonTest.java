package dev.weft.scheduler;

import static dev.weft.test.support.Await.awaitTrue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.scheduler.engine.CpuLimit;
import dev.weft.scheduler.engine.EngineAccess;
import dev.weft.scheduler.engine.SysmonSettings;
import dev.weft.test.support.ExpectedLog;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** sysmon's settings, its thread, the live CPU limit (Go 1.25) and the schedtrace line. */
@Timeout(60)
class SysmonTest {
    @TempDir
    Path tmp;

    // ---- settings (the builder's checks: BuilderTest) ----

    /** The settings that {@code properties} (property name, value, ...) give, the other properties unset. */
    private static SysmonSettings withProperties(String... properties) {
        java.util.Map<String, String> map = new java.util.HashMap<>();
        for (int i = 0; i < properties.length; i += 2) {
            map.put(properties[i], properties[i + 1]);
        }
        return SysmonSettings.from(map::get);
    }

    @Test
    void defaults() {
        SysmonSettings s = withProperties();
        assertEquals(TimeUnit.MILLISECONDS.toNanos(20), s.handoffNanos());
        assertEquals(10_000, s.maxThreads());
        assertEquals(0, s.schedtraceMillis());
        assertFalse(s.scheddetail());
        assertEquals(SysmonSettings.DeadlockMode.LOG, s.deadlock());
        assertEquals(TimeUnit.SECONDS.toNanos(30), s.keepAliveNanos());
        assertEquals(SysmonSettings.Source.PROPERTIES, s.source());
        SysmonSettings built = GoScheduler.builder().settings();
        assertEquals(SysmonSettings.Source.BUILDER, built.source(), "its messages name the builder's setters");
        assertEquals(
                new SysmonSettings(
                        s.handoffNanos(),
                        s.maxThreads(),
                        s.schedtraceMillis(),
                        s.scheddetail(),
                        s.deadlock(),
                        s.keepAliveNanos(),
                        SysmonSettings.Source.BUILDER),
                built,
                "a builder starts from the same defaults");
    }

    @Test
    void keepAlive() {
        assertEquals(
                TimeUnit.MILLISECONDS.toNanos(500),
                withProperties("weft.keepalive", "500ms").keepAliveNanos());
        assertEquals(
                TimeUnit.SECONDS.toNanos(90),
                withProperties("weft.keepalive", "90s").keepAliveNanos());
        for (String bad : new String[] {"off", "0", "10ms", "2h", "soon"}) {
            IllegalStateException e =
                    assertThrows(IllegalStateException.class, () -> withProperties("weft.keepalive", bad));
            assertTrue(
                    e.getMessage().startsWith("-Dweft.keepalive=" + bad + " is not valid: weft.keepalive must be"),
                    e.getMessage());
        }
    }

    @Test
    void parsesGoDurations() {
        assertEquals(5_000_000, withProperties("weft.handoff", "5ms").handoffNanos());
        assertEquals(500_000, withProperties("weft.handoff", "500us").handoffNanos());
        assertEquals(1_000_000_000, withProperties("weft.handoff", "1s").handoffNanos());
        assertEquals(7_000_000, withProperties("weft.handoff", " 7 ").handoffNanos());
        assertEquals(0, withProperties("weft.handoff", "off").handoffNanos());
        SysmonSettings all = withProperties(
                "weft.maxthreads",
                "1000",
                "gomaxprocs.schedtrace",
                "250",
                "gomaxprocs.scheddetail",
                "true",
                "weft.deadlock",
                "fail");
        assertEquals(1000, all.maxThreads());
        assertEquals(250, all.schedtraceMillis());
        assertTrue(all.scheddetail());
        assertEquals(SysmonSettings.DeadlockMode.FAIL, all.deadlock());
        assertEquals(
                SysmonSettings.DeadlockMode.OFF,
                withProperties("weft.deadlock", "OFF").deadlock());
    }

    @ParameterizedTest
    @ValueSource(strings = {"abc", "-5ms", "20 ms", "", "10us", "2h", "99999999999999999999"})
    void badHandoffNamesTheProperty(String value) {
        IllegalStateException e =
                assertThrows(IllegalStateException.class, () -> withProperties("weft.handoff", value));
        assertTrue(e.getMessage().startsWith("-Dweft.handoff=" + value + " is not valid"), e.getMessage());
        assertTrue(e.getMessage().contains("20ms"), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "abc", "-1", "1e4", "99999999999"})
    void badMaxThreadsNamesTheProperty(String value) {
        IllegalStateException e =
                assertThrows(IllegalStateException.class, () -> withProperties("weft.maxthreads", value));
        assertEquals(
                "-Dweft.maxthreads=" + value + " is not valid: weft.maxthreads must be an integer from 1 to "
                        + Integer.MAX_VALUE,
                e.getMessage());
    }

    @Test
    void otherBadValues() {
        assertEquals(
                "-Dgomaxprocs.schedtrace=soon is not valid: gomaxprocs.schedtrace must be a period in"
                        + " milliseconds from 0 (off) to 86400000",
                assertThrows(IllegalStateException.class, () -> withProperties("gomaxprocs.schedtrace", "soon"))
                        .getMessage());
        assertTrue(assertThrows(IllegalStateException.class, () -> withProperties("gomaxprocs.scheddetail", "yes"))
                .getMessage()
                .contains("true or false"));
        assertEquals(
                "-Dweft.deadlock=panic is not valid: weft.deadlock must be log, fail or off",
                assertThrows(IllegalStateException.class, () -> withProperties("weft.deadlock", "panic"))
                        .getMessage());
    }

    // ---- the thread ----

    @Test
    void oneSysmonPerSchedulerThatEndsWithIt() throws Exception {
        GoScheduler s = GoScheduler.create(1);
        Thread sysmon = EngineAccess.sysmonThread(s.scheduler());
        assertEquals(s.name() + "-sysmon", sysmon.getName());
        assertTrue(sysmon.isDaemon());
        awaitTrue("sysmon started", 10_000, sysmon::isAlive);
        s.go(() -> {}).join();
        s.close();
        sysmon.join(10_000);
        assertFalse(sysmon.isAlive(), "sysmon exits when the scheduler terminated");
    }

    // ---- live GOMAXPROCS ----

    /** A cgroup v2 container whose cpu.max the test rewrites, as a resize of the container would. */
    private int containerCpus() {
        return CpuLimit.containerAwareCpus(tmp.resolve("proc/self"), tmp, () -> 64);
    }

    private void container(String cpuMax) throws IOException {
        write("proc/self/status", "Name:\tjava\nCpus_allowed_list:\t0-63\n");
        write("proc/self/cgroup", "0::/app\n");
        write(
                "proc/self/mountinfo",
                "30 23 0:26 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:4 - cgroup2 cgroup2 rw\n");
        write("sys/fs/cgroup/app/cpu.max", cpuMax + "\n");
    }

    private void write(String relative, String content) throws IOException {
        Path file = tmp.resolve(relative);
        Files.createDirectories(file.getParent());
        Path next = file.resolveSibling(file.getFileName() + ".new");
        Files.writeString(next, content);
        Files.move(
                next,
                file,
                java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE); // sysmon never reads half a file
    }

    @Test
    void followsTheContainerCpuLimitLive() throws Exception {
        container("300000 100000"); // 3 CPUs
        try (ExpectedLog log = ExpectedLog.capture(
                        "INFO",
                        "weft-test-cgroup: CPU limit changed, gomaxprocs 3 -> 6",
                        "weft-test-cgroup: CPU limit changed, gomaxprocs 6 -> 2");
                GoScheduler s = GoScheduler.builder()
                        .name("weft-test-cgroup")
                        .cpuLimit(this::containerCpus)
                        .build()) {
            assertEquals(3, s.gomaxprocs());
            container("600000 100000");
            awaitTrue("gomaxprocs follows the quota up to 6", 10_000, () -> s.gomaxprocs() == 6);
            container("150000 100000"); // 1.5 CPUs: ceil, then raised to Go's minimum of 2
            awaitTrue("gomaxprocs follows the quota down to 2", 10_000, () -> s.gomaxprocs() == 2);
            assertEquals(2, s.stats().localQueues().length);
            s.go(() -> {}).join(); // still schedules
            log.await(Duration.ofSeconds(10)); // sysmon says so, once per change
        }
    }

    /** Builder review P1: a P the CPU limit adds past maxThreads would never have a carrier. */
    @Test
    void theCpuLimitGrowsGomaxprocsUpToMaxThreadsOnly() {
        AtomicInteger cpus = new AtomicInteger(2);
        try (ExpectedLog log = ExpectedLog.capture(
                        "INFO",
                        ": CPU limit changed, gomaxprocs 2 -> 4",
                        ": CPU limit changed, gomaxprocs 4 -> 3",
                        ": CPU limit changed, gomaxprocs 3 -> 4");
                GoScheduler s =
                        GoScheduler.builder().maxThreads(4).cpuLimit(cpus::get).build()) {
            assertEquals(2, s.gomaxprocs());
            cpus.set(8);
            awaitTrue("gomaxprocs grows to maxThreads, 4, not to 8", 10_000, () -> s.gomaxprocs() == 4);
            cpus.set(3);
            awaitTrue("and still follows the limit below it", 10_000, () -> s.gomaxprocs() == 3);
            cpus.set(100);
            awaitTrue("capped again", 10_000, () -> s.gomaxprocs() == 4);
            assertTrue(EngineAccess.followsCpuLimit(s.scheduler()));
            log.await(Duration.ofSeconds(10));
        }
    }

    @Test
    void anExplicitSizeIsNotOverridden() throws Exception {
        container("300000 100000");
        try (GoScheduler s = GoScheduler.createFollowing("weft-test-cgroup-explicit", false, this::containerCpus)) {
            assertEquals(3, s.gomaxprocs());
            s.gomaxprocs(5); // by hand: the CPU limit no longer decides
            container("800000 100000");
            // two re-read periods: a follower would have resized by now
            Thread probe = s.go(() -> {});
            probe.join();
            assertFalse(EngineAccess.followsCpuLimit(s.scheduler()));
            long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(2500);
            while (System.nanoTime() < end) {
                assertEquals(5, s.gomaxprocs());
                Thread.onSpinWait();
                s.awaitTermination(java.time.Duration.ofMillis(50));
            }
        }
    }

    @Test
    void createWithASizeDoesNotFollow() {
        try (GoScheduler s = GoScheduler.create(3)) {
            assertFalse(EngineAccess.followsCpuLimit(s.scheduler()));
        }
    }

    // ---- schedtrace ----

    @Test
    void schedtraceLineIsGosFormat() {
        try (GoScheduler s = GoScheduler.create(4)) {
            String line = s.stats().schedtrace();
            assertTrue(
                    line.matches("gomaxprocs=4 idleprocs=\\d+ threads=\\d+ spinningthreads=\\d+ idlethreads=\\d+"
                            + " runqueue=\\d+ \\[\\d+ \\d+ \\d+ \\d+]"),
                    line);
            assertFalse(EngineAccess.schedDetail(s.scheduler()).isEmpty());
            assertTrue(
                    EngineAccess.schedDetail(s.scheduler()).get(0).startsWith("P0: status="),
                    EngineAccess.schedDetail(s.scheduler()).toString());
        }
    }
}
