package org.example.blockers;

import dev.weft.scheduler.internal.WaitReason;
import dev.weft.scheduler.internal.WeftBlocker;

/**
 * A weft park blocker whose class lives outside every {@code dev.weft} package: the deadlock
 * detector must still see a weft wait (the type decides, not the package name).
 */
public final class ForeignPackageBlocker extends WeftBlocker {
    /** A blocker for a {@code chan receive} wait. */
    public ForeignPackageBlocker() {
        super(WaitReason.CHAN_RECEIVE);
    }
}
