package dev.weft.scheduler.engine;

import dev.weft.scheduler.GoScheduler;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.WeakHashMap;

/**
 * Every {@link GoScheduler} created in this JVM and not yet garbage collected: what
 * {@link dev.weft.scheduler.Goroutines} walks to find the goroutines of all weft schedulers (the JDK keeps no list
 * of the schedulers its virtual threads use).
 *
 * <p>Weak: the registry never keeps a scheduler alive. A scheduler with a live virtual thread is
 * strongly reachable anyway (the thread's {@code scheduler} field → {@code JdkScheduler} →
 * {@code CarrierScheduler} → {@code owner}), so no goroutine is missed; a closed and dropped
 * scheduler leaves the registry at the next GC. Identity, not equals: {@code GoScheduler} does
 * not override it.
 *
 * <p>Thread-safety: one monitor, held for a few instructions, never by carriers (only by
 * an engine's start, sysmon's deadlock watch and callers of {@link dev.weft.scheduler.Goroutines}).
 */
public final class LiveSchedulers {
    private static final Set<CarrierScheduler> LIVE = Collections.newSetFromMap(new WeakHashMap<>());

    private LiveSchedulers() {}

    /** Called once, as the engine starts. */
    static void register(CarrierScheduler s) {
        synchronized (LIVE) {
            LIVE.add(s);
        }
    }

    /**
     * The schedulers registered and not yet collected, terminated ones left out. A snapshot.
     *
     * @return a new mutable list, in no particular order
     */
    public static List<Engine> live() {
        List<Engine> all;
        synchronized (LIVE) {
            all = new ArrayList<>(LIVE);
        }
        all.removeIf(e -> ((CarrierScheduler) e).isTerminated()); // no thread can start on them again
        return all;
    }

    /**
     * Whether some registered scheduler other than {@code self}, not terminated, matches
     * {@code test}: for {@link DeadlockWatch}, whose wakers include every other weft scheduler.
     * Allocates nothing; {@code test} runs under the registry's monitor, so it must be short.
     */
    static boolean anyOther(DeadlockWatch.View self, java.util.function.Predicate<DeadlockWatch.View> test) {
        synchronized (LIVE) {
            for (CarrierScheduler other : LIVE) {
                if (other != self && !other.isTerminated() && test.test(other)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Whether {@code t} is the sysmon thread of a registered scheduler, terminated or not (by identity). */
    static boolean isSysmon(Thread t) {
        synchronized (LIVE) {
            for (CarrierScheduler s : LIVE) {
                if (s.sysmon().thread() == t) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * Entries not yet collected, terminated ones included (tests).
     *
     * @return their count, {@code >= 0}
     */
    public static int size() {
        synchronized (LIVE) {
            return LIVE.size();
        }
    }
}
