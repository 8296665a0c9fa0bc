package dev.weft.scheduler;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
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
        assertTrue(out.contains("ERROR dev.weft.scheduler.DeadlockWatch - weft-1: all goroutines are asleep - deadlock!"
                + " (2 virtual threads of weft-1 parked)"), out);
        assertTrue(out.contains("java.util.concurrent.CountDownLatch.await("), "each thread's stack: " + out);
        assertTrue(out.contains("java.lang.Thread.join("), out);
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

    @Test
    void offMeansOff() throws Exception {
        String out = ChildJvm.run(DeadlockMain.class, List.of("-Dweft.deadlock=off"), "cycle", "3000");
        assertTrue(reports(out) == 0, out);
        assertTrue(afterMillis(out) >= 3000, "released only by the watcher's give-up, 3 quiet seconds: " + out);
    }
}
