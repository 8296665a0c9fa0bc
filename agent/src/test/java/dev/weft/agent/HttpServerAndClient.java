package dev.weft.agent;

import com.sun.net.httpserver.HttpServer;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Plain JDK code: the JDK's {@code HttpServer} on an ephemeral loopback port, a virtual thread per
 * exchange ({@code Executors.newVirtualThreadPerTaskExecutor()}), and {@code args[0]} requests
 * sent at once by an {@code HttpClient}, each from its own virtual thread. Prints
 * {@code answered <n>/<sent>}, then {@code handler <thread>} for each distinct carrier the
 * handlers ran on, and {@code done}.
 */
public final class HttpServerAndClient {
    private HttpServerAndClient() {}

    public static void main(String[] args) throws Exception {
        int requests = Integer.parseInt(args[0]);
        Set<String> handlerCarriers = ConcurrentHashMap.newKeySet();
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1024);
        ExecutorService perExchange = Executors.newVirtualThreadPerTaskExecutor();
        server.setExecutor(perExchange);
        server.createContext("/hello", exchange -> {
            String me = Thread.currentThread().toString();
            handlerCarriers.add(
                    me.substring(me.indexOf('@') + 1) + (Thread.currentThread().isVirtual() ? "" : " (platform!)"));
            byte[] body = "hello".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
        URI uri = URI.create("http://" + server.getAddress().getHostString() + ":"
                + server.getAddress().getPort() + "/hello");
        AtomicInteger answered = new AtomicInteger();
        try (HttpClient client = HttpClient.newHttpClient()) {
            List<Thread> senders = new ArrayList<>();
            for (int i = 0; i < requests; i++) {
                senders.add(Thread.ofVirtual().start(() -> {
                    try {
                        HttpResponse<String> r =
                                client.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
                        if (r.statusCode() == 200 && r.body().equals("hello")) {
                            answered.incrementAndGet();
                        } else {
                            System.out.println("bad answer " + r.statusCode() + " " + r.body());
                        }
                    } catch (Exception e) {
                        System.out.println("request failed: " + e);
                    }
                }));
            }
            for (Thread t : senders) {
                t.join();
            }
        }
        server.stop(0);
        perExchange.close();
        System.out.println("answered " + answered.get() + "/" + requests);
        for (String c : handlerCarriers) {
            System.out.println("handler " + c);
        }
        System.out.println("done");
    }
}
