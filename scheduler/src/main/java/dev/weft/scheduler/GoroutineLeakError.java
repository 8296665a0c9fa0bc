package dev.weft.scheduler;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Thrown by {@link Goroutines#verifyNone} when goroutines are still alive after the grace period:
 * one error stating how many, and listing the first 50 of them, each with its name, scheduler,
 * state, what it waits on and its stack (the message of Go's goleak, "found unexpected
 * goroutines"); the rest are counted per top function ("... and N more"), so 100,000 leaked
 * goroutines make a message of kilobytes, not megabytes. {@link #leaked()} holds them all.
 *
 * <p>An {@link AssertionError}, so every test framework reports it as a test failure.
 */
public final class GoroutineLeakError extends AssertionError {
    private static final long serialVersionUID = 1L;

    /** Goroutines listed in full, stack included, in the message; the rest are counted. */
    static final int MAX_LISTED = 50;

    /** Top functions counted one per line after the goroutines listed in full; the rest in one line. */
    static final int MAX_GROUPS = 20;

    /** Not serialized: threads are not. */
    private final transient List<Goroutine> leaked;

    /**
     * The error {@link Goroutines#verifyNone} throws: a message listing the goroutines (the first
     * ones in full, then a count per top function) and the grace they were given.
     *
     * @param leaked the goroutines found alive, at least one
     * @param grace  how long {@code verifyNone} waited for them to end
     * @throws IllegalArgumentException if {@code leaked} is empty
     */
    public GoroutineLeakError(List<Goroutine> leaked, Duration grace) {
        super(message(leaked, grace));
        this.leaked = List.copyOf(leaked);
    }

    /**
     * The goroutines found alive, as seen at the last look.
     *
     * @return all of them (the message may list only the first), or empty after deserialization
     */
    public List<Goroutine> leaked() {
        return leaked == null ? List.of() : leaked;
    }

    private static String message(List<Goroutine> leaked, Duration grace) {
        if (leaked.isEmpty()) {
            throw new IllegalArgumentException("a GoroutineLeakError needs at least one leaked goroutine");
        }
        StringBuilder sb = new StringBuilder("found unexpected goroutines: ")
                .append(leaked.size())
                .append(leaked.size() == 1 ? " virtual thread" : " virtual threads")
                .append(" still alive after a grace period of ")
                .append(Goroutines.format(grace))
                .append(':');
        for (Goroutine g : leaked.subList(0, Math.min(leaked.size(), MAX_LISTED))) {
            sb.append('\n').append(g);
        }
        if (leaked.size() > MAX_LISTED) {
            appendRest(sb, leaked.subList(MAX_LISTED, leaked.size()));
        }
        return sb.toString();
    }

    /** "... and N more", counted per top function, most frequent first, at most {@link #MAX_GROUPS} lines. */
    private static void appendRest(StringBuilder sb, List<Goroutine> rest) {
        Map<String, Long> byTop = new HashMap<>();
        for (Goroutine g : rest) {
            byTop.merge(g.topFunction(), 1L, Long::sum);
        }
        List<Map.Entry<String, Long>> groups = new ArrayList<>(byTop.entrySet());
        groups.sort(Map.Entry.<String, Long>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()));
        sb.append("\n... and ").append(rest.size()).append(" more (not listed; all are in leaked()), by top function:");
        long shown = 0;
        for (Map.Entry<String, Long> e : groups.subList(0, Math.min(groups.size(), MAX_GROUPS))) {
            sb.append("\n\t")
                    .append(e.getValue())
                    .append(" with ")
                    .append(e.getKey().isEmpty() ? "an empty stack" : e.getKey() + " on top of the stack");
            shown += e.getValue();
        }
        if (groups.size() > MAX_GROUPS) {
            sb.append("\n\t")
                    .append(rest.size() - shown)
                    .append(" with ")
                    .append(groups.size() - MAX_GROUPS)
                    .append(" other top functions");
        }
    }
}
