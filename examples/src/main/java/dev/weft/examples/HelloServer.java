package dev.weft.examples;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.weft.scheduler.GoScheduler;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A hello HTTP server whose requests run on weft virtual threads.
 *
 * <p>It uses the JDK's {@link HttpServer} with an executor from {@link
 * GoScheduler#newVirtualThreadPerTaskExecutor()}, so every exchange is handled by its own virtual
 * thread, mounted on the G-M-P carrier scheduler. {@code GET /hello?name=John} answers {@code
 * Hello, John!}; without a name (or with an empty one) it answers {@code Hello, world!}. Any other
 * method on {@code /hello} gets {@code 405 Method not allowed}.
 *
 * <p>Run it with {@code ./weft hello [--port N]}, or {@code java -jar
 * examples/target/weft-examples.jar [--port N]}. In code, {@link #start(int)} starts it (port 0
 * picks a free port) and {@link #close()} stops it.
 */
public final class HelloServer implements AutoCloseable {

    /** The port the server listens on when none is given. */
    public static final int DEFAULT_PORT = 8080;

    /** The response header that tells whether the handler ran on a virtual thread. */
    public static final String VIRTUAL_THREAD_HEADER = "X-Virtual-Thread";

    static final String USAGE = """
      Usage: java -jar weft-examples.jar [--port N]

      A hello HTTP server on weft virtual threads.
        GET /hello?name=John   ->  Hello, John!
        GET /hello             ->  Hello, world!

      Options:
        --port N, --port=N   port to listen on, 0..65535 (0 picks a free port; default %d)
        --help, -h           print this help and exit
      """.formatted(DEFAULT_PORT);

    private static final Logger log = LoggerFactory.getLogger(HelloServer.class);
    private static final String TEXT_PLAIN = "text/plain; charset=utf-8";

    private final HttpServer server;
    private final ExecutorService executor;
    private final int gomaxprocs;

    private HelloServer(HttpServer server, ExecutorService executor, int gomaxprocs) {
        this.server = server;
        this.executor = executor;
        this.gomaxprocs = gomaxprocs;
    }

    /**
     * Starts a hello server on the given port, on the global weft scheduler.
     *
     * @param port the port to listen on (all interfaces), 0..65535; 0 picks a free port, see {@link
     *     #port()}
     * @return the running server; {@link #close()} stops it
     * @throws IOException if the port cannot be bound (for example, it is in use)
     * @throws IllegalArgumentException if the port is out of range
     */
    public static HelloServer start(int port) throws IOException {
        return start(port, GoScheduler.global());
    }

    /**
     * Starts a hello server on the given port, with one virtual thread of {@code scheduler} per
     * request.
     *
     * @param port the port to listen on (all interfaces), 0..65535; 0 picks a free port, see {@link
     *     #port()}
     * @param scheduler the scheduler whose virtual threads handle the requests; the server does not
     *     close it
     * @return the running server; {@link #close()} stops it
     * @throws IOException if the port cannot be bound (for example, it is in use)
     * @throws IllegalArgumentException if the port is out of range
     */
    public static HelloServer start(int port, GoScheduler scheduler) throws IOException {
        Objects.requireNonNull(scheduler, "scheduler");
        checkPort(port);
        HttpServer server = HttpServer.create(new InetSocketAddress(port), 0);
        ExecutorService executor = scheduler.newVirtualThreadPerTaskExecutor();
        server.setExecutor(executor);
        server.createContext("/hello", HelloServer::handleHello);
        server.start();
        HelloServer hello = new HelloServer(server, executor, scheduler.gomaxprocs());
        log.debug("hello server listening on port {}", hello.port());
        return hello;
    }

    /**
     * Returns the port the server is bound to: the real one, also when it was started on port 0.
     *
     * @return the bound port
     */
    public int port() {
        return server.getAddress().getPort();
    }

    /**
     * Returns the number of processors (Ps) of the scheduler that runs the requests.
     *
     * @return the scheduler's {@code gomaxprocs}
     */
    public int gomaxprocs() {
        return gomaxprocs;
    }

    /**
     * Stops the server: closes the listening socket and all connections, then waits for the
     * request handlers still running. Does not close the scheduler. Calling it again does nothing
     * harmful.
     */
    @Override
    public void close() {
        server.stop(0);
        executor.close();
    }

    /**
     * Runs the server until the process is stopped.
     *
     * <p>Prints {@code Server running at http://localhost:PORT} and {@code gomaxprocs=N} to stdout.
     * Exits with status 2 on a bad command line and 1 if the server cannot start.
     *
     * @param args {@code [--port N | --port=N] [--help]}
     */
    public static void main(String[] args) {
        Options options;
        try {
            options = parseArgs(args);
        } catch (IllegalArgumentException e) {
            System.err.println("error: " + e.getMessage());
            System.err.println("Run with --help for usage.");
            System.exit(2);
            return;
        }
        if (options.help()) {
            System.out.print(USAGE);
            return;
        }

        HelloServer server;
        try {
            server = start(options.port());
        } catch (BindException e) {
            System.err.println("error: cannot listen on port " + options.port() + ": " + e.getMessage()
                    + " (is another server using it? try --port N)");
            System.exit(1);
            return;
        } catch (IOException e) {
            System.err.println("error: cannot start the server on port " + options.port() + ": " + e);
            System.exit(1);
            return;
        } catch (IllegalStateException e) {
            // a bad -Dgomaxprocs / GOMAXPROCS, or the JVM lacks --add-opens: the message says which
            System.err.println("error: " + e.getMessage());
            System.exit(2);
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(server::close, "hello-server-shutdown"));
        printBanner(System.out, server);
        // The server's dispatcher thread keeps the JVM running until it is stopped (Ctrl-C).
    }

    /**
     * Prints the start-up lines.
     *
     * @param out where to print
     * @param server the running server
     */
    static void printBanner(PrintStream out, HelloServer server) {
        out.println("Server running at http://localhost:" + server.port());
        out.println("gomaxprocs=" + server.gomaxprocs());
        out.flush();
    }

    /**
     * The parsed command line.
     *
     * @param port the port to listen on, 0..65535
     * @param help whether {@code --help} was given
     */
    public record Options(int port, boolean help) {}

    /**
     * Parses the command line.
     *
     * @param args {@code [--port N | --port=N] [--help | -h]}; a later {@code --port} wins
     * @return the options, with port {@value #DEFAULT_PORT} if none is given
     * @throws IllegalArgumentException with a message for the user if an argument is unknown, a
     *     port value is missing, not a number or out of 0..65535
     */
    public static Options parseArgs(String... args) {
        int port = DEFAULT_PORT;
        boolean help = false;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("--help") || arg.equals("-h")) {
                help = true;
            } else if (arg.equals("--port")) {
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException("--port needs a value, e.g. --port 8080");
                }
                port = parsePort(args[++i]);
            } else if (arg.startsWith("--port=")) {
                port = parsePort(arg.substring("--port=".length()));
            } else {
                throw new IllegalArgumentException("unknown argument: '" + arg + "'");
            }
        }
        return new Options(port, help);
    }

    private static int parsePort(String value) {
        int port;
        try {
            port = Integer.parseInt(value.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("invalid port '" + value + "': not a number (expected 0..65535)");
        }
        checkPort(port);
        return port;
    }

    private static void checkPort(int port) {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("invalid port " + port + ": out of range (expected 0..65535)");
        }
    }

    private static void handleHello(HttpExchange exchange) throws IOException {
        try (exchange) {
            exchange.getResponseHeaders()
                    .set(
                            VIRTUAL_THREAD_HEADER,
                            Boolean.toString(Thread.currentThread().isVirtual()));
            if (!exchange.getRequestURI().getPath().equals("/hello")) {
                respond(exchange, 404, "Not found");
                return;
            }
            if (!exchange.getRequestMethod().equals("GET")) {
                exchange.getResponseHeaders().set("Allow", "GET");
                respond(exchange, 405, "Method not allowed");
                return;
            }
            String name;
            try {
                name = queryParam(exchange.getRequestURI().getRawQuery(), "name");
            } catch (IllegalArgumentException e) {
                respond(exchange, 400, "Bad request: malformed query");
                return;
            }
            respond(exchange, 200, "Hello, " + (name == null || name.isEmpty() ? "world" : name) + "!");
        } catch (IOException | RuntimeException e) {
            log.warn("hello request failed: {}", e.toString());
            throw e;
        }
    }

    /**
     * Returns the URL-decoded (UTF-8) value of the first {@code key} parameter of a raw query, like
     * Go's {@code r.URL.Query().Get(key)}; {@code ""} for a parameter without a value, {@code null}
     * if there is none.
     */
    static String queryParam(String rawQuery, String key) {
        if (rawQuery == null || rawQuery.isEmpty()) {
            return null;
        }
        for (String pair : rawQuery.split("&")) {
            int eq = pair.indexOf('=');
            String rawKey = eq < 0 ? pair : pair.substring(0, eq);
            if (URLDecoder.decode(rawKey, StandardCharsets.UTF_8).equals(key)) {
                return eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            }
        }
        return null;
    }

    private static void respond(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", TEXT_PLAIN);
        if (exchange.getRequestMethod().equals("HEAD")) {
            exchange.sendResponseHeaders(status, -1); // a HEAD response has no body
            return;
        }
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
