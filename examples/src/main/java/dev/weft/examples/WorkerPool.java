package dev.weft.examples;

import dev.weft.channels.Chan;
import dev.weft.channels.WaitGroup;
import dev.weft.scheduler.Go;
import java.io.PrintStream;

/**
 * Go's worker pool: jobs go into a channel, three workers (goroutines) take them, and their
 * results come back on a second channel, closed once a {@link WaitGroup} sees every worker end.
 *
 * <pre>{@code
 * jobs := make(chan int, n); results := make(chan int, n)
 * for w := 1; w <= 3; w++ { wg.Add(1); go worker(w, jobs, results) }
 * for j := 1; j <= n; j++ { jobs <- j }; close(jobs)
 * go func() { wg.Wait(); close(results) }()
 * for r := range results { ... }
 * }</pre>
 *
 * <p>Run: {@code ./weft run WorkerPool [JOBS]} (default 9 jobs).
 */
public final class WorkerPool {
    static final int WORKERS = 3;
    static final int DEFAULT_JOBS = 9;

    private WorkerPool() {}

    public static void main(String[] args) throws InterruptedException {
        run(System.out, args.length > 0 ? Integer.parseInt(args[0]) : DEFAULT_JOBS);
    }

    /**
     * Runs {@code jobs} jobs (job {@code j} doubles {@code j}) on {@value #WORKERS} workers.
     *
     * @return the sum of the results
     */
    static long run(PrintStream out, int jobs) throws InterruptedException {
        Chan<Integer> jobq = Chan.buffered(jobs);
        Chan<Result> results = Chan.buffered(jobs);
        WaitGroup wg = new WaitGroup();

        for (int w = 1; w <= WORKERS; w++) {
            int id = w;
            wg.add(1);
            Go.go(() -> {
                try {
                    for (int j : jobq) { // for j := range jobs
                        Thread.sleep(10); // the "work"
                        results.send(new Result(id, j, j * 2));
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } finally {
                    wg.done();
                }
            });
        }
        for (int j = 1; j <= jobs; j++) {
            jobq.send(j);
        }
        jobq.close();

        Go.go(
                () -> { // close results once every worker is done
                    try {
                        wg.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    } finally {
                        results.close();
                    }
                });

        int received = 0;
        long sum = 0;
        for (Result r : results) { // for r := range results
            out.println("worker " + r.worker() + " finished job " + r.job() + " -> " + r.value());
            received++;
            sum += r.value();
        }
        out.println("processed " + received + " jobs with " + WORKERS + " workers; sum of results = " + sum);
        return sum;
    }

    /** What a worker made of a job. */
    record Result(int worker, int job, long value) {}
}
