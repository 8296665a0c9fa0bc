package dev.weft.channels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.weft.scheduler.GoScheduler;
import dev.weft.scheduler.Goroutine;
import dev.weft.scheduler.GoroutineLeakError;
import dev.weft.scheduler.Goroutines;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The leak check on goroutines blocked in channels: what "Avoiding Goroutine Leaks" warns of, a
 * receiver nobody will ever send to. Uses the plain API ({@link Goroutines}); the JUnit extension
 * itself is tested in weft-test and used on WaitGroupTest, ErrGroupTest, ChanRulesTest and
 * ChanInterruptTest.
 */
@Timeout(30)
class ChannelLeakCheckTest {

    private static void awaitWaiting(Thread t) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (t.getState() != Thread.State.WAITING) {
            if (System.nanoTime() > deadline) {
                fail(t + " never blocked");
            }
            Thread.sleep(1); // polling a condition, not waiting a guessed time
        }
    }

    @Test
    void aReceiverBlockedForeverIsReportedAsParkedInAWeftChannel() throws Exception {
        Goroutines.Option before = Goroutines.Option.ignoreCurrent();
        try (GoScheduler s = GoScheduler.create(2)) {
            Chan<String> results = Chan.unbuffered();
            Thread receiver = s.virtualThreadBuilder().name("forgotten-receiver").start(() -> {
                try {
                    results.receive();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            awaitWaiting(receiver);
            GoroutineLeakError e = assertThrows(GoroutineLeakError.class,
                    () -> Goroutines.verifyNone(Duration.ofMillis(20), before));
            assertEquals(1, e.leaked().size(), e.getMessage());
            Goroutine g = e.leaked().getFirst();
            assertEquals("forgotten-receiver", g.name());
            assertEquals(s.name(), g.scheduler());
            assertTrue(g.waitsOn().startsWith("parked in a weft operation on "), g.waitsOn());
            assertTrue(g.stack().stream().anyMatch(f -> f.getClassName().equals(Chan.class.getName())
                    && f.getMethodName().equals("receive")), e.getMessage());
            assertTrue(g.topFunction().startsWith("dev.weft.channels."), g.topFunction());

            // Go's fix: close the channel; the receiver ends, and the check passes
            results.close();
            receiver.join();
            Goroutines.verifyNone(Duration.ofSeconds(10), before);
        }
    }

    @Test
    void aSelectWaitingOnChannelsNoOneUsesIsReportedToo() throws Exception {
        Goroutines.Option before = Goroutines.Option.ignoreCurrent();
        try (GoScheduler s = GoScheduler.create(1)) {
            Chan<Integer> a = Chan.unbuffered();
            Chan<Integer> b = Chan.buffered(1);
            Thread t = s.go(() -> {
                try {
                    Select.select(a.onReceive(x -> x), b.onReceive(x -> x));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            awaitWaiting(t);
            List<Goroutine> found = Goroutines.find(before);
            assertEquals(List.of(t), found.stream().map(Goroutine::thread).toList());
            assertTrue(found.getFirst().waitsOn().startsWith("parked in a weft operation"), found.getFirst().waitsOn());
            b.send(1);
            t.join();
            Goroutines.verifyNone(Duration.ofSeconds(10), before);
        }
    }
}
