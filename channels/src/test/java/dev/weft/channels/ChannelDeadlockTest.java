package dev.weft.channels;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.test.support.ChildJvm;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@code -Dweft.deadlock=fail} on channel operations, and no report while a thread waits on a
 * weft timer channel. In child JVMs ({@link ChannelDeadlockMain}): in this one JUnit's own
 * non-daemon timeout thread, waiting with a timeout, could wake anyone as far as the rule knows.
 */
class ChannelDeadlockTest {

    private static String child(String... args) throws Exception {
        List<String> flags = new ArrayList<>();
        int i = 0;
        while (args[i].startsWith("-")) {
            flags.add(args[i++]);
        }
        Class<?> main = Class.forName(args[i]);
        String out = ChildJvm.run(
                main, flags, Duration.ofSeconds(60), java.util.Arrays.copyOfRange(args, i + 1, args.length));
        assertTrue(out.contains("done"), out);
        return out;
    }

    @Test
    void failModeFailsEveryBlockedChannelOperation() throws Exception {
        String out = child("-Dweft.deadlock=fail", ChannelDeadlockMain.class.getName(), "fail");
        String expected =
                "=DeadlockException: all goroutines are asleep - deadlock! (9 virtual threads of weft-1 parked)";
        for (String op : List.of("receive", "send", "select", "waitgroup", "nil", "context", "behind-lock")) {
            assertTrue(out.contains(op + expected), op + ":\n" + out);
        }
        assertTrue(out.contains("leftover=null"), "the failed send delivered nothing:\n" + out);
        // j.u.c waits are reported, not failed: released once behind-lock failed
        assertTrue(out.contains("holder=returned released"), out);
        assertTrue(out.contains("locked=returned sent false"), out);
        assertTrue(out.contains("ended=true reports=1"), out);
        assertTrue(out.contains("-Dweft.deadlock=fail: failing the 7 blocked in weft channels"), out);
        // each weft wait shows Go's wait reason, read from its typed park blocker
        for (String reason :
                List.of("chan receive", "chan send", "select", "select (no cases)", "sync.WaitGroup.Wait")) {
            assertTrue(out.contains(" [" + reason + "] WAITING\n"), reason + ":\n" + out);
        }
    }

    @Test
    void aThreadWaitingOnATimerChannelIsNotDeadlocked() throws Exception {
        String out = child(ChannelDeadlockMain.class.getName(), "timer");
        assertTrue(out.contains("sleeper=returned sent"), out);
        assertTrue(out.contains("waiter=returned woke"), out);
        assertTrue(out.contains("ended=true reports=0"), out);
    }

    /**
     * A receive whose value a {@code Timers.afterFunc} function sends 2.5 s later: the pending
     * timer silences the report, even with {@code -Dweft.deadlock=fail} (which would fail the
     * receive). At gomaxprocs 1 and 2, both JVMs at once.
     */
    @Test
    void aReceiveFedByAnAfterFuncIsNotDeadlocked() throws Exception {
        List<java.util.concurrent.CompletableFuture<String>> runs = new ArrayList<>();
        for (String procs : List.of("1", "2")) {
            runs.add(java.util.concurrent.CompletableFuture.supplyAsync(
                    () -> {
                        try {
                            return child(
                                    "-Dweft.deadlock=fail", ChannelDeadlockMain.class.getName(), "afterfunc", procs);
                        } catch (Exception e) {
                            throw new IllegalStateException(e);
                        }
                    },
                    r -> Thread.ofPlatform().daemon(true).start(r)));
        }
        for (java.util.concurrent.CompletableFuture<String> run : runs) {
            String out = run.get(90, TimeUnit.SECONDS);
            assertTrue(out.contains("receiver=returned late"), out);
            assertTrue(out.contains("ended=true reports=0"), out);
            assertTrue(!out.contains("ERROR"), out);
        }
    }
}
