/**
 * Go's channels and their companions for Java virtual threads (and platform threads).
 *
 * <ul>
 *   <li>{@link dev.weft.channels.Chan} (with the directional views {@link dev.weft.channels.SendChan}
 *       and {@link dev.weft.channels.ReceiveChan}): buffered and unbuffered channels, Go's
 *       {@code chan} (runtime/chan.go); {@link dev.weft.channels.Select} with
 *       {@link dev.weft.channels.SelectClause}: Go's {@code select} (runtime/select.go).</li>
 *   <li>{@link dev.weft.channels.Timers}, {@link dev.weft.channels.Timer},
 *       {@link dev.weft.channels.Ticker}: Go's {@code time.After}, {@code NewTimer},
 *       {@code NewTicker}, {@code AfterFunc}.</li>
 *   <li>{@link dev.weft.channels.Context}: Go's {@code context} (cancel, deadline, values);
 *       {@link dev.weft.channels.WaitGroup}: {@code sync.WaitGroup};
 *       {@link dev.weft.channels.ErrGroup}: {@code golang.org/x/sync/errgroup}.</li>
 * </ul>
 *
 * <p>How it works: each channel has one lock and two wait queues of {@code Waiter}s (Go's
 * sudogs); every way a send or a receive completes is written once ({@code chansendLocked},
 * {@code chanrecvLocked}), and both {@code Chan} and {@code Select} commit through it; a blocked
 * operation parks in the scheduler's one park loop (Go's {@code gopark}) with Go's wait reason.
 * See {@code docs/architecture.md}, "Channels".
 */
package dev.weft.channels;
