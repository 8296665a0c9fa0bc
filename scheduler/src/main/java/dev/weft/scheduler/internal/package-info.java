/**
 * What weft's own modules share; exported only to {@code dev.weft.channels} and
 * {@code dev.weft.agent} (on the class path it is visible, but not an API: it may change in any
 * release).
 *
 * <ul>
 *   <li>{@link dev.weft.scheduler.internal.Sudog}: Go's {@code sudog} and its one park loop,
 *       {@code gopark}: interrupt, deadline, cancel and a declared deadlock handled in one place,
 *       for every blocking operation of the channels.</li>
 *   <li>{@link dev.weft.scheduler.internal.WaitReason}, {@link dev.weft.scheduler.internal.WeftBlocker}:
 *       Go's wait reasons ({@code chan receive}, {@code select}, ...) carried by a typed park
 *       blocker, which the deadlock detector and goroutine dumps recognise by type, not by
 *       class or method names.</li>
 *   <li>{@link dev.weft.scheduler.internal.TimerHeap}: the one timer heap, under each scheduler's
 *       timed parks and under the channels' timers.</li>
 *   <li>{@link dev.weft.scheduler.internal.Deadlocks}, {@link dev.weft.scheduler.internal.AgentSupport}:
 *       the deadlock detector's hooks for the channels, and the agent's entry into the scheduler.</li>
 * </ul>
 */
package dev.weft.scheduler.internal;
