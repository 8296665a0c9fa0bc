/**
 * weft's scheduler: a Go-style G-M-P carrier scheduler for JDK virtual threads
 * ({@link dev.weft.scheduler.GoScheduler}).
 *
 * <p>On the module path the JVM must open {@code java.lang} to this module, since the scheduler
 * plugs into virtual threads through a package-private JDK constructor:
 * {@code --add-opens java.base/java.lang=dev.weft.scheduler} (on the class path:
 * {@code =ALL-UNNAMED}). Without it the first use of a {@code GoScheduler} throws an
 * {@link IllegalStateException} naming that exact flag.
 *
 * <p>Exports only the API, {@code dev.weft.scheduler}. {@code dev.weft.scheduler.internal} is for
 * weft's own modules (channels' deadlock hooks, the agent's hooks) and may change in any release;
 * the engine ({@code dev.weft.scheduler.engine}) is not exported.
 */
// "module": the qualified export names weft's own later modules, which javac cannot see here
@SuppressWarnings("module")
module dev.weft.scheduler {
    requires org.slf4j;
    // MXBeans (GoSchedulerMXBean, registered on the platform MBeanServer) and JFR events
    // (dev.weft.Handoff, dev.weft.Resize): implementation only, no type of theirs in weft's API.
    requires java.management;
    requires jdk.jfr;

    exports dev.weft.scheduler;
    exports dev.weft.scheduler.internal to
            dev.weft.channels,
            dev.weft.agent;
}
