package dev.weft.examples;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.weft.channels.Context;
import dev.weft.channels.ErrGroup;
import dev.weft.scheduler.GoScheduler;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;

/**
 * Go's errgroup fetch: get several URLs in parallel, one goroutine each, and report the first
 * error. The "web" is an in-process {@link HttpServer} on a free port, whose handlers also run on
 * weft virtual threads; {@code /missing} answers 404.
 *
 * <pre>{@code
 * g, ctx := errgroup.WithContext(context.Background())
 * for _, url := range urls {
 *     g.Go(func() error { return fetch(ctx, url) })
 * }
 * if err := g.Wait(); err != nil { fmt.Println("first error:", err) }
 * }</pre>
 *
 * <p>Run: {@code ./weft run ErrGroupFetch}.
 */
public final class ErrGroupFetch {
    static final List<String> PATHS = List.of("/users", "/orders", "/missing", "/stock");

    private ErrGroupFetch() {}

    public static void main(String[] args) throws Exception {
        run(System.out);
    }

    /**
     * Fetches {@link #PATHS} in parallel.
     *
     * @return the first error
     */
    static Optional<Throwable> run(PrintStream out) throws IOException, InterruptedException {
        GoScheduler scheduler = GoScheduler.global();
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        ExecutorService handlers = scheduler.newVirtualThreadPerTaskExecutor();
        server.setExecutor(handlers);
        server.createContext("/", ErrGroupFetch::serve);
        server.start();
        String base = "http://127.0.0.1:" + server.getAddress().getPort();
        try (HttpClient client = HttpClient.newBuilder()
                .executor(handlers)
                .connectTimeout(Duration.ofSeconds(5))
                .build()) {
            // every fetch runs on its own virtual thread of the global GoScheduler
            ErrGroup g = ErrGroup.withContext(Context.background(), scheduler.virtualThreadFactory());
            Map<String, String> bodies = new ConcurrentHashMap<>();
            for (String path : PATHS) {
                g.go(() -> {
                    HttpResponse<String> r = client.send(
                            HttpRequest.newBuilder(URI.create(base + path))
                                    .timeout(Duration.ofSeconds(5))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
                    if (r.statusCode() != 200) {
                        throw new IOException("GET " + path + ": HTTP " + r.statusCode());
                    }
                    bodies.put(path, r.body());
                });
            }
            Optional<Throwable> err = g.await();
            for (String path : PATHS) {
                String body = bodies.get(path);
                if (body != null) {
                    out.println("fetched " + path + ": " + body);
                }
            }
            out.println(err.map(e -> "first error: " + e.getMessage()).orElse("no errors"));
            out.println("group context done after await: " + g.context().isDone());
            return err;
        } finally {
            server.stop(0);
            handlers.close();
        }
    }

    private static void serve(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            int status = path.equals("/missing") ? 404 : 200;
            String body = status == 200 ? "{\"page\": \"" + path.substring(1) + "\"}" : "not found";
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status, bytes.length);
            try (OutputStream os = exchange.getResponseBody()) {
                os.write(bytes);
            }
        }
    }
}
