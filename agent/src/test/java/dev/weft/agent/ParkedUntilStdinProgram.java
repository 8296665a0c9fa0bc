package dev.weft.agent;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Plain JDK code for {@code jcmd}: starts {@code args[0]} named virtual threads
 * ({@code views-parked-N}) parked on a latch, prints {@code ready}, and waits for a line on
 * stdin; then releases them and prints {@code done}.
 */
public final class ParkedUntilStdinProgram {
    private ParkedUntilStdinProgram() {}

    public static void main(String[] args) throws Exception {
        int n = Integer.parseInt(args[0]);
        CountDownLatch started = new CountDownLatch(n);
        CountDownLatch release = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            threads.add(Thread.ofVirtual().name("views-parked-" + i).start(() -> {
                started.countDown();
                SchedulerBeanProgram.awaitQuietly(release);
            }));
        }
        SchedulerBeanProgram.check(started.await(60, TimeUnit.SECONDS), "virtual threads did not start");
        System.out.println("ready " + ProcessHandle.current().pid());
        System.out.flush();
        String line = new BufferedReader(new InputStreamReader(System.in)).readLine();
        System.out.println("stdin said " + line);
        release.countDown();
        for (Thread t : threads) {
            t.join();
        }
        System.out.println("done");
    }
}
