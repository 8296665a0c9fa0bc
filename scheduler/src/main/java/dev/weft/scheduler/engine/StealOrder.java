package dev.weft.scheduler.engine;

/**
 * Go's {@code randomOrder}: visits every P index in {@code [0, count)} exactly once, from a random
 * start with a random stride coprime to {@code count}, so that thieves spread over victims
 * instead of all hitting P0 first. Immutable; replaced on resize.
 */
final class StealOrder {
    private final int count;
    private final int[] coprimes;

    StealOrder(int count) {
        this.count = count;
        int[] c = new int[count];
        int n = 0;
        for (int i = 1; i <= count; i++) {
            if (gcd(i, count) == 1) {
                c[n++] = i;
            }
        }
        this.coprimes = java.util.Arrays.copyOf(c, n);
    }

    private static int gcd(int a, int b) {
        while (b != 0) {
            int t = a % b;
            a = b;
            b = t;
        }
        return a;
    }

    /** An enumeration seeded by a random int. */
    Enum start(int random) {
        int r = random & Integer.MAX_VALUE;
        return new Enum(count, r % count, coprimes[(r / count) % coprimes.length]);
    }

    /** One walk over the indices. Not shared between threads. */
    static final class Enum {
        private final int count;
        private final int inc;
        private int pos;
        private int left;

        Enum(int count, int pos, int inc) {
            this.count = count;
            this.pos = pos;
            this.inc = inc;
            this.left = count;
        }

        boolean done() {
            return left == 0;
        }

        void next() {
            left--;
            pos = (pos + inc) % count;
        }

        int position() {
            return pos;
        }
    }
}
