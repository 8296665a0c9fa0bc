package dev.weft.scheduler.engine;

import dev.weft.scheduler.GoScheduler;
import dev.weft.scheduler.TestAccess;

/**
 * Run by {@link PropertiesTest} in a child JVM with system properties set on its command line:
 * prints the size and sysmon settings that {@code create()} and {@code create(1)} read from them,
 * (and {@code create(N)} given the argument N), or the message each threw, then {@code done}.
 */
public final class PropertiesMain {
    private PropertiesMain() {}

    public static void main(String[] args) {
        try (GoScheduler s = GoScheduler.create()) {
            System.out.println(
                    "create: gomaxprocs=" + s.gomaxprocs() + " " + ((CarrierScheduler) TestAccess.engine(s)).settings);
        } catch (IllegalStateException e) {
            System.out.println("create threw: " + e.getMessage());
        }
        try (GoScheduler s = GoScheduler.create(1)) {
            System.out.println("create(1): " + ((CarrierScheduler) TestAccess.engine(s)).settings);
        } catch (IllegalStateException e) {
            System.out.println("create(1) threw: " + e.getMessage());
        }
        if (args.length > 0) { // create(N) as well
            int n = Integer.parseInt(args[0]);
            try (GoScheduler s = GoScheduler.create(n)) {
                System.out.println("create(" + n + "): " + ((CarrierScheduler) TestAccess.engine(s)).settings);
            } catch (IllegalStateException e) {
                System.out.println("create(" + n + ") threw: " + e.getMessage());
            }
        }
        System.out.println("done");
    }
}
