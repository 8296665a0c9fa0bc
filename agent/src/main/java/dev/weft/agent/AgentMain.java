package dev.weft.agent;

import dev.weft.scheduler.internal.AgentSupport;
import java.lang.instrument.Instrumentation;
import java.lang.instrument.UnmodifiableClassException;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ForkJoinPool;
import java.util.function.BooleanSupplier;

/**
 * The agent proper, called by {@code WeftAgent} (the Java 8 entry point) on JDK 25: makes weft's
 * {@code GoScheduler.global()} the scheduler of every virtual thread created without one.
 *
 * <p>In this order, so that nothing changes until every check has passed:
 * <ol>
 *   <li>options and settings ({@code -Dgomaxprocs}, {@code GOMAXPROCS}, {@code weft.*}), with
 *       the messages {@code GoScheduler} gives;</li>
 *   <li>nothing at all while a CDS archive or AOT cache is being dumped (patching then crashed
 *       JDK 25.0.3);</li>
 *   <li>opens {@code java.lang} (to weft, and to every unnamed module, as
 *       {@code --add-opens java.base/java.lang=ALL-UNNAMED} would) and exports the two internal
 *       packages the agent reads ({@code jdk.internal.misc}) to the agent;</li>
 *   <li>makes weft's pool, defines {@code java.lang.WeftAgentBridge} holding it, and patches
 *       {@code VirtualThread} ({@link VirtualThreadPatch});</li>
 *   <li>initialises {@code VirtualThread} and checks its default scheduler is weft's pool. No
 *       virtual thread starts on it here: the global scheduler is built on the first one.</li>
 * </ol>
 * A refusal is one line on stderr and exit status 1; with {@code -Dweft.agent.onError=warn},
 * a warning, and the JVM goes on with the JDK's scheduler.
 */
public final class AgentMain {
    /** Whether weft was installed in this JVM: a second start (the jar given twice) changes nothing. */
    private static volatile boolean started;

    private AgentMain() {}

    /**
     * Called reflectively by {@code WeftAgent}.
     *
     * @param options the agent options, or null
     * @param inst    the JVM's instrumentation
     * @param late    whether this is {@code agentmain} (after start-up) rather than {@code premain}
     */
    public static void start(String options, Instrumentation inst, boolean late) {
        if (started) { // the same class for every copy: the agent jar is on the system class path
            System.err.println("weft-agent: already started in this JVM (weft-agent.jar given twice, e.g. in"
                    + " JAVA_TOOL_OPTIONS and on the command line, or attached again): this one changes nothing"
                    + (options == null || options.isBlank() ? "" : " and its options '" + options + "' are ignored"));
            return;
        }
        boolean warn = AgentOptions.warnRequested(options);
        try {
            warn = AgentOptions.parseAndApply(options).warnOnly();
            install(inst, late);
        } catch (AgentOptions.Refused e) {
            refuse(e.getMessage(), warn);
        } catch (RuntimeException | ReflectiveOperationException | UnmodifiableClassException | LinkageError e) {
            String m = e.getMessage();
            refuse(m != null && !m.isBlank() ? m : e.toString(), warn);
        }
        if (!started && warn) {
            AgentOptions.undo(); // the JDK's scheduler, and the properties as they were
        }
    }

    private static void install(Instrumentation inst, boolean late)
            throws ReflectiveOperationException, UnmodifiableClassException {
        Module base = Object.class.getModule();
        Module agent = AgentMain.class.getModule();
        inst.redefineModule(
                base,
                Set.of(),
                Map.of("jdk.internal.misc", Set.of(agent)),
                Map.of("java.lang", Set.of(agent), "java.util.concurrent", Set.of(agent)),
                Set.of(),
                Map.of());
        exposeSchedulerModule(inst, agent); // before the first use of AgentSupport
        if (isDumpingArchive()) {
            System.err.println("weft-agent: a CDS archive or AOT cache is being made in this run: virtual threads"
                    + " stay on the JDK's scheduler until a run that uses it");
            return;
        }
        try {
            AgentSupport.checkSettings();
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new AgentOptions.Refused(e.getMessage() + AgentOptions.sourceOf(e.getMessage()));
        }
        openJavaLangToAllUnnamed();

        Class<?> vt = Class.forName("java.lang.VirtualThread", false, null);
        boolean initialised = !shouldBeInitialized(vt);
        if (!inst.isModifiableClass(vt) || !inst.isRetransformClassesSupported()) {
            throw new AgentOptions.Refused(cannotRetransform(late));
        }
        ForkJoinPool pool = AgentSupport.newJdkDefaultScheduler();
        Bridge.install(pool);
        VirtualThreadPatch patch = new VirtualThreadPatch(initialised);
        inst.addTransformer(patch, true); // stays: another agent's retransform restarts from the JDK's bytes
        inst.retransformClasses(vt);
        if (patch.applied == 0) {
            inst.removeTransformer(patch);
            throw new AgentOptions.Refused(
                    patch.failure != null
                            ? patch.failure
                            : "java.lang.VirtualThread was not patched (no class bytes reached the agent)");
        }
        started = true;
        patchQueuedWork(inst);
        if (initialised) {
            System.err.println(
                    "weft-agent: attached after virtual threads were first used (java.lang.VirtualThread"
                            + " is initialised): only virtual threads created from now on run on weft; the JDK's"
                            + " VirtualThreadSchedulerMXBean and jcmd Thread.vthread_scheduler keep showing the JDK's"
                            + " scheduler. Use -javaagent:weft-agent.jar at start-up, before any other -javaagent, for all of it");
            return;
        }
        AgentSupport.checkInstalled(pool);
    }

    /**
     * Makes the JDK's hand-off queues see weft's run queues ({@link QueuedWorkPatch}). A speed
     * change only: if it can't be made, one warning, and weft runs without it.
     */
    private static void patchQueuedWork(Instrumentation inst) {
        QueuedWorkPatch patch = new QueuedWorkPatch();
        try {
            BooleanSupplier probe = AgentSupport.knownQueuedWork();
            probe.getAsBoolean(); // initialises the probe's classes here, not inside java.base's first call
            QueuedWorkPatch.installProbe(probe);
            inst.addTransformer(patch, true);
            Class<?> fjwt = Class.forName(QueuedWorkPatch.TARGET.replace('/', '.'), false, null);
            if (inst.isModifiableClass(fjwt)) {
                inst.retransformClasses(fjwt);
            }
        } catch (ReflectiveOperationException | UnmodifiableClassException | RuntimeException | LinkageError e) {
            patch.failure = e instanceof LinkageError
                    ? e + " (weft's scheduler classes do not match this agent: is an older weft-scheduler jar ahead"
                            + " of weft-agent.jar on the class path? Keep both at the same version)"
                    : e.toString();
        }
        if (patch.applied == 0 || patch.failure != null) { // applied counts transforms, not a retransform that failed
            inst.removeTransformer(patch);
            System.err.println("weft-agent: warning: "
                    + (patch.failure != null
                            ? patch.failure
                            : "java.util.concurrent.ForkJoinWorkerThread was not patched (no class bytes reached the agent)")
                    + "; weft runs without that change (the JDK's SynchronousQueue, LinkedTransferQueue and Exchanger"
                    + " spin before they park)");
        }
    }

    /**
     * weft on the module path: when the application runs weft's scheduler as the named module
     * {@code dev.weft.scheduler} of the boot layer, the application class loader loads its classes
     * from that module, not this jar's copies, so this agent (an unnamed module, as every
     * {@code -javaagent} jar) reaches the module's {@code dev.weft.scheduler.internal}, which it
     * exports to weft's own modules only. Exports it to this agent, and opens {@code java.lang}
     * to the module, as {@code --add-opens java.base/java.lang=dev.weft.scheduler} would.
     */
    private static void exposeSchedulerModule(Instrumentation inst, Module agent) {
        ModuleLayer.boot().findModule("dev.weft.scheduler").ifPresent(weft -> {
            inst.redefineModule(
                    weft, Set.of(), Map.of("dev.weft.scheduler.internal", Set.of(agent)), Map.of(), Set.of(), Map.of());
            inst.redefineModule(
                    Object.class.getModule(),
                    Set.of(),
                    Map.of(),
                    Map.of("java.lang", Set.of(weft)),
                    Set.of(),
                    Map.of());
        });
    }

    /**
     * Why the JVM gave the agent no retransform capability: the manifest of the jar that named it
     * lacks {@code Can-Retransform-Classes: true}. With {@code -javaagent} or an attach, that is
     * weft-agent.jar's; as an executable jar's {@code Launcher-Agent-Class}, the executable jar's.
     */
    private static String cannotRetransform(boolean late) {
        String command = System.getProperty("sun.java.command", "");
        String first = command.isBlank() ? "" : command.strip().split("\\s+")[0];
        if (late && first.endsWith(".jar")) {
            return "this JVM cannot retransform java.lang.VirtualThread: the executable jar " + first
                    + " names the agent (Launcher-Agent-Class) but its manifest lacks 'Can-Retransform-Classes: true'."
                    + " Fix: add that line to the manifest of " + first;
        }
        return "this JVM cannot retransform java.lang.VirtualThread: weft-agent.jar's manifest lacks"
                + " 'Can-Retransform-Classes: true'. Fix: use weft-agent.jar as built (./weft mvn -pl agent -am package)";
    }

    private static boolean isDumpingArchive() throws ReflectiveOperationException {
        return (boolean) Class.forName("jdk.internal.misc.CDS")
                .getMethod("isDumpingArchive")
                .invoke(null);
    }

    /** {@code jdk.internal.misc.Unsafe.shouldBeInitialized}: true while the class is not initialised. */
    private static boolean shouldBeInitialized(Class<?> c) throws ReflectiveOperationException {
        Class<?> unsafe = Class.forName("jdk.internal.misc.Unsafe");
        Object u = unsafe.getMethod("getUnsafe").invoke(null);
        return (boolean) unsafe.getMethod("shouldBeInitialized", Class.class).invoke(u, c);
    }

    /** As {@code --add-opens java.base/java.lang=ALL-UNNAMED}: weft in any class loader plugs in. */
    private static void openJavaLangToAllUnnamed() throws ReflectiveOperationException {
        Module base = Object.class.getModule();
        // Module.implAddOpensToAllUnnamed is private to java.lang, which is now open to the agent.
        var m = Module.class.getDeclaredMethod("implAddOpensToAllUnnamed", String.class);
        m.setAccessible(true);
        m.invoke(base, "java.lang");
    }

    private static void refuse(String message, boolean warn) {
        if (warn) {
            System.err.println("weft-agent: " + message
                    + " (weft.agent.onError=warn: virtual threads stay on the JDK's scheduler)");
            return;
        }
        System.err.println("weft-agent: " + message);
        System.err.flush();
        Runtime.getRuntime().halt(1);
    }
}
