package dev.weft.agent;

import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/**
 * Plain JDK code for sysmon's hand-off: a virtual thread opens and reads a FIFO ({@code args[0]},
 * made by the test with {@code mkfifo}), which blocks its carrier in native code until a writer
 * comes; meanwhile a ticker virtual thread does {@code args[1]} rounds of {@code Thread.sleep(1)}.
 * Only once the ticker finished (or {@code args[2]} seconds passed: it stalled) does main feed
 * the FIFO. Prints the ticks, whether the reader was still blocked, and weft's hand-off count
 * (read through the platform MBeanServer).
 */
public final class FifoReaderProgram {
    private FifoReaderProgram() {}

    public static void main(String[] args) throws Exception {
        Path fifo = Path.of(args[0]);
        int rounds = Integer.parseInt(args[1]);
        long patience = Long.parseLong(args[2]);
        int[] read = new int[1];
        Thread reader = Thread.ofVirtual().name("fifo-reader").start(() -> {
            try (FileInputStream in = new FileInputStream(fifo.toFile())) { // blocks: no writer yet
                read[0] = in.readAllBytes().length;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        awaitBlockedInOpen(reader);
        System.out.println("reader blocked in FileInputStream.open");

        AtomicInteger ticks = new AtomicInteger();
        Thread ticker = Thread.ofVirtual().name("ticker").start(() -> {
            for (int i = 0; i < rounds; i++) {
                try {
                    Thread.sleep(1);
                } catch (InterruptedException e) {
                    return;
                }
                ticks.incrementAndGet();
            }
        });
        boolean finished = ticker.join(Duration.ofSeconds(patience));
        boolean readerStillBlocked = reader.isAlive() && read[0] == 0;
        System.out.println((finished ? "ticker finished" : "ticker stalled") + ": ticks " + ticks.get()
                + ", reader still blocked " + readerStillBlocked);

        try (FileOutputStream out = new FileOutputStream(fifo.toFile())) {
            out.write("hello".getBytes(StandardCharsets.US_ASCII));
        }
        reader.join();
        ticker.join();
        System.out.println("reader read " + read[0]);
        System.out.println("handoffs " + weftAttribute("Handoffs"));
        System.out.println("done");
    }

    /** Waits (polling its stack, at most 60 s) until {@code t} is in the native open of the FIFO. */
    static void awaitBlockedInOpen(Thread t) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (Arrays.stream(t.getStackTrace()).noneMatch(f -> f.getMethodName().equals("open0"))) {
            if (System.nanoTime() - deadline > 0 || !t.isAlive()) {
                throw new AssertionError("reader never blocked in FileInputStream.open0: " + t);
            }
            Thread.sleep(1);
        }
    }

    /** An attribute of weft's MXBean for the global scheduler, once sysmon registered it (60 s). */
    static Object weftAttribute(String name) throws Exception {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        ObjectName weft = new ObjectName("dev.weft:type=GoScheduler,name=weft-global");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!server.isRegistered(weft) && System.nanoTime() - deadline < 0) {
            Thread.sleep(10); // sysmon registers the bean within a second of JMX starting
        }
        return server.getAttribute(weft, name);
    }
}
