package dev.weft.jmh;

import com.softwaremill.jox.Channel;
import com.softwaremill.jox.ChannelClosed;
import dev.weft.channels.Chan;
import dev.weft.channels.Select;
import dev.weft.channels.SelectClause;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.SynchronousQueue;

/**
 * The same channel operations over the implementations a benchmark compares, so one workload's
 * code runs on each: {@code weft} ({@link Chan}), {@code jox} (com.softwaremill.jox:channels)
 * and {@code jdk} ({@link SynchronousQueue} when unbuffered, {@link ArrayBlockingQueue} when
 * buffered).
 *
 * <p>{@link #close()} and {@link #receiveOrNull()} are Go's {@code close(ch)} and
 * {@code v, ok := <-ch}. The JDK's queues have no close, so the {@code jdk} pipe sends a closed
 * marker that every receiver passes on, with a blocking put: unlike Go's close, it waits for
 * room in the queue (or, unbuffered, for a receiver). That is enough for the shapes benchmarked
 * here, which close only what somebody drains (many receivers on a buffered queue, one receiver
 * on a {@code SynchronousQueue}).
 * {@link #selectReceive} is Go's {@code select} over receive cases; the JDK has no select.
 */
sealed interface Pipe<T> {
    void send(T value) throws InterruptedException;

    T receive() throws InterruptedException;

    /** Go's {@code v, ok := <-ch}: the next value, or null once the pipe is closed and drained. */
    T receiveOrNull() throws InterruptedException;

    /** Go's {@code close(ch)}. */
    void close() throws InterruptedException;

    /** A pipe of {@code impl} (weft, jox or jdk) with {@code capacity} (0 is unbuffered). */
    static <T> Pipe<T> of(String impl, int capacity) {
        return switch (impl) {
            case "weft" -> new Weft<>(Chan.buffered(capacity));
            case "jox" ->
                new Jox<>(capacity == 0 ? Channel.newRendezvousChannel() : Channel.newBufferedChannel(capacity));
            case "jdk" ->
                new Jdk<>(capacity == 0 ? new SynchronousQueue<Object>() : new ArrayBlockingQueue<Object>(capacity));
            default -> throw new IllegalArgumentException("impl must be weft, jox or jdk, got " + impl);
        };
    }

    /**
     * Receives one value from whichever of {@code pipes} has one first (Go's {@code select} with
     * one receive case per pipe). All pipes must be of one implementation, weft or jox.
     */
    @SuppressWarnings("unchecked") // generic arrays of T's clauses; pipes[i] is of pipes[0]'s kind (see above)
    static <T> T selectReceive(Pipe<T>[] pipes) throws InterruptedException {
        switch (pipes[0]) {
            case Weft<T> w -> {
                SelectClause<T>[] cases = (SelectClause<T>[]) new SelectClause<?>[pipes.length];
                for (int i = 0; i < pipes.length; i++) {
                    cases[i] = ((Weft<T>) pipes[i]).chan.onReceive(v -> v);
                }
                return Select.select(cases);
            }
            case Jox<T> j -> {
                com.softwaremill.jox.SelectClause<T>[] cases =
                        (com.softwaremill.jox.SelectClause<T>[]) new com.softwaremill.jox.SelectClause<?>[pipes.length];
                for (int i = 0; i < pipes.length; i++) {
                    cases[i] = ((Jox<T>) pipes[i]).channel.receiveClause();
                }
                return com.softwaremill.jox.Select.select(cases);
            }
            case Jdk<T> q -> throw new UnsupportedOperationException("the JDK's queues have no select");
        }
    }

    /** weft's {@link Chan}. */
    record Weft<T>(Chan<T> chan) implements Pipe<T> {
        public void send(T v) throws InterruptedException {
            chan.send(v);
        }

        public T receive() throws InterruptedException {
            return chan.receive();
        }

        public T receiveOrNull() throws InterruptedException {
            return chan.receiveOrNull();
        }

        public void close() {
            chan.close();
        }
    }

    /** jox's {@link Channel}; {@code done()} is its close. */
    record Jox<T>(Channel<T> channel) implements Pipe<T> {
        public void send(T v) throws InterruptedException {
            channel.send(v);
        }

        public T receive() throws InterruptedException {
            return channel.receive();
        }

        @SuppressWarnings("unchecked")
        public T receiveOrNull() throws InterruptedException {
            Object v = channel.receiveOrClosed();
            return v instanceof ChannelClosed ? null : (T) v;
        }

        public void close() {
            channel.done();
        }
    }

    /** A JDK {@link BlockingQueue}; close sends {@link #CLOSED}, which each receiver passes on. */
    record Jdk<T>(BlockingQueue<Object> queue) implements Pipe<T> {
        static final Object CLOSED = new Object();

        public void send(T v) throws InterruptedException {
            queue.put(v);
        }

        public T receive() throws InterruptedException {
            T v = receiveOrNull();
            if (v == null) {
                throw new IllegalStateException("receive on closed pipe");
            }
            return v;
        }

        @SuppressWarnings("unchecked")
        public T receiveOrNull() throws InterruptedException {
            Object v = queue.take();
            if (v == CLOSED) {
                queue.offer(CLOSED); // for the next receiver; never blocks
                return null;
            }
            return (T) v;
        }

        public void close() throws InterruptedException {
            queue.put(CLOSED);
        }
    }
}
