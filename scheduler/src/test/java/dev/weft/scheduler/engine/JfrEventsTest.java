package dev.weft.scheduler.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import jdk.jfr.EventType;
import jdk.jfr.FlightRecorder;
import jdk.jfr.Recording;
import jdk.jfr.RecordingState;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;

/** The JFR events {@code dev.weft.Handoff} and {@code dev.weft.Resize}, read back from a recording. */
class JfrEventsTest {

    @Test
    void emittedEventsAreRecordedWithTheirFields() throws Exception {
        Path file = Files.createTempFile("weft-jfr", ".jfr");
        try (Recording r = new Recording()) {
            r.enable("dev.weft.Handoff");
            r.enable("dev.weft.Resize");
            r.start();
            HandoffEvent.emit("weft-7", 3, "weft-7-carrier-2", HandoffEvent.SYSMON, 25_000_000L);
            ResizeEvent.emit("weft-7", 2, 8, ResizeEvent.JMX);
            r.stop(); // stop() flushes every thread's buffer, so both events are in the dump
            r.dump(file);

            List<RecordedEvent> events = RecordingFile.readAllEvents(file);
            RecordedEvent handoff = only(events, "dev.weft.Handoff");
            assertEquals("weft-7", handoff.getString("scheduler"));
            assertEquals(3, handoff.getInt("processor"));
            assertEquals("weft-7-carrier-2", handoff.getString("carrier"));
            assertEquals("sysmon", handoff.getString("reason"));
            assertEquals(Duration.ofMillis(25), handoff.getDuration("blockedNanos"));
            assertEquals(List.of("weft", "Scheduler"), handoff.getEventType().getCategoryNames());
            assertEquals("P Hand-off", handoff.getEventType().getLabel());

            RecordedEvent resize = only(events, "dev.weft.Resize");
            assertEquals("weft-7", resize.getString("scheduler"));
            assertEquals(2, resize.getInt("from"));
            assertEquals(8, resize.getInt("to"));
            assertEquals("jmx", resize.getString("reason"));
        } finally {
            Files.deleteIfExists(file);
        }
    }

    @Test
    void emitWithoutARecordingIsANoOp() {
        assertFalse(isAnyRecordingRunning(), "another test left a recording running");
        HandoffEvent.emit("weft-7", 0, "c", HandoffEvent.BLOCKING, 1);
        ResizeEvent.emit("weft-7", 1, 2, ResizeEvent.API);
        assertFalse(EventType.getEventType(ResizeEvent.class).isEnabled(), "enabled only while a recording runs");
    }

    private static boolean isAnyRecordingRunning() {
        return FlightRecorder.getFlightRecorder().getRecordings().stream()
                .anyMatch(r -> r.getState() == RecordingState.RUNNING);
    }

    private static RecordedEvent only(List<RecordedEvent> events, String type) {
        List<RecordedEvent> matching = events.stream()
                .filter(e -> e.getEventType().getName().equals(type))
                .toList();
        assertEquals(1, matching.size(), type + " events: " + matching);
        return matching.getFirst();
    }
}
