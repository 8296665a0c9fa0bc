package dev.weft.jmh;

import com.softwaremill.jox.Channel;
import dev.weft.channels.Chan;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.SynchronousQueue;

/**
 * The same blocking send/receive over the channel implementations a benchmark compares:
 * {@code weft} ({@link Chan}), {@code jox} (com.softwaremill.jox:channels) and {@code jdk}
 * ({@link SynchronousQueue} when unbuffered, {@link ArrayBlockingQueue} when buffered).
 */
interface Pipe<T> {
    void send(T value) throws InterruptedException;

    T receive() throws InterruptedException;

    static <T> Pipe<T> of(String impl, int capacity) {
        return switch (impl) {
            case "weft" -> {
                Chan<T> c = Chan.buffered(capacity);
                yield new Pipe<>() {
                    public void send(T v) throws InterruptedException {
                        c.send(v);
                    }

                    public T receive() throws InterruptedException {
                        return c.receive();
                    }
                };
            }
            case "jox" -> {
                Channel<T> c = capacity == 0 ? Channel.newRendezvousChannel() : Channel.newBufferedChannel(capacity);
                yield new Pipe<>() {
                    public void send(T v) throws InterruptedException {
                        c.send(v);
                    }

                    public T receive() throws InterruptedException {
                        return c.receive();
                    }
                };
            }
            case "jdk" -> {
                BlockingQueue<T> q = capacity == 0 ? new SynchronousQueue<>() : new ArrayBlockingQueue<>(capacity);
                yield new Pipe<>() {
                    public void send(T v) throws InterruptedException {
                        q.put(v);
                    }

                    public T receive() throws InterruptedException {
                        return q.take();
                    }
                };
            }
            default -> throw new IllegalArgumentException("impl must be weft, jox or jdk, got " + impl);
        };
    }
}
