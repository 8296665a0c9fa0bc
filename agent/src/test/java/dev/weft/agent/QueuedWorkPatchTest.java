package dev.weft.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassModel;
import java.lang.classfile.FieldModel;
import java.lang.classfile.MethodModel;
import java.lang.classfile.Opcode;
import java.lang.classfile.instruction.FieldInstruction;
import java.lang.constant.ClassDesc;
import java.lang.constant.ConstantDescs;
import java.lang.constant.MethodTypeDesc;
import java.lang.reflect.AccessFlag;
import java.net.URI;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/**
 * {@link QueuedWorkPatch} on this JDK's real {@code ForkJoinWorkerThread} (the patched class
 * verifies and asks weft's probe first), on a class without the method (nothing changes; the
 * message names the method and says what is lost), and the holder class it defines.
 */
class QueuedWorkPatchTest {
    static byte[] realForkJoinWorkerThread() throws Exception {
        return Files.readAllBytes(FileSystems.getFileSystem(URI.create("jrt:/"))
                .getPath("modules", "java.base", "java", "util", "concurrent", "ForkJoinWorkerThread.class"));
    }

    @Test
    void thisJdksForkJoinWorkerThreadIsPatchedAndVerifies() throws Exception {
        byte[] original = realForkJoinWorkerThread();
        assertEquals(List.of(), ClassFile.of().verify(original), "the JDK's own class, before the patch");
        QueuedWorkPatch transformer = new QueuedWorkPatch();
        byte[] patched = transformer.transform(null, null, QueuedWorkPatch.TARGET, null, null, original);
        assertNotNull(patched, transformer.failure);
        assertEquals(1, transformer.applied);
        assertEquals(List.of(), ClassFile.of().verify(patched));
        assertTrue(readsProbeFirst(ClassFile.of().parse(patched)));
        assertFalse(readsProbeFirst(ClassFile.of().parse(original)));
        ClassModel before = ClassFile.of().parse(original);
        ClassModel after = ClassFile.of().parse(patched);
        assertEquals(before.methods().size(), after.methods().size(), "a retransform may add no method");
        assertEquals(before.fields().size(), after.fields().size(), "a retransform may add no field");
    }

    @Test
    void aClassWithoutTheMethodIsLeftAloneAndTheMessageSaysWhatIsLost() {
        byte[] bytes = ClassFile.of()
                .build(
                        ClassDesc.ofInternalName(QueuedWorkPatch.TARGET),
                        cb -> cb.withMethodBody(
                                "hasKnownQueuedWork",
                                MethodTypeDesc.of(ConstantDescs.CD_int), // wrong type
                                ClassFile.ACC_STATIC,
                                code -> code.iconst_0().ireturn()));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> QueuedWorkPatch.patch(bytes));
        assertTrue(
                e.getMessage().startsWith("no method 'static boolean hasKnownQueuedWork()'")
                        && e.getMessage().contains("spin before they park")
                        && e.getMessage().contains("Fix: run on JDK 25"),
                e.getMessage());
        QueuedWorkPatch transformer = new QueuedWorkPatch();
        assertNull(transformer.transform(null, null, QueuedWorkPatch.TARGET, null, null, bytes));
        assertEquals(0, transformer.applied);
        assertEquals(e.getMessage(), transformer.failure);
    }

    @Test
    void theTransformerLeavesOtherClassesAlone() throws Exception {
        QueuedWorkPatch transformer = new QueuedWorkPatch();
        byte[] bytes = realForkJoinWorkerThread();
        assertNull(transformer.transform(null, null, "java/util/concurrent/ForkJoinPool", null, null, bytes));
        assertNull(transformer.transform(
                null, ClassLoader.getSystemClassLoader(), QueuedWorkPatch.TARGET, null, null, bytes));
        assertEquals(0, transformer.applied);
    }

    @Test
    void theHolderIsAFinalClassWithOneStaticVolatileProbe() {
        ClassModel holder = ClassFile.of().parse(QueuedWorkPatch.holderBytes());
        assertEquals(QueuedWorkPatch.HOLDER, holder.thisClass().asSymbol());
        assertTrue(holder.flags().has(AccessFlag.FINAL));
        assertEquals(1, holder.fields().size());
        FieldModel probe = holder.fields().get(0);
        assertEquals(QueuedWorkPatch.FIELD, probe.fieldName().stringValue());
        assertEquals(BooleanSupplier.class.descriptorString(), probe.fieldType().stringValue());
        assertTrue(probe.flags().has(AccessFlag.STATIC) && probe.flags().has(AccessFlag.VOLATILE));
        assertEquals(List.of(), ClassFile.of().verify(QueuedWorkPatch.holderBytes()));
    }

    /** Whether {@code hasKnownQueuedWork} starts by reading the holder's probe. */
    private static boolean readsProbeFirst(ClassModel cm) {
        for (MethodModel m : cm.methods()) {
            if (m.methodName().equalsString(QueuedWorkPatch.METHOD) && m.code().isPresent()) {
                var first = m.code()
                        .get()
                        .elementStream()
                        .filter(e -> e instanceof java.lang.classfile.Instruction)
                        .findFirst()
                        .orElseThrow();
                return first instanceof FieldInstruction f
                        && f.opcode() == Opcode.GETSTATIC
                        && f.owner().asSymbol().equals(QueuedWorkPatch.HOLDER);
            }
        }
        return false;
    }
}
