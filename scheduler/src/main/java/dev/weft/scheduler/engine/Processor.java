package dev.weft.scheduler.engine;

/**
 * A P: the right to run virtual threads, Go's {@code p}. There are exactly {@code gomaxprocs}
 * live Ps; a carrier runs tasks only while it holds one.
 *
 * <p>Who writes what:
 * <ul>
 *   <li>{@code status}, {@code nextIdle} and {@code carrier}: only under the scheduler lock
 *       ({@link CarrierScheduler#lock}). A P is IDLE exactly while it is on the idle list, RUNNING
 *       while one carrier holds it, DEAD while its id is at or above {@code gomaxprocs}.</li>
 *   <li>{@code schedtick}, {@code runtick}: only by the carrier holding the P; sysmon reads
 *       {@code runtick} racily (opaque) to see whether the P makes progress.</li>
 *   <li>{@code steals}: written only by the carrier holding the P (a volatile read-modify-write,
 *       not atomic, which needs no more with one writer), read racily for stats.</li>
 *   <li>{@link #runq}: see {@link LocalRunQueue}; its owner is the holder of this P.</li>
 * </ul>
 */
final class Processor {
    /** sysmon's opaque read of {@link #runtick}. */
    static final java.lang.invoke.VarHandle RUNTICK;

    static {
        try {
            RUNTICK = java.lang.invoke.MethodHandles.lookup().findVarHandle(Processor.class, "runtick", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    static final int IDLE = 0;
    static final int RUNNING = 1;
    static final int DEAD = 2;

    final int id;
    final LocalRunQueue runq = new LocalRunQueue();

    // guarded by the scheduler lock
    int status = DEAD;
    Processor nextIdle;
    Carrier carrier;

    // owner only
    int schedtick;
    /** +1 per task run on this P, runnext chains included: what sysmon watches (Go's sysmontick). */
    int runtick;

    volatile long steals;

    Processor(int id) {
        this.id = id;
    }

    @Override
    public String toString() {
        return "P" + id;
    }
}
