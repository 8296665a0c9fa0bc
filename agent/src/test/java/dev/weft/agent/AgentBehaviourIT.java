package dev.weft.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Plain JDK programs (no weft import) in child JVMs under {@code -javaagent:weft-agent.jar}: their
 * virtual threads run on weft's carriers however they are made, and behave as on the JDK's
 * scheduler (timed waits, contended monitors, sockets, exit).
 */
class AgentBehaviourIT {
    static final String WEFT = "@weft-global-carrier-\\d+";
    static final String JDK = "@ForkJoinPool-\\d+-worker-\\d+";

    /** The text after {@code label } on its line, which must be there. */
    static String line(String out, String label) {
        return out.lines()
                .filter(l -> l.startsWith(label + " "))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no '" + label + "' line in:\n" + out))
                .substring(label.length() + 1);
    }

    static void onWeft(String out, String label) {
        String l = line(out, label);
        assertTrue(
                l.matches("VirtualThread\\[#\\d+.*" + WEFT + ".*"),
                label + " not on a weft carrier: " + l + "\n" + out);
    }

    @Test
    void everyWayOfMakingAVirtualThreadUsesWeftCarriers() throws Exception {
        String out = AgentJvm.withAgent(CarrierNamesEverywhere.class, List.of("-Dgomaxprocs=2"))
                .ok();
        for (String label :
                List.of("ofVirtual", "startVirtualThread", "executor", "fromPlatformThread", "webAppLoader")) {
            onWeft(out, label);
        }
        assertTrue(line(out, "webAppLoader").endsWith("loader=web-app"), out);
    }

    @Test
    void withoutTheAgentTheSameWaysUseTheJdkScheduler() throws Exception {
        String out =
                AgentJvm.withoutAgent(CarrierNamesEverywhere.class, List.of()).ok();
        for (String label :
                List.of("ofVirtual", "startVirtualThread", "executor", "fromPlatformThread", "webAppLoader")) {
            assertTrue(line(out, label).matches(".*" + JDK + ".*"), label + ": " + out);
        }
    }

    /**
     * The JDK's hand-off queues decide to spin or park by {@code ForkJoinWorkerThread
     * .hasKnownQueuedWork()}: through the agent it sees weft's runnext as the JDK's scheduler's
     * answer sees its own work queue (before the patch: false on weft, and every
     * {@code SynchronousQueue} wait spun 128 pauses while its partner waited behind it).
     */
    @Test
    void theJdksHandOffQueuesSeeWeftsRunQueueAsTheirOwnSchedulers() throws Exception {
        List<String> opens = List.of("--add-opens", "java.base/java.util.concurrent=ALL-UNNAMED");
        List<String> weft = new java.util.ArrayList<>(opens);
        weft.add("-Dgomaxprocs=1");
        AgentJvm.Result onWeft = AgentJvm.withAgent(QueuedWorkProgram.class, weft, "20000");
        assertEquals("withRunnext=true alone=false pingpong=20000", lineStarting(onWeft.ok(), "withRunnext="));
        assertFalse(onWeft.output().contains("weft-agent: warning"), onWeft.output());
        List<String> jdk = new java.util.ArrayList<>(opens);
        jdk.add("-Djdk.virtualThreadScheduler.parallelism=1");
        AgentJvm.Result onJdk = AgentJvm.withoutAgent(QueuedWorkProgram.class, jdk, "20000");
        assertEquals("withRunnext=true alone=false pingpong=20000", lineStarting(onJdk.ok(), "withRunnext="));
    }

    private static String lineStarting(String out, String prefix) {
        return out.lines()
                .filter(l -> l.startsWith(prefix))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no '" + prefix + "' line in:\n" + out));
    }

    @ParameterizedTest(name = "gomaxprocs={0}")
    @ValueSource(ints = {1, 2})
    void sleepParkNanosAndTimedWaitKeepTheirTiming(int procs) throws Exception {
        String out = AgentJvm.withAgent(TimedWaits.class, List.of("-Dgomaxprocs=" + procs))
                .ok();
        Matcher m =
                Pattern.compile("(?m)^(sleep|parkNanos|wait) ms=(\\d+) (.*)$").matcher(out);
        int seen = 0;
        while (m.find()) {
            seen++;
            long ms = Long.parseLong(m.group(2));
            assertTrue(ms >= 200, m.group(1) + " of 200 ms returned after " + ms + " ms:\n" + out);
            assertTrue(ms < 2000, m.group(1) + " of 200 ms took " + ms + " ms:\n" + out);
            assertTrue(m.group(3).matches(".*" + WEFT + ".*"), "not on weft: " + m.group(0));
        }
        assertEquals(12, seen, out);
    }

    @ParameterizedTest(name = "gomaxprocs={0}")
    @ValueSource(ints = {1, 2})
    void contendedSynchronizedWithMoreBlockedVirtualThreadsThanCarriersFinishes(int procs) throws Exception {
        String out = AgentJvm.withAgent(MonitorContention.class, List.of("-Dgomaxprocs=" + procs), "50", "1000")
                .ok();
        assertEquals("50", line(out, "contended"), out);
        assertEquals("1000", line(out, "pingpong"), out);
        String carriers = line(out, "carriers");
        assertTrue(carriers.matches("\\[weft-global-carrier-\\d+(, weft-global-carrier-\\d+)*\\]"), carriers);
    }

    @Test
    void jdkHttpServerAndHttpClientOnVirtualThreadsRunOnWeft() throws Exception {
        String out = AgentJvm.withAgent(HttpServerAndClient.class, List.of("-Dgomaxprocs=2"), "200")
                .ok();
        assertEquals("200/200", line(out, "answered"), out);
        List<String> handlers =
                out.lines().filter(l -> l.startsWith("handler ")).toList();
        assertFalse(handlers.isEmpty(), out);
        for (String h : handlers) {
            assertTrue(h.matches("handler weft-global-carrier-\\d+"), h + "\n" + out);
        }
    }

    @Test
    void systemExitFromAVirtualThreadExitsWithItsStatus() throws Exception {
        AgentJvm.Result r = AgentJvm.withAgent(ExitFromVirtualThread.class, List.of("-Dgomaxprocs=1"))
                .noCrash();
        assertEquals(3, r.exitCode(), r.output());
        assertTrue(line(r.output(), "exiting from").matches(".*" + WEFT + ".*"), r.output());
        assertEquals(
                3, AgentJvm.withoutAgent(ExitFromVirtualThread.class, List.of()).exitCode());
    }

    @Test
    void theJvmExitsWhenMainReturnsWithVirtualThreadsParkedForever() throws Exception {
        long start = System.nanoTime();
        String out = AgentJvm.withAgent(ExitWithParkedVirtualThreads.class, List.of("-Dgomaxprocs=2"), "1000")
                .ok();
        long seconds = (System.nanoTime() - start) / 1_000_000_000L;
        assertTrue(line(out, "parked 1000 e.g.").matches(".*" + WEFT + ".*"), out);
        assertTrue(seconds < 30, "took " + seconds + " s to exit (the JVM waited for the virtual threads?)\n" + out);
    }
}
