package dev.weft.scheduler.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.scheduler.GoScheduler;
import dev.weft.scheduler.TestAccess;
import dev.weft.test.support.ExpectedLog;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** {@link DeferredLog}: carriers and virtual threads queue their log lines; other threads write at once. */
class DeferredLogTest {
    private final DeferredLog deferred = new DeferredLog(LoggerFactory.getLogger(DeferredLogTest.class));
    private final AtomicInteger written = new AtomicInteger();

    @Test
    void aPlatformThreadWritesAtOnce() {
        deferred.write(written::incrementAndGet);
        assertEquals(1, written.get());
        assertEquals(0, deferred.pending());
    }

    @Test
    void aVirtualThreadQueuesForSysmon() throws Exception {
        Thread t = Thread.ofVirtual().start(() -> deferred.write(written::incrementAndGet));
        assertTrue(t.join(Duration.ofSeconds(10)));
        assertEquals(0, written.get(), "a virtual thread must not wait for the logging backend's locks");
        assertEquals(1, deferred.pending());
        deferred.drain();
        assertEquals(1, written.get());
        assertEquals(0, deferred.pending());
    }

    @Test
    void aCarrierQueuesToo() throws Exception {
        try (GoScheduler s = GoScheduler.create(1)) {
            int[] pendingAfter = new int[1];
            // a plain task runs on the carrier itself (no virtual thread): the carrier's own path
            TestAccess.engine(s).execute(() -> {
                deferred.write(written::incrementAndGet);
                pendingAfter[0] = deferred.pending();
            });
            s.shutdown();
            assertTrue(s.awaitTermination(Duration.ofSeconds(10)));
            assertEquals(1, pendingAfter[0]);
            assertEquals(0, written.get());
        }
    }

    @Test
    void boundedDroppingWhatDoesNotFit() throws Exception {
        Thread t = Thread.ofVirtual().start(() -> {
            for (int i = 0; i < DeferredLog.MAX_PENDING + 100; i++) {
                deferred.write(written::incrementAndGet);
            }
        });
        assertTrue(t.join(Duration.ofSeconds(10)));
        assertEquals(DeferredLog.MAX_PENDING, deferred.pending());
        try (ExpectedLog log = ExpectedLog.capture("WARN", "log lines of weft's carriers were dropped")) {
            deferred.drain(); // writes the queued lines, then a WARN with the 100 dropped
            assertEquals(DeferredLog.MAX_PENDING, written.get());
            assertEquals(0, deferred.pending());
            String warn = log.await(Duration.ofSeconds(10)).getFirst();
            assertTrue(
                    warn.endsWith(" - 100 log lines of weft's carriers were dropped: more than "
                            + DeferredLog.MAX_PENDING + " were waiting to be written"),
                    warn);
        }
    }
}
