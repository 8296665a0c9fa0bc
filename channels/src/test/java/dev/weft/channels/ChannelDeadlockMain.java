package dev.weft.channels;

import dev.weft.scheduler.DeadlockException;
import dev.weft.scheduler.GoScheduler;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Run by {@link ChannelDeadlockTest} in a child JVM whose only non-daemon thread is this main
 * thread, waiting for the scheduler to end. Prints one {@code name=outcome} line per virtual
 * thread, then {@code reports=N} and {@code done}.
 *
 * <p>Arguments: the mode, then optionally the scheduler's gomaxprocs (default 2). Modes:
 * {@code fail} (run with {@code -Dweft.deadlock=fail}: a receive, a send, a select, a WaitGroup
 * wait, a select with every case disabled (Go's nil channels), a receive from a context's
 * {@code done()} that nobody cancels, and a receive on a channel whose only sender waits in a
 * {@code ReentrantLock} held by a thread waiting on a latch: nobody can complete them),
 * {@code timer} (one thread waits 2.5 s on a weft timer channel, then sends to the other: not a
 * deadlock), {@code afterfunc} (a receive whose value a {@code Timers.afterFunc} function sends
 * 2.5 s later: not a deadlock).
 */
public final class ChannelDeadlockMain {
    private ChannelDeadlockMain() {}

    private static final Map<String, String> OUTCOMES = new ConcurrentHashMap<>();

    private interface Blocking {
        Object run() throws Exception;
    }

    private static void go(GoScheduler s, String name, Blocking body) {
        s.go(() -> {
            try {
                OUTCOMES.put(name, "returned " + body.run());
            } catch (DeadlockException e) {
                OUTCOMES.put(name, "DeadlockException: " + e.getMessage());
            } catch (Exception e) {
                OUTCOMES.put(name, e.toString());
            }
        });
    }

    public static void main(String[] args) throws Exception {
        GoScheduler s = GoScheduler.create(args.length > 1 ? Integer.parseInt(args[1]) : 2);
        Chan<String> sendTo = Chan.unbuffered();
        switch (args[0]) {
            case "fail" -> {
                Chan<String> empty = Chan.unbuffered();
                Chan<String> other = Chan.buffered(1);
                WaitGroup wg = new WaitGroup();
                wg.add(1);
                go(s, "receive", empty::receive);
                go(s, "send", () -> {
                    sendTo.send("lost?");
                    return "sent";
                });
                go(s, "select", () -> Select.select(empty.onReceive(v -> "empty"), other.onReceive(v -> "other")));
                go(s, "waitgroup", () -> {
                    wg.await();
                    return "awaited";
                });
                go(s, "nil", () -> Select.select(Select.when(false, empty.onReceive(v -> "nil"))));
                CancelContext ctx = Context.withCancel(Context.background());
                go(s, "context", () -> ctx.done().receiveOrNull());
                Chan<String> locked = Chan.unbuffered();
                ReentrantLock lock = new ReentrantLock();
                CountDownLatch never = new CountDownLatch(1);
                CountDownLatch held = new CountDownLatch(1);
                go(s, "holder", () -> {
                    lock.lock();
                    try {
                        held.countDown();
                        never.await();
                        return "released";
                    } finally {
                        lock.unlock();
                    }
                });
                go(s, "locked", () -> {
                    held.await();
                    lock.lock(); // a j.u.c lock: part of the deadlock, not failed (not a channel)
                    try {
                        return "sent " + locked.trySend("never");
                    } finally {
                        lock.unlock();
                    }
                });
                go(s, "behind-lock", () -> {
                    try {
                        return locked.receive();
                    } finally {
                        never.countDown(); // failed by the report: let the lock's threads end
                    }
                });
            }
            case "afterfunc" -> {
                Chan<String> late = Chan.unbuffered();
                go(s, "receiver", late::receive);
                Timers.afterFunc(Duration.ofMillis(2500), () -> {
                    try {
                        late.send("late");
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                });
            }
            case "timer" -> {
                Chan<String> done = Chan.unbuffered();
                go(s, "sleeper", () -> {
                    Timers.after(Duration.ofMillis(2500)).receive();
                    done.send("woke");
                    return "sent";
                });
                go(s, "waiter", done::receive);
            }
            default -> throw new IllegalArgumentException(args[0]);
        }
        s.shutdown();
        boolean ended = s.awaitTermination(Duration.ofSeconds(30));
        OUTCOMES.forEach((k, v) -> System.out.println(k + "=" + v));
        System.out.println("leftover=" + sendTo.tryReceive()); // a failed send left nothing behind
        System.out.println("ended=" + ended + " reports=" + s.stats().deadlockReports());
        System.out.println("done");
    }
}
