package com.example.pipeline;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Plain JDK code, no weft import: a virtual thread of
 * {@link Executors#newVirtualThreadPerTaskExecutor()} reports the carrier it runs on. Under
 * {@code -javaagent:weft-agent.jar} that is {@code weft-global-carrier-N}; without the agent, the
 * JDK's {@code ForkJoinPool-1-worker-N}.
 *
 * <p>Prints {@code carrier: weft-global-carrier-1} (under the agent).
 */
public final class PlainVirtualThreads {
    private PlainVirtualThreads() {}

    /**
     * Prints the name of the carrier thread of a new virtual thread.
     *
     * @param args ignored
     * @throws Exception if the virtual thread fails
     */
    public static void main(String[] args) throws Exception {
        try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<String> carrier = executor.submit(PlainVirtualThreads::carrierName);
            System.out.println("carrier: " + carrier.get());
        }
    }

    /** The carrier's name, from the virtual thread's {@code toString()}: {@code VirtualThread[#22]/runnable@NAME}. */
    private static String carrierName() {
        String self = Thread.currentThread().toString();
        int at = self.lastIndexOf('@');
        return at < 0 ? "none (" + self + ")" : self.substring(at + 1);
    }
}
