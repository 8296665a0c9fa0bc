package dev.weft.scheduler;

import java.util.concurrent.Phaser;
import java.util.concurrent.ThreadFactory;
import java.util.function.Consumer;

/**
 * Loaded by {@link ClassLoaderLeakTest} through a loader of its own: it starts many virtual
 * threads whose tasks are lambdas of this class (so each finished thread reaches this class and
 * its loader), and makes them yield and park at once so that the carriers steal from each
 * other. Uses JDK types only, so that nothing of it resolves through the test's loader.
 */
public final class IsolatedYielders implements Consumer<ThreadFactory> {
    static final int THREADS = 1000;
    static final int ROUNDS = 4;

    /** Runs {@link #THREADS} virtual threads of {@code factory} to the end; throws if one hangs or fails. */
    @Override
    public void accept(ThreadFactory factory) {
        Phaser phaser = new Phaser(THREADS);
        int[] done = new int[1];
        Thread[] threads = new Thread[THREADS];
        for (int i = 0; i < THREADS; i++) {
            threads[i] = factory.newThread(() -> {
                for (int r = 0; r < ROUNDS; r++) {
                    Thread.yield();
                    phaser.arriveAndAwaitAdvance(); // parks; the last one unparks all 999 from a carrier
                    Thread.yield();
                }
                synchronized (done) {
                    done[0]++;
                }
            });
        }
        for (Thread t : threads) {
            t.start();
        }
        try {
            for (Thread t : threads) {
                t.join(30_000);
                if (t.isAlive()) {
                    throw new IllegalStateException(t + " still runs after 30 s");
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        synchronized (done) {
            if (done[0] != THREADS) {
                throw new IllegalStateException(done[0] + " of " + THREADS + " threads finished");
            }
        }
    }
}
