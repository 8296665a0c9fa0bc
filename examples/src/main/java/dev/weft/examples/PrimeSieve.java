package dev.weft.examples;

import dev.weft.channels.Chan;
import dev.weft.channels.ReceiveChan;
import dev.weft.channels.SendChan;
import dev.weft.scheduler.Go;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Go's concurrent prime sieve (from the Go tour and go/doc/play/sieve.go): a generator goroutine
 * sends 2, 3, 4, ... and every prime found adds a filter goroutine to a daisy chain of unbuffered
 * channels.
 *
 * <pre>{@code
 * ch := make(chan int); go generate(ch)
 * for i := 0; i < n; i++ {
 *     prime := <-ch; fmt.Println(prime)
 *     ch1 := make(chan int); go filter(ch, ch1, prime); ch = ch1
 * }
 * }</pre>
 *
 * <p>Unlike the Go program, which leaves its goroutines blocked when {@code main} returns, this
 * one interrupts them at the end. Run: {@code ./weft run PrimeSieve [N]} (default 20 primes).
 */
public final class PrimeSieve {
    static final int DEFAULT_N = 20;

    private PrimeSieve() {}

    public static void main(String[] args) throws InterruptedException {
        int n = DEFAULT_N;
        if (args.length > 0) {
            try {
                n = Integer.parseInt(args[0]);
            } catch (NumberFormatException e) {
                n = -1;
            }
            if (n < 1) {
                System.err.println("usage: PrimeSieve [N]   (N >= 1 primes, default " + DEFAULT_N + ")");
                System.exit(2);
            }
        }
        run(System.out, n);
    }

    /**
     * Prints the first {@code n} primes.
     *
     * @return the primes
     */
    static List<Integer> run(PrintStream out, int n) throws InterruptedException {
        if (n < 1) {
            throw new IllegalArgumentException("n must be >= 1, got " + n);
        }
        List<Thread> goroutines = new ArrayList<>();
        List<Integer> primes = new ArrayList<>();
        Chan<Integer> ch = Chan.unbuffered();
        Chan<Integer> first = ch;
        goroutines.add(Go.go(() -> generate(first)));
        try {
            for (int i = 1; i <= n; i++) {
                int prime = ch.receive();
                primes.add(prime);
                out.println(prime);
                Chan<Integer> ch1 = Chan.unbuffered();
                Chan<Integer> in = ch;
                goroutines.add(Go.go(() -> filter(in, ch1, prime)));
                ch = ch1;
            }
        } finally {
            for (Thread g : goroutines) {
                g.interrupt(); // the daisy chain would otherwise stay blocked for ever
            }
        }
        out.println("the " + ordinal(n) + " prime is " + primes.get(n - 1) + " (" + goroutines.size() + " goroutines)");
        return primes;
    }

    /** Sends 2, 3, 4, ... to {@code ch} until interrupted. */
    static void generate(SendChan<Integer> ch) {
        try {
            for (int i = 2; ; i++) {
                ch.send(i);
            }
        } catch (InterruptedException e) {
            // stopped
        }
    }

    /** Copies the values from {@code in} to {@code out}, dropping the multiples of {@code prime}. */
    static void filter(ReceiveChan<Integer> in, SendChan<Integer> out, int prime) {
        try {
            for (; ; ) {
                int i = in.receive();
                if (i % prime != 0) {
                    out.send(i);
                }
            }
        } catch (InterruptedException e) {
            // stopped
        }
    }

    static String ordinal(int n) {
        int mod100 = n % 100;
        String suffix;
        if (mod100 >= 11 && mod100 <= 13) {
            suffix = "th";
        } else {
            suffix = switch (n % 10) {
                case 1 -> "st";
                case 2 -> "nd";
                case 3 -> "rd";
                default -> "th";
            };
        }
        return n + suffix;
    }
}
