package dev.weft.scheduler.engine;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.function.IntSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The container-aware CPU count, following Go 1.25's default GOMAXPROCS ({@code
 * runtime.defaultGOMAXPROCS} and {@code adjustCgroupGOMAXPROCS} in {@code
 * runtime/cgroup_linux.go}, reading the cgroup with {@code internal/runtime/cgroup}):
 *
 * <pre>{@code
 * min(CPUs this process may run on, max(2, ceil(cgroup CPU quota / period)))
 * }</pre>
 *
 * <p>Why: a container limited to, say, 1.5 CPUs on a 64-CPU host would otherwise get 64 carrier
 * threads that the kernel throttles in every period, which costs latency for no throughput.
 * The quota is rounded up so a fractional limit can still be used in full, and raised to at least
 * 2 so one blocked or busy P never stops all progress (Go's reasoning: a limit below 2 usually
 * means bursty work, not one thread's worth). The affinity mask still wins when it is smaller.
 * With no cgroup limit the result is the affinity count.
 *
 * <ul>
 *   <li>CPUs this process may run on: {@code Cpus_allowed_list} in {@code /proc/self/status}
 *       (Go uses {@code sched_getaffinity}, which is the same mask); when that is unreadable
 *       (not Linux) the fallback is {@link Runtime#availableProcessors()}.
 *   <li>The cgroup: like Go, the process's own cgroup comes from {@code /proc/self/cgroup} (a
 *       cgroup v1 hierarchy whose controller list holds {@code cpu} takes precedence over the v2
 *       {@code 0::} line) and the mount point from {@code /proc/self/mountinfo} (v1 {@code cgroup}
 *       mounts with {@code cpu} in the super options take precedence over {@code cgroup2}); the
 *       limit is {@code cpu.max} (v2: {@code QUOTA PERIOD} or {@code max PERIOD}) or {@code
 *       cpu.cfs_quota_us}/{@code cpu.cfs_period_us} (v1: quota {@code -1} means no limit).
 *   <li>Mount root (mountinfo field 4): the cgroup directory is the cgroup path taken relative to
 *       the mount's root, under the mount point. If the cgroup path is not under the mount root
 *       (a namespaced mount shows a root such as {@code /..}) or would leave the mount, the mount
 *       point itself is used. Go 1.25.0 to 1.25.4 appended the whole path and so missed the limit
 *       on such mounts (golang/go#76390).
 *   <li>Two departures from Go 1.25, which reads only the process's own cgroup: every ancestor up
 *       to the mount point is read too and the tightest quota/period wins, because a parent's
 *       limit binds the child just as hard (a pod limit above an unlimited container); and a
 *       missing limit file at one level just means no limit at that level.
 * </ul>
 *
 * <p>Any other I/O or parse problem with the cgroup files means "no cgroup limit" and is logged
 * at DEBUG; it never reaches the user as an exception.
 */
public final class CpuLimit {

    private static final Logger LOG = LoggerFactory.getLogger(CpuLimit.class);

    private static final Path PROC_SELF = Path.of("/proc/self");
    private static final Path FS_ROOT = Path.of("/");
    private static final String CPUS_ALLOWED = "Cpus_allowed_list:";

    /** Which cgroup hierarchy holds the CPU controller. */
    enum Version {
        V1,
        V2
    }

    /** The process's CPU cgroup: its version and its path as {@code /proc/self/cgroup} shows it. */
    record Cgroup(Version version, String path) {}

    /** A cgroup filesystem mount: mountinfo fields 4 (root) and 5 (mount point), unescaped. */
    record Mount(String root, String mountPoint) {}

    private CpuLimit() {}

    /**
     * The container-aware CPU count of this process, from the real {@code /proc/self}.
     *
     * @return at least 1: {@code min(CPUs this process may run on, max(2, ceil(cgroup limit)))}
     *     as Go computes it (see the class comment), the fallback where {@code /proc} cannot be read
     */
    public static int containerAwareCpus() {
        return containerAwareCpus(PROC_SELF, FS_ROOT, () -> Runtime.getRuntime().availableProcessors());
    }

    /**
     * The container-aware CPU count, reading {@code procSelfDir/{status,cgroup,mountinfo}} and
     * resolving mount points from mountinfo under {@code fsRoot}.
     *
     * @param procSelfDir  the {@code /proc/self} directory to read (a copy, in tests)
     * @param fsRoot       the directory mountinfo's mount points are relative to ({@code /})
     * @param fallbackCpus the CPU count when {@code status} cannot be read
     * @return at least 1
     */
    public static int containerAwareCpus(Path procSelfDir, Path fsRoot, IntSupplier fallbackCpus) {
        int allowed = allowedCpus(procSelfDir, fallbackCpus);
        OptionalDouble limit = cgroupCpuLimit(procSelfDir, fsRoot);
        int cpus = limit.isPresent() ? Math.min(allowed, procsForLimit(limit.getAsDouble())) : allowed;
        return Math.max(1, cpus);
    }

    /** Go's rounding of a cgroup limit: {@code max(2, ceil(limit))}. */
    static int procsForLimit(double limit) {
        double procs = Math.max(2, Math.ceil(limit));
        return procs >= Integer.MAX_VALUE ? Integer.MAX_VALUE : (int) procs;
    }

    /**
     * The number of CPUs this process may run on, from {@code Cpus_allowed_list} in {@code
     * procSelfDir/status}, or {@code fallbackCpus} when that is missing or unreadable.
     */
    static int allowedCpus(Path procSelfDir, IntSupplier fallbackCpus) {
        Path status = procSelfDir.resolve("status");
        try {
            // Latin-1 never fails to decode; the Name: line may hold any bytes.
            for (String line : Files.readAllLines(status, StandardCharsets.ISO_8859_1)) {
                if (line.startsWith(CPUS_ALLOWED)) {
                    int n = parseCpuList(line.substring(CPUS_ALLOWED.length()));
                    if (n > 0) {
                        return n;
                    }
                }
            }
            LOG.debug("no usable {} in {}; using the fallback CPU count", CPUS_ALLOWED, status);
        } catch (IOException | IllegalArgumentException | SecurityException e) {
            LOG.debug("cannot read the allowed CPUs from {}; using the fallback CPU count", status, e);
        }
        return Math.max(1, fallbackCpus.getAsInt());
    }

    /**
     * Counts the CPUs in a Linux CPU list such as {@code 0-3,8,10-11} (here 7). Surrounding
     * whitespace is ignored.
     *
     * @throws IllegalArgumentException if the list is empty or malformed
     */
    static int parseCpuList(String list) {
        String s = list.strip();
        if (s.isEmpty()) {
            throw new IllegalArgumentException("empty CPU list");
        }
        long count = 0;
        for (String part : s.split(",", -1)) {
            int dash = part.indexOf('-');
            try {
                if (dash < 0) {
                    cpuNumber(part);
                    count++;
                } else {
                    int lo = cpuNumber(part.substring(0, dash));
                    int hi = cpuNumber(part.substring(dash + 1));
                    if (hi < lo) {
                        throw new IllegalArgumentException("bad CPU range '" + part + "' in '" + s + "'");
                    }
                    count += (long) hi - lo + 1;
                }
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("bad CPU list entry '" + part + "' in '" + s + "'", e);
            }
        }
        return (int) Math.min(count, Integer.MAX_VALUE);
    }

    private static int cpuNumber(String s) {
        if (s.isEmpty() || !s.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new NumberFormatException("not a CPU number: '" + s + "'");
        }
        return Integer.parseInt(s);
    }

    /**
     * The CPU limit (quota / period) of this process's cgroup: the tightest over its cgroup
     * directory and every parent up to the mount point. Empty when there is no limit, no cgroup,
     * or the files cannot be read or parsed.
     */
    static OptionalDouble cgroupCpuLimit(Path procSelfDir, Path fsRoot) {
        try {
            Optional<Cgroup> own = readOwnCgroup(procSelfDir);
            if (own.isEmpty()) {
                LOG.debug("no CPU cgroup in {}", procSelfDir.resolve("cgroup"));
                return OptionalDouble.empty();
            }
            Cgroup cgroup = own.get();
            List<Mount> mounts = findMounts(procSelfDir, cgroup.version());
            if (mounts.isEmpty()) {
                LOG.debug("no {} cgroup mount in {}", cgroup.version(), procSelfDir.resolve("mountinfo"));
                return OptionalDouble.empty();
            }
            Path mountDir =
                    fsRoot.resolve(relative(mounts.getFirst().mountPoint())).normalize();
            Path dir = mountDir;
            for (Mount m : mounts) {
                Optional<String> inside = pathInMount(cgroup.path(), m.root());
                if (inside.isPresent()) {
                    mountDir = fsRoot.resolve(relative(m.mountPoint())).normalize();
                    dir = mountDir.resolve(relative(inside.get())).normalize();
                    if (!dir.startsWith(mountDir)) {
                        dir = mountDir;
                    }
                    break;
                }
            }
            return tightestLimit(dir, mountDir, cgroup.version());
        } catch (IOException | IllegalArgumentException | SecurityException e) {
            // IllegalArgumentException includes InvalidPathException from odd paths.
            LOG.debug("cannot read the cgroup CPU limit; assuming none", e);
            return OptionalDouble.empty();
        }
    }

    /** Reads {@code dir} and its parents up to {@code mountDir}; the smallest limit wins. */
    private static OptionalDouble tightestLimit(Path dir, Path mountDir, Version version) throws IOException {
        OptionalDouble tightest = OptionalDouble.empty();
        for (Path d = dir; d != null && d.startsWith(mountDir); d = d.getParent()) {
            OptionalDouble here = limitAt(d, version);
            if (here.isPresent() && (tightest.isEmpty() || here.getAsDouble() < tightest.getAsDouble())) {
                tightest = here;
            }
        }
        LOG.debug("cgroup {} CPU limit at {}: {}", version, dir, tightest);
        return tightest;
    }

    /**
     * The path of the cgroup inside a mount whose root is {@code root}: {@code cgroupPath} relative
     * to the root (always starting with {@code /}), or empty if it is not under the root.
     */
    static Optional<String> pathInMount(String cgroupPath, String root) {
        if (root.equals("/")) {
            return Optional.of(cgroupPath);
        }
        String r = root.endsWith("/") ? root.substring(0, root.length() - 1) : root;
        if (cgroupPath.equals(r)) {
            return Optional.of("/");
        }
        if (cgroupPath.startsWith(r + "/")) {
            return Optional.of(cgroupPath.substring(r.length()));
        }
        return Optional.empty();
    }

    /**
     * This process's CPU cgroup from {@code procSelfDir/cgroup}. A v1 line ({@code
     * N:controllers:/path}) whose controller list holds {@code cpu} wins; otherwise the v2 line
     * ({@code 0::/path}); empty if neither is there.
     *
     * @throws IOException if the file cannot be read or a line is malformed
     */
    static Optional<Cgroup> readOwnCgroup(Path procSelfDir) throws IOException {
        Path file = procSelfDir.resolve("cgroup");
        Cgroup v2 = null;
        for (String line : readBytesAsLines(file)) {
            if (line.isBlank()) {
                continue;
            }
            int first = line.indexOf(':');
            int second = first < 0 ? -1 : line.indexOf(':', first + 1);
            if (second < 0) {
                throw new IOException("malformed line in " + file + ": " + line);
            }
            String hierarchy = line.substring(0, first);
            String controllers = line.substring(first + 1, second);
            String path = utf8(line.substring(second + 1));
            if (!path.startsWith("/")) {
                throw new IOException("malformed cgroup path in " + file + ": " + line);
            }
            if (hierarchy.equals("0")) {
                v2 = new Cgroup(Version.V2, path);
            } else if (containsCpu(controllers)) {
                return Optional.of(new Cgroup(Version.V1, path));
            }
        }
        return Optional.ofNullable(v2);
    }

    /**
     * The cgroup mounts for {@code version} in {@code procSelfDir/mountinfo}, in file order: v1
     * mounts have type {@code cgroup} and {@code cpu} in their super options; v2 mounts have type
     * {@code cgroup2}.
     *
     * @throws IOException if the file cannot be read or a cgroup line is malformed
     */
    static List<Mount> findMounts(Path procSelfDir, Version version) throws IOException {
        Path file = procSelfDir.resolve("mountinfo");
        List<Mount> mounts = new ArrayList<>();
        for (String line : readBytesAsLines(file)) {
            // 36 35 98:0 /root /mount/point rw,noatime master:1 - fstype source super,options
            String[] f = line.split(" ");
            int sep = -1;
            for (int i = 6; i < f.length; i++) {
                if (f[i].equals("-")) {
                    sep = i;
                    break;
                }
            }
            if (sep < 0 || sep + 1 >= f.length) {
                continue; // not a line we can use; only cgroup lines matter
            }
            String type = f[sep + 1];
            boolean match = switch (version) {
                case V2 -> type.equals("cgroup2");
                case V1 -> type.equals("cgroup") && sep + 3 < f.length && containsCpu(f[sep + 3]);
            };
            if (match) {
                mounts.add(new Mount(utf8(unescape(f[3])), utf8(unescape(f[4]))));
            }
        }
        return mounts;
    }

    /**
     * The limit (quota / period) set in the cgroup directory {@code dir}; empty if that level sets
     * no limit or has no limit file.
     *
     * @throws IOException if a limit file cannot be read or is malformed
     */
    static OptionalDouble limitAt(Path dir, Version version) throws IOException {
        try {
            return switch (version) {
                case V2 -> parseCpuMax(Files.readString(dir.resolve("cpu.max")));
                case V1 -> {
                    long quota = parseLong(Files.readString(dir.resolve("cpu.cfs_quota_us")));
                    if (quota < 0) {
                        yield OptionalDouble.empty();
                    }
                    long period = parseLong(Files.readString(dir.resolve("cpu.cfs_period_us")));
                    yield ratio(quota, period);
                }
            };
        } catch (NoSuchFileException e) {
            return OptionalDouble.empty();
        }
    }

    /** Parses cgroup v2 {@code cpu.max}: {@code QUOTA PERIOD}, or {@code max PERIOD} for none. */
    static OptionalDouble parseCpuMax(String content) throws IOException {
        String[] parts = content.strip().split("\\s+");
        if (parts.length != 2) {
            throw new IOException("malformed cpu.max: '" + content.strip() + "'");
        }
        if (parts[0].equals("max")) {
            return OptionalDouble.empty();
        }
        return ratio(parseLong(parts[0]), parseLong(parts[1]));
    }

    private static OptionalDouble ratio(long quota, long period) throws IOException {
        if (quota <= 0 || period <= 0) {
            throw new IOException("bad cgroup quota/period: " + quota + "/" + period);
        }
        return OptionalDouble.of((double) quota / period);
    }

    private static long parseLong(String s) throws IOException {
        try {
            return Long.parseLong(s.strip());
        } catch (NumberFormatException e) {
            throw new IOException("not a number: '" + s.strip() + "'", e);
        }
    }

    /** Whether a comma-separated controller or option list holds exactly {@code cpu}. */
    private static boolean containsCpu(String list) {
        for (String item : list.split(",")) {
            if (item.equals("cpu")) {
                return true;
            }
        }
        return false;
    }

    /** Undoes mountinfo's octal escapes ({@code \040} for a space, {@code \134} for a backslash). */
    static String unescape(String s) throws IOException {
        if (s.indexOf('\\') < 0) {
            return s;
        }
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c != '\\') {
                out.append(c);
                continue;
            }
            if (i + 3 >= s.length()) {
                throw new IOException("bad escape in mountinfo path: " + s);
            }
            int v = 0;
            for (int j = 1; j <= 3; j++) {
                char d = s.charAt(i + j);
                if (d < '0' || d > '7') {
                    throw new IOException("bad escape in mountinfo path: " + s);
                }
                v = v * 8 + (d - '0');
            }
            out.append((char) v);
            i += 3;
        }
        return out.toString();
    }

    /**
     * Reads a /proc file one char per byte (Latin-1), so that a path in an unrelated line that is
     * not UTF-8 cannot spoil the whole file; {@link #utf8} decodes the fields we use.
     */
    private static List<String> readBytesAsLines(Path file) throws IOException {
        return Files.readAllLines(file, StandardCharsets.ISO_8859_1);
    }

    /** Decodes a string read by {@link #readBytesAsLines} (one char per byte) as UTF-8. */
    private static String utf8(String bytes) {
        return new String(bytes.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8);
    }

    /** {@code /a/b} as a relative {@code a/b}, to resolve under another directory. */
    private static String relative(String absolute) {
        int i = 0;
        while (i < absolute.length() && absolute.charAt(i) == '/') {
            i++;
        }
        return absolute.substring(i);
    }
}
