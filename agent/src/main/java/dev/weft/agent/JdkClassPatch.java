package dev.weft.agent;

import java.lang.instrument.ClassFileTransformer;
import java.security.ProtectionDomain;

/**
 * A change the agent makes to one class of {@code java.base}, as a transformer: it changes only
 * that class, and only as the boot loader defines it, and records what happened, because the JVM
 * swallows a transformer's exception. The agent reads {@link #applied} and {@link #failure} after
 * its retransform to decide what to say.
 */
abstract class JdkClassPatch implements ClassFileTransformer {
    /** The class's internal name, e.g. {@code java/lang/VirtualThread}. */
    private final String target;
    /** How many times the change was made. */
    volatile int applied;
    /** What was wrong with the class, or null. */
    volatile String failure;

    JdkClassPatch(String target) {
        this.target = target;
    }

    /**
     * The patched class file.
     *
     * @throws IllegalStateException naming what the class lacks
     */
    abstract byte[] apply(byte[] original);

    @Override
    public final byte[] transform(
            Module module,
            ClassLoader loader,
            String className,
            Class<?> classBeingRedefined,
            ProtectionDomain domain,
            byte[] classfileBuffer) {
        if (loader != null || !target.equals(className)) {
            return null;
        }
        try {
            byte[] patched = apply(classfileBuffer);
            applied++;
            return patched;
        } catch (Throwable e) {
            failure = e instanceof IllegalStateException ? e.getMessage() : e.toString();
            return null;
        }
    }
}
