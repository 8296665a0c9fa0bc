/**
 * weft's scheduler API: Go's G-M-P scheduler as the carrier scheduler of JDK virtual threads.
 *
 * <ul>
 *   <li>{@link dev.weft.scheduler.GoScheduler}: a scheduler with {@code gomaxprocs} P slots
 *       ({@code create()}, {@code create(int)}, {@code builder()}, the JVM-wide {@code global()}),
 *       its virtual threads ({@code go}, {@code newThread}), live {@code gomaxprocs(int)} and
 *       {@code blocking} (Go's {@code entersyscallblock}).</li>
 *   <li>{@link dev.weft.scheduler.Go}: Go's {@code go} statement and {@code runtime.Gosched}.</li>
 *   <li>{@link dev.weft.scheduler.Goroutines}, {@link dev.weft.scheduler.Goroutine}: the live
 *       virtual threads (Go's goroutine dump, goleak).</li>
 *   <li>{@link dev.weft.scheduler.SchedulerStats}, {@link dev.weft.scheduler.GoSchedulerMXBean}:
 *       counters and the JMX view; {@link dev.weft.scheduler.DeadlockMode} and
 *       {@link dev.weft.scheduler.DeadlockException}: Go's "all goroutines are asleep".</li>
 * </ul>
 *
 * <p>The engine behind it is in the package {@code dev.weft.scheduler.engine}, which the module
 * does not export; how it works: {@code docs/architecture.md}.
 */
package dev.weft.scheduler;
