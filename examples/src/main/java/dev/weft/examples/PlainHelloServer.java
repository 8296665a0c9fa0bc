package dev.weft.examples;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import jdk.management.VirtualThreadSchedulerMXBean;

/**
 * The hello server written as plain JDK code: the JDK's {@link HttpServer} with {@link
 * Executors#newVirtualThreadPerTaskExecutor()}, and nothing of weft (not even SLF4J: the JDK's
 * {@link System.Logger}).
 *
 * <p>It behaves as {@link HelloServer} and the Go {@code /hello} server (net/http) it mirrors:
 * {@code GET /hello?name=John} answers {@code Hello, John!}; without a name (or with an empty one)
 * {@code Hello, world!}; any other method on {@code /hello} gets {@code 405 Method not allowed};
 * other paths {@code 404}. Same command line ({@code [--port N]}, default {@value
 * #DEFAULT_PORT}) and the same start-up lines.
 *
 * <p>Which scheduler runs its virtual threads is the JVM's choice: the JDK's default {@code
 * ForkJoinPool}, or weft's {@code GoScheduler.global()} when the JVM runs with {@code
 * -javaagent:weft-agent.jar} ({@code ./weft agent-hello [--port N]}). Each response carries the
 * debug header {@value #CARRIER_HEADER}: the name of the carrier thread the handler ran on ({@code
 * weft-global-carrier-N} under the agent, {@code ForkJoinPool-1-worker-N} without it). The printed
 * {@code gomaxprocs=N} is the default scheduler's parallelism as the JDK's {@link
 * VirtualThreadSchedulerMXBean} reports it (under the agent: weft's gomaxprocs).
 *
 * <p>It is self-contained on purpose (it does not even call {@link HelloServer}, whose class needs
 * weft and SLF4J on the class path): it runs with the examples' classes and the JDK only.
 *
 * <p>In code, {@link #start(int)} starts it (port 0 picks a free port) and {@link #close()} stops
 * it. Thread-safe as {@link HttpServer} is.
 */
public final class PlainHelloServer implements AutoCloseable {

    /** The port the server listens on when none is given: {@link HelloServer}'s, Go's. */
    public static final int DEFAULT_PORT = 8080;

    /**
     * The debug response header naming the carrier thread of the handler (empty if it did not run
     * on a virtual thread). The Go server has no such header; it does not change the status or body.
     */
    public static final String CARRIER_HEADER = "X-Carrier";

    static final String USAGE = """
      Usage: java [-javaagent:weft-agent.jar] -cp examples/target/classes \
      dev.weft.examples.PlainHelloServer [--port N]

      The hello HTTP server as plain JDK code (HttpServer + newVirtualThreadPerTaskExecutor):
      on the JDK's default scheduler, or on weft with -javaagent:weft-agent.jar.
        GET /hello?name=John   ->  Hello, John!
        GET /hello             ->  Hello, world!

      Options:
        --port N, --port=N   port to listen on, 0..65535 (0 picks a free port; default %d)
        --help, -h           print this help and exit
      """.formatted(DEFAULT_PORT);

    private static final System.Logger log = System.getLogger(PlainHelloServer.class.getName());
    private static final String TEXT_PLAIN = "text/plain; charset=utf-8";

    private final HttpServer server;
    private final ExecutorService executor;

    private PlainHelloServer(HttpServer server, ExecutorService executor) {
        this.server = server;
        this.executor = executor;
    }

    /**
     * Starts a hello server on the given port, one virtual thread of the JVM's default scheduler per
     * request.
     *
     * @param port the port to listen on (all interfaces), 0..65535; 0 picks a free port, see {@link
     *     #port()}
     * @return the running server; {@link #close()} stops it
     * @throws IOException if the port cannot be bound (for example, it is in use)
     * @throws IllegalArgumentException if the port is out of range
     */
    public static PlainHelloServer start(int port) throws IOException {
        checkPort(port);
        HttpServer server = HttpServer.create(new InetSocketAddress(port), 0);
        ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
        server.setExecutor(executor);
        server.createContext("/hello", PlainHelloServer::handleHello);
        server.start();
        return new PlainHelloServer(server, executor);
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
     * Returns the parallelism of the JVM's default virtual-thread scheduler, from the JDK's {@link
     * VirtualThreadSchedulerMXBean}: weft's gomaxprocs under the agent, the {@code ForkJoinPool}'s
     * parallelism without it.
     *
     * @return the number of carriers the scheduler runs virtual threads on at once, at least 1
     */
    public static int gomaxprocs() {
        return ManagementFactory.getPlatformMXBean(VirtualThreadSchedulerMXBean.class)
                .getParallelism();
    }

    /**
     * Stops the server: closes the listening socket and all connections, then waits for the request
     * handlers still running. Calling it again does nothing harmful.
     */
    @Override
    public void close() {
        server.stop(0);
        executor.close();
    }

    /**
     * Runs the server until the process is stopped.
     *
     * <p>Prints {@code Server running at http://localhost:PORT} and {@code gomaxprocs=N} to stdout,
     * as {@link HelloServer} does. Exits with status 2 on a bad command line and 1 if the server
     * cannot start.
     *
     * @param args {@code [--port N | --port=N] [--help]}, with {@link HelloServer}'s rules and
     *     messages
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

        PlainHelloServer server;
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
        }
        Runtime.getRuntime().addShutdownHook(new Thread(server::close, "hello-server-shutdown"));
        printBanner(System.out, server.port(), gomaxprocs());
        // The server's dispatcher thread keeps the JVM running until it is stopped (Ctrl-C).
    }

    /** Prints the start-up lines, the same as {@link HelloServer}'s. */
    static void printBanner(PrintStream out, int port, int gomaxprocs) {
        out.println("Server running at http://localhost:" + port);
        out.println("gomaxprocs=" + gomaxprocs);
        out.flush();
    }

    /**
     * The parsed command line.
     *
     * @param port the port to listen on, 0..65535
     * @param help whether {@code --help} was given
     */
    record Options(int port, boolean help) {}

    /**
     * Parses the command line as {@link HelloServer#parseArgs(String...)} does.
     *
     * @throws IllegalArgumentException with a message for the user if an argument is unknown, a
     *     port value is missing, not a number or out of 0..65535
     */
    static Options parseArgs(String... args) {
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

    /**
     * The URL-decoded value of the first {@code key} parameter of a raw query, as Go's {@code
     * r.URL.Query().Get(key)} (the same as {@link HelloServer}'s): {@code ""} for a parameter
     * without a value, {@code null} if there is none.
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

    /** The carrier of the current virtual thread: {@code VirtualThread[#22]/runnable@CARRIER}. */
    static String carrierName() {
        Thread current = Thread.currentThread();
        if (!current.isVirtual()) {
            return "";
        }
        String s = current.toString();
        int at = s.lastIndexOf('@');
        return at < 0 ? "" : s.substring(at + 1);
    }

    private static void handleHello(HttpExchange exchange) throws IOException {
        try (exchange) {
            exchange.getResponseHeaders().set(CARRIER_HEADER, carrierName());
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
            log.log(System.Logger.Level.WARNING, "hello request failed: {0}", e.toString());
            throw e;
        }
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
