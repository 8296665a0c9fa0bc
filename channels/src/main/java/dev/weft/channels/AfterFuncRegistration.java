package dev.weft.channels;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.ThreadFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One {@link Context#afterFunc} registration: Go's {@code afterFuncCtx}, without being a
 * context itself (nothing can derive from it). It sits in its context's children like a child
 * context; the context's cancel calls {@link #fire()}, and {@link #stop()} races with it through
 * one CAS of {@code once} (Go's {@code sync.Once}): exactly one of them wins. The winner drops
 * {@code f} and the starter, so a finished registration holds nothing even while the user keeps
 * the {@link StopFunc}; a stop also removes it from the context's children, so it is unreachable
 * from the context at once.
 */
final class AfterFuncRegistration implements StopFunc {
    private static final Logger LOG = LoggerFactory.getLogger(AfterFuncRegistration.class);
    private static final VarHandle ONCE;

    static {
        try {
            ONCE = MethodHandles.lookup().findVarHandle(AfterFuncRegistration.class, "once", boolean.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** The context holding this in its children, or null (a context that is never done). */
    private final CancelContext registeredWith;
    // written before publication (the registering lock), cleared by the winner of once
    private Runnable f;
    /** A GoScheduler's {@link ThreadFactory}, or the unstarted {@link Thread} that runs f. */
    private Object starter;

    @SuppressWarnings("unused") // through ONCE
    private volatile boolean once;

    AfterFuncRegistration(CancelContext registeredWith, Runnable f, Object starter) {
        assert starter instanceof ThreadFactory || starter instanceof Thread : starter;
        this.registeredWith = registeredWith;
        this.f = f;
        this.starter = starter;
    }

    /** The context is done: start f on its own virtual thread, unless stop won. Never throws. */
    void fire() {
        if (!ONCE.compareAndSet(this, false, true)) {
            return;
        }
        Runnable run = f;
        Object s = starter;
        f = null;
        starter = null;
        try {
            Thread t = s instanceof ThreadFactory factory ? factory.newThread(run) : (Thread) s;
            if (t == null) {
                throw new IllegalStateException("the scheduler's ThreadFactory returned null");
            }
            t.start();
        } catch (RuntimeException e) { // RejectedExecutionException: the scheduler was closed
            LOG.error("context afterFunc could not be started; it will not run", e);
        }
    }

    @Override
    public boolean stop() {
        if (!ONCE.compareAndSet(this, false, true)) {
            return false;
        }
        f = null;
        starter = null;
        if (registeredWith != null) {
            registeredWith.removeChild(this);
        }
        return true;
    }

    @Override
    public String toString() {
        return "Context.afterFunc[" + ((boolean) ONCE.getVolatile(this) ? "started or stopped" : "waiting") + "]";
    }
}
