package dev.weft.agent;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ForkJoinWorkerThread;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

/**
 * Plain JDK code (run with {@code --add-opens java.base/java.util.concurrent=ALL-UNNAMED} to
 * call the package-private method): what {@code ForkJoinWorkerThread.hasKnownQueuedWork()}, the
 * test behind the JDK's spin-or-park choice in {@code SynchronousQueue}, answers on a virtual
 * thread that has just unparked another (with one carrier, that one waits for it: on weft in
 * runnext) and in the thread it woke (nothing waits). Then a {@code SynchronousQueue} ping-pong of
 * {@code args[0]} round trips, to show hand-offs work through the patched method. Prints
 * {@code withRunnext=<b> alone=<b> pingpong=<n>}.
 */
public final class QueuedWorkProgram {
    private QueuedWorkProgram() {}

    public static void main(String[] args) throws Throwable {
        MethodHandle known = MethodHandles.privateLookupIn(ForkJoinWorkerThread.class, MethodHandles.lookup())
                .findStatic(ForkJoinWorkerThread.class, "hasKnownQueuedWork", MethodType.methodType(boolean.class));
        boolean[] seen = new boolean[2];
        Thread starter = Thread.ofVirtual().start(() -> {
            try {
                AtomicBoolean go = new AtomicBoolean();
                CountDownLatch ready = new CountDownLatch(1);
                Thread partner = Thread.ofVirtual().start(() -> {
                    ready.countDown();
                    while (!go.get()) {
                        LockSupport.park();
                    }
                    seen[1] = invoke(known);
                });
                ready.await(); // with one carrier, the partner parks before this thread runs on
                go.set(true);
                LockSupport.unpark(partner); // as a SynchronousQueue hand-off wakes its partner
                seen[0] = invoke(known);
                partner.join();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        starter.join();

        int n = Integer.parseInt(args[0]);
        SynchronousQueue<Integer> ping = new SynchronousQueue<>();
        SynchronousQueue<Integer> pong = new SynchronousQueue<>();
        Thread echo = Thread.ofVirtual().start(() -> {
            try {
                for (int i = 0; i < n; i++) {
                    pong.put(ping.take() + 1);
                }
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        long sum = 0;
        for (int i = 0; i < n; i++) {
            ping.put(i);
            sum += pong.take() - i;
        }
        echo.join();
        System.out.println("withRunnext=" + seen[0] + " alone=" + seen[1] + " pingpong=" + sum);
        System.out.println("done");
    }

    private static boolean invoke(MethodHandle known) {
        try {
            return (boolean) known.invokeExact();
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
    }
}
