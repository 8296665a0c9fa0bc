package dev.weft.agent;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The contract in one test: plain JDK code under the agent runs its virtual threads on weft. */
class AgentSmokeIT {
    @Test
    void virtualThreadsOfPlainJdkCodeRunOnWeftCarriers() throws Exception {
        String out = AgentJvm.withAgent(CarrierNames.class, List.of("-Dgomaxprocs=2"))
                .ok();
        assertTrue(
                out.contains("ofVirtual VirtualThread[")
                        && out.matches("(?s).*ofVirtual .*@weft-global-carrier-\\d+.*"),
                out);
        assertTrue(out.matches("(?s).*executor .*@weft-global-carrier-\\d+.*"), out);
    }

    @Test
    void withoutTheAgentTheSameCodeRunsOnTheJdkScheduler() throws Exception {
        String out = AgentJvm.withoutAgent(CarrierNames.class, List.of()).ok();
        assertTrue(out.matches("(?s).*ofVirtual .*@ForkJoinPool-\\d+-worker-\\d+.*"), out);
    }
}
