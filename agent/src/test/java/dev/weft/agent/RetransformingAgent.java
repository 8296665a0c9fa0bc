package dev.weft.agent;

import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;

/**
 * Another agent (plain JDK code, {@code Premain-Class} of a jar the test builds): registers a
 * retransform-capable transformer that changes nothing and retransforms
 * {@code java.lang.VirtualThread}, as profilers and APM agents do. A retransformation starts
 * again from the class's original bytes, so weft's patch must be applied again.
 */
public final class RetransformingAgent implements ClassFileTransformer {
    public static void premain(String options, Instrumentation inst) throws Exception {
        inst.addTransformer(new RetransformingAgent(), true);
        inst.retransformClasses(Class.forName("java.lang.VirtualThread"));
        System.out.println("other agent retransformed java.lang.VirtualThread");
    }
}
