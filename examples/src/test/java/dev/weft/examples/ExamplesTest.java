package dev.weft.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.channels.Context;
import dev.weft.channels.ContextException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Runs every channel example and checks what it prints. */
@Timeout(30)
class ExamplesTest {

    /** Collects what an example prints. */
    private static final class Output {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);

        List<String> lines() {
            return bytes.toString(StandardCharsets.UTF_8).lines().toList();
        }

        String text() {
            return bytes.toString(StandardCharsets.UTF_8);
        }
    }

    @Test
    void workerPool() throws InterruptedException {
        Output o = new Output();
        assertEquals(90, WorkerPool.run(o.out, 9)); // 2 * (1 + ... + 9)
        List<String> lines = o.lines();
        assertEquals(10, lines.size(), o.text());
        assertEquals("processed 9 jobs with 3 workers; sum of results = 90", lines.get(9));
        for (int job = 1; job <= 9; job++) {
            String suffix = " finished job " + job + " -> " + 2 * job;
            assertEquals(1, lines.stream().filter(l -> l.endsWith(suffix)).count(), o.text());
        }
        assertTrue(lines.stream().limit(9).allMatch(l -> l.matches("worker [1-3] finished job \\d+ -> \\d+")));
    }

    @Test
    void fanOutFanIn() throws InterruptedException {
        Output o = new Output();
        assertEquals(338_350, FanOutFanIn.run(o.out, 100));
        List<String> lines = o.lines();
        assertEquals("sum of squares 1..100 = 338350", lines.getLast());
        int total = 0;
        for (int w = 0; w < FanOutFanIn.WORKERS; w++) {
            String prefix = "worker " + w + " squared ";
            String line =
                    lines.stream().filter(l -> l.startsWith(prefix)).findFirst().orElseThrow();
            total += Integer.parseInt(line.substring(prefix.length()).split(" ")[0]);
        }
        assertEquals(100, total, o.text());
    }

    @Test
    void selectTimeout() throws InterruptedException {
        Output o = new Output();
        SelectTimeout.run(o.out);
        List<String> lines = o.lines();
        assertEquals(2, lines.size(), o.text());
        assertTrue(lines.get(0).startsWith("fast source: received 'fast result'"), o.text());
        assertTrue(lines.get(1).startsWith("slow source: timed out after 500 ms"), o.text());
    }

    @Test
    void contextTimeout() throws InterruptedException {
        Output o = new Output();
        ContextException err = ContextTimeout.run(o.out);
        assertSame(Context.DEADLINE_EXCEEDED, err);
        List<String> lines = o.lines();
        assertTrue(lines.contains("context done: context deadline exceeded"), o.text());
        String last = lines.getLast();
        assertTrue(
                last.matches("work stopped after \\d+ of 10 steps; ctx.err\\(\\) = context deadline exceeded"), last);
        int steps = Integer.parseInt(last.split(" ")[3]);
        // 3 on an idle machine; fewer when the machine is loaded (the worker may start late), never 4 or
        // more: step k's timer is due at k * 100 ms or later, after the 350 ms deadline, for k >= 4
        assertTrue(steps >= 0 && steps <= 3, last);
        for (int k = 1; k <= steps; k++) {
            assertTrue(lines.contains("step " + k + " done"), o.text());
        }
    }

    @Test
    void primeSieve() throws InterruptedException {
        Output o = new Output();
        List<Integer> primes = PrimeSieve.run(o.out, 20);
        assertEquals(List.of(2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 53, 59, 61, 67, 71), primes);
        List<String> lines = o.lines();
        assertEquals("2", lines.getFirst());
        assertEquals("71", lines.get(19));
        assertEquals("the 20th prime is 71 (21 goroutines)", lines.getLast());

        Output one = new Output();
        assertEquals(List.of(2), PrimeSieve.run(one.out, 1));
        assertTrue(one.text().contains("the 1st prime is 2"), one.text());
        assertEquals("22nd", PrimeSieve.ordinal(22));
        assertEquals("13th", PrimeSieve.ordinal(13));
    }

    @Test
    void errGroupFetch() throws IOException, InterruptedException {
        Output o = new Output();
        Optional<Throwable> err = ErrGroupFetch.run(o.out);
        assertTrue(err.orElseThrow() instanceof IOException, String.valueOf(err));
        List<String> lines = o.lines();
        assertTrue(lines.contains("first error: GET /missing: HTTP 404"), o.text());
        assertTrue(lines.contains("fetched /users: {\"page\": \"users\"}"), o.text());
        assertTrue(lines.contains("group context done after await: true"), o.text());
        assertEquals(3, lines.stream().filter(l -> l.startsWith("fetched ")).count(), o.text());
    }

    /**
     * Blocked carriers get their P handed on (by sysmon, or at once by {@code blocking}); computing
     * ones keep it, and no more carriers than Ps run them.
     */
    @Test
    void blockingCalls() throws Exception {
        Output o = new Output();
        List<BlockingCalls.Round> rounds = BlockingCalls.run(o.out, 1, 2);
        BlockingCalls.Round blocked = rounds.get(0);
        BlockingCalls.Round blocking = rounds.get(1);
        BlockingCalls.Round computing = rounds.get(2);
        assertTrue(blocked.handoffs() >= 1, o.text());
        assertTrue(blocked.maxCarriers() >= 2, o.text());
        assertEquals(2, blocking.handoffs(), "each blocking() call hands its P on once: " + o.text());
        assertEquals(0, computing.handoffs(), o.text());
        assertEquals(1, computing.maxCarriers(), o.text());
        assertTrue(o.lines().get(0).startsWith("gomaxprocs=1, 2 virtual threads"), o.text());
    }
}
