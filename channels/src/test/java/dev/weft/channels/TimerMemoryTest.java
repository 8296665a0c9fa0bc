package dev.weft.channels;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.test.support.ChildJvm;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Issue 11 part 2: memory held by timers is proportional to the live ones. Runs
 * {@link TimerMemoryMain} in a child JVM with a 64 MB heap: 300k one-hour receives that end early
 * (timed parks, cancelled), then 10^6 selects on a one-hour {@code after} that loses.
 */
class TimerMemoryTest {

    @Test
    void earlyEndedWaitsAndUnreferencedAftersHoldNoMemory() throws Exception {
        String out = runChild("300000", "1000000");
        long growthKb = number(out, "heapGrowthKB");
        assertTrue(growthKb < 4096, "heap grew by " + growthKb + " KB after 300k early-ended receives:\n" + out);
        long left = number(out, "afterEntriesLeft");
        assertTrue(
                left < 1000,
                left + " heap entries of collected after() channels left, no timer scheduled since:\n" + out);
    }

    private static String runChild(String... args) throws Exception {
        String out =
                ChildJvm.run(TimerMemoryMain.class, List.of("-Xmx64m", "-XX:+UseG1GC"), Duration.ofSeconds(120), args);
        assertTrue(out.contains("done"), out);
        return out;
    }

    private static long number(String out, String key) {
        Matcher m = Pattern.compile(key + "=(-?\\d+)").matcher(out);
        assertTrue(m.find(), key + " not printed:\n" + out);
        return Long.parseLong(m.group(1));
    }
}
