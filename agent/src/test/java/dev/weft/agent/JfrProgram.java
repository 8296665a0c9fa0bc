package dev.weft.agent;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import jdk.jfr.Recording;
import jdk.management.VirtualThreadSchedulerMXBean;

/**
 * Plain JDK code: records JFR's {@code jdk.VirtualThreadStart}/{@code End} (off in JFR's shipped
 * settings) and weft's {@code dev.weft.Resize}/{@code dev.weft.Handoff} by name, runs
 * {@code args[1]} virtual threads, resizes the default scheduler through the JDK's MXBean, and
 * dumps the recording to {@code args[0]}. Prints the thread ids it started.
 */
public final class JfrProgram {
    private JfrProgram() {}

    public static void main(String[] args) throws Exception {
        Path file = Path.of(args[0]);
        int n = Integer.parseInt(args[1]);
        try (Recording rec = new Recording()) {
            rec.enable("jdk.VirtualThreadStart");
            rec.enable("jdk.VirtualThreadEnd");
            rec.enable("dev.weft.Resize");
            rec.enable("dev.weft.Handoff");
            rec.start();
            List<Thread> threads = new ArrayList<>();
            StringBuilder ids = new StringBuilder();
            for (int i = 0; i < n; i++) {
                Thread t = Thread.ofVirtual().name("jfr-vt-" + i).start(() -> Thread.yield());
                threads.add(t);
                ids.append(ids.isEmpty() ? "" : ",").append(t.threadId());
            }
            for (Thread t : threads) {
                t.join();
            }
            VirtualThreadSchedulerMXBean bean = ManagementFactory.getPlatformMXBean(VirtualThreadSchedulerMXBean.class);
            int before = bean.getParallelism();
            bean.setParallelism(before + 1);
            System.out.println("resized " + before + " -> " + bean.getParallelism());
            System.out.println("ids " + ids);
            rec.stop();
            rec.dump(file);
        }
        System.out.println("done");
    }
}
