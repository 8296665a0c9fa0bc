package dev.weft.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link PlainHelloServer}'s pieces in process: the command line and the query follow {@link
 * HelloServer}'s rules. The server itself runs in a child JVM in {@link PlainHelloServerIT}.
 */
@Timeout(30)
class PlainHelloServerTest {

    @Test
    void parsesTheCommandLineAsHelloServerDoes() {
        String[][] good = {{}, {"--port", "18080"}, {"--port=0"}, {"--port=65535"}, {"-h"}};
        for (String[] args : good) {
            HelloServer.Options expected = HelloServer.parseArgs(args);
            PlainHelloServer.Options actual = PlainHelloServer.parseArgs(args);
            assertEquals(expected.port(), actual.port(), String.join(" ", args));
            assertEquals(expected.help(), actual.help(), String.join(" ", args));
        }
        String[][] bad = {{"--port", "abc"}, {"--port=65536"}, {"--port", "-1"}, {"--port"}, {"-v"}};
        for (String[] args : bad) {
            String expected = assertThrows(IllegalArgumentException.class, () -> HelloServer.parseArgs(args))
                    .getMessage();
            String actual = assertThrows(IllegalArgumentException.class, () -> PlainHelloServer.parseArgs(args))
                    .getMessage();
            assertEquals(expected, actual);
        }
    }

    @Test
    void readsTheQueryAsGoDoes() {
        assertEquals("José García", PlainHelloServer.queryParam("x=1&name=Jos%C3%A9+Garc%C3%ADa", "name"));
        assertEquals("", PlainHelloServer.queryParam("name", "name"));
        assertNull(PlainHelloServer.queryParam("other=1", "name"));
        assertNull(PlainHelloServer.queryParam(null, "name"));
        assertThrows(IllegalArgumentException.class, () -> PlainHelloServer.queryParam("name=%zz", "name"));
    }

    @Test
    void namesTheCarrierOfAVirtualThreadOnly() throws Exception {
        assertEquals("", PlainHelloServer.carrierName());
        AtomicReference<String> seen = new AtomicReference<>();
        Thread.ofVirtual().start(() -> seen.set(PlainHelloServer.carrierName())).join();
        assertTrue(seen.get().matches("ForkJoinPool-\\d+-worker-\\d+"), seen.get());
    }
}
