package dev.weft.agent;

import java.io.File;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.ArrayList;
import java.util.List;

/**
 * Plain JDK code: an application in a nested class loader (Spring Boot's nested jars are
 * parent-first, a web app's loader child-first) with its own slf4j-api and slf4j-simple. Prints
 * where its {@code LoggerFactory} came from and which factory it bound, then logs a line.
 * Arguments: {@code parent-first|child-first} and the jars.
 */
public final class NestedLoaderSlf4j {
    private NestedLoaderSlf4j() {}

    public static void main(String[] args) throws Exception {
        List<URL> urls = new ArrayList<>();
        for (int i = 1; i < args.length; i++) {
            urls.add(new File(args[i]).toURI().toURL());
        }
        ClassLoader system = ClassLoader.getSystemClassLoader();
        ClassLoader app = args[0].equals("child-first")
                ? new ChildFirst(urls.toArray(URL[]::new), system)
                : new URLClassLoader(urls.toArray(URL[]::new), system);
        Thread.currentThread().setContextClassLoader(app);
        Class<?> factory = Class.forName("org.slf4j.LoggerFactory", true, app);
        Object loggerFactory = factory.getMethod("getILoggerFactory").invoke(null);
        System.out.println("LoggerFactory from "
                + factory.getProtectionDomain().getCodeSource().getLocation());
        System.out.println("factory " + loggerFactory.getClass().getName());
        Object logger = factory.getMethod("getLogger", String.class).invoke(null, "nested-app");
        logger.getClass()
                .getMethod("info", String.class)
                .invoke(logger, "the nested application logs through its own SLF4J");
        Thread.ofVirtual()
                .start(() -> System.out.println("carrier " + Thread.currentThread()))
                .join();
        System.out.println("done");
    }

    /** A web app's loader: its own jars first, then the parent. */
    static final class ChildFirst extends URLClassLoader {
        ChildFirst(URL[] urls, ClassLoader parent) {
            super(urls, parent);
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            synchronized (getClassLoadingLock(name)) {
                Class<?> c = findLoadedClass(name);
                if (c == null && !name.startsWith("java.")) {
                    try {
                        c = findClass(name);
                    } catch (ClassNotFoundException e) {
                        c = null;
                    }
                }
                if (c == null) {
                    c = super.loadClass(name, false);
                }
                if (resolve) {
                    resolveClass(c);
                }
                return c;
            }
        }
    }
}
