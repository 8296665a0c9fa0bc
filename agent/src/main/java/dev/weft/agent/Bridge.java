package dev.weft.agent;

import java.lang.classfile.ClassFile;
import java.lang.classfile.Label;
import java.lang.constant.ClassDesc;
import java.lang.constant.ConstantDescs;
import java.lang.constant.MethodTypeDesc;
import java.lang.invoke.MethodHandles;
import java.lang.reflect.AccessFlag;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;

/**
 * {@code java.lang.WeftAgentBridge}: the one class the agent adds to {@code java.base}, so that
 * the patched {@code VirtualThread} (loaded by the boot loader) can reach weft's scheduler
 * (loaded by the application's). It is defined in package {@code java.lang} through a private
 * lookup, not by appending a jar to the boot class path, which would turn class data sharing
 * off for the application's classes.
 *
 * <pre>{@code
 * final class WeftAgentBridge {
 *     static volatile ForkJoinPool scheduler;
 *     static Executor choose(Executor given) {       // a late attach: see VirtualThreadPatch
 *         if (given != null || Thread.currentThread().isVirtual()) return given;
 *         return scheduler;
 *     }
 * }
 * }</pre>
 */
final class Bridge {
    static final ClassDesc CLASS = ClassDesc.of("java.lang.WeftAgentBridge");
    static final String FIELD = "scheduler";
    static final String CHOOSE = "choose";
    private static final ClassDesc FJP = ClassDesc.of(ForkJoinPool.class.getName());
    private static final ClassDesc EXECUTOR = ClassDesc.of(Executor.class.getName());
    private static final ClassDesc THREAD = ClassDesc.of(Thread.class.getName());

    private Bridge() {}

    /**
     * Defines the bridge in {@code java.lang} (which must be open to the agent) and sets its
     * scheduler.
     */
    static void install(ForkJoinPool scheduler) throws ReflectiveOperationException {
        MethodHandles.Lookup javaLang = MethodHandles.privateLookupIn(Thread.class, MethodHandles.lookup());
        Class<?> bridge = javaLang.defineClass(bytes());
        javaLang.findStaticVarHandle(bridge, FIELD, ForkJoinPool.class).setVolatile(scheduler);
    }

    static byte[] bytes() {
        return ClassFile.of()
                .build(
                        CLASS,
                        cb -> cb.withFlags(AccessFlag.FINAL, AccessFlag.SYNTHETIC)
                                .withField(FIELD, FJP, fb -> fb.withFlags(AccessFlag.STATIC, AccessFlag.VOLATILE))
                                .withMethodBody(
                                        CHOOSE, MethodTypeDesc.of(EXECUTOR, EXECUTOR), ClassFile.ACC_STATIC, code -> {
                                            Label keep = code.newLabel();
                                            code.aload(0)
                                                    .ifnonnull(keep)
                                                    .invokestatic(THREAD, "currentThread", MethodTypeDesc.of(THREAD))
                                                    .invokevirtual(
                                                            THREAD,
                                                            "isVirtual",
                                                            MethodTypeDesc.of(ConstantDescs.CD_boolean))
                                                    .ifne(keep)
                                                    .getstatic(CLASS, FIELD, FJP)
                                                    .areturn()
                                                    .labelBinding(keep)
                                                    .aload(0)
                                                    .areturn();
                                        }));
    }
}
