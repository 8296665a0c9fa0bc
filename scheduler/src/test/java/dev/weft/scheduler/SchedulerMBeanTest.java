package dev.weft.scheduler;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.weft.scheduler.engine.EngineAccess;
import dev.weft.scheduler.engine.SchedulerMBean;
import dev.weft.test.support.ChildJvm;
import dev.weft.test.support.ExpectedLog;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.management.Attribute;
import javax.management.JMException;
import javax.management.JMX;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import javax.management.RuntimeMBeanException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@link GoSchedulerMXBean} through the platform MBeanServer, as a JMX client sees it. */
class SchedulerMBeanTest {

    private static final long TIMEOUT_S = 20;
    private static final MBeanServer SERVER = ManagementFactory.getPlatformMBeanServer();

    @Test
    void objectNameQuotesOnlyWhenItMust() throws Exception {
        assertEquals(new ObjectName("dev.weft:type=GoScheduler,name=weft-1"), SchedulerMBean.objectName("weft-1"));
        assertEquals("weft-global", SchedulerMBean.objectName("weft-global").getKeyProperty("name"));
        ObjectName odd = SchedulerMBean.objectName("a,b=c:d");
        assertEquals("\"a,b=c:d\"", odd.getKeyProperty("name"));
        assertEquals("a,b=c:d", ObjectName.unquote(odd.getKeyProperty("name")));
        assertEquals("\"\"", SchedulerMBean.objectName("").getKeyProperty("name"));
    }

    @Test
    void everyAttributeAgreesWithStats() throws Exception {
        try (GoScheduler s = GoScheduler.create(2)) {
            ObjectName name = EngineAccess.mbeanName(s.scheduler()); // registered when it was created
            assertNotNull(name);
            CountDownLatch release = new CountDownLatch(1);
            Thread parked = s.go(() -> awaitQuietly(release)); // one live goroutine, so Goroutines is not 0
            try {
                SchedulerStats st = quiescentStats(s);
                assertEquals(1, st.liveGoroutines());
                assertEquals(s.name(), SERVER.getAttribute(name, "Name"));
                assertEquals(st.gomaxprocs(), SERVER.getAttribute(name, "Gomaxprocs"));
                assertEquals(st.idleProcs(), SERVER.getAttribute(name, "IdleProcs"));
                assertEquals(st.carriers(), SERVER.getAttribute(name, "Threads"));
                assertEquals(st.spinning(), SERVER.getAttribute(name, "SpinningThreads"));
                assertEquals(st.idleCarriers(), SERVER.getAttribute(name, "IdleThreads"));
                assertEquals(st.globalQueue(), SERVER.getAttribute(name, "RunQueue"));
                assertArrayEquals(st.localQueues(), (int[]) SERVER.getAttribute(name, "LocalRunQueues"));
                assertEquals(st.steals(), SERVER.getAttribute(name, "Steals"));
                assertEquals(st.liveGoroutines(), SERVER.getAttribute(name, "Goroutines"));
                assertEquals(st.handoffs(), SERVER.getAttribute(name, "Handoffs"));
                assertEquals(st.deadlockReports(), SERVER.getAttribute(name, "DeadlockReports"));
                assertEquals(st.schedtrace(), SERVER.getAttribute(name, "Schedtrace"));
                assertEquals(st, s.stats(), "the scheduler moved while we read: the comparison proves nothing");
            } finally {
                release.countDown();
                parked.join(TimeUnit.SECONDS.toMillis(TIMEOUT_S));
                SchedulerMBean.unregister(name);
            }
        }
    }

    @Test
    void aProxyOfTheInterfaceWorksToo() {
        try (GoScheduler s = GoScheduler.create(2)) {
            ObjectName name = EngineAccess.mbeanName(s.scheduler());
            try {
                GoSchedulerMXBean proxy = JMX.newMXBeanProxy(SERVER, name, GoSchedulerMXBean.class);
                assertEquals(s.name(), proxy.getName());
                try (ExpectedLog log = ExpectedLog.capture("INFO", ": gomaxprocs 2 -> 3 (set through JMX)")) {
                    proxy.setGomaxprocs(3);
                    assertEquals(List.of(jmxWrite(s, 2, 3)), log.lines(), "each write is logged, once");
                }
                assertEquals(3, s.gomaxprocs());
                assertTrue(proxy.getSchedtrace().startsWith("gomaxprocs=3 "), proxy.getSchedtrace());
            } finally {
                SchedulerMBean.unregister(name);
            }
        }
    }

    @Test
    void writingGomaxprocsResizes() throws Exception {
        try (GoScheduler s = GoScheduler.create(2)) {
            ObjectName name = EngineAccess.mbeanName(s.scheduler());
            try {
                try (ExpectedLog log = ExpectedLog.capture("INFO", "(set through JMX)")) {
                    SERVER.setAttribute(name, new Attribute("Gomaxprocs", 4));
                    assertEquals(4, s.gomaxprocs());
                    assertEquals(4, SERVER.getAttribute(name, "Gomaxprocs"));
                    SERVER.setAttribute(name, new Attribute("Gomaxprocs", 1));
                    assertEquals(1, s.gomaxprocs());
                    assertEquals(List.of(jmxWrite(s, 2, 4), jmxWrite(s, 4, 1)), log.lines());
                }
            } finally {
                SchedulerMBean.unregister(name);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {0, -1, 1025, 2000})
    void writingGomaxprocsOutOfRangeFailsAndKeepsTheSize(int bad) {
        try (GoScheduler s = GoScheduler.create(2)) {
            ObjectName name = EngineAccess.mbeanName(s.scheduler());
            try {
                RuntimeMBeanException e = assertThrows(
                        RuntimeMBeanException.class, () -> SERVER.setAttribute(name, new Attribute("Gomaxprocs", bad)));
                IllegalArgumentException cause = assertInstanceOf(IllegalArgumentException.class, e.getCause());
                assertTrue(cause.getMessage().contains("from 1 to 1024"), cause.getMessage());
                assertTrue(cause.getMessage().contains(String.valueOf(bad)), cause.getMessage());
                assertEquals(2, s.gomaxprocs());
            } finally {
                SchedulerMBean.unregister(name);
            }
        }
    }

    @Test
    void writesGoThroughTheGivenOperatorAndOnlyWhenValid() {
        try (GoScheduler s = GoScheduler.create(2)) {
            AtomicInteger calls = new AtomicInteger();
            SchedulerMBean mbean = new SchedulerMBean(s.scheduler(), n -> {
                calls.incrementAndGet();
                return s.gomaxprocs(n);
            });
            try (ExpectedLog log = ExpectedLog.capture("INFO", ": gomaxprocs 2 -> 3 (set through JMX)")) {
                mbean.setGomaxprocs(3);
                assertEquals(List.of(jmxWrite(s, 2, 3)), log.lines());
            }
            assertEquals(1, calls.get());
            assertEquals(3, s.gomaxprocs());
            assertThrows(IllegalArgumentException.class, () -> mbean.setGomaxprocs(0));
            assertEquals(1, calls.get(), "a bad value never reaches the operator");
        }
    }

    /** The INFO line of a write through JMX, as slf4j-simple writes it from the test's thread. */
    private static String jmxWrite(GoScheduler s, int from, int to) {
        return "[main] INFO " + SchedulerMBean.class.getName() + " - GoScheduler " + s.name() + ": gomaxprocs " + from
                + " -> " + to + " (set through JMX)";
    }

    @Test
    void registeringTwiceReturnsNullWithoutThrowing() {
        try (GoScheduler s = GoScheduler.create(2)) {
            ObjectName first = EngineAccess.mbeanName(s.scheduler());
            try {
                assertNotNull(first);
                try (ExpectedLog log = ExpectedLog.capture("WARN", "not registered with JMX")) {
                    ObjectName second = assertDoesNotThrow(
                            () -> SchedulerMBean.register(EngineAccess.mxbean(s.scheduler()), s.name()));
                    assertNull(second);
                    // logged at once, by this platform thread: the scheduler's name and JMX's reason
                    String warn = log.await(Duration.ofSeconds(10)).getFirst();
                    assertTrue(warn.contains("WARN " + SchedulerMBean.class.getName() + " - "), warn);
                    assertTrue(warn.contains("GoScheduler " + s.name() + ": not registered with JMX"), warn);
                    assertTrue(warn.contains("InstanceAlreadyExistsException"), warn);
                }
                assertTrue(SERVER.isRegistered(first), "the first registration stays");
            } finally {
                SchedulerMBean.unregister(first);
            }
        }
    }

    @Test
    void unregisterRemovesItAndIsIdempotentAndNullSafe() throws JMException {
        try (GoScheduler s = GoScheduler.create(2)) {
            ObjectName name = EngineAccess.mbeanName(s.scheduler());
            assertTrue(SERVER.isRegistered(name));
            SchedulerMBean.unregister(name);
            assertFalse(SERVER.isRegistered(name));
            assertDoesNotThrow(() -> SchedulerMBean.unregister(name));
            assertDoesNotThrow(() -> SchedulerMBean.unregister(null));
        }
    }

    /** Polls (no sleep) until two stats in a row agree and nobody spins, or fails at the deadline. */
    private static SchedulerStats quiescentStats(GoScheduler s) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_S);
        for (; ; ) {
            SchedulerStats a = s.stats();
            SchedulerStats b = s.stats();
            if (a.equals(b)
                    && a.spinning() == 0
                    && a.idleProcs() == a.gomaxprocs()
                    && a.liveGoroutines() == 1
                    && a.idleCarriers() == a.carriers()) { // a carrier between giving up its P and parking moves yet
                return a;
            }
            if (System.nanoTime() > deadline) {
                fail("the scheduler never settled: " + b);
            }
            Thread.onSpinWait();
        }
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(TIMEOUT_S, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** weft never starts JMX (about 200 ms); sysmon registers the bean once something else did. */
    @Test
    void registeredWithinASecondOfJmxStarting() throws Exception {
        String out = ChildJvm.run(JmxLateMain.class, java.util.List.of());
        assertTrue(out.contains("jmx before=false registered=false"), out);
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("registered=true after=(\\d+)ms")
                .matcher(out);
        assertTrue(m.find(), out);
        assertTrue(Long.parseLong(m.group(1)) <= 3000, "sysmon looks once a second: " + out);
    }
}
