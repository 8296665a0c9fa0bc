package dev.weft.scheduler.engine;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Linux thread states, for sysmon's blocked rule: whether a carrier is runnable ({@code R}, on a
 * CPU or waiting for one) or asleep ({@code S}, {@code D}: blocked in a read, a futex, native
 * code), as the kernel reports it in field 3 of {@code /proc/self/task/TID/stat}. The JVM's own
 * {@code Thread.State} can't tell: a carrier blocked in file I/O is RUNNABLE to it.
 *
 * <p>A carrier learns its TID when it starts ({@link #currentTid}, from the
 * {@code /proc/thread-self} link); sysmon opens a {@link Stat} for a carrier only when its P is a
 * hand-off candidate, and re-reads it with a positional read at offset 0 into a direct buffer:
 * no allocation per read (procfs regenerates the text on each read from offset 0). Where there
 * is no {@code /proc} (not Linux) or the TID is unknown, the state is {@link #UNKNOWN} and sysmon
 * falls back on the carrier's CPU time.
 *
 * <p>Thread-safety: {@link #currentTid} and {@link #parseState} are safe from any thread; a
 * {@link Stat} is used by one thread (sysmon).
 */
public final class ThreadStates {
    /** The TID is not known: not Linux, or {@code /proc/thread-self} unreadable. */
    public static final int NO_TID = -1;

    /** {@code R}: running or runnable (perhaps starved of CPU). Not blocked. */
    public static final int RUNNABLE = 0;
    /** {@code S} or {@code D}: asleep in the kernel, waiting for something other than a CPU. */
    public static final int ASLEEP = 1;
    /** Unreadable (no /proc, thread gone, TID unknown) or another state (stopped, traced...). */
    public static final int UNKNOWN = 2;

    private static final String THREAD_SELF_PATH = "/proc/thread-self";
    /** Long enough for any stat line's first three fields: pid, a 64-byte comm, state. */
    static final int BUFFER_BYTES = 128;

    private ThreadStates() {}

    /**
     * The Linux TID of the calling thread, from {@code /proc/thread-self} (a link to
     * {@code /proc/PID/task/TID}, Linux 3.17+), or {@link #NO_TID} where that can't be read.
     * About 10 us; call it once per thread (a carrier does, when it starts).
     *
     * <p>Through {@code java.io.File.getCanonicalPath} (one {@code realpath(3)}), not
     * {@code Files.readSymbolicLink}: NIO's native buffers register with a {@code Cleaner} whose
     * list is a monitor that virtual threads doing file I/O take too, and a carrier must never
     * wait for a lock a virtual thread may hold (see {@link CarrierScheduler}).
     *
     * @return the calling platform thread's Linux TID ({@code > 0}), or {@link #NO_TID} where
     *     {@code /proc/thread-self} cannot be read (not Linux, no procfs)
     */
    public static int currentTid() {
        try {
            return tidOf(new java.io.File(THREAD_SELF_PATH).getCanonicalPath());
        } catch (IOException | SecurityException e) {
            return NO_TID;
        }
    }

    /**
     * The TID in a {@code /proc/thread-self} link target ({@code 1234/task/5678}), or {@link #NO_TID}.
     *
     * @param link the link target, absolute or not
     * @return the TID ({@code > 0}), or {@link #NO_TID} if {@code link} does not end in
     *     {@code task/<positive int>}
     */
    public static int tidOf(String link) {
        int slash = link.lastIndexOf('/');
        if (slash < 0 || !link.startsWith("task/", link.lastIndexOf('/', slash - 1) + 1)) {
            return NO_TID;
        }
        try {
            int tid = Integer.parseInt(link, slash + 1, link.length(), 10);
            return tid > 0 ? tid : NO_TID;
        } catch (NumberFormatException e) {
            return NO_TID;
        }
    }

    /**
     * The state in the first {@code length} bytes of a stat line ({@code 5678 (comm) S 1 ...}).
     * The comm is any 16 bytes and may hold spaces and parentheses ({@code (x) (y)}), so the state
     * is the field after the LAST {@code ')'}: the kernel ends the comm with the only ')' that
     * fields 3 on can't contain.
     *
     * @param line   the bytes read, from index 0
     * @param length how many of them to parse, 0 to {@code line.limit()}
     * @return {@link #RUNNABLE} (R), {@link #ASLEEP} (S, D) or {@link #UNKNOWN} (any other state,
     *     or a line that is cut short or malformed)
     */
    public static int parseState(ByteBuffer line, int length) {
        assert length >= 0 && length <= line.limit() : length + " bytes of " + line.limit();
        int close = -1;
        for (int i = length - 1; i >= 0; i--) {
            if (line.get(i) == ')') {
                close = i;
                break;
            }
        }
        if (close < 0 || close + 2 >= length || line.get(close + 1) != ' ') {
            return UNKNOWN;
        }
        return switch (line.get(close + 2)) {
            case 'R' -> RUNNABLE;
            case 'S', 'D' -> ASLEEP;
            default -> UNKNOWN; // T, t (stopped), Z, X (exiting), I, P, W, K...
        };
    }

    /**
     * One thread's {@code /proc/self/task/TID/stat}, kept open while sysmon watches it: reads
     * allocate nothing. Closed by sysmon when the carrier leaves the P it watches.
     */
    public static final class Stat implements AutoCloseable {
        private final ByteBuffer buf = ByteBuffer.allocateDirect(BUFFER_BYTES);
        private FileChannel channel; // null once closed or when unreadable

        private Stat(FileChannel channel) {
            this.channel = channel;
        }

        /**
         * Opens thread {@code tid}'s stat file; null when it can't be (no TID, no /proc, thread gone).
         *
         * @param tid a Linux TID of this process, or {@link #NO_TID}
         * @return the open stat file, for its owner to {@link #close()}; or null
         */
        public static Stat open(int tid) {
            return open(tid, Path.of("/proc/self/task", Integer.toString(tid), "stat"));
        }

        /**
         * Opens {@code file} as thread {@code tid}'s stat file (tests give their own); null if unreadable.
         *
         * @param tid  the thread's TID; {@link #NO_TID} opens nothing
         * @param file the stat file to read
         * @return the open stat file, for its owner to {@link #close()}; or null
         */
        public static Stat open(int tid, Path file) {
            if (tid == NO_TID) {
                return null;
            }
            try {
                return new Stat(FileChannel.open(file, StandardOpenOption.READ));
            } catch (IOException | UnsupportedOperationException | SecurityException e) {
                return null;
            }
        }

        /**
         * The thread's state now: {@link #RUNNABLE}, {@link #ASLEEP} or {@link #UNKNOWN} (also
         * once the thread exited: procfs then fails the read with ESRCH, and the file is closed).
         *
         * @return the state; one {@code pread} of the file, allocating nothing
         */
        public int state() {
            FileChannel ch = channel;
            if (ch == null) {
                return UNKNOWN;
            }
            buf.clear();
            try {
                int n = ch.read(buf, 0);
                return n <= 0 ? UNKNOWN : parseState(buf, n);
            } catch (IOException e) { // the thread exited: ESRCH
                close();
                return UNKNOWN;
            }
        }

        @Override
        public void close() {
            FileChannel ch = channel;
            channel = null;
            if (ch != null) {
                try {
                    ch.close();
                } catch (IOException e) {
                    // nothing was written: nothing to lose
                }
            }
        }
    }
}
