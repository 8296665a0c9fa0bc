package dev.weft.agent;

import java.util.concurrent.atomic.AtomicReference;

/**
 * Plain JDK code loaded by {@link CarrierNamesEverywhere} through a separate class loader: starts
 * a virtual thread with {@code Thread.ofVirtual()} and reports the thread it ran as.
 */
public final class WebAppVirtualThread {
    private WebAppVirtualThread() {}

    /** The {@code toString()} (with its carrier) of a virtual thread started here, as it ran. */
    public static String carrier() throws InterruptedException {
        AtomicReference<String> seen = new AtomicReference<>();
        Thread t =
                Thread.ofVirtual().start(() -> seen.set(Thread.currentThread().toString()));
        t.join();
        return seen.get() + " loader="
                + WebAppVirtualThread.class.getClassLoader().getName();
    }
}
