package dev.weft.jmh;

import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The parameters every scheduler comparison shares: {@code scheduler} (weft or jdk) and
 * {@code gomaxprocs}, and the {@link Schedulers} they make for one trial. Benchmarks extend it
 * and start their virtual threads with {@link #builder()}.
 */
@State(Scope.Benchmark)
public abstract class OnScheduler {
    @Param({"weft", "jdk"})
    public String scheduler;

    @Param({"1", "2"})
    public int gomaxprocs;

    private Schedulers schedulers;

    @Setup(Level.Trial)
    public void setUpScheduler() {
        schedulers = new Schedulers(scheduler, gomaxprocs);
    }

    @TearDown(Level.Trial)
    public void tearDownScheduler() {
        schedulers.close();
    }

    /** Builds virtual threads on the scheduler under test. */
    protected Thread.Builder.OfVirtual builder() {
        return schedulers.builder;
    }
}
