package consumer;

import dev.weft.channels.Chan;
import dev.weft.channels.Select;
import dev.weft.channels.Timers;
import dev.weft.scheduler.GoScheduler;
import dev.weft.scheduler.Goroutine;
import dev.weft.scheduler.Goroutines;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import javax.management.ObjectName;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordingFile;

/**
 * ModulePathTest's consumer, run on the module path (--module consumer/consumer.Main) and on the
 * class path: each line it prints is one thing weft did, for the test to check.
 */
public final class Main {
    public static void main(String[] args) throws Exception {
        System.out.println("weft is in " + GoScheduler.class.getModule());
        ManagementFactory.getPlatformMBeanServer(); // JMX up: schedulers register their MXBean
        try (GoScheduler s = GoScheduler.create(2)) {
            // a producer and a consumer goroutine, select with a timeout
            Chan<Integer> numbers = Chan.unbuffered();
            Chan<String> result = Chan.buffered(1);
            s.go(() -> {
                try {
                    for (int i = 1; i <= 100; i++) {
                        numbers.send(i);
                    }
                    numbers.close();
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            });
            s.go(() -> {
                try {
                    long sum = 0;
                    while (true) {
                        Integer v = Select.select(
                                numbers.onReceiveOk((n, ok) -> ok ? n : -1),
                                Timers.after(Duration.ofSeconds(30)).onReceive(t -> -2));
                        if (v < 0) {
                            result.send(
                                    v == -1
                                            ? "sum=" + sum + " on "
                                                    + GoScheduler.current()
                                                            .map(GoScheduler::name)
                                                            .orElse("?")
                                            : "select timed out");
                            return;
                        }
                        sum += v;
                    }
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            });
            System.out.println("select: " + result.receive() + " (" + s.name() + ")");

            // a goroutine parked on a channel is listed (weft's view of the JDK's thread containers)
            Chan<String> never = Chan.unbuffered();
            Thread parked = s.go(() -> {
                try {
                    never.receiveOrNull();
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            });
            while (parked.getState() != Thread.State.WAITING) {
                Thread.onSpinWait(); // the test's timeout bounds it
            }
            List<Goroutine> found = Goroutines.find();
            System.out.println("parked goroutines: " + found.size() + " "
                    + found.getFirst().state());
            never.close();
            parked.join();
            Goroutines.verifyNone(Duration.ofSeconds(10));
            System.out.println("no goroutine left");

            // JMX: the scheduler's MXBean
            Object gomaxprocs = ManagementFactory.getPlatformMBeanServer()
                    .getAttribute(new ObjectName("dev.weft:type=GoScheduler,name=" + s.name()), "Gomaxprocs");
            System.out.println("jmx gomaxprocs=" + gomaxprocs);

            // JFR: a resize is a dev.weft.Resize event
            Path jfr = Files.createTempFile("consumer", ".jfr");
            try (Recording r = new Recording()) {
                r.enable("dev.weft.Resize");
                r.start();
                s.gomaxprocs(3);
                r.stop();
                r.dump(jfr);
            }
            long resizes = RecordingFile.readAllEvents(jfr).stream()
                    .filter(e -> e.getEventType().getName().equals("dev.weft.Resize"))
                    .count();
            Files.delete(jfr);
            System.out.println("jfr resize events=" + resizes);
        }
        System.out.println("done");
    }
}
