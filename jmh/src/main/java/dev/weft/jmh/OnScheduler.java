package dev.weft.jmh;

import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The parameters every scheduler comparison shares: {@code scheduler} (weft or jdk; or agent,
 * given explicitly as {@code -p scheduler=agent}, under weft's agent: see {@link Schedulers}) and
 * {@code gomaxprocs}, and the {@link Schedulers} they make for one trial. Benchmarks extend it,
 * start their virtual threads with {@link #builder()} and run a workload's main goroutine with
 * {@link #onMain}. The JMH settings here (average time in ns, 2 forks with {@code --add-opens},
 * 5 warm-up and 5 measured iterations of 1 s) apply to every subclass: JMH reads them from the
 * superclass.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(
        value = 2,
        jvmArgsAppend = {"--add-opens", "java.base/java.lang=ALL-UNNAMED"})
public abstract class OnScheduler {
    /**
     * The scheduler: weft (a GoScheduler) or jdk (the JDK's default one); also agent (plain
     * {@code Thread.ofVirtual()} on weft through {@code -javaagent:weft-agent.jar}), not in the
     * default list so that a plain {@code java -jar benchmarks.jar} run stays without the agent:
     * {@code jmh/compare} passes it, with the agent's JVM flags.
     */
    @Param({"weft", "jdk"})
    public String scheduler;

    /** Carriers: weft's Ps, or the JDK scheduler's parallelism. */
    @Param({"1", "2"})
    public int gomaxprocs;

    private Schedulers schedulers;

    /** Makes the trial's scheduler. */
    @Setup(Level.Trial)
    public void setUpScheduler() {
        schedulers = new Schedulers(scheduler, gomaxprocs);
    }

    /** Closes the trial's scheduler (a GoScheduler waits for its virtual threads). */
    @TearDown(Level.Trial)
    public void tearDownScheduler() {
        schedulers.close();
    }

    /** Builds virtual threads on the scheduler under test. */
    protected Thread.Builder.OfVirtual builder() {
        return schedulers.builder;
    }

    /**
     * Runs {@code main} in a virtual thread of the scheduler under test and waits for it, as Go
     * runs {@code main} in a goroutine: what it starts is then started from a virtual thread
     * (on weft, into its P), not from the benchmark's platform thread.
     */
    protected <T> T onMain(Callable<T> main) throws InterruptedException {
        return onMain(builder(), main);
    }

    static <T> T onMain(Thread.Builder builder, Callable<T> main) throws InterruptedException {
        AtomicReference<T> result = new AtomicReference<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread t = builder.start(() -> {
            try {
                result.set(main.call());
            } catch (Throwable e) {
                failure.set(e);
            }
        });
        t.join();
        if (failure.get() != null) {
            throw new IllegalStateException("the workload failed: " + failure.get(), failure.get());
        }
        return result.get();
    }
}
