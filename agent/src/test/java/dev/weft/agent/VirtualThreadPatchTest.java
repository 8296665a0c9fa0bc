package dev.weft.agent;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassModel;
import java.lang.classfile.MethodModel;
import java.lang.classfile.Opcode;
import java.lang.classfile.instruction.FieldInstruction;
import java.lang.classfile.instruction.InvokeInstruction;
import java.lang.constant.ClassDesc;
import java.lang.constant.ConstantDescs;
import java.lang.constant.MethodTypeDesc;
import java.net.URI;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link VirtualThreadPatch} on a {@code VirtualThread} whose shape it does not know (class files
 * built here with the ClassFile API, each lacking one member the patch needs): it changes nothing
 * and names what is missing. And on this JDK's real {@code java.lang.VirtualThread}: the patched
 * class verifies.
 */
class VirtualThreadPatchTest {
    private static final ClassDesc VT = ClassDesc.ofInternalName(VirtualThreadPatch.TARGET);
    private static final ClassDesc FJP = ClassDesc.of(ForkJoinPool.class.getName());
    private static final MethodTypeDesc CONSTRUCTOR = MethodTypeDesc.of(
            ConstantDescs.CD_void,
            ClassDesc.of(Executor.class.getName()),
            ConstantDescs.CD_String,
            ConstantDescs.CD_int,
            ClassDesc.of(Runnable.class.getName()));

    /** A stand-in {@code java.lang.VirtualThread} with the members the patch needs, except {@code missing}. */
    static byte[] virtualThreadWithout(Set<String> missing) {
        return ClassFile.of().build(VT, cb -> {
            if (!missing.contains("field")) {
                cb.withField(
                        "DEFAULT_SCHEDULER", FJP, ClassFile.ACC_PRIVATE | ClassFile.ACC_STATIC | ClassFile.ACC_FINAL);
            }
            if (!missing.contains("create")) {
                cb.withMethodBody(
                        "createDefaultScheduler",
                        MethodTypeDesc.of(FJP),
                        ClassFile.ACC_PRIVATE | ClassFile.ACC_STATIC,
                        code -> code.aconst_null().areturn());
            }
            if (missing.contains("create-not-static")) {
                cb.withMethodBody(
                        "createDefaultScheduler",
                        MethodTypeDesc.of(FJP),
                        ClassFile.ACC_PRIVATE,
                        code -> code.aconst_null().areturn());
            }
            if (!missing.contains("constructor")) {
                cb.withMethodBody(
                        ConstantDescs.INIT_NAME,
                        CONSTRUCTOR,
                        0,
                        code -> code.aload(0)
                                .invokespecial(ConstantDescs.CD_Object, ConstantDescs.INIT_NAME, ConstantDescs.MTD_void)
                                .return_());
            }
        });
    }

    static ClassModel parse(byte[] b) {
        return ClassFile.of().parse(b);
    }

    @ParameterizedTest(name = "late={0}")
    @ValueSource(booleans = {false, true})
    void theShapeItKnowsIsPatched(boolean late) {
        byte[] patched = VirtualThreadPatch.patch(virtualThreadWithout(Set.of()), late);
        assertTrue(callsBridge(parse(patched), late ? ConstantDescs.INIT_NAME : "createDefaultScheduler"));
    }

    @ParameterizedTest(name = "late={0}")
    @ValueSource(booleans = {false, true})
    void noDefaultSchedulerField(boolean late) {
        missing(Set.of("field"), late, "no static field 'ForkJoinPool DEFAULT_SCHEDULER'");
    }

    @ParameterizedTest(name = "late={0}")
    @ValueSource(booleans = {false, true})
    void noCreateDefaultScheduler(boolean late) {
        missing(Set.of("create"), late, "no method 'static ForkJoinPool createDefaultScheduler()'");
    }

    @Test
    void createDefaultSchedulerNotStatic() {
        missing(
                Set.of("create", "create-not-static"),
                false,
                "no method 'static ForkJoinPool createDefaultScheduler()'");
    }

    @Test
    void noConstructorMattersOnlyToALateAttach() {
        missing(Set.of("constructor"), true, "no constructor 'VirtualThread(Executor, String, int, Runnable)'");
        assertDoesNotThrow(() -> VirtualThreadPatch.patch(virtualThreadWithout(Set.of("constructor")), false));
    }

    /** patch and checkShape throw naming the member; the transformer returns null and records the same. */
    private static void missing(Set<String> without, boolean late, String named) {
        byte[] bytes = virtualThreadWithout(without);
        IllegalStateException e =
                assertThrows(IllegalStateException.class, () -> VirtualThreadPatch.patch(bytes, late));
        assertTrue(e.getMessage().startsWith(named), e.getMessage());
        assertTrue(
                e.getMessage().contains("java.lang.VirtualThread of Java " + Runtime.version())
                        && e.getMessage().contains("Fix: run on JDK 25"),
                e.getMessage());
        assertThrows(IllegalStateException.class, () -> VirtualThreadPatch.checkShape(parse(bytes), late));

        VirtualThreadPatch transformer = new VirtualThreadPatch(late);
        assertNull(transformer.transform(null, null, VirtualThreadPatch.TARGET, null, null, bytes));
        assertEquals(0, transformer.applied);
        assertEquals(e.getMessage(), transformer.failure);
    }

    @Test
    void theTransformerLeavesOtherClassesAlone() {
        VirtualThreadPatch transformer = new VirtualThreadPatch(false);
        byte[] bytes = virtualThreadWithout(Set.of());
        assertNull(transformer.transform(null, null, "java/lang/Thread", null, null, bytes));
        assertNull(transformer.transform(
                null, ClassLoader.getSystemClassLoader(), VirtualThreadPatch.TARGET, null, null, bytes));
        assertEquals(0, transformer.applied);
        assertNull(transformer.failure);
    }

    static byte[] realVirtualThread() throws Exception {
        return Files.readAllBytes(FileSystems.getFileSystem(URI.create("jrt:/"))
                .getPath("modules", "java.base", "java", "lang", "VirtualThread.class"));
    }

    @ParameterizedTest(name = "late={0}")
    @ValueSource(booleans = {false, true})
    void thisJdksVirtualThreadIsPatchedAndVerifies(boolean late) throws Exception {
        byte[] original = realVirtualThread();
        assertEquals(List.of(), ClassFile.of().verify(original), "the JDK's own class, before the patch");
        VirtualThreadPatch transformer = new VirtualThreadPatch(late);
        byte[] patched = transformer.transform(null, null, VirtualThreadPatch.TARGET, null, null, original);
        assertNotNull(patched, transformer.failure);
        assertEquals(1, transformer.applied);
        assertEquals(List.of(), ClassFile.of().verify(patched));
        assertTrue(callsBridge(parse(patched), late ? ConstantDescs.INIT_NAME : "createDefaultScheduler"));
        assertTrue(!callsBridge(parse(original), "createDefaultScheduler")
                && !callsBridge(parse(original), ConstantDescs.INIT_NAME));
        assertEquals(parse(original).methods().size(), parse(patched).methods().size());
        assertEquals(parse(original).fields().size(), parse(patched).fields().size());
    }

    /** Whether method {@code name} of {@code cm} reads or calls {@code java.lang.WeftAgentBridge} first. */
    private static boolean callsBridge(ClassModel cm, String name) {
        for (MethodModel m : cm.methods()) {
            if (!m.methodName().equalsString(name) || m.code().isEmpty()) {
                continue;
            }
            var first = m.code()
                    .get()
                    .elementStream()
                    .filter(e -> e instanceof java.lang.classfile.Instruction)
                    .limit(2)
                    .toList();
            for (var e : first) {
                if (e instanceof FieldInstruction f
                        && f.opcode() == Opcode.GETSTATIC
                        && f.owner().asSymbol().equals(Bridge.CLASS)) {
                    return true;
                }
                if (e instanceof InvokeInstruction i && i.owner().asSymbol().equals(Bridge.CLASS)) {
                    return true;
                }
            }
        }
        return false;
    }
}
