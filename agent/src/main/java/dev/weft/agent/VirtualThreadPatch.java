package dev.weft.agent;

import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassModel;
import java.lang.classfile.ClassTransform;
import java.lang.classfile.CodeBuilder;
import java.lang.classfile.CodeElement;
import java.lang.classfile.CodeTransform;
import java.lang.classfile.FieldModel;
import java.lang.classfile.Label;
import java.lang.classfile.MethodModel;
import java.lang.constant.ClassDesc;
import java.lang.constant.ConstantDescs;
import java.lang.constant.MethodTypeDesc;
import java.lang.reflect.AccessFlag;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;

/**
 * The change the agent makes to {@code java.lang.VirtualThread}, with the JDK's ClassFile API.
 *
 * <p>Before {@code VirtualThread} is initialised (the agent at start-up), the head of
 * {@code createDefaultScheduler()} becomes
 * <pre>{@code
 * ForkJoinPool weft = WeftAgentBridge.scheduler;  if (weft != null) return weft;   // then the JDK's own body
 * }</pre>
 * so {@code DEFAULT_SCHEDULER} is weft's, and the JDK's {@code ForkJoinPool} is never made.
 *
 * <p>After it (a late attach), {@code DEFAULT_SCHEDULER} is fixed; instead the constructor
 * {@code VirtualThread(Executor scheduler, String, int, Runnable)} begins with
 * {@code scheduler = WeftAgentBridge.choose(scheduler)}: a thread created afterwards with no
 * scheduler, from a platform thread, gets weft's (from a virtual thread it still inherits its
 * parent's, as the JDK does).
 *
 * <p>It stays registered: another agent that retransforms {@code VirtualThread} starts from the
 * original bytes, and this transformer applies the same change again. It checks the class has
 * the shape it knows and, if not, changes nothing and records what is missing in {@link #failure}
 * (a transformer's exception would be swallowed by the JVM).
 */
final class VirtualThreadPatch extends JdkClassPatch {
    static final String TARGET = "java/lang/VirtualThread";
    /** The feature release whose VirtualThread this patch knows (as WeftAgent.JDK). */
    static final int JDK = 25;

    private static final ClassDesc FJP = ClassDesc.of(ForkJoinPool.class.getName());
    private static final ClassDesc EXECUTOR = ClassDesc.of(Executor.class.getName());
    private static final MethodTypeDesc CREATE = MethodTypeDesc.of(FJP);
    private static final MethodTypeDesc CONSTRUCTOR = MethodTypeDesc.of(
            ConstantDescs.CD_void,
            EXECUTOR,
            ConstantDescs.CD_String,
            ConstantDescs.CD_int,
            ClassDesc.of(Runnable.class.getName()));

    /** Which change: the default scheduler (at start-up) or the constructor (late attach). */
    private final boolean late;

    VirtualThreadPatch(boolean late) {
        super(TARGET);
        this.late = late;
    }

    @Override
    byte[] apply(byte[] original) {
        return patch(original, late);
    }

    /**
     * The patched class file.
     *
     * @throws IllegalStateException naming what the class lacks
     */
    static byte[] patch(byte[] original, boolean late) {
        ClassFile cf = ClassFile.of();
        ClassModel cm = cf.parse(original);
        checkShape(cm, late);
        if (!late) {
            return cf.transformClass(
                    cm,
                    ClassTransform.transformingMethodBodies(
                            m -> m.methodName().equalsString("createDefaultScheduler")
                                    && m.methodTypeSymbol().equals(CREATE),
                            new ReturnWeftFirst()));
        }
        return cf.transformClass(
                cm,
                ClassTransform.transformingMethodBodies(
                        m -> m.methodName().equalsString(ConstantDescs.INIT_NAME)
                                && m.methodTypeSymbol().equals(CONSTRUCTOR),
                        new ChooseWeftFirst()));
    }

    /** Names what is missing from {@code VirtualThread}, if anything. */
    static void checkShape(ClassModel cm, boolean late) {
        String jdk = " in java.lang.VirtualThread of Java " + Runtime.version() + ": weft-agent knows JDK "
                + JDK + "'s. Fix: run on JDK " + JDK
                + ", or keep the JDK's scheduler with -Dweft.agent.onError=warn";
        boolean create = false;
        boolean constructor = false;
        for (MethodModel m : cm.methods()) {
            if (m.methodName().equalsString("createDefaultScheduler")
                    && m.methodTypeSymbol().equals(CREATE)
                    && m.flags().has(AccessFlag.STATIC)
                    && m.code().isPresent()) {
                create = true;
            }
            if (m.methodName().equalsString(ConstantDescs.INIT_NAME)
                    && m.methodTypeSymbol().equals(CONSTRUCTOR)) {
                constructor = true;
            }
        }
        boolean field = false;
        for (FieldModel f : cm.fields()) {
            if (f.fieldName().equalsString("DEFAULT_SCHEDULER")
                    && f.fieldType().equalsString(FJP.descriptorString())
                    && f.flags().has(AccessFlag.STATIC)) {
                field = true;
            }
        }
        if (!field) {
            throw new IllegalStateException("no static field 'ForkJoinPool DEFAULT_SCHEDULER'" + jdk);
        }
        if (!create) {
            throw new IllegalStateException("no method 'static ForkJoinPool createDefaultScheduler()'" + jdk);
        }
        if (late && !constructor) {
            throw new IllegalStateException("no constructor 'VirtualThread(Executor, String, int, Runnable)'" + jdk);
        }
    }

    /** Prepends: {@code if (WeftAgentBridge.scheduler != null) return WeftAgentBridge.scheduler;}. */
    private static final class ReturnWeftFirst implements CodeTransform {
        @Override
        public void atStart(CodeBuilder b) {
            Label jdk = b.newLabel();
            b.getstatic(Bridge.CLASS, Bridge.FIELD, FJP)
                    .dup()
                    .ifnull(jdk)
                    .areturn()
                    .labelBinding(jdk)
                    .pop();
        }

        @Override
        public void accept(CodeBuilder b, CodeElement e) {
            b.with(e);
        }
    }

    /** Prepends: {@code scheduler = WeftAgentBridge.choose(scheduler);} (slot 1, before {@code super}). */
    private static final class ChooseWeftFirst implements CodeTransform {
        @Override
        public void atStart(CodeBuilder b) {
            b.aload(1)
                    .invokestatic(Bridge.CLASS, Bridge.CHOOSE, MethodTypeDesc.of(EXECUTOR, EXECUTOR))
                    .astore(1);
        }

        @Override
        public void accept(CodeBuilder b, CodeElement e) {
            b.with(e);
        }
    }
}
