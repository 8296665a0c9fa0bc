package dev.weft.jmh.compare;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** What the benchmarks ran on, read from the JVM and {@code /proc} (Linux) where it can be. */
final class Machine {
    private Machine() {}

    /** E.g. {@code 2 CPUs (AMD EPYC 7B13), 24 GiB, Linux 6.1}. */
    static String describe() {
        StringBuilder sb = new StringBuilder();
        sb.append(Runtime.getRuntime().availableProcessors()).append(" CPUs");
        String model = field(Path.of("/proc/cpuinfo"), "model name");
        if (model != null) {
            sb.append(" (").append(model).append(')');
        }
        String mem = field(Path.of("/proc/meminfo"), "MemTotal");
        if (mem != null && mem.endsWith(" kB")) {
            long kb = Long.parseLong(mem.substring(0, mem.length() - 3).strip());
            sb.append(", ").append(Math.round(kb / 1024.0 / 1024.0)).append(" GiB");
        }
        sb.append(", ").append(System.getProperty("os.name")).append(' ').append(System.getProperty("os.version"));
        return sb.toString();
    }

    private static String field(Path file, String name) {
        try {
            List<String> lines = Files.readAllLines(file);
            for (String line : lines) {
                int colon = line.indexOf(':');
                if (colon > 0 && line.substring(0, colon).strip().equals(name)) {
                    return line.substring(colon + 1).strip();
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux, or unreadable: leave it out
        }
        return null;
    }
}
