/**
 * weft's Java agent: makes {@code GoScheduler.global()} the JDK's default virtual-thread scheduler.
 *
 * <p>This descriptor is the unshaded jar's ({@code target/original-weft-agent.jar}, for reading and
 * for tools; not published). The jar the JVM loads with {@code -javaagent:weft-agent.jar}, and the
 * Maven artifact {@code dev.weft:weft-agent}, is the shaded one: it
 * bundles weft's scheduler and a relocated SLF4J ({@code dev.weft.agent.slf4j}), carries no
 * {@code module-info.class}, and, as every {@code -javaagent} jar, is loaded from the class path
 * into the unnamed module of the application class loader (its {@code Automatic-Module-Name} only
 * names it should it be put on a module path, which an agent jar is not for).
 */
module dev.weft.agent {
    requires dev.weft.scheduler;
    requires java.instrument;
}
