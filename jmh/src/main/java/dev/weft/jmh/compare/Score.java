package dev.weft.jmh.compare;

/**
 * One measured figure: nanoseconds per operation and its error (JMH's 99.9% half-interval;
 * NaN when not known, as for Go's median of 5 runs).
 *
 * @param nanos ns per operation
 * @param error the error, in ns, or NaN
 */
public record Score(double nanos, double error) {
    /** Formats ns with 3 significant figures, e.g. {@code 98.7}, {@code 1095}, {@code 693,510}. */
    public static String format(double nanos) {
        if (nanos >= 1000) {
            return String.format("%,.0f", nanos);
        }
        if (nanos >= 100) {
            return String.format("%.0f", nanos);
        }
        return String.format("%.1f", nanos);
    }

    /** The score with its error when known: {@code 98.7 ± 3.1}. */
    @Override
    public String toString() {
        return Double.isNaN(error) ? format(nanos) : format(nanos) + " ± " + format(error);
    }
}
