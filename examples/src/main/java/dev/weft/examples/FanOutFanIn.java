package dev.weft.examples;

import dev.weft.channels.Chan;
import dev.weft.channels.ReceiveChan;
import dev.weft.channels.SendChan;
import dev.weft.channels.WaitGroup;
import dev.weft.scheduler.Go;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Go's fan-out, fan-in pipeline: a generator feeds one channel, eight workers read from it (fan
 * out) and each writes squares to its own channel, and {@code merge} forwards all of them into one
 * channel (fan in), closed by a {@link WaitGroup} when every input is drained.
 *
 * <pre>{@code
 * in := gen(1..n)
 * cs := []<-chan int{sq(in), sq(in), ...}      // 8 workers share in
 * for v := range merge(cs...) { sum += v }
 * }</pre>
 *
 * <p>Run: {@code ./weft run FanOutFanIn [N]} (default 100 numbers).
 */
public final class FanOutFanIn {
    static final int WORKERS = 8;
    static final int DEFAULT_N = 100;

    private FanOutFanIn() {}

    public static void main(String[] args) throws InterruptedException {
        run(System.out, args.length > 0 ? Integer.parseInt(args[0]) : DEFAULT_N);
    }

    /**
     * Squares 1..n on {@value #WORKERS} workers.
     *
     * @return the sum of the squares
     */
    static long run(PrintStream out, int n) throws InterruptedException {
        ReceiveChan<Integer> in = gen(n);
        List<ReceiveChan<Item>> outs = new ArrayList<>();
        for (int w = 0; w < WORKERS; w++) {
            outs.add(square(w, in)); // fan out: every worker reads from the same channel
        }
        long sum = 0;
        int[] perWorker = new int[WORKERS];
        for (Item item : merge(outs)) { // fan in
            sum += item.square();
            perWorker[item.worker()]++;
        }
        for (int w = 0; w < WORKERS; w++) {
            out.println("worker " + w + " squared " + perWorker[w] + " numbers");
        }
        out.println("sum of squares 1.." + n + " = " + sum);
        return sum;
    }

    /** A square and the worker that computed it. */
    record Item(int worker, long square) {}

    /** Sends 1..n on a new channel, then closes it. */
    static ReceiveChan<Integer> gen(int n) {
        Chan<Integer> out = Chan.unbuffered();
        Go.go(() -> {
            try {
                for (int i = 1; i <= n; i++) {
                    out.send(i);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                out.close();
            }
        });
        return out;
    }

    /** A worker: squares what it receives until {@code in} is closed. */
    static ReceiveChan<Item> square(int worker, ReceiveChan<Integer> in) {
        Chan<Item> out = Chan.unbuffered();
        Go.go(() -> {
            try {
                for (int v : in) {
                    out.send(new Item(worker, (long) v * v));
                    Thread.yield(); // let the other workers have a turn
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                out.close();
            }
        });
        return out;
    }

    /** Go's merge: one goroutine per input forwards into {@code out}; the last one closes it. */
    static <T> ReceiveChan<T> merge(List<? extends ReceiveChan<T>> inputs) {
        Chan<T> out = Chan.buffered(inputs.size());
        WaitGroup wg = new WaitGroup();
        wg.add(inputs.size());
        for (ReceiveChan<T> c : inputs) {
            Go.go(() -> {
                try {
                    forward(c, out);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } finally {
                    wg.done();
                }
            });
        }
        Go.go(() -> {
            try {
                wg.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                out.close();
            }
        });
        return out;
    }

    private static <T> void forward(ReceiveChan<T> in, SendChan<T> out) throws InterruptedException {
        for (T v : in) {
            out.send(v);
        }
    }
}
