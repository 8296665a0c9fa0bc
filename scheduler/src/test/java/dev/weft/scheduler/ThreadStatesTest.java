package dev.weft.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.weft.scheduler.engine.EngineAccess;
import dev.weft.scheduler.engine.ThreadStates;
import dev.weft.test.support.Await;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@link ThreadStates}: parsing /proc stat lines, reading them, and sysmon's blocked rule on top. */
@Timeout(60)
class ThreadStatesTest {
    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);

    @TempDir
    Path tmp;

    private static int parse(String line) {
        byte[] bytes = line.getBytes(StandardCharsets.ISO_8859_1);
        return ThreadStates.parseState(ByteBuffer.wrap(bytes), bytes.length);
    }

    @Test
    void stateIsTheFieldAfterTheLastParenthesis() {
        assertEquals(ThreadStates.RUNNABLE, parse("5678 (java) R 1 2 3"));
        assertEquals(ThreadStates.ASLEEP, parse("5678 (weft-1-carrier) S 1 2 3"));
        assertEquals(ThreadStates.ASLEEP, parse("5678 (cat) D 1 2 3"));
        // a comm may hold spaces and parentheses, even ") R": only the last ')' ends it
        assertEquals(ThreadStates.ASLEEP, parse("5678 (weft-1 carrier (x)) S 1 2 3"));
        assertEquals(ThreadStates.RUNNABLE, parse("5678 (a) S (b)) R 1 2 3"));
        assertEquals(ThreadStates.ASLEEP, parse("5678 (a) R (b)) S 1 2 3"));
    }

    @Test
    void otherOrBrokenStatesAreUnknown() {
        for (String line : new String[] {
            "5678 (java) T 1",
            "5678 (java) Z 1",
            "5678 (java) t 1",
            "5678 (java) I 1",
            "5678 (java)",
            "5678 (java) ",
            "5678 (java)S 1",
            "5678 java S 1",
            ""
        }) {
            assertEquals(ThreadStates.UNKNOWN, parse(line), line);
        }
    }

    @Test
    void tidFromTheThreadSelfLink() {
        assertEquals(5678, ThreadStates.tidOf("1234/task/5678"));
        assertEquals(5678, ThreadStates.tidOf("/proc/1234/task/5678")); // what File.getCanonicalPath gives
        assertEquals(ThreadStates.NO_TID, ThreadStates.tidOf("1234/task/"));
        assertEquals(ThreadStates.NO_TID, ThreadStates.tidOf("1234/tasks/5678"));
        assertEquals(ThreadStates.NO_TID, ThreadStates.tidOf("5678"));
        assertEquals(ThreadStates.NO_TID, ThreadStates.tidOf("1234/task/x"));
        assertEquals(ThreadStates.NO_TID, ThreadStates.tidOf("1234/task/-3"));
    }

    @Test
    void readsAStatFileWhoseCommHasParentheses() throws Exception {
        Path stat = tmp.resolve("stat");
        Files.writeString(stat, "5678 (weft-1 carrier (x)) D 1 5678 5678 0 -1 4194624 156 0 0 0 3 1\n");
        try (ThreadStates.Stat s = ThreadStates.Stat.open(5678, stat)) {
            assertNotNull(s);
            assertEquals(ThreadStates.ASLEEP, s.state());
            Files.writeString(stat, "5678 (weft-1 carrier (x)) R 1 5678\n"); // re-read from offset 0
            assertEquals(ThreadStates.RUNNABLE, s.state());
        }
    }

    @Test
    void noTidOrNoProcMeansNoStat() {
        assertNull(ThreadStates.Stat.open(ThreadStates.NO_TID));
        assertNull(ThreadStates.Stat.open(5678, tmp.resolve("no-such-proc/stat")), "not Linux: no /proc");
    }

    private static boolean linux() {
        return Files.isSymbolicLink(Path.of("/proc/thread-self"));
    }

    @Test
    void readsLiveThreadsAndAThreadThatExited() throws Exception {
        assumeTrue(linux(), "Linux only");
        int self = ThreadStates.currentTid();
        assertTrue(self > 0, "tid " + self);
        try (ThreadStates.Stat s = ThreadStates.Stat.open(self)) {
            assertEquals(ThreadStates.RUNNABLE, s.state(), "the reading thread runs");
        }

        AtomicInteger tid = new AtomicInteger();
        CountDownLatch parked = new CountDownLatch(1);
        AtomicBoolean release = new AtomicBoolean();
        Thread sleeper = new Thread(() -> {
            tid.set(ThreadStates.currentTid());
            parked.countDown();
            while (!release.get()) {
                LockSupport.park();
            }
        });
        sleeper.start();
        assertTrue(parked.await(10, TimeUnit.SECONDS));
        ThreadStates.Stat s = ThreadStates.Stat.open(tid.get());
        assertNotNull(s);
        Await.awaitTrue("the parked thread reads S", 10_000, () -> s.state() == ThreadStates.ASLEEP);
        release.set(true);
        LockSupport.unpark(sleeper);
        sleeper.join();
        Await.awaitTrue("the task is reaped", 10_000, () -> s.state() == ThreadStates.UNKNOWN);
        assertEquals(ThreadStates.UNKNOWN, s.state(), "the file vanished: closed, stays unknown");
        s.close();
        assertNull(ThreadStates.Stat.open(tid.get()), "no such thread any more");
    }

    @Test
    void readingAllocatesNothing() {
        assumeTrue(linux(), "Linux only");
        com.sun.management.ThreadMXBean mx =
                (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        assumeTrue(mx.isThreadAllocatedMemorySupported() && mx.isThreadAllocatedMemoryEnabled());
        try (ThreadStates.Stat s = ThreadStates.Stat.open(ThreadStates.currentTid())) {
            for (int i = 0; i < 20_000; i++) { // warm up
                s.state();
            }
            long before = mx.getCurrentThreadAllocatedBytes();
            int runnable = 0;
            for (int i = 0; i < 10_000; i++) {
                runnable += s.state() == ThreadStates.RUNNABLE ? 1 : 0;
            }
            long bytes = mx.getCurrentThreadAllocatedBytes() - before;
            assertEquals(10_000, runnable);
            assertTrue(bytes < 10_000, bytes + " bytes for 10000 reads: sysmon's reads must not allocate");
        }
    }

    // ---- sysmon's blocked rule, points 2 and 3 ----

    @Test
    void runnableAtEitherEndIsNeverBlocked() {
        assertFalse(EngineAccess.isBlocked(0, 0, 10 * MS, ThreadStates.RUNNABLE, ThreadStates.ASLEEP));
        assertFalse(EngineAccess.isBlocked(0, 0, 10 * MS, ThreadStates.ASLEEP, ThreadStates.RUNNABLE));
        assertFalse(EngineAccess.isBlocked(-1, -1, 10 * MS, ThreadStates.RUNNABLE, ThreadStates.UNKNOWN));
    }

    @Test
    void asleepAtBothEndsAndIdleIsBlocked() {
        assertTrue(EngineAccess.isBlocked(5 * MS, 5 * MS, 10 * MS, ThreadStates.ASLEEP, ThreadStates.ASLEEP));
        assertTrue(EngineAccess.isBlocked(-1, -1, 10 * MS, ThreadStates.ASLEEP, ThreadStates.ASLEEP), "no CPU clock");
        assertFalse(
                EngineAccess.isBlocked(0, 5 * MS, 10 * MS, ThreadStates.ASLEEP, ThreadStates.ASLEEP),
                "half a CPU: it computed between two sleeps");
    }

    @Test
    void unknownStateFallsBackOnCpuTime() {
        assertTrue(EngineAccess.isBlocked(0, MS / 2, 10 * MS, ThreadStates.UNKNOWN, ThreadStates.UNKNOWN));
        assertFalse(
                EngineAccess.isBlocked(0, MS, 10 * MS, ThreadStates.UNKNOWN, ThreadStates.UNKNOWN), "10% is computing");
        assertTrue(EngineAccess.isBlocked(0, 0, 10 * MS, ThreadStates.ASLEEP, ThreadStates.UNKNOWN));
    }
}
