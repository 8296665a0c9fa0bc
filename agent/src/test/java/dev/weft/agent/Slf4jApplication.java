package dev.weft.agent;

import org.slf4j.LoggerFactory;

/**
 * An application with its own SLF4J (slf4j-api and slf4j-simple on its class path): logs a line,
 * prints where its logger factory comes from ({@code factory <class> <jar>}), then runs a virtual
 * thread and stays up {@code args[0]} ms as {@link VirtualThreadsForAWhile}; prints {@code done}.
 */
public final class Slf4jApplication {
    private Slf4jApplication() {}

    public static void main(String[] args) throws Exception {
        LoggerFactory.getLogger("app").info("the application logs through its own SLF4J");
        Object factory = LoggerFactory.getILoggerFactory();
        System.out.println("factory " + factory.getClass().getName() + " "
                + factory.getClass().getProtectionDomain().getCodeSource().getLocation());
        VirtualThreadsForAWhile.main(args);
    }
}
