/**
 * Go channels for virtual threads: {@link dev.weft.channels.Chan}, {@link dev.weft.channels.Select},
 * timers and tickers as channels, {@code Context}, {@code WaitGroup} and {@code ErrGroup}.
 *
 * <p>Requires {@code dev.weft.scheduler} transitively: a module that reads this one reads the
 * scheduler's API too ({@code GoScheduler}, and {@code DeadlockException}, which channel operations
 * throw under {@code -Dweft.deadlock=fail}).
 */
module dev.weft.channels {
    requires transitive dev.weft.scheduler;
    requires org.slf4j;

    exports dev.weft.channels;
}
