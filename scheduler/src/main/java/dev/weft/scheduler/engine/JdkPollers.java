package dev.weft.scheduler.engine;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes sure the JDK's I/O pollers never run on a weft scheduler.
 *
 * <p>JDK 25 starts its socket and pipe pollers lazily, on the first blocking I/O of a virtual
 * thread ({@code sun.nio.ch.Poller}'s class initialiser), and on Linux they are virtual threads
 * ({@code SubPoller-N}) created with plain {@code Thread.ofVirtual()}: they inherit the scheduler
 * of whichever virtual thread did that first I/O. Were it a weft one, the pollers would live on
 * it forever: it could never terminate ({@code close()} would wait for them), and once it was
 * shut down the JDK's poller initialisation would fail, breaking virtual-thread I/O for the
 * whole JVM. So weft initialises the pollers itself, once, from a platform thread, before its
 * first scheduler runs anything: they then run on the JDK's default scheduler.
 */
public final class JdkPollers {
    private static final Logger log = LoggerFactory.getLogger(JdkPollers.class);
    private static volatile boolean started;

    private JdkPollers() {}

    /** Initialises {@code sun.nio.ch.Poller} on a platform thread, once. Never throws. */
    public static void startOutsideWeft() {
        if (started) {
            return;
        }
        synchronized (JdkPollers.class) {
            if (started) {
                return;
            }
            Thread t = Thread.ofPlatform().daemon(true).name("weft-poller-init").start(JdkPollers::initialise);
            boolean interrupted = false;
            while (t.isAlive()) {
                try {
                    t.join();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
            started = true;
        }
    }

    private static void initialise() {
        try {
            Class.forName("sun.nio.ch.Poller", true, null);
        } catch (ClassNotFoundException | LinkageError e) {
            log.debug(
                    "JDK pollers not initialised ahead of time; first I/O on a weft virtual thread"
                            + " may start them on its scheduler",
                    e);
        }
    }
}
