// A user's module on the module path: channels' module brings the scheduler's API (requires transitive).
module consumer {
    requires dev.weft.channels;
    requires java.management;
    requires jdk.jfr;
}
