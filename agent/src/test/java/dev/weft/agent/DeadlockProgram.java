package dev.weft.agent;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.SynchronousQueue;

/**
 * Plain JDK code that parks forever: two virtual threads ({@code deadlock-taker-N}) each
 * {@code take()} from a {@link SynchronousQueue} nobody feeds, and main joins them. Modes
 * ({@code args[0]}):
 * <ul>
 *   <li>{@code queues}: just that, a deadlock;</li>
 *   <li>{@code socket}: first a loopback socket exchange between two virtual threads (so the
 *       JDK's I/O pollers start, as virtual threads of the default scheduler), then the same
 *       deadlock;</li>
 *   <li>{@code accept}: the same, plus a virtual thread blocked in {@code ServerSocket.accept()}
 *       (a connection may still come: not a deadlock);</li>
 *   <li>{@code logging}: first a line through {@code java.util.logging} (whose
 *       {@code LogManager} registers a shutdown hook that only closes its handlers), then the
 *       same deadlock;</li>
 *   <li>{@code executor}: the two takers are tasks of an
 *       {@code Executors.newVirtualThreadPerTaskExecutor()} that main closes (try-with-resources:
 *       {@code close()} waits in a loop of one-day timed waits).</li>
 * </ul>
 */
public final class DeadlockProgram {
    private DeadlockProgram() {}

    public static void main(String[] args) throws Exception {
        String mode = args[0];
        List<Thread> threads = new ArrayList<>();
        if (mode.equals("socket")) {
            System.out.println("echoed " + socketExchange());
        }
        if (mode.equals("logging")) {
            java.util.logging.Logger.getLogger(DeadlockProgram.class.getName())
                    .info("logged through java.util.logging");
        }
        if (mode.equals("accept")) {
            ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
            threads.add(Thread.ofVirtual().name("deadlock-accept").start(() -> {
                try (Socket s = server.accept()) {
                    System.out.println("accepted " + s);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }));
        }
        SynchronousQueue<String> queue = new SynchronousQueue<>();
        if (mode.equals("executor")) {
            takersInExecutor(queue, mode);
            return;
        }
        for (int i = 0; i < 2; i++) {
            threads.add(Thread.ofVirtual().name("deadlock-taker-" + i).start(() -> {
                try {
                    System.out.println("took " + queue.take());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }));
        }
        System.out.println("parked " + mode);
        for (Thread t : threads) {
            t.join();
        }
        System.out.println("done");
    }

    /** Two takers as tasks of a virtual-thread-per-task executor, closed (waited for) here. */
    private static void takersInExecutor(SynchronousQueue<String> queue, String mode) {
        try (var executor = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < 2; i++) {
                String name = "deadlock-taker-" + i;
                executor.submit(() -> {
                    Thread.currentThread().setName(name);
                    return queue.take();
                });
            }
            System.out.println("parked " + mode);
        }
        System.out.println("done");
    }

    /** One line over loopback, between two virtual threads; returns what came back. */
    static String socketExchange() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Thread echo = Thread.ofVirtual().name("echo-server").start(() -> {
                try (Socket s = server.accept();
                        InputStream in = s.getInputStream();
                        OutputStream out = s.getOutputStream()) {
                    out.write(in.readNBytes(4));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            String[] got = new String[1];
            Thread client = Thread.ofVirtual().name("echo-client").start(() -> {
                try (Socket s = new Socket(server.getInetAddress(), server.getLocalPort())) {
                    s.getOutputStream().write("ping".getBytes());
                    got[0] = new String(s.getInputStream().readNBytes(4));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            client.join();
            echo.join();
            return got[0];
        }
    }
}
