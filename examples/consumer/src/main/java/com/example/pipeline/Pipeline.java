package com.example.pipeline;

import dev.weft.channels.Chan;
import dev.weft.channels.ErrGroup;
import dev.weft.channels.ReceiveChan;
import dev.weft.channels.Select;
import dev.weft.channels.Timers;
import dev.weft.channels.WaitGroup;
import dev.weft.scheduler.GoScheduler;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A Go pipeline on weft, as a user writes it: a generator goroutine sends 1..n on an unbuffered
 * channel, {@code workers} goroutines square the numbers onto a second channel, a
 * {@link WaitGroup} closes it when every worker is done, and the caller sums the squares in a
 * {@link Select} against a timeout. The goroutines run in an {@link ErrGroup} on a
 * {@link GoScheduler} of two Ps.
 *
 * <p>Prints {@code sum of squares 1..100 = 338350 (3 workers, every goroutine on weft: true)}.
 * Run with {@code --add-opens java.base/java.lang=ALL-UNNAMED} on the class path, or
 * {@code --add-opens java.base/java.lang=dev.weft.scheduler} on the module path.
 */
public final class Pipeline {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private Pipeline() {}

    /**
     * Prints the sum of the squares of 1..100 computed by 3 workers.
     *
     * @param args ignored
     * @throws Exception if the pipeline fails or times out
     */
    public static void main(String[] args) throws Exception {
        try (GoScheduler scheduler = GoScheduler.create(2)) {
            Result r = sumOfSquares(scheduler, 100, 3);
            System.out.println("sum of squares 1..100 = " + r.sum() + " (3 workers, every goroutine on weft: "
                    + r.allOnWeft() + ")");
        }
    }

    /**
     * The sum of the squares of 1..n, squared by {@code workers} goroutines of {@code scheduler}.
     *
     * @param scheduler where the goroutines run
     * @param n         the last number, at least 1
     * @param workers   the number of squaring goroutines, at least 1
     * @return the sum, and whether every goroutine ran on a {@link GoScheduler}
     * @throws IllegalArgumentException if {@code n} or {@code workers} is below 1
     * @throws TimeoutException         if the squares do not all arrive within 30 s
     * @throws Exception                the first failure of a goroutine
     */
    public static Result sumOfSquares(GoScheduler scheduler, int n, int workers) throws Exception {
        if (n < 1 || workers < 1) {
            throw new IllegalArgumentException("n and workers must be at least 1, got n=" + n + ", workers=" + workers);
        }
        Chan<Integer> numbers = Chan.unbuffered();
        Chan<Long> squares = Chan.buffered(workers);
        ErrGroup group = new ErrGroup(scheduler.virtualThreadFactory());
        WaitGroup working = new WaitGroup();
        AtomicBoolean onWeft = new AtomicBoolean(true); // every goroutine ANDs GoScheduler.current().isPresent()

        group.go(() -> { // generator
            checkOnWeft(onWeft);
            for (int i = 1; i <= n; i++) {
                numbers.send(i);
            }
            numbers.close();
        });
        working.add(workers);
        for (int w = 0; w < workers; w++) {
            group.go(() -> { // worker: for i := range numbers { squares <- i*i }
                try {
                    checkOnWeft(onWeft);
                    for (int i : numbers) {
                        squares.send((long) i * i);
                    }
                } finally {
                    working.done();
                }
            });
        }
        group.go(() -> { // closer: close(squares) once the workers are done
            checkOnWeft(onWeft);
            working.await();
            squares.close();
        });

        long sum = 0;
        ReceiveChan<Instant> timeout = Timers.after(TIMEOUT);
        for (int received = 0; received < n; received++) {
            Optional<Long> square = Select.select(
                    squares.onReceive(Optional::of), timeout.onReceive(t -> Optional.<Long>empty()));
            if (square.isEmpty()) {
                throw new TimeoutException("only " + received + " of " + n + " squares within " + TIMEOUT);
            }
            sum += square.get();
        }
        Optional<Throwable> failure = group.await();
        if (failure.isPresent()) {
            throw new IllegalStateException("a goroutine failed", failure.get());
        }
        return new Result(sum, onWeft.get());
    }

    private static void checkOnWeft(AtomicBoolean onWeft) {
        if (GoScheduler.current().isEmpty()) {
            onWeft.set(false);
        }
    }

    /**
     * What {@link #sumOfSquares} computed.
     *
     * @param sum       the sum of the squares
     * @param allOnWeft whether every goroutine ran on a {@link GoScheduler}
     */
    public record Result(long sum, boolean allOnWeft) {}
}
