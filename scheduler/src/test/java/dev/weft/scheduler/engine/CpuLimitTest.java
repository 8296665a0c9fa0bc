package dev.weft.scheduler.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.function.IntSupplier;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CpuLimitTest {

    private static final IntSupplier NO_FALLBACK = () -> fail("the fallback must not be used");

    private static final String V2_MOUNT =
            "30 23 0:26 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:4 - cgroup2 cgroup2"
                    + " rw,nsdelegate,memory_recursiveprot\n";

    private static final String OTHER_MOUNTS = "22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw\n"
            + "23 22 0:21 / /sys rw,nosuid,nodev,noexec,relatime shared:2 - sysfs sysfs rw\n";

    @TempDir
    Path tmp;

    private Path proc;

    @BeforeEach
    void setUp() {
        proc = tmp.resolve("proc/self");
    }

    private void write(String relative, String content) throws IOException {
        Path file = tmp.resolve(relative);
        Files.createDirectories(file.getParent());
        Files.writeString(file, content);
    }

    private void allowedCpus(String list) throws IOException {
        write(
                "proc/self/status",
                "Name:\tjava\nState:\tS (sleeping)\nCpus_allowed:\tff\nCpus_allowed_list:\t"
                        + list
                        + "\nMems_allowed_list:\t0\n");
    }

    /** A cgroup v2 process in {@code path}, with the unified hierarchy at /sys/fs/cgroup. */
    private void v2(String path) throws IOException {
        write("proc/self/cgroup", "0::" + path + "\n");
        write("proc/self/mountinfo", OTHER_MOUNTS + V2_MOUNT);
    }

    private void cpuMax(String cgroup, String content) throws IOException {
        write("sys/fs/cgroup" + cgroup + "/cpu.max", content + "\n");
    }

    private int cpus() {
        return CpuLimit.containerAwareCpus(proc, tmp, NO_FALLBACK);
    }

    private OptionalDouble limit() {
        return CpuLimit.cgroupCpuLimit(proc, tmp);
    }

    // ---- CPU list ----

    @Test
    void parsesCpuLists() {
        assertEquals(7, CpuLimit.parseCpuList("0-3,8,10-11"));
        assertEquals(1, CpuLimit.parseCpuList("0"));
        assertEquals(2, CpuLimit.parseCpuList("\t0-1\n"));
        assertEquals(64, CpuLimit.parseCpuList("0-63"));
        assertEquals(3, CpuLimit.parseCpuList("5,7,9"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "a", "3-1", "1,,2", "-1", "0-", "0-3,", "1-2-3", "0x1"})
    void rejectsMalformedCpuLists(String list) {
        assertThrows(IllegalArgumentException.class, () -> CpuLimit.parseCpuList(list));
    }

    @Test
    void readsAllowedCpusFromStatus() throws IOException {
        allowedCpus("0-3,8,10-11");
        assertEquals(7, CpuLimit.allowedCpus(proc, NO_FALLBACK));
    }

    @Test
    void missingProcUsesTheFallback() {
        assertEquals(5, CpuLimit.containerAwareCpus(proc, tmp, () -> 5));
    }

    @Test
    void statusWithoutCpuListUsesTheFallback() throws IOException {
        write("proc/self/status", "Name:\tjava\n");
        assertEquals(5, CpuLimit.allowedCpus(proc, () -> 5));
        write("proc/self/status", "Cpus_allowed_list:\tgarbage\n");
        assertEquals(5, CpuLimit.allowedCpus(proc, () -> 5));
    }

    @Test
    void affinityWithoutCgroupFiles() throws IOException {
        allowedCpus("0-5");
        assertEquals(6, cpus());
    }

    // ---- Go's rule ----

    @Test
    void roundsLimitsLikeGo() {
        assertEquals(2, CpuLimit.procsForLimit(0.1));
        assertEquals(2, CpuLimit.procsForLimit(1.0));
        assertEquals(2, CpuLimit.procsForLimit(1.5));
        assertEquals(3, CpuLimit.procsForLimit(2.01));
        assertEquals(4, CpuLimit.procsForLimit(4.0));
    }

    @Test
    void v2FractionalLimitIsRoundedUp() throws IOException {
        allowedCpus("0-7");
        v2("/app");
        cpuMax("/app", "150000 100000");
        assertEquals(OptionalDouble.of(1.5), limit());
        assertEquals(2, cpus());
    }

    @Test
    void v2LimitBelowTwoIsRaisedToTwo() throws IOException {
        allowedCpus("0-7");
        v2("/app");
        cpuMax("/app", "50000 100000");
        assertEquals(OptionalDouble.of(0.5), limit());
        assertEquals(2, cpus());
    }

    @Test
    void oneAllowedCpuWinsOverTheRaisedLimit() throws IOException {
        allowedCpus("3");
        v2("/app");
        cpuMax("/app", "50000 100000");
        assertEquals(1, cpus());
    }

    @Test
    void v2LimitBelowAffinity() throws IOException {
        allowedCpus("0-7");
        v2("/app");
        cpuMax("/app", "400000 100000");
        assertEquals(4, cpus());
    }

    @Test
    void affinityBelowV2Limit() throws IOException {
        allowedCpus("0-1");
        v2("/app");
        cpuMax("/app", "400000 100000");
        assertEquals(2, cpus());
    }

    @Test
    void v2MaxMeansNoLimit() throws IOException {
        allowedCpus("0-7");
        v2("/app");
        cpuMax("/app", "max 100000");
        assertEquals(OptionalDouble.empty(), limit());
        assertEquals(8, cpus());
    }

    @Test
    void tighterParentWins() throws IOException {
        allowedCpus("0-7");
        v2("/kubepods/pod1/ctr");
        cpuMax("/kubepods/pod1/ctr", "max 100000");
        cpuMax("/kubepods/pod1", "200000 100000");
        cpuMax("/kubepods", "max 100000");
        assertEquals(OptionalDouble.of(2.0), limit());
        assertEquals(2, cpus());

        cpuMax("/kubepods/pod1", "300000 100000");
        assertEquals(3, cpus());
    }

    @Test
    void tighterChildWins() throws IOException {
        allowedCpus("0-7");
        v2("/kubepods/pod1/ctr");
        cpuMax("/kubepods/pod1/ctr", "300000 100000");
        cpuMax("/kubepods/pod1", "600000 100000");
        assertEquals(OptionalDouble.of(3.0), limit());
        assertEquals(3, cpus());
    }

    @Test
    void limitsAboveTheMountAreNotRead() throws IOException {
        allowedCpus("0-7");
        write("proc/self/cgroup", "0::/app\n");
        write("proc/self/mountinfo", "30 23 0:26 / /sys/fs/cgroup/unified rw - cgroup2 cgroup2 rw\n");
        write("sys/fs/cgroup/unified/app/cpu.max", "max 100000\n");
        write("sys/fs/cgroup/cpu.max", "100000 100000\n"); // outside the mount
        assertEquals(OptionalDouble.empty(), limit());
    }

    // ---- cgroup v1 ----

    private static final String V1_MOUNTS = OTHER_MOUNTS
            + "31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755\n"
            + "32 31 0:29 / /sys/fs/cgroup/cpu,cpuacct rw,relatime shared:9 - cgroup cgroup"
            + " rw,cpu,cpuacct\n"
            + "33 31 0:30 / /sys/fs/cgroup/cpuset rw,relatime - cgroup cgroup rw,cpuset\n"
            + "34 31 0:31 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory\n"
            + "41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw\n";

    private static final String V1_CGROUP =
            "5:memory:/docker/abc\n4:cpuset:/docker/abc\n3:cpu,cpuacct:/docker/abc\n0::/docker/abc\n";

    private void v1Quota(String cgroup, String quota, String period) throws IOException {
        String dir = "sys/fs/cgroup/cpu,cpuacct" + cgroup;
        write(dir + "/cpu.cfs_quota_us", quota + "\n");
        write(dir + "/cpu.cfs_period_us", period + "\n");
    }

    @Test
    void v1QuotaAndPeriod() throws IOException {
        allowedCpus("0-7");
        write("proc/self/cgroup", V1_CGROUP);
        write("proc/self/mountinfo", V1_MOUNTS);
        v1Quota("/docker/abc", "250000", "100000");
        v1Quota("/docker", "-1", "100000");
        v1Quota("", "-1", "100000");
        assertEquals(OptionalDouble.of(2.5), limit());
        assertEquals(3, cpus());
    }

    @Test
    void v1MinusOneMeansNoLimit() throws IOException {
        allowedCpus("0-7");
        write("proc/self/cgroup", V1_CGROUP);
        write("proc/self/mountinfo", V1_MOUNTS);
        v1Quota("/docker/abc", "-1", "100000");
        v1Quota("", "-1", "100000");
        assertEquals(OptionalDouble.empty(), limit());
        assertEquals(8, cpus());
    }

    @Test
    void v1TakesPrecedenceOverV2() throws IOException {
        write("proc/self/cgroup", V1_CGROUP);
        write("proc/self/mountinfo", V1_MOUNTS);
        assertEquals(
                Optional.of(new CpuLimit.Cgroup(CpuLimit.Version.V1, "/docker/abc")), CpuLimit.readOwnCgroup(proc));
        assertEquals(
                List.of(new CpuLimit.Mount("/", "/sys/fs/cgroup/cpu,cpuacct")),
                CpuLimit.findMounts(proc, CpuLimit.Version.V1));
    }

    @Test
    void cpuacctAloneIsNotTheCpuController() throws IOException {
        // A hybrid host like the one these tests were written on: cpu and cpuacct mounted apart.
        write("proc/self/cgroup", "2:cpuacct:/a\n1:cpuset:/a\n0::/b\n");
        assertEquals(Optional.of(new CpuLimit.Cgroup(CpuLimit.Version.V2, "/b")), CpuLimit.readOwnCgroup(proc));
        write("proc/self/mountinfo", "33 31 0:30 / /sys/fs/cgroup/cpuacct rw - cgroup cgroup rw,cpuacct\n" + V2_MOUNT);
        assertEquals(List.of(), CpuLimit.findMounts(proc, CpuLimit.Version.V1));
        assertEquals(
                List.of(new CpuLimit.Mount("/", "/sys/fs/cgroup")), CpuLimit.findMounts(proc, CpuLimit.Version.V2));
    }

    @Test
    void v1MountRootEqualToTheCgroupUsesTheMountPoint() throws IOException {
        // Docker without a cgroup namespace: the container's own cgroup is bind-mounted.
        allowedCpus("0-7");
        write("proc/self/cgroup", "3:cpu,cpuacct:/docker/abc\n");
        write(
                "proc/self/mountinfo",
                OTHER_MOUNTS
                        + "32 31 0:29 /docker/abc /sys/fs/cgroup/cpu,cpuacct ro,nosuid - cgroup cgroup"
                        + " rw,cpu,cpuacct\n");
        v1Quota("", "150000", "100000");
        assertEquals(OptionalDouble.of(1.5), limit());
        assertEquals(2, cpus());
    }

    @Test
    void nestedV1MountRootIsStrippedFromTheCgroupPath() throws IOException {
        allowedCpus("0-7");
        write("proc/self/cgroup", "3:cpu,cpuacct:/docker/abc/inner\n");
        write(
                "proc/self/mountinfo",
                OTHER_MOUNTS
                        + "32 31 0:29 /docker/abc /sys/fs/cgroup/cpu,cpuacct ro - cgroup cgroup"
                        + " rw,cpuacct,cpu\n");
        v1Quota("/inner", "-1", "100000");
        v1Quota("", "300000", "100000");
        assertEquals(OptionalDouble.of(3.0), limit());
        assertEquals(3, cpus());
    }

    @Test
    void pathInMount() {
        assertEquals(Optional.of("/a/b"), CpuLimit.pathInMount("/a/b", "/"));
        assertEquals(Optional.of("/"), CpuLimit.pathInMount("/a/b", "/a/b"));
        assertEquals(Optional.of("/b"), CpuLimit.pathInMount("/a/b", "/a"));
        assertEquals(Optional.empty(), CpuLimit.pathInMount("/ab", "/a"));
        assertEquals(Optional.empty(), CpuLimit.pathInMount("/", "/.."));
    }

    @Test
    void cgroupNotUnderTheMountRootUsesTheMountPoint() throws IOException {
        // A cgroup-namespaced v2 mount that shows root "/..".
        allowedCpus("0-7");
        write("proc/self/cgroup", "0::/\n");
        write("proc/self/mountinfo", OTHER_MOUNTS + "30 23 0:26 /.. /sys/fs/cgroup rw - cgroup2 cgroup2 rw\n");
        cpuMax("", "400000 100000");
        assertEquals(4, cpus());
    }

    @Test
    void cgroupPathLeavingTheMountUsesTheMountPoint() throws IOException {
        // A process outside its cgroup namespace's root sees a path like /../other.
        allowedCpus("0-7");
        v2("/../../other");
        cpuMax("", "300000 100000");
        write("sys/other/cpu.max", "100000 100000\n"); // must not be read
        assertEquals(OptionalDouble.of(3.0), limit());
    }

    @Test
    void mountinfoEscapesAreUndone() throws IOException {
        allowedCpus("0-7");
        write("proc/self/cgroup", "0::/app\n");
        write("proc/self/mountinfo", OTHER_MOUNTS + "30 23 0:26 / /sys/fs/my\\040cgroup rw - cgroup2 cgroup2 rw\n");
        write("sys/fs/my cgroup/app/cpu.max", "300000 100000\n");
        assertEquals(3, cpus());
    }

    // ---- broken files mean no limit ----

    @ParameterizedTest
    @ValueSource(strings = {"garbage", "", "100000", "abc 100000", "100000 0", "-5 100000", "1 2 3"})
    void garbageCpuMaxMeansNoLimit(String content) throws IOException {
        allowedCpus("0-7");
        v2("/app");
        write("sys/fs/cgroup/app/cpu.max", content);
        cpuMax("", "200000 100000"); // a limit elsewhere does not rescue a broken file
        assertEquals(OptionalDouble.empty(), limit());
        assertEquals(8, cpus());
    }

    @Test
    void garbageV1QuotaMeansNoLimit() throws IOException {
        allowedCpus("0-7");
        write("proc/self/cgroup", V1_CGROUP);
        write("proc/self/mountinfo", V1_MOUNTS);
        v1Quota("/docker/abc", "lots", "100000");
        assertEquals(OptionalDouble.empty(), limit());
        assertEquals(8, cpus());
    }

    @Test
    void garbageCgroupFileMeansNoLimit() throws IOException {
        allowedCpus("0-7");
        write("proc/self/cgroup", "this is not a cgroup file\n");
        write("proc/self/mountinfo", OTHER_MOUNTS + V2_MOUNT);
        cpuMax("", "100000 100000");
        assertEquals(OptionalDouble.empty(), limit());
        assertEquals(8, cpus());
    }

    @Test
    void garbageMountinfoMeansNoLimit() throws IOException {
        allowedCpus("0-7");
        write("proc/self/cgroup", "0::/\n");
        write("proc/self/mountinfo", "\u0000\u0001 nonsense\n\n- - -\n");
        cpuMax("", "100000 100000");
        assertEquals(OptionalDouble.empty(), limit());
        assertEquals(8, cpus());
    }

    @Test
    void badEscapeInMountinfoMeansNoLimit() throws IOException {
        allowedCpus("0-7");
        write("proc/self/cgroup", "0::/\n");
        write("proc/self/mountinfo", "30 23 0:26 / /sys/fs/cg\\9x rw - cgroup2 cgroup2 rw\n");
        assertEquals(OptionalDouble.empty(), limit());
    }

    @Test
    void unreadableFilesMeanNoLimit() throws IOException {
        allowedCpus("0-7");
        Files.createDirectories(proc.resolve("cgroup")); // a directory cannot be read as a file
        write("proc/self/mountinfo", V2_MOUNT);
        assertEquals(OptionalDouble.empty(), limit());
        assertEquals(8, cpus());

        Files.delete(proc.resolve("cgroup"));
        write("proc/self/cgroup", "0::/app\n");
        Files.createDirectories(tmp.resolve("sys/fs/cgroup/app/cpu.max"));
        assertEquals(OptionalDouble.empty(), limit());
    }

    @Test
    void noCgroupFilesMeanNoLimit() {
        assertEquals(OptionalDouble.empty(), limit());
    }

    @Test
    void noCpuMountMeansNoLimit() throws IOException {
        allowedCpus("0-7");
        write("proc/self/cgroup", "0::/app\n");
        write("proc/self/mountinfo", OTHER_MOUNTS);
        cpuMax("/app", "100000 100000");
        assertEquals(OptionalDouble.empty(), limit());
    }

    // ---- this machine ----

    @Test
    void realMachine() {
        int n = CpuLimit.containerAwareCpus();
        int jvm = Runtime.getRuntime().availableProcessors();
        assertTrue(n >= 1, "containerAwareCpus() = " + n);
        // The JVM's own count is min(affinity, ceil(limit)); ours only differs by raising to 2.
        assertTrue(n <= Math.max(2, jvm), "containerAwareCpus() = " + n + ", JVM says " + jvm);
    }
}
