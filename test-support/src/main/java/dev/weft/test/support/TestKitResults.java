package dev.weft.test.support;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.Event;

/** Reading the results of tests run with JUnit's {@code EngineTestKit} (tests of test extensions). */
public final class TestKitResults {
    private TestKitResults() {}

    /**
     * What test method {@code method} failed with; fails the calling test unless it failed exactly once.
     *
     * @param method the method's name, without parameters
     */
    public static Throwable failure(EngineExecutionResults r, String method) {
        List<Event> failed = r.testEvents().failed().stream()
                .filter(e -> e.getTestDescriptor().getDisplayName().startsWith(method + "("))
                .toList();
        assertEquals(
                1,
                failed.size(),
                method + " did not fail once: " + r.testEvents().failed().list());
        return failed.getFirst()
                .getRequiredPayload(TestExecutionResult.class)
                .getThrowable()
                .orElseThrow();
    }
}
