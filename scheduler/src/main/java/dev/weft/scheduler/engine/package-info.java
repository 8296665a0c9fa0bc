/**
 * The engine behind {@link dev.weft.scheduler.GoScheduler}: Go's G-M-P scheduler for JDK
 * virtual threads. Not exported: the API package sees it through {@link
 * dev.weft.scheduler.engine.Engine} and {@link dev.weft.scheduler.engine.JdkScheduler}.
 *
 * <p>Overview: {@code CarrierScheduler} (Go's {@code sched} and the steps of proc.go) builds
 * its whole object graph in its constructor: Ps ({@code Processor}, each with a
 * {@code LocalRunQueue}), the {@code GlobalRunQueue}, carriers ({@code Carrier}, Go's Ms),
 * {@code Sysmon} and its {@code DeadlockWatch}, the {@code TimerQueue}, and {@code Telemetry}
 * (counters, JFR events, JMX registration). Each part sees the engine only through an
 * interface of what it uses ({@code Carrier.Sched}, {@code Sysmon.View},
 * {@code DeadlockWatch.View}, {@code SchedulerMBean.View}); the engine feeds
 * {@code Telemetry} through {@code SchedEvents}. State transitions (idle lists, the spinning
 * count) have one named method each that checks its precondition; "under the lock" is
 * asserted with {@code Thread.holdsLock}.
 *
 * <p>Who owns which state, how a task flows from {@code execute} to a carrier and back, and
 * every invariant with where it is checked: {@code docs/architecture.md}.
 */
package dev.weft.scheduler.engine;
