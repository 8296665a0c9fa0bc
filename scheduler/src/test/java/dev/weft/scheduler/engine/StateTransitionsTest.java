package dev.weft.scheduler.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * The engine's named state transitions refuse an impossible state: the spinning count
 * ({@code becomeSpinning}, {@code stopSpinning}), the idle P list ({@code pidleput},
 * {@code pidleget}) and the idle carrier list ({@code mput}, {@code mget}); and "under the
 * lock" is asserted (tests run with {@code -ea}). On a bare engine: nothing is started.
 */
class StateTransitionsTest {
    private final CarrierScheduler sched = new CarrierScheduler("transitions", 2, SysmonSettings.defaults(), null);

    private Carrier carrier(String name) {
        return new Carrier(sched, name, null, false); // never started
    }

    @Test
    void spinningCountFollowsTheCarriersAndRefusesAnImpossibleStep() {
        Carrier c = carrier("c");
        IllegalStateException notSpinning = assertThrows(IllegalStateException.class, () -> sched.stopSpinning(c));
        assertTrue(notSpinning.getMessage().contains("was not spinning"), notSpinning.getMessage());
        assertEquals(0, sched.stats().spinning());

        sched.becomeSpinning(c);
        assertEquals(1, sched.stats().spinning());
        assertThrows(IllegalStateException.class, () -> sched.becomeSpinning(c), "spinning twice");
        assertEquals(1, sched.stats().spinning());

        sched.stopSpinning(c);
        assertEquals(0, sched.stats().spinning());
        assertThrows(IllegalStateException.class, () -> sched.stopSpinning(c), "below zero");
        assertEquals(0, sched.stats().spinning(), "the refused step changed nothing");
    }

    @Test
    void idlePListRefusesAPIdleTwiceAndCountsBothWays() {
        synchronized (sched.lock) {
            assertEquals(2, sched.stats().idleProcs());
            Processor idle = sched.processor(0);
            IllegalStateException twice = assertThrows(IllegalStateException.class, () -> sched.pidleput(idle));
            assertTrue(twice.getMessage().contains("idle already"), twice.getMessage());

            Processor a = sched.pidleget();
            Processor b = sched.pidleget();
            assertNull(sched.pidleget(), "two Ps only");
            assertEquals(0, sched.stats().idleProcs());
            sched.pidleput(b);
            sched.pidleput(a);
            assertEquals(2, sched.stats().idleProcs());
        }
    }

    @Test
    void idleCarrierListRefusesACarrierHoldingAPOrListedTwice() {
        Carrier c = carrier("idle");
        synchronized (sched.lock) {
            sched.mput(c);
            assertEquals(1, sched.stats().idleCarriers());
            assertThrows(IllegalStateException.class, () -> sched.mput(c), "on the list already");
            assertSame(c, sched.mget());
            assertNull(sched.mget());
            assertEquals(0, sched.stats().idleCarriers());

            Carrier holding = carrier("holding");
            holding.p = sched.processor(1);
            assertThrows(IllegalStateException.class, () -> sched.mput(holding), "holds a P");
        }
    }

    @Test
    void listsAreTouchedOnlyUnderTheLock() {
        assertThrows(AssertionError.class, () -> sched.pidleget(), "pidleget without the lock");
        assertThrows(AssertionError.class, () -> sched.mget(), "mget without the lock");
        assertThrows(AssertionError.class, () -> sched.mput(carrier("c")), "mput without the lock");
    }
}
