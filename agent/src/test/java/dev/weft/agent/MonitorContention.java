package dev.weft.agent;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Plain JDK code: {@code args[0]} virtual threads contend one monitor whose holder sleeps 2 ms
 * inside it (more blocked virtual threads than carriers), then two virtual threads play
 * {@code Object.wait}/{@code notify} ping-pong {@code args[1]} rounds. Prints
 * {@code contended <count>}, {@code pingpong <rounds>}, the carriers seen, and {@code done}.
 */
public final class MonitorContention {
    private static final Object LOCK = new Object();
    private static int inside;
    private static int count;
    private static final Set<String> CARRIERS = ConcurrentHashMap.newKeySet();

    private MonitorContention() {}

    public static void main(String[] args) throws Exception {
        int n = Integer.parseInt(args[0]);
        int rounds = Integer.parseInt(args[1]);
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            threads.add(Thread.ofVirtual().start(() -> {
                synchronized (LOCK) {
                    if (++inside != 1) {
                        throw new AssertionError("two threads inside the monitor");
                    }
                    CARRIERS.add(carrier());
                    try {
                        Thread.sleep(2);
                    } catch (InterruptedException e) {
                        throw new IllegalStateException(e);
                    }
                    count++;
                    inside--;
                }
            }));
        }
        for (Thread t : threads) {
            t.join();
        }
        synchronized (LOCK) {
            System.out.println("contended " + count);
        }
        System.out.println("pingpong " + pingPong(rounds));
        System.out.println("carriers " + CARRIERS);
        System.out.println("done");
    }

    private static final Object BALL = new Object();
    private static int turn; // 0: ping's, 1: pong's; guarded by BALL
    private static int played; // guarded by BALL

    /** Two virtual threads hand a turn back and forth with wait/notify; returns the rounds played. */
    private static int pingPong(int rounds) throws InterruptedException {
        Thread ping = Thread.ofVirtual().start(() -> play(0, rounds));
        Thread pong = Thread.ofVirtual().start(() -> play(1, rounds));
        ping.join();
        pong.join();
        synchronized (BALL) {
            return played;
        }
    }

    private static void play(int me, int rounds) {
        for (int i = 0; i < rounds; i++) {
            synchronized (BALL) {
                while (turn != me) {
                    try {
                        BALL.wait();
                    } catch (InterruptedException e) {
                        throw new IllegalStateException(e);
                    }
                }
                CARRIERS.add(carrier());
                if (me == 1) {
                    played++;
                }
                turn = 1 - me;
                BALL.notifyAll();
            }
        }
    }

    private static String carrier() {
        String s = Thread.currentThread().toString();
        return s.substring(s.indexOf('@') + 1);
    }
}
