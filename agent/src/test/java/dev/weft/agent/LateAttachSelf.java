package dev.weft.agent;

import com.sun.tools.attach.VirtualMachine;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Plain JDK code: uses virtual threads first (so {@code VirtualThread} is initialised on the JDK's
 * scheduler), then loads the agent jar {@code args[0]} into itself (needs
 * {@code -Djdk.attach.allowAttachSelf=true}). Prints {@code before <thread>} for a virtual
 * thread run before the attach, {@code old-after <thread>} for one started before and still
 * running after it, {@code after <thread>} for one created from main after it, and {@code done}.
 */
public final class LateAttachSelf {
    private LateAttachSelf() {}

    public static void main(String[] args) throws Exception {
        System.out.println("before " + CarrierNamesEverywhere.onVirtualThread(Thread.ofVirtual()::start));
        CountDownLatch attached = new CountDownLatch(1);
        AtomicReference<String> oldAfter = new AtomicReference<>();
        Thread old = Thread.ofVirtual().start(() -> {
            try {
                attached.await();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
            oldAfter.set(Thread.currentThread().toString());
        });

        VirtualMachine vm =
                VirtualMachine.attach(Long.toString(ProcessHandle.current().pid()));
        try {
            vm.loadAgent(args[0]);
        } finally {
            vm.detach();
        }
        attached.countDown();
        old.join();
        System.out.println("old-after " + oldAfter.get());
        System.out.println("after " + CarrierNamesEverywhere.onVirtualThread(Thread.ofVirtual()::start));
        System.out.println("done");
    }
}
