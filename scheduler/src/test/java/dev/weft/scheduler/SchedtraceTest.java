package dev.weft.scheduler;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.test.support.ChildJvm;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@code -Dgomaxprocs.schedtrace} and {@code -Dgomaxprocs.scheddetail} (or {@code GoScheduler.Builder#schedtrace}),
 * in a child JVM that logs through slf4j-simple.
 */
class SchedtraceTest {
    private static final Pattern LINE = Pattern.compile("SCHED \\d+ms: gomaxprocs=2 idleprocs=[0-2] threads=\\d+"
            + " spinningthreads=\\d+ idlethreads=\\d+ runqueue=\\d+ \\[\\d+ \\d+]");

    private static String runChild(String... flags) throws Exception {
        return ChildJvm.run(SchedtraceMain.class, List.of(flags));
    }

    /** Set by the builder; the properties' path: {@link #scheddetailAddsALinePerPAndPerCarrier}. */
    @Test
    void logsGosLineEveryPeriod() throws Exception {
        String output = ChildJvm.run(SchedtraceMain.class, List.of(), "builder");
        long lines = output.lines().filter(l -> LINE.matcher(l).find()).count();
        assertTrue(
                lines >= SchedtraceMain.LINES,
                "the child runs until it printed " + SchedtraceMain.LINES + " lines at 100 ms, or 20 s:\n" + output);
        assertTrue(output.lines().noneMatch(l -> l.contains(" P0: status=")), "no detail unless asked:\n" + output);
    }

    @Test
    void scheddetailAddsALinePerPAndPerCarrier() throws Exception {
        String output = runChild("-Dgomaxprocs.schedtrace=100", "-Dgomaxprocs.scheddetail=true");
        assertTrue(output.lines().anyMatch(l -> LINE.matcher(l).find()), output);
        assertTrue(
                output.lines().anyMatch(l -> l.matches(".*  P0: status=\\d schedtick=\\d+ runtick=\\d+ m=.*")), output);
        assertTrue(output.lines().anyMatch(l -> l.matches(".*  P1: status=\\d.*")), output);
        assertTrue(
                output.lines()
                        .anyMatch(l -> l.matches(
                                ".*  weft-\\d+-carrier-\\d+: p=-?\\d+ curg=.* spinning=(true|false) blocked=false.*")),
                output);
    }
}
