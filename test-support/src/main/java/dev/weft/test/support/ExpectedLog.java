package dev.weft.test.support;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.Charset;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The log lines a test provokes on purpose (a WARN or an ERROR that is the behaviour under test),
 * captured instead of printed, and asserted: a green test run prints no WARN or ERROR, and a test
 * fails when the line it provokes is no longer logged.
 *
 * <pre>{@code
 * try (ExpectedLog log = ExpectedLog.capture("WARN", "not registered with JMX")) {
 *     ... provoke it ...
 *     log.await(Duration.ofSeconds(10)); // sysmon writes some lines later
 * } // close(): stops capturing, fails if an expected line never came
 * }</pre>
 *
 * <p>How: the tests log through slf4j-simple, which writes each line to {@code System.err} as it is
 * at that log call, as {@code [thread] LEVEL logger - message} followed by the throwable's stack
 * trace, if any. While capturing, {@code System.err} is a filter: a line whose level is the
 * expected one and which contains the expected text is kept here, with the stack trace lines that
 * follow it (lines starting with a tab, {@code Caused by:} or {@code Suppressed:}, and the
 * exception's own first line); every other line goes on to the real {@code System.err} at once,
 * so an unexpected WARN or ERROR, or any other output, stays visible. Child JVMs log to their own
 * stderr: assert on {@link ChildJvm}'s output there.
 *
 * <p>Thread-safety: the lines are written from any thread (sysmon, carriers' deferred lines,
 * virtual threads); the methods may be called from any thread. One capture at a time per JVM
 * ({@code System.err} is global): {@link #capture} while another is open throws
 * {@link IllegalStateException}. Tests in this project run one at a time per JVM.
 */
public final class ExpectedLog implements AutoCloseable {
    /** slf4j-simple's line: {@code [thread] LEVEL logger - message}. */
    private static final Pattern SIMPLE_LINE =
            Pattern.compile("^\\[.*?\\] (TRACE|DEBUG|INFO|WARN|ERROR) (\\S+) - (.*)$");

    /**
     * The first line of a stack trace: a qualified class name, then the message, if any
     * ({@code java.lang.IllegalStateException: ...}); a lone word is not one.
     */
    private static final Pattern THROWABLE_LINE = Pattern.compile("^[\\w$]+(\\.[\\w$]+)+(: .*)?$");

    /**
     * How many lines after a captured throwable's first line, before its first {@code at} line,
     * are taken as the rest of its message (an exception message of several lines); bounds what
     * a throwable without a stack trace can take from other writers.
     */
    private static final int MAX_MESSAGE_LINES = 20;

    private static final Set<String> LEVELS = Set.of("TRACE", "DEBUG", "INFO", "WARN", "ERROR");

    private static final Object ACTIVE_LOCK = new Object();

    /** The open capture, or null; guarded by {@link #ACTIVE_LOCK}. */
    private static ExpectedLog active;

    private final String level;
    private final List<String> texts;
    private final PrintStream original;
    private final Charset charset;
    private final PrintStream filter;

    // guarded by this
    private final List<String> captured = new ArrayList<>();
    private final boolean[] seen;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream();
    /**
     * 0: the last line was not captured; 1: it was a captured log line; 2: a captured stack trace
     * line; 3: a captured throwable's first line or a later line of its message.
     */
    private int inEntry;

    /** Lines of the captured throwable's message after its first line (state 3). */
    private int messageLines;

    /** Where and by whom this capture was opened: named when a second one is refused. */
    private final Throwable openedAt;

    private boolean closed;

    private ExpectedLog(String level, List<String> texts) {
        this.level = level;
        this.texts = texts;
        this.seen = new boolean[texts.size()];
        this.original = System.err;
        this.charset = original.charset();
        this.filter = new PrintStream(new LineFilter(), true, charset);
        this.openedAt = new Throwable("the open ExpectedLog was started here, on thread "
                + Thread.currentThread().getName() + " (a test that did not close it: use try-with-resources)");
    }

    /**
     * Starts capturing the lines of {@code level} that contain one of {@code texts}, until
     * {@link #close()}; every text must then have been seen in at least one such line.
     *
     * @param level one of {@code TRACE}, {@code DEBUG}, {@code INFO}, {@code WARN}, {@code ERROR}
     *              (upper case, as slf4j-simple writes it)
     * @param texts one or more texts, each of which a line of {@code level} must contain (plain
     *              text, not a pattern); a line containing any of them is captured
     * @return the open capture; close it (try-with-resources) to restore {@code System.err}
     * @throws IllegalArgumentException if {@code level} is not one of the five, or no text is given
     *                                  or one is empty
     * @throws IllegalStateException    if another capture is open (close it first)
     * @throws NullPointerException     if an argument is null
     */
    public static ExpectedLog capture(String level, String... texts) {
        Objects.requireNonNull(level, "level");
        Objects.requireNonNull(texts, "texts");
        if (!LEVELS.contains(level)) {
            throw new IllegalArgumentException("level " + level + " is not one of " + LEVELS
                    + " (upper case, as slf4j-simple writes it): use e.g. \"" + level.toUpperCase(Locale.ROOT) + "\"");
        }
        if (texts.length == 0) {
            throw new IllegalArgumentException("no text given: name the text a " + level + " line must contain");
        }
        for (String text : texts) {
            if (Objects.requireNonNull(text, "a text").isEmpty()) {
                throw new IllegalArgumentException("an empty text matches every " + level
                        + " line, unexpected ones too: give the text the expected line contains");
            }
        }
        synchronized (ACTIVE_LOCK) {
            if (active != null) {
                throw new IllegalStateException(
                        "an ExpectedLog is already capturing (" + active + "): close it before starting another",
                        active.openedAt);
            }
            ExpectedLog log = new ExpectedLog(level, List.of(texts));
            active = log;
            System.setErr(log.filter);
            return log;
        }
    }

    /**
     * The lines captured so far, each a log line with the stack trace lines that followed it
     * joined by {@code \n}.
     *
     * @return a copy, in the order written
     */
    public synchronized List<String> lines() {
        return List.copyOf(captured);
    }

    /**
     * Waits until every expected text has been seen in a captured line (lines that sysmon or
     * another thread writes later).
     *
     * @param timeout how long at most; positive
     * @return the lines captured so far, as {@link #lines()}
     * @throws AssertionError if a text is still unseen after {@code timeout}, or the waiting
     *                        thread is interrupted (its interrupt status is kept)
     */
    public List<String> await(Duration timeout) {
        Await.awaitTrue("a line at " + level + " containing each of " + texts, timeout, this::allSeen);
        return lines();
    }

    /**
     * Stops capturing ({@code System.err} is the one before {@link #capture}) and checks that every
     * expected text was seen. Idempotent.
     *
     * @throws AssertionError if an expected text was not seen: the test's line is no longer logged
     */
    @Override
    public void close() {
        List<String> missing = new ArrayList<>();
        synchronized (ACTIVE_LOCK) {
            synchronized (this) {
                if (closed) {
                    return;
                }
                closed = true;
                if (line.size() > 0) { // an unfinished line: not a log line of ours
                    original.write(line.toByteArray(), 0, line.size());
                    original.flush();
                    line.reset();
                }
                for (int i = 0; i < texts.size(); i++) {
                    if (!seen[i]) {
                        missing.add(texts.get(i));
                    }
                }
            }
            if (System.err == filter) {
                System.setErr(original);
            }
            active = null;
        }
        if (!missing.isEmpty()) {
            throw new AssertionError("expected a line at " + level + " containing each of " + missing
                    + ", but none was logged; captured: " + lines());
        }
    }

    @Override
    public String toString() {
        return "ExpectedLog[" + level + " " + texts + "]";
    }

    private synchronized boolean allSeen() {
        for (boolean s : seen) {
            if (!s) {
                return false;
            }
        }
        return true;
    }

    /** Sorts one complete line (without its newline): captured, or written on. Holds this. */
    private void onLine(byte[] bytes) {
        String text = new String(bytes, charset);
        if (closed) {
            forward(bytes);
            return;
        }
        Matcher m = SIMPLE_LINE.matcher(stripCr(text));
        if (m.matches()) {
            inEntry = 0;
            if (m.group(1).equals(level)) {
                for (int i = 0; i < texts.size(); i++) {
                    if (text.contains(texts.get(i))) {
                        seen[i] = true;
                        inEntry = 1;
                    }
                }
            }
            if (inEntry == 1) {
                captured.add(stripCr(text));
                return;
            }
        } else if (inEntry > 0 && isStackTraceLine(stripCr(text))) {
            inEntry = nextState(stripCr(text));
            int last = captured.size() - 1;
            captured.set(last, captured.get(last) + "\n" + stripCr(text));
            return;
        } else {
            inEntry = 0;
        }
        forward(bytes);
    }

    /**
     * A line of a captured line's stack trace: its first line, a later line of its message, or a
     * frame, {@code ... N more}, {@code Caused by:} or {@code Suppressed:} line after it.
     */
    private boolean isStackTraceLine(String text) {
        if (text.startsWith("\t") || text.startsWith("Caused by: ") || text.startsWith("Suppressed: ")) {
            return true;
        }
        if (inEntry == 1) {
            return THROWABLE_LINE.matcher(text).matches();
        }
        return inEntry == 3 && messageLines < MAX_MESSAGE_LINES;
    }

    /** The state after captured stack trace line {@code text}: 3 while in a throwable's message. */
    private int nextState(String text) {
        if (text.startsWith("\t")) {
            return 2;
        }
        if (inEntry == 1 || text.startsWith("Caused by: ") || text.startsWith("Suppressed: ")) {
            messageLines = 0; // a throwable's first line: its message may go on
            return 3;
        }
        messageLines++; // inEntry == 3: one more line of the message
        return 3;
    }

    private void forward(byte[] bytes) {
        original.write(bytes, 0, bytes.length);
        original.write('\n');
        original.flush();
    }

    private static String stripCr(String s) {
        return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
    }

    /** System.err while capturing: cuts the bytes into lines. */
    private final class LineFilter extends OutputStream {
        @Override
        public void write(int b) {
            synchronized (ExpectedLog.this) {
                if (b == '\n') {
                    byte[] bytes = line.toByteArray();
                    line.reset();
                    onLine(bytes);
                } else {
                    line.write(b);
                }
            }
        }

        @Override
        public void write(byte[] b, int off, int len) {
            Objects.checkFromIndexSize(off, len, b.length);
            synchronized (ExpectedLog.this) {
                for (int i = off; i < off + len; i++) {
                    write(b[i]);
                }
            }
        }

        @Override
        public void flush() {
            original.flush();
        }
    }
}
