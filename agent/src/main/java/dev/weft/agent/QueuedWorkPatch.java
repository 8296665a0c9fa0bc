package dev.weft.agent;

import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassModel;
import java.lang.classfile.ClassTransform;
import java.lang.classfile.CodeBuilder;
import java.lang.classfile.CodeElement;
import java.lang.classfile.CodeTransform;
import java.lang.classfile.Label;
import java.lang.classfile.MethodModel;
import java.lang.constant.ClassDesc;
import java.lang.constant.ConstantDescs;
import java.lang.constant.MethodTypeDesc;
import java.lang.invoke.MethodHandles;
import java.lang.reflect.AccessFlag;
import java.util.concurrent.ForkJoinPool;
import java.util.function.BooleanSupplier;

/**
 * The change the agent makes to {@code java.util.concurrent.ForkJoinWorkerThread}, so that the
 * JDK's hand-off queues don't spin on weft while the partner they woke waits for their carrier.
 *
 * <p>{@code LinkedTransferQueue.await} (behind {@code SynchronousQueue} and
 * {@code LinkedTransferQueue}) spins 128 {@code Thread.onSpinWait()}s, and {@code Exchanger}
 * 1,024, before they park, unless {@code ForkJoinWorkerThread
 * .hasKnownQueuedWork()} says the carrier has work queued. The JDK answers that for its own
 * {@code ForkJoinWorkerThread} carriers, where the partner a waiter just unparked sits in the
 * carrier's queue; on any other carrier it answers false. On weft the partner sits in the P's
 * {@code runnext}, behind the spinning waiter, so every wait burned the whole spin (measured through
 * the agent: a {@code SynchronousQueue} ping-pong round trip took 9.1 µs before the patch and
 * 0.81 µs after, {@code docs/drop-in-before-after.md}). The patch prepends, in {@code static boolean hasKnownQueuedWork()}:
 *
 * <pre>{@code
 * if (WeftQueuedWork.probe != null && WeftQueuedWork.probe.getAsBoolean()) return true;  // then the JDK's own body
 * }</pre>
 *
 * where {@code java.util.concurrent.WeftQueuedWork} is a class the agent defines in that package
 * (through a private lookup, as {@link Bridge}) holding the scheduler's probe
 * ({@code QueuedWork.onCurrentCarrier}): true on a weft carrier whose P has work queued.
 *
 * <p>The patch changes speed only. If the JDK lacks the method, the agent warns and goes on
 * without it. Like {@link VirtualThreadPatch}, the transformer stays registered, so another
 * agent's retransform gets the change again.
 */
final class QueuedWorkPatch extends JdkClassPatch {
    static final String TARGET = "java/util/concurrent/ForkJoinWorkerThread";
    static final String METHOD = "hasKnownQueuedWork";
    static final ClassDesc HOLDER = ClassDesc.of("java.util.concurrent.WeftQueuedWork");
    static final String FIELD = "probe";
    private static final ClassDesc SUPPLIER = ClassDesc.of(BooleanSupplier.class.getName());
    private static final MethodTypeDesc TYPE = MethodTypeDesc.of(ConstantDescs.CD_boolean);

    QueuedWorkPatch() {
        super(TARGET);
    }

    /**
     * Defines {@code java.util.concurrent.WeftQueuedWork} (the package must be open to the agent)
     * and sets its probe.
     */
    static void installProbe(BooleanSupplier probe) throws ReflectiveOperationException {
        MethodHandles.Lookup juc = MethodHandles.privateLookupIn(ForkJoinPool.class, MethodHandles.lookup());
        Class<?> holder = juc.defineClass(holderBytes());
        juc.findStaticVarHandle(holder, FIELD, BooleanSupplier.class).setVolatile(probe);
    }

    /** {@code final class WeftQueuedWork { static volatile BooleanSupplier probe; }} */
    static byte[] holderBytes() {
        return ClassFile.of()
                .build(
                        HOLDER,
                        cb -> cb.withFlags(AccessFlag.FINAL, AccessFlag.SYNTHETIC)
                                .withField(
                                        FIELD, SUPPLIER, fb -> fb.withFlags(AccessFlag.STATIC, AccessFlag.VOLATILE)));
    }

    @Override
    byte[] apply(byte[] original) {
        return patch(original);
    }

    /**
     * The patched class file.
     *
     * @throws IllegalStateException if the class has no {@code static boolean hasKnownQueuedWork()}
     */
    static byte[] patch(byte[] original) {
        ClassFile cf = ClassFile.of();
        ClassModel cm = cf.parse(original);
        if (cm.methods().stream().noneMatch(QueuedWorkPatch::isTarget)) {
            throw new IllegalStateException("no method 'static boolean " + METHOD
                    + "()' in java.util.concurrent.ForkJoinWorkerThread of Java " + Runtime.version()
                    + ": the JDK's SynchronousQueue, LinkedTransferQueue and Exchanger spin before they park"
                    + " on weft (slower, still correct). Fix: run on JDK " + VirtualThreadPatch.JDK);
        }
        return cf.transformClass(
                cm, ClassTransform.transformingMethodBodies(QueuedWorkPatch::isTarget, new AskWeftFirst()));
    }

    private static boolean isTarget(MethodModel m) {
        return m.methodName().equalsString(METHOD)
                && m.methodTypeSymbol().equals(TYPE)
                && m.flags().has(AccessFlag.STATIC)
                && m.code().isPresent();
    }

    /** Prepends: {@code if (WeftQueuedWork.probe != null && WeftQueuedWork.probe.getAsBoolean()) return true;}. */
    private static final class AskWeftFirst implements CodeTransform {
        @Override
        public void atStart(CodeBuilder b) {
            Label jdk = b.newLabel();
            b.getstatic(HOLDER, FIELD, SUPPLIER)
                    .ifnull(jdk)
                    .getstatic(HOLDER, FIELD, SUPPLIER)
                    .invokeinterface(SUPPLIER, "getAsBoolean", TYPE)
                    .ifeq(jdk)
                    .iconst_1()
                    .ireturn()
                    .labelBinding(jdk);
        }

        @Override
        public void accept(CodeBuilder b, CodeElement e) {
            b.with(e);
        }
    }
}
