package dev.weft.scheduler;

/**
 * Run by {@link BadInputTest} in a child JVM started without {@code --add-opens}: prints, one line
 * per attempt, what each entry point throws.
 */
public final class NoOpensMain {
    private NoOpensMain() {}

    public static void main(String[] args) {
        attempt("create", () -> GoScheduler.create(1));
        attempt("create()", GoScheduler::create);
        attempt("global", GoScheduler::global);
        attempt("go1", () -> Go.go(() -> {}));
        attempt("go2", () -> Go.go(() -> {}));
        attempt("gomaxprocs", Go::gomaxprocs);
        System.out.println("done");
    }

    private static void attempt(String what, Runnable r) {
        try {
            r.run();
            System.out.println(what + " -> no exception");
        } catch (Throwable e) {
            System.out.println(what + " -> " + e.getClass().getName() + ": " + e.getMessage());
        }
    }
}
