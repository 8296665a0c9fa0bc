package dev.weft.agent;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Plain JDK code: prints the carrier of a virtual thread started from main with
 * {@code Thread.ofVirtual()}, and of one from {@code Executors.newVirtualThreadPerTaskExecutor()}.
 */
public final class CarrierNames {
    private CarrierNames() {}

    public static void main(String[] args) throws Exception {
        String[] seen = new String[1];
        Thread t =
                Thread.ofVirtual().start(() -> seen[0] = Thread.currentThread().toString());
        t.join();
        System.out.println("ofVirtual " + seen[0]);
        try (ExecutorService ex = Executors.newVirtualThreadPerTaskExecutor()) {
            System.out.println("executor "
                    + ex.submit(() -> Thread.currentThread().toString()).get());
        }
        System.out.println("done");
    }
}
