package dev.weft.scheduler;

import dev.weft.scheduler.engine.JdkScheduler;
import dev.weft.scheduler.engine.QueuedWork;
import dev.weft.scheduler.engine.VirtualThreads;
import dev.weft.scheduler.internal.AgentSupport;
import java.util.concurrent.ForkJoinPool;
import java.util.function.BooleanSupplier;

/** The scheduler's side of {@link AgentSupport}: registered when this class is initialised. */
final class AgentHooks implements AgentSupport.Hooks {
    static {
        AgentSupport.register(new AgentHooks());
    }

    private AgentHooks() {}

    @Override
    public ForkJoinPool newJdkDefaultScheduler() {
        return JdkScheduler.newJdkDefault(); // no VirtualThreads yet: VirtualThread must not be initialised
    }

    @Override
    public void checkInstalled(ForkJoinPool pool) {
        VirtualThreads.ensureAvailable(); // initialises VirtualThread: DEFAULT_SCHEDULER is chosen now
        Object actual = VirtualThreads.jdkDefaultScheduler();
        if (actual != pool) {
            throw new IllegalStateException("the JDK's default virtual-thread scheduler is " + actual
                    + ", not weft's: java.lang.VirtualThread was initialised before the agent patched it");
        }
    }

    @Override
    public BooleanSupplier knownQueuedWork() {
        return QueuedWork::onCurrentCarrier;
    }

    @Override
    public void checkSettings() {
        GoScheduler.freezeDefaultsForAgent(); // checks, and keeps what the global scheduler will use
    }
}
