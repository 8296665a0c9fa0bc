package dev.weft.agent;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Plain JDK code: on virtual threads, {@code Thread.sleep(200)}, {@code LockSupport.parkNanos}
 * of 200 ms and a timed {@code Object.wait(200)} (nobody notifies), each on its own virtual
 * thread, 4 of each at once; prints one line per wait: {@code <kind> ms=<elapsed> <thread>}.
 */
public final class TimedWaits {
    private TimedWaits() {}

    public static void main(String[] args) throws Exception {
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            threads.add(timed("sleep", () -> Thread.sleep(200)));
            threads.add(timed("parkNanos", () -> LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(200))));
            threads.add(timed("wait", () -> {
                Object monitor = new Object();
                synchronized (monitor) {
                    monitor.wait(200);
                }
            }));
        }
        for (Thread t : threads) {
            t.join();
        }
        System.out.println("done");
    }

    interface Wait {
        void run() throws InterruptedException;
    }

    private static Thread timed(String kind, Wait wait) {
        return Thread.ofVirtual().start(() -> {
            long start = System.nanoTime();
            try {
                wait.run();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            System.out.println(kind + " ms=" + ms + " " + Thread.currentThread());
        });
    }
}
