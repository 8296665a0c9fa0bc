package peek;

import dev.weft.scheduler.engine.VirtualThreads;
import dev.weft.scheduler.internal.Deadlocks;

public final class Peek {
    public static void main(String[] args) {
        System.out.println(VirtualThreads.class + " " + Deadlocks.class);
    }
}
