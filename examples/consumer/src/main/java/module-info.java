/**
 * A weft user's module: {@code requires dev.weft.channels} reads {@code dev.weft.scheduler} too
 * (channels requires it transitively). Run it on the module path with
 * {@code --add-opens java.base/java.lang=dev.weft.scheduler}.
 */
module com.example.pipeline {
    requires dev.weft.channels;

    exports com.example.pipeline;
}
