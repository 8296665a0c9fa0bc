package dev.weft.scheduler;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.scheduler.engine.TimerQueue;
import dev.weft.test.support.ChildJvm;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Issue 11 part 2: the timers of timed parks that end early (the JDK cancels them) must not be
 * kept until their deadline. Memory held by timers is proportional to the live ones. Runs
 * {@link EarlyEndedWaitsMain} in a child JVM with a 64 MB heap.
 */
class TimerMemoryTest {

    @Test
    void cancelledTimersOfEarlyEndedParksAreDroppedLongBeforeTheirDeadline() throws Exception {
        String out = ChildJvm.run(EarlyEndedWaitsMain.class, List.of("-Xmx64m", "-XX:+UseG1GC"), "300000", "100000");
        long growthKb = number(out, "heapGrowthKB");
        // ~56 bytes per wait before the fix: +16 MB after 300k waits; the JDK's own scheduler: a few 100 KB
        assertTrue(growthKb < 4096, "heap grew by " + growthKb + " KB after 300k early-ended waits:\n" + out);
        assertTrue(
                number(out, "cancelledHeld") <= 2 * TimerQueue.PURGE_MIN,
                "cancelled timers held, with none live:\n" + out);
        // each cancelled timer kept its task, and so its thread, until the deadline (an hour)
        assertTrue(number(out, "endedThreadsReachable") < 1000, "ended threads still reachable:\n" + out);
    }

    private static long number(String out, String key) {
        Matcher m = Pattern.compile(key + "=(-?\\d+)").matcher(out);
        long last = Long.MIN_VALUE;
        while (m.find()) {
            last = Long.parseLong(m.group(1));
        }
        assertTrue(last != Long.MIN_VALUE, key + " not printed:\n" + out);
        return last;
    }
}
