package dev.weft.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Bad input to the agent: each gives one line on stderr naming the value and the fix, and exit
 * status 1, before the program runs, never a native stack dump or the JVM's "FATAL ERROR in
 * native method: processing of -javaagent failed"; with {@code -Dweft.agent.onError=warn} the
 * program runs on the JDK's scheduler after a warning.
 */
class AgentBadInputIT {
    static final Path JAVA_17 = Path.of("/usr/lib/jvm/java-17-openjdk-amd64/bin/java");

    /** Runs CarrierNames with {@code -javaagent:weft-agent.jar[=options]} and flags; only its stderr. */
    static AgentJvm.Result stderr(String java, String options, Map<String, String> env, String... flags)
            throws Exception {
        List<String> cmd = new ArrayList<>(List.of(java, "-cp", AgentJvm.testClasses()));
        cmd.add("-javaagent:" + AgentJvm.agentJar() + (options == null ? "" : "=" + options));
        cmd.addAll(List.of(flags));
        cmd.add(CarrierNames.class.getName());
        return AgentJvm.exec(cmd, env, true).noCrash();
    }

    /** Exit status 1 and exactly one line, {@code weft-agent: ...}, containing each of {@code words}. */
    static String refused(AgentJvm.Result r, String... words) {
        assertEquals(1, r.exitCode(), r.output());
        List<String> lines = r.output().lines().filter(l -> !l.isBlank()).toList();
        assertEquals(1, lines.size(), "not one line on stderr:\n" + r.output());
        String line = lines.getFirst();
        assertTrue(line.startsWith("weft-agent: "), line);
        for (String w : words) {
            assertTrue(line.contains(w), "'" + w + "' not in: " + line);
        }
        return line;
    }

    static AgentJvm.Result flags(String... flags) throws Exception {
        return stderr(AgentJvm.java(), null, Map.of(), flags);
    }

    @ParameterizedTest(name = "-Dgomaxprocs={0}")
    @ValueSource(strings = {"0", "abc", "5000", "-1", ""})
    void badGomaxprocsProperty(String value) throws Exception {
        refused(
                flags("-Dgomaxprocs=" + value),
                "-Dgomaxprocs=" + value + " is not valid",
                "gomaxprocs must be an integer from 1 to");
    }

    @Test
    void badGomaxprocsEnvironmentVariable() throws Exception {
        refused(
                stderr(AgentJvm.java(), null, Map.of("GOMAXPROCS", "x")),
                "environment variable GOMAXPROCS=x is not valid",
                "gomaxprocs must be an integer from 1 to");
    }

    @ParameterizedTest(name = "-D{0}={1}")
    @CsvSource({
        "weft.handoff, bad, a duration such as 20ms",
        "weft.handoff, 5us, from 100us to 1h",
        "weft.maxthreads, 0, an integer from 1 to",
        "weft.maxthreads, many, an integer from 1 to",
        "gomaxprocs.schedtrace, -5, a period in milliseconds",
        "gomaxprocs.scheddetail, maybe, true or false",
        "weft.deadlock, sometimes, 'log, fail or off'",
        "weft.keepalive, 0, not off",
        "weft.keepalive, 2h, from 100ms to 1h",
    })
    void badWeftProperty(String property, String value, String rule) throws Exception {
        refused(flags("-D" + property + "=" + value), "-D" + property + "=" + value + " is not valid", rule);
    }

    @Test
    void unknownAgentOption() throws Exception {
        refused(
                stderr(AgentJvm.java(), "gomaxprocs=2,maxprocs=4", Map.of()),
                "unknown agent option 'maxprocs=4'",
                "Known options: gomaxprocs=N, onError=exit|warn");
    }

    @ParameterizedTest(name = "={0}")
    @ValueSource(strings = {"gomaxprocs", "gomaxprocs=", "onError="})
    void agentOptionWithoutValue(String options) throws Exception {
        refused(stderr(AgentJvm.java(), options, Map.of()), "has no value", "=VALUE");
    }

    @Test
    void agentOptionGivenTwice() throws Exception {
        refused(stderr(AgentJvm.java(), "gomaxprocs=2,gomaxprocs=3", Map.of()), "'gomaxprocs' is given twice");
    }

    @Test
    void agentOptionAndSystemPropertyDisagree() throws Exception {
        refused(
                stderr(AgentJvm.java(), "gomaxprocs=3", Map.of(), "-Dgomaxprocs=2"),
                "-Dgomaxprocs=2 and the agent option gomaxprocs=3 disagree",
                "Fix");
    }

    @Test
    void agentOptionWithABadValueIsCheckedAsTheProperty() throws Exception {
        refused(stderr(AgentJvm.java(), "gomaxprocs=0", Map.of()), "gomaxprocs=0 is not valid");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"-Dweft.agent.onError=bad", "option onError=bad"})
    void badOnError(String how) throws Exception {
        AgentJvm.Result r = how.startsWith("-D") ? flags(how) : stderr(AgentJvm.java(), "onError=bad", Map.of());
        refused(r, "weft.agent.onError=bad is not valid", "exit", "warn");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"-Dweft.agent.onError=warn", "option onError=warn"})
    void onErrorWarnKeepsTheJdkSchedulerAndWarns(String how) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(AgentJvm.java(), "-cp", AgentJvm.testClasses(), "-Dgomaxprocs=0"));
        cmd.add("-javaagent:" + AgentJvm.agentJar() + (how.startsWith("-D") ? "" : "=onError=warn"));
        if (how.startsWith("-D")) {
            cmd.add(how);
        }
        cmd.add(CarrierNames.class.getName());
        String out = AgentJvm.exec(cmd, Map.of(), false).ok();
        List<String> warnings =
                out.lines().filter(l -> l.startsWith("weft-agent: ")).toList();
        assertEquals(1, warnings.size(), out);
        assertTrue(
                warnings.getFirst().contains("-Dgomaxprocs=0 is not valid")
                        && warnings.getFirst()
                                .contains("weft.agent.onError=warn: virtual threads stay on the JDK's scheduler"),
                out);
        assertTrue(out.matches("(?s).*ofVirtual .*@ForkJoinPool-\\d+-worker-\\d+.*"), out);
        assertTrue(out.matches("(?s).*executor .*@ForkJoinPool-\\d+-worker-\\d+.*"), out);
    }

    @Test
    void notJdk25() throws Exception {
        assumeTrue(Files.isExecutable(JAVA_17), "no Java 17 at " + JAVA_17);
        String line =
                refused(stderr(JAVA_17.toString(), null, Map.of()), "needs JDK 25", "this JVM is Java 17", "Fix:");
        assertTrue(line.contains("-javaagent"), line);
    }

    @Test
    void onErrorWarnAsAnAgentOptionAlsoCoversABadOptionBesideIt() throws Exception {
        List<String> cmd = List.of(
                AgentJvm.java(),
                "-cp",
                AgentJvm.testClasses(),
                "-javaagent:" + AgentJvm.agentJar() + "=onError=warn,maxprocs=4",
                CarrierNames.class.getName());
        String out = AgentJvm.exec(cmd, Map.of(), false).ok();
        assertTrue(
                out.contains("unknown agent option 'maxprocs=4'")
                        && out.contains("weft.agent.onError=warn: virtual threads stay on the JDK's scheduler"),
                out);
        assertTrue(out.matches("(?s).*ofVirtual .*@ForkJoinPool-\\d+-worker-\\d+.*"), out);
    }

    @Test
    void notJdk25WithOnErrorWarnAsAnAgentOptionGoesOn() throws Exception {
        assumeTrue(Files.isExecutable(JAVA_17), "no Java 17 at " + JAVA_17);
        AgentJvm.Result r = stderr(JAVA_17.toString(), "onError=warn", Map.of());
        // the JVM goes on past the agent: to fail on this module's Java 25 class files, as it would without the agent
        assertTrue(
                r.output().contains("weft-agent: needs JDK 25") && r.output().contains("(weft.agent.onError=warn"),
                r.output());
        assertTrue(r.output().contains("UnsupportedClassVersionError"), r.output());
    }

    /**
     * A setting the agent checked at start-up is the one the global scheduler uses: an application
     * that changes the property before its first virtual thread does not leave every virtual
     * thread waiting (it did: the scheduler, built then, re-read the property and failed).
     */
    @Test
    void settingsChangedByTheApplicationAfterStartUpDoNotStopVirtualThreads() throws Exception {
        String out = AgentJvm.withAgent(SettingsAfterStart.class, List.of("-Dgomaxprocs=2"))
                .ok();
        assertTrue(out.matches("(?s).*joined true on .*@weft-global-carrier-\\d+.*"), out);
        assertFalse(out.contains("cannot start"), out);
    }

    /** An error about a value that came from an agent option says so (it names the -D the user never typed). */
    @Test
    void aBadValueFromAnAgentOptionNamesTheOption() throws Exception {
        refused(
                stderr(AgentJvm.java(), "gomaxprocs=4=5", Map.of()),
                "-Dgomaxprocs=4=5 is not valid",
                "was set from the agent option gomaxprocs=4=5");
    }

    /** Empty items in the option list are skipped, wherever they are. */
    @ParameterizedTest(name = "options \"{0}\"")
    @ValueSource(strings = {",gomaxprocs=2", "gomaxprocs=2,", "gomaxprocs=2,,onError=exit", " , gomaxprocs=2 , "})
    void emptyItemsInTheOptionsAreSkipped(String options) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(
                AgentJvm.java(),
                "-cp",
                AgentJvm.testClasses(),
                "-javaagent:" + AgentJvm.agentJar() + "=" + options,
                CarrierNames.class.getName()));
        String out = AgentJvm.exec(cmd, Map.of(), false).ok();
        assertTrue(out.matches("(?s).*ofVirtual .*@weft-global-carrier-\\d+.*"), out);
    }

    /**
     * With onError=warn, a refused option leaves no trace: the property it would have set is not
     * set (a later GoScheduler.global() of the application's own would fail on it).
     */
    @Test
    void aRefusalThatWarnsTakesBackThePropertiesTheOptionsSet() throws Exception {
        List<String> cmd = new ArrayList<>(List.of(
                AgentJvm.java(),
                "-cp",
                AgentJvm.testClasses(),
                "-javaagent:" + AgentJvm.agentJar() + "=onError=warn,gomaxprocs=0",
                SettingsAfterStart.class.getName()));
        String out = AgentJvm.exec(cmd, Map.of(), false).ok();
        assertTrue(out.contains("gomaxprocs property null"), out);
        assertTrue(out.matches("(?s).*joined true on .*@ForkJoinPool-\\d+-worker-\\d+.*"), out);
    }
}
