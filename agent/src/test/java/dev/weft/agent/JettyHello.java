package dev.weft.agent;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.util.thread.ThreadPool;
import org.eclipse.jetty.util.thread.VirtualThreadPool;

/**
 * Plain Jetty 12 code (no weft import): the seed's Go {@code /hello} server as a Jetty handler,
 * whose handlers run on virtual threads of Jetty's {@link VirtualThreadPool}, and a client that
 * checks it.
 *
 * <p>Arguments: {@code [qtp|vtp] [requests]}. {@code qtp} (the default, the shape Jetty's
 * programming guide recommends): a {@link QueuedThreadPool} (platform threads: acceptor,
 * selectors) whose virtual-threads executor is a {@link VirtualThreadPool}; {@code vtp}: the
 * {@link VirtualThreadPool} is the server's only thread pool. {@code requests} concurrent GETs
 * (default 200) are sent with {@link HttpClient} from virtual threads of
 * {@link Executors#newVirtualThreadPerTaskExecutor()}; every answer is checked (status, body, and
 * that the handler ran on a virtual thread). Prints {@code handler <thread>} once, then
 * {@code carrier <name> <count>} for every carrier a handler ran on, then {@code done}; exits
 * with status 1 and a line {@code FAIL ...} on a wrong answer.
 */
public final class JettyHello {
    /** The response header that carries {@code Thread.currentThread()} of the handler. */
    static final String THREAD_HEADER = "X-Handler-Thread";

    private JettyHello() {}

    public static void main(String[] args) throws Exception {
        String shape = args.length > 0 ? args[0] : "qtp";
        int requests = args.length > 1 ? Integer.parseInt(args[1]) : 200;
        Server server = new Server(threadPool(shape));
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        server.setHandler(new HelloHandler());
        server.start();
        try {
            URI base = URI.create("http://127.0.0.1:" + connector.getLocalPort());
            check(base, requests);
        } finally {
            server.stop();
        }
        System.out.println("done");
    }

    /** The server's thread pool in the given shape (see the class comment). */
    private static ThreadPool threadPool(String shape) {
        VirtualThreadPool virtual = new VirtualThreadPool();
        virtual.setName("jetty-vt");
        switch (shape) {
            case "qtp" -> {
                QueuedThreadPool queued = new QueuedThreadPool();
                queued.setName("jetty-qtp");
                queued.setVirtualThreadsExecutor(virtual);
                return queued;
            }
            case "vtp" -> {
                return virtual;
            }
            default -> throw new IllegalArgumentException("thread pool shape '" + shape + "': use qtp or vtp");
        }
    }

    /** Go's helloHandler: GET /hello?name=N answers "Hello, N!" ("world" if none), else 405. */
    static final class HelloHandler extends Handler.Abstract {
        HelloHandler() {
            super(InvocationType.BLOCKING);
        }

        @Override
        public boolean handle(Request request, Response response, Callback callback) {
            response.getHeaders().put(THREAD_HEADER, Thread.currentThread().toString());
            if (!"/hello".equals(Request.getPathInContext(request))) {
                Response.writeError(request, response, callback, 404);
                return true;
            }
            if (!"GET".equals(request.getMethod())) {
                response.setStatus(405);
                response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain; charset=utf-8");
                response.write(true, StandardCharsets.UTF_8.encode("Method not allowed\n"), callback);
                return true;
            }
            String name = Request.extractQueryParameters(request).getValue("name");
            if (name == null || name.isEmpty()) {
                name = "world";
            }
            response.setStatus(200);
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain; charset=utf-8");
            response.write(true, StandardCharsets.UTF_8.encode("Hello, " + name + "!"), callback);
            return true;
        }
    }

    /** Sends the requests concurrently from virtual threads and checks every answer. */
    private static void check(URI base, int requests) throws Exception {
        Map<String, Integer> carriers = new TreeMap<>();
        try (HttpClient client = HttpClient.newBuilder()
                        .version(HttpClient.Version.HTTP_1_1)
                        .connectTimeout(Duration.ofSeconds(30))
                        .build();
                ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<HttpResponse<String>>> answers = new ArrayList<>();
            for (int i = 0; i < requests; i++) {
                URI uri = base.resolve("/hello?name=g" + i);
                answers.add(clients.submit(() -> client.send(
                        HttpRequest.newBuilder(uri)
                                .timeout(Duration.ofSeconds(60))
                                .build(),
                        HttpResponse.BodyHandlers.ofString())));
            }
            for (int i = 0; i < requests; i++) {
                HttpResponse<String> r = answers.get(i).get(90, TimeUnit.SECONDS);
                expect(r, 200, "Hello, g" + i + "!");
                carriers.merge(carrierOf(r), 1, Integer::sum);
            }
            HttpResponse<String> world = client.send(
                    HttpRequest.newBuilder(base.resolve("/hello")).build(), HttpResponse.BodyHandlers.ofString());
            expect(world, 200, "Hello, world!");
            carriers.merge(carrierOf(world), 1, Integer::sum);
            HttpResponse<String> post = client.send(
                    HttpRequest.newBuilder(base.resolve("/hello?name=x"))
                            .POST(HttpRequest.BodyPublishers.ofString("x"))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            expect(post, 405, "Method not allowed\n");
            carriers.merge(carrierOf(post), 1, Integer::sum);
            System.out.println("handler " + handlerThread(world));
        }
        carriers.forEach((carrier, count) -> System.out.println("carrier " + carrier + " " + count));
    }

    private static void expect(HttpResponse<String> r, int status, String body) {
        if (r.statusCode() != status || !body.equals(r.body())) {
            fail(r.uri() + ": expected " + status + " '" + body + "', got " + r.statusCode() + " '" + r.body() + "'");
        }
        if (!handlerThread(r).startsWith("VirtualThread[")) {
            fail(r.uri() + ": the handler ran on " + handlerThread(r) + ", not on a virtual thread");
        }
    }

    private static String handlerThread(HttpResponse<String> r) {
        return r.headers().firstValue(THREAD_HEADER).orElse("(no " + THREAD_HEADER + " header)");
    }

    /** The carrier in a mounted virtual thread's toString: {@code VirtualThread[#id,name]/runnable@carrier}. */
    private static String carrierOf(HttpResponse<String> r) {
        String thread = handlerThread(r);
        int at = thread.lastIndexOf('@');
        if (at < 0) {
            fail(r.uri() + ": no carrier in the handler's thread " + thread);
        }
        return thread.substring(at + 1);
    }

    private static void fail(String why) {
        System.out.println("FAIL " + why);
        System.out.flush();
        Runtime.getRuntime().halt(1);
    }
}
