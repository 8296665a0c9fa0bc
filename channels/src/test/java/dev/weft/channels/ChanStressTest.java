package dev.weft.channels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.channels.ChanThreadKindsTest.ThreadKind;
import dev.weft.channels.ChanThreadKindsTest.Threads;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Many producers and consumers on one channel: nothing lost, nothing duplicated, nothing
 * invented, and each consumer sees every producer's values in the order they were sent.
 */
class ChanStressTest {

    private static final int PRODUCERS = 4;
    private static final int CONSUMERS = 4;
    private static final int VALUES = 100_000;
    private static final int PER_PRODUCER = VALUES / PRODUCERS;
    /** A value is {@code producer * STRIDE + seq}. */
    private static final int STRIDE = 1_000_000;

    static Stream<Arguments> kindsAndCapacities() {
        List<Arguments> args = new ArrayList<>();
        for (ThreadKind kind :
                List.of(ThreadKind.GO_2P, ThreadKind.GO_1P, ThreadKind.PLATFORM, ThreadKind.JDK_VIRTUAL)) {
            for (int cap : new int[] {0, 1, 16}) {
                args.add(Arguments.of(kind, cap));
            }
        }
        return args.stream();
    }

    /** What one consumer saw. */
    private static final class Seen {
        final BitSet values = new BitSet();
        final int[] lastSeq = {-1, -1, -1, -1};
        long count;
        long sum;
        final List<String> orderViolations = new ArrayList<>();
        final List<String> bogus = new ArrayList<>();

        void add(int v) {
            int p = v / STRIDE;
            int seq = v % STRIDE;
            if (v < 0 || p >= PRODUCERS || seq >= PER_PRODUCER) {
                bogus.add(Integer.toString(v));
                return;
            }
            if (seq <= lastSeq[p] && orderViolations.size() < 10) {
                orderViolations.add("producer " + p + ": " + seq + " after " + lastSeq[p]);
            }
            lastSeq[p] = seq;
            count++;
            sum += v;
            values.set(p * PER_PRODUCER + seq);
        }
    }

    @ParameterizedTest(name = "{0} cap {1}")
    @MethodSource("kindsAndCapacities")
    void fourProducersFourConsumers(ThreadKind kind, int cap) throws Exception {
        Chan<Integer> ch = Chan.buffered(cap);
        AtomicInteger producersLeft = new AtomicInteger(PRODUCERS);
        Seen[] seen = new Seen[CONSUMERS];
        try (Threads threads = kind.open()) {
            for (int c = 0; c < CONSUMERS; c++) {
                Seen s = seen[c] = new Seen();
                int mode = c;
                threads.start("consumer-" + c, () -> {
                    switch (mode % 3) {
                        case 0 -> { // for-each (range)
                            for (Integer v : ch) {
                                s.add(v);
                            }
                        }
                        case 1 -> { // v, ok := <-ch
                            for (Integer v; (v = ch.receiveOrNull()) != null; ) {
                                s.add(v);
                            }
                        }
                        default -> { // receive until "receive on closed channel"
                            try {
                                for (; ; ) {
                                    s.add(ch.receive());
                                }
                            } catch (ChannelClosedException e) {
                                assertEquals("receive on closed channel", e.getMessage());
                            }
                        }
                    }
                });
            }
            for (int p = 0; p < PRODUCERS; p++) {
                int base = p * STRIDE;
                threads.start("producer-" + p, () -> {
                    for (int i = 0; i < PER_PRODUCER; i++) {
                        ch.send(base + i);
                    }
                    if (producersLeft.decrementAndGet() == 0) {
                        ch.close();
                    }
                });
            }
            threads.joinAll();
        }

        long count = 0;
        long sum = 0;
        long cardinalities = 0;
        BitSet all = new BitSet();
        for (Seen s : seen) {
            assertEquals(List.of(), s.bogus, "values never sent");
            assertEquals(List.of(), s.orderViolations, "a consumer saw a producer's values out of order");
            count += s.count;
            sum += s.sum;
            cardinalities += s.values.cardinality();
            all.or(s.values);
        }
        long expectedSum = 0;
        for (int p = 0; p < PRODUCERS; p++) {
            expectedSum += (long) p * STRIDE * PER_PRODUCER + (long) PER_PRODUCER * (PER_PRODUCER - 1) / 2;
        }
        assertEquals(VALUES, count, "values received");
        assertEquals(expectedSum, sum, "checksum");
        assertEquals(VALUES, cardinalities, "some value was received twice");
        assertEquals(VALUES, all.cardinality(), "some value was lost");
        assertEquals(0, ch.len());
        assertTrue(ch.isClosed());
    }

    /**
     * The same conservation with every flavour of operation mixed in: blocking, timed (short
     * timeouts that often expire, so cancelled waiters are unlinked under contention) and
     * non-blocking. The timed and non-blocking ones fall back to a blocking one after three
     * misses: on an unbuffered channel two non-blocking ops never meet.
     */
    @ParameterizedTest(name = "{0} cap {1}")
    @MethodSource("kindsAndCapacities")
    void mixedBlockingTimedAndNonBlockingOperations(ThreadKind kind, int cap) throws Exception {
        int perProducer = PER_PRODUCER;
        Chan<Integer> ch = Chan.buffered(cap);
        AtomicInteger producersLeft = new AtomicInteger(PRODUCERS);
        Seen[] seen = new Seen[CONSUMERS];
        try (Threads threads = kind.open()) {
            for (int c = 0; c < CONSUMERS; c++) {
                Seen s = seen[c] = new Seen();
                threads.start("consumer-" + c, () -> {
                    SplittableRandom rnd = new SplittableRandom();
                    try {
                        for (; ; ) {
                            Integer v;
                            switch (rnd.nextInt(3)) {
                                case 0 -> {
                                    v = ch.receiveOrNull();
                                    if (v == null) {
                                        return;
                                    }
                                }
                                case 1 -> { // a few short timed receives, then a blocking one
                                    v = null;
                                    for (int t = 0; t < 3 && v == null; t++) {
                                        v = ch.receive(Duration.ofNanos(rnd.nextInt(1, 50_000)));
                                    }
                                    if (v == null && (v = ch.receiveOrNull()) == null) {
                                        return;
                                    }
                                }
                                default -> { // a few non-blocking receives, then a blocking one
                                    v = null;
                                    for (int t = 0; t < 3 && v == null; t++) {
                                        v = ch.tryReceive();
                                        if (v == null) {
                                            Thread.yield();
                                        }
                                    }
                                    if (v == null && (v = ch.receiveOrNull()) == null) {
                                        return;
                                    }
                                }
                            }
                            s.add(v);
                        }
                    } catch (ChannelClosedException e) {
                        assertEquals("receive on closed channel", e.getMessage());
                    }
                });
            }
            for (int p = 0; p < PRODUCERS; p++) {
                int base = p * STRIDE;
                threads.start("producer-" + p, () -> {
                    SplittableRandom rnd = new SplittableRandom();
                    for (int i = 0; i < perProducer; i++) {
                        int v = base + i;
                        switch (rnd.nextInt(3)) {
                            case 0 -> ch.send(v);
                            case 1 -> { // a few short timed sends, then a blocking one
                                boolean sent = false;
                                for (int t = 0; t < 3 && !sent; t++) {
                                    sent = ch.send(v, Duration.ofNanos(rnd.nextInt(1, 50_000)));
                                }
                                if (!sent) {
                                    ch.send(v);
                                }
                            }
                            default -> { // a few non-blocking sends, then a blocking one
                                boolean sent = false;
                                for (int t = 0; t < 3 && !sent; t++) {
                                    sent = ch.trySend(v);
                                    if (!sent) {
                                        Thread.yield();
                                    }
                                }
                                if (!sent) {
                                    ch.send(v);
                                }
                            }
                        }
                    }
                    if (producersLeft.decrementAndGet() == 0) {
                        ch.close();
                    }
                });
            }
            threads.joinAll();
        }
        long count = 0;
        BitSet all = new BitSet();
        for (Seen s : seen) {
            assertEquals(List.of(), s.bogus, "values never sent");
            assertEquals(List.of(), s.orderViolations, "a consumer saw a producer's values out of order");
            count += s.count;
            all.or(s.values);
        }
        assertEquals((long) PRODUCERS * perProducer, count, "values received");
        for (int p = 0; p < PRODUCERS; p++) {
            assertEquals(
                    perProducer,
                    all.get(p * PER_PRODUCER, p * PER_PRODUCER + perProducer).cardinality(),
                    "producer " + p + ": some value lost");
        }
    }
}
