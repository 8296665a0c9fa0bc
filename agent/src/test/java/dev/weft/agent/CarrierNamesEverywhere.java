package dev.weft.agent;

import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Plain JDK code: prints, one line each, the thread (with its carrier) of a virtual thread made
 * each way an application or a server makes one: {@code Thread.ofVirtual()} and
 * {@code Thread.startVirtualThread} from main, {@code Executors.newVirtualThreadPerTaskExecutor()},
 * {@code Thread.ofVirtual()} from a platform thread other than main, and from a class of a
 * separate {@link URLClassLoader} (as a web app's, whose parent is the platform loader).
 */
public final class CarrierNamesEverywhere {
    private CarrierNamesEverywhere() {}

    public static void main(String[] args) throws Exception {
        System.out.println("ofVirtual " + onVirtualThread(Thread.ofVirtual()::start));
        System.out.println("startVirtualThread " + onVirtualThread(Thread::startVirtualThread));
        try (ExecutorService ex = Executors.newVirtualThreadPerTaskExecutor()) {
            System.out.println("executor "
                    + ex.submit(() -> Thread.currentThread().toString()).get());
        }
        AtomicReference<String> fromPlatform = new AtomicReference<>();
        Thread platform = Thread.ofPlatform().name("not-main").start(() -> {
            try {
                fromPlatform.set(onVirtualThread(Thread.ofVirtual()::start));
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        platform.join();
        System.out.println("fromPlatformThread " + fromPlatform.get());

        URL classes = Path.of(CarrierNamesEverywhere.class
                        .getProtectionDomain()
                        .getCodeSource()
                        .getLocation()
                        .toURI())
                .toUri()
                .toURL();
        try (URLClassLoader webApp =
                new URLClassLoader("web-app", new URL[] {classes}, ClassLoader.getPlatformClassLoader())) {
            Class<?> task = webApp.loadClass("dev.weft.agent.WebAppVirtualThread");
            if (task.getClassLoader() != webApp) {
                throw new AssertionError("not loaded by the web-app loader: " + task.getClassLoader());
            }
            System.out.println("webAppLoader " + task.getMethod("carrier").invoke(null));
        }
        System.out.println("done");
    }

    /** Starts a virtual thread with {@code starter}, joins it, returns its {@code toString()} as it ran. */
    static String onVirtualThread(java.util.function.Function<Runnable, Thread> starter) throws InterruptedException {
        AtomicReference<String> seen = new AtomicReference<>();
        Thread t = starter.apply(() -> seen.set(Thread.currentThread().toString()));
        t.join();
        return seen.get();
    }
}
