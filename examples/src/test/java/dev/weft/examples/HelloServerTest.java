package dev.weft.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.Timeout.ThreadMode;

/** Starts the hello server on a free port and talks to it over HTTP. */
@Timeout(30) // a stuck scheduler fails the test instead of hanging the build
class HelloServerTest {

    private static HelloServer server;
    private static HttpClient client;

    @BeforeAll
    @Timeout(value = 60, threadMode = ThreadMode.SEPARATE_THREAD)
    static void startServer() throws Exception {
        server = HelloServer.start(0);
        client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10))
                .build();
    }

    @AfterAll
    static void stopServer() {
        if (client != null) {
            client.close();
        }
        if (server != null) {
            server.close();
        }
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return client.send(
                request.timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    private static HttpRequest.Builder request(String pathAndQuery) {
        return HttpRequest.newBuilder(URI.create("http://localhost:" + server.port() + pathAndQuery));
    }

    private static HttpResponse<String> get(String pathAndQuery) throws Exception {
        return send(request(pathAndQuery).GET());
    }

    @Test
    void startedOnPortZeroReportsTheRealPort() {
        assertNotEquals(0, server.port());
        assertTrue(server.gomaxprocs() > 0, "gomaxprocs=" + server.gomaxprocs());
    }

    @Test
    void greetsByName() throws Exception {
        HttpResponse<String> response = get("/hello?name=John");
        assertEquals(200, response.statusCode());
        assertEquals("Hello, John!", response.body());
        assertEquals(
                "text/plain; charset=utf-8",
                response.headers().firstValue("Content-Type").orElseThrow());
    }

    @Test
    void greetsTheWorldWithoutAName() throws Exception {
        for (String path : new String[] {"/hello", "/hello?name=", "/hello?name", "/hello?other=1"}) {
            HttpResponse<String> response = get(path);
            assertEquals(200, response.statusCode(), path);
            assertEquals("Hello, world!", response.body(), path);
        }
    }

    @Test
    void decodesUrlEncodedNames() throws Exception {
        String name = "José Ñúñez 世界";
        // URLEncoder writes the space as '+'.
        HttpResponse<String> plus = get("/hello?name=" + URLEncoder.encode(name, StandardCharsets.UTF_8));
        assertEquals(200, plus.statusCode());
        assertEquals("Hello, " + name + "!", plus.body());

        // Percent-encoded space, and the name not the first parameter.
        HttpResponse<String> percent = get("/hello?x=1&name=Jos%C3%A9%20Garc%C3%ADa");
        assertEquals("Hello, José García!", percent.body());
    }

    @Test
    void rejectsOtherMethods() throws Exception {
        HttpResponse<String> post = send(request("/hello?name=John").POST(HttpRequest.BodyPublishers.ofString("x")));
        assertEquals(405, post.statusCode());
        assertEquals("Method not allowed", post.body());
        assertEquals("GET", post.headers().firstValue("Allow").orElseThrow());

        HttpResponse<String> delete = send(request("/hello").DELETE());
        assertEquals(405, delete.statusCode());
        assertEquals("Method not allowed", delete.body());
    }

    @Test
    void otherPathsAreNotFound() throws Exception {
        assertEquals(404, get("/hello/there").statusCode());
        assertEquals(404, get("/").statusCode());
    }

    @Test
    void handlesRequestsOnVirtualThreads() throws Exception {
        HttpResponse<String> response = get("/hello");
        assertEquals(
                "true",
                response.headers().firstValue(HelloServer.VIRTUAL_THREAD_HEADER).orElseThrow());
    }

    @Test
    void bannerShowsTheBoundPortAndGomaxprocs() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        HelloServer.printBanner(new PrintStream(bytes, true, StandardCharsets.UTF_8), server);
        assertEquals(
                "Server running at http://localhost:" + server.port() + System.lineSeparator() + "gomaxprocs="
                        + server.gomaxprocs() + System.lineSeparator(),
                bytes.toString(StandardCharsets.UTF_8));
    }

    @Test
    void parsesThePort() {
        assertEquals(new HelloServer.Options(8080, false), HelloServer.parseArgs());
        assertEquals(new HelloServer.Options(18080, false), HelloServer.parseArgs("--port", "18080"));
        assertEquals(new HelloServer.Options(0, false), HelloServer.parseArgs("--port=0"));
        assertEquals(new HelloServer.Options(65535, false), HelloServer.parseArgs("--port=65535"));
        assertTrue(HelloServer.parseArgs("--help").help());
        assertTrue(HelloServer.parseArgs("--port", "1", "-h").help());
    }

    @Test
    void rejectsBadPorts() {
        IllegalArgumentException notNumber =
                assertThrows(IllegalArgumentException.class, () -> HelloServer.parseArgs("--port", "abc"));
        assertTrue(notNumber.getMessage().contains("'abc'"), notNumber.getMessage());
        assertTrue(notNumber.getMessage().contains("not a number"), notNumber.getMessage());

        IllegalArgumentException tooBig =
                assertThrows(IllegalArgumentException.class, () -> HelloServer.parseArgs("--port=65536"));
        assertTrue(tooBig.getMessage().contains("out of range"), tooBig.getMessage());

        IllegalArgumentException negative =
                assertThrows(IllegalArgumentException.class, () -> HelloServer.parseArgs("--port", "-1"));
        assertTrue(negative.getMessage().contains("out of range"), negative.getMessage());

        IllegalArgumentException missing =
                assertThrows(IllegalArgumentException.class, () -> HelloServer.parseArgs("--port"));
        assertTrue(missing.getMessage().contains("needs a value"), missing.getMessage());

        assertThrows(IllegalArgumentException.class, () -> HelloServer.parseArgs("--port="));
    }

    @Test
    void rejectsUnknownArguments() {
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> HelloServer.parseArgs("--verbose"));
        assertTrue(e.getMessage().contains("unknown argument"), e.getMessage());
        assertTrue(e.getMessage().contains("--verbose"), e.getMessage());
        assertFalse(e.getMessage().isBlank());
    }
}
