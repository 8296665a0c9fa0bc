package dev.weft.scheduler.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.scheduler.DeadlockMode;
import dev.weft.scheduler.GoScheduler;
import dev.weft.scheduler.TestAccess;
import dev.weft.test.support.ChildJvm;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The property path of {@code GoScheduler.create()}: each {@code -Dweft.*} and
 * {@code -Dgomaxprocs*} property, given on a child JVM's command line, is what {@code create()}
 * uses (the parsers: {@code SysmonTest}, {@code DefaultGomaxprocsTest}; the same settings in
 * code: {@code BuilderTest}).
 */
class PropertiesTest {

    @Test
    void createReadsEveryProperty() throws Exception {
        String out = ChildJvm.run(
                PropertiesMain.class,
                List.of(
                        "-Dgomaxprocs=3",
                        "-Dweft.handoff=5ms",
                        "-Dweft.maxthreads=7",
                        "-Dgomaxprocs.schedtrace=0",
                        "-Dgomaxprocs.scheddetail=true",
                        "-Dweft.deadlock=fail",
                        "-Dweft.keepalive=90s"));
        String settings = "SysmonSettings[handoffNanos=5000000, maxThreads=7, schedtraceMillis=0, scheddetail=true,"
                + " deadlock=FAIL, keepAliveNanos=90000000000, source=PROPERTIES]";
        assertTrue(out.contains("create: gomaxprocs=3 " + settings), out);
        assertTrue(out.contains("create(1): " + settings), "create(n) reads sysmon's properties too:\n" + out);
    }

    @Test
    void aBadPropertyFailsCreateNamingItAndTheValue() throws Exception {
        String out = ChildJvm.run(PropertiesMain.class, List.of("-Dgomaxprocs=abc", "-Dweft.maxthreads=lots"));
        assertTrue(
                out.contains("create threw: -Dgomaxprocs=abc is not valid: gomaxprocs must be an integer from 1"
                        + " to 1024"),
                out);
        assertTrue(
                out.contains("create(1) threw: -Dweft.maxthreads=lots is not valid: weft.maxthreads must be an"
                        + " integer from 1 to " + Integer.MAX_VALUE),
                out);
    }

    /**
     * Builder review P1, the property path: {@code -Dweft.maxthreads} below the size fails
     * {@code create()} and {@code create(n)} as the other property errors do, naming both values.
     */
    @Test
    void maxThreadsBelowTheSizeFailsCreate() throws Exception {
        String out = ChildJvm.run(PropertiesMain.class, List.of("-Dgomaxprocs=3", "-Dweft.maxthreads=2"), "4");
        assertTrue(
                out.contains(
                        "create threw: -Dweft.maxthreads=2 is below gomaxprocs 3: each P needs a carrier of"
                                + " its own, so 1 P(s) would never run: set -Dweft.maxthreads=3 or more, or gomaxprocs 2 or less"),
                out);
        assertTrue(out.contains("create(1): SysmonSettings[handoffNanos=20000000, maxThreads=2,"), "enough: " + out);
        assertTrue(out.contains("create(4) threw: -Dweft.maxthreads=2 is below gomaxprocs 4:"), out);
    }

    /** The builder's settings, not the properties', are what the engine of a built scheduler runs with. */
    @Test
    void theBuildersSettingsReachTheEngine() {
        try (GoScheduler s = GoScheduler.builder()
                .gomaxprocs(1)
                .handoffThreshold(Duration.ZERO)
                .keepAlive(Duration.ofMillis(500))
                .maxThreads(3)
                .deadlockMode(DeadlockMode.OFF)
                .schedtrace(Duration.ofSeconds(2))
                .scheddetail(true)
                .build()) {
            assertEquals(
                    new SysmonSettings(
                            0,
                            3,
                            2000,
                            true,
                            SysmonSettings.DeadlockMode.OFF,
                            500_000_000,
                            SysmonSettings.Source.BUILDER),
                    ((CarrierScheduler) TestAccess.engine(s)).settings);
            assertEquals(3, ((CarrierScheduler) TestAccess.engine(s)).maxThreads);
        }
    }
}
