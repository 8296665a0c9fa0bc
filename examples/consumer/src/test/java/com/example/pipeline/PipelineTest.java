package com.example.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.scheduler.GoScheduler;
import dev.weft.test.GoroutineLeakCheck;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The pipeline, under weft-test's goroutine-leak check: every goroutine it starts has ended. */
@ExtendWith(GoroutineLeakCheck.class)
class PipelineTest {

    @Test
    void sumsTheSquaresOnWeft() throws Exception {
        try (GoScheduler scheduler = GoScheduler.create(2)) {
            Pipeline.Result r = Pipeline.sumOfSquares(scheduler, 100, 3);
            assertEquals(338_350, r.sum());
            assertTrue(r.allOnWeft(), "every goroutine on a GoScheduler");
        }
    }

    @Test
    void oneWorkerGivesTheSameSum() throws Exception {
        try (GoScheduler scheduler = GoScheduler.create(1)) {
            assertEquals(55, Pipeline.sumOfSquares(scheduler, 5, 1).sum());
        }
    }

    @Test
    void rejectsNoWorkers() {
        try (GoScheduler scheduler = GoScheduler.create(1)) {
            IllegalArgumentException e =
                    assertThrows(IllegalArgumentException.class, () -> Pipeline.sumOfSquares(scheduler, 5, 0));
            assertTrue(e.getMessage().contains("workers=0"), e.getMessage());
        }
    }
}
