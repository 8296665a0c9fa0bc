package dev.weft.channels;

import dev.weft.scheduler.GoScheduler;
import java.lang.management.ManagementFactory;
import java.time.Duration;

/**
 * Child-JVM program of {@link TimerMemoryTest} (issue 11 part 2). Args: {@code waits selects}.
 *
 * <p>Part 1: one virtual thread on {@code GoScheduler.create(1)} loops on
 * {@code ch.receive(Duration.ofHours(1))} while another virtual thread of that scheduler (with a
 * third argument {@code platform}: this platform thread, as in the issue) sends each time it is
 * parked: every wait ends early and cancels its timer. Prints the heap growth after GC.
 *
 * <p>Part 2: {@code selects} selects on {@code Timers.after(1 h)} that another case always wins,
 * then nothing: prints how many heap entries are left once the GC has run, with no other timer
 * scheduled. Then prints {@code done}.
 */
public final class TimerMemoryMain {
    private static final Duration HOUR = Duration.ofHours(1);

    private TimerMemoryMain() {}

    public static void main(String[] args) throws Exception {
        int waits = Integer.parseInt(args[0]);
        int selects = Integer.parseInt(args[1]);
        boolean fromPlatform = args.length > 2 && args[2].equals("platform");
        try (GoScheduler s = GoScheduler.create(1)) {
            receiveEachEarly(s, 1_000, fromPlatform); // warm up
            long before = heapAfterGc();
            receiveEachEarly(s, waits, fromPlatform);
            long after = heapAfterGc();
            System.out.printf(
                    "waits=%d heapBeforeKB=%d heapAfterKB=%d heapGrowthKB=%d%n",
                    waits, before / 1024, after / 1024, (after - before) / 1024);
        }
        int entriesBefore = Timers.pendingForTest();
        Chan<Integer> ready = Chan.buffered(1);
        for (int i = 0; i < selects; i++) {
            ready.send(i);
            Select.select(ready.onReceive(v -> v), Timers.after(HOUR).onReceive(t -> -1));
        }
        int left = Timers.pendingForTest() - entriesBefore;
        for (int i = 0; i < 50 && left > 0; i++) {
            heapAfterGc();
            left = Timers.pendingForTest() - entriesBefore;
        }
        System.out.printf("selects=%d afterEntriesLeft=%d%n", selects, left);
        System.out.println("done");
    }

    private static void receiveEachEarly(GoScheduler s, int n, boolean fromPlatform) throws Exception {
        Chan<Integer> ch = Chan.unbuffered();
        Thread receiver = s.go(() -> {
            try {
                for (int i = 0; i < n; i++) {
                    if (ch.receive(HOUR) == null) {
                        throw new AssertionError("a one-hour receive timed out");
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        Runnable sender = () -> {
            try {
                for (int i = 0; i < n; i++) {
                    while (receiver.getState() != Thread.State.TIMED_WAITING && receiver.isAlive()) {
                        Thread.yield(); // send when it is parked: its wait ends early (on s: lets it run)
                    }
                    ch.send(i);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
        if (fromPlatform) {
            sender.run();
        } else {
            s.go(sender).join();
        }
        receiver.join();
    }

    static long heapAfterGc() throws InterruptedException {
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(50); // measurement only: lets reference processing and the reaper run
            used = Math.min(
                    used,
                    ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
        }
        return used;
    }
}
