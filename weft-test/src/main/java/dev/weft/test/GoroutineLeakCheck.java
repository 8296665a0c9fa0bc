package dev.weft.test;

import dev.weft.scheduler.Goroutine;
import dev.weft.scheduler.GoroutineLeakError;
import dev.weft.scheduler.Goroutines;
import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.lang.reflect.AnnotatedElement;
import java.lang.reflect.Constructor;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A JUnit 5 extension that fails a test which leaves goroutines alive: virtual threads of weft
 * schedulers (blocked in a channel, parked, sleeping, running) that are still there when the test
 * ends. Go's {@code go.uber.org/goleak} ({@code defer goleak.VerifyNone(t)}) for weft.
 *
 * <pre>{@code
 * @ExtendWith(GoroutineLeakCheck.class)
 * @GoroutineLeakCheck.Options(grace = "1s", ignoreTopFunction = "com.example.Cache.refreshLoop")
 * class WorkerPoolTest { ... }
 * }</pre>
 *
 * <p>Before each test it takes {@link Goroutines.Option#ignoreCurrent()} (goleak's
 * {@code IgnoreCurrent}: goroutines alive before the test, left by earlier tests or started by
 * {@code @BeforeAll}, are not this test's); after the test and its {@code @AfterEach} methods it
 * calls {@link Goroutines#verifyNone(Duration, Goroutines.Option...)}, which waits up to the
 * grace period (2 s by default, looking again with a backoff) and fails
 * with one {@link GoroutineLeakError} listing every goroutine still alive, its name, scheduler,
 * state, what it waits on and its stack. If the test failed too, the leak error is added to its
 * failure as a suppressed exception (JUnit's rule for after-each callbacks).
 *
 * <p>Which goroutines: those of every live {@code GoScheduler} (see {@link Goroutines}), and by
 * default also the virtual threads of the JDK's default scheduler, where weft's own
 * {@code ErrGroup.go}, {@code Context.afterFunc} and {@code Timers.afterFunc} start their threads
 * when a test calls them from its platform thread (and plain {@code Thread.ofVirtual()});
 * {@code @Options(includeJdkDefaultScheduler = false)} leaves those out. (The plain
 * {@code Goroutines} API includes them only when asked: it does not always snapshot first.)
 *
 * <p>Configuration: {@link Options} on the test method, else on the test class (inherited by
 * subclasses), else on an enclosing class of a {@code @Nested} class; the first found is used
 * whole, never merged. For other frameworks, use {@link Goroutines} directly.
 *
 * <p>Thread-safety: stateless; its per-test state lives in JUnit's extension store, so tests may
 * run in parallel, but a goroutine started by a test running concurrently is reported as this
 * test's leak (goleak has the same limit): run leak-checked classes
 * {@code @Execution(SAME_THREAD)} or in isolation when the suite is parallel.
 */
public final class GoroutineLeakCheck implements BeforeEachCallback, AfterEachCallback {
    static final String DEFAULT_GRACE_TEXT = "2s";

    private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(GoroutineLeakCheck.class);
    private static final Pattern SIMPLE = Pattern.compile("(\\d+)\\s*(ms|s)");

    /** Creates the extension; JUnit does, for {@code @ExtendWith(GoroutineLeakCheck.class)}. */
    public GoroutineLeakCheck() {}

    /**
     * The leak check's settings, on a test class or method (see the class doc for which one
     * applies). Each {@code ignore...} entry is one {@link Goroutines.Option}; a goroutine is
     * ignored if any of them matches.
     */
    @Target({ElementType.TYPE, ElementType.METHOD})
    @Retention(RetentionPolicy.RUNTIME)
    @Inherited
    @Documented
    public @interface Options {
        /**
         * How long goroutines may take to end after the test: {@code "500ms"}, {@code "2s"},
         * {@code "0"} (look once), or ISO-8601 ({@code "PT1.5S"}); not negative.
         *
         * @return the grace period as text; a malformed or negative one fails the test before it
         *     runs with an {@code ExtensionConfigurationException} naming the value
         */
        String grace() default DEFAULT_GRACE_TEXT;

        /**
         * Whether goroutines alive before the test are ignored (goleak's {@code IgnoreCurrent});
         * {@code false} reports every goroutine alive after the test.
         *
         * @return whether goroutines alive when the test starts are left out (default {@code true})
         */
        boolean ignoreCurrent() default true;

        /**
         * Whether the virtual threads of the JDK's default scheduler are checked too (on by
         * default): those weft's own APIs start when a test calls them from its platform thread
         * ({@code new ErrGroup().go(...)}, {@code Context.afterFunc}, {@code Timers.afterFunc}),
         * and plain {@code Thread.ofVirtual()} ones. Only those started during the test count
         * (with {@link #ignoreCurrent()}), never the JDK's I/O pollers. {@code false} checks weft
         * schedulers' goroutines alone, e.g. when a library the test uses keeps virtual threads
         * of its own.
         *
         * @return whether the JDK default scheduler's virtual threads are checked (default
         *     {@code true})
         */
        boolean includeJdkDefaultScheduler() default true;

        /**
         * {@link Goroutines.Option#ignoreTopFunction}: {@code "com.example.Worker.loop"}.
         *
         * @return {@code class.method} names, binary class name fully qualified; a goroutine
         *     with one of them in a frame from the top of its stack down to its first user frame
         *     (outside the JDK and weft), that one included, is ignored
         */
        String[] ignoreTopFunction() default {};

        /**
         * {@link Goroutines.Option#ignoreAnyFunction}: {@code "com.example.Worker.loop"}.
         *
         * @return {@code class.method} names, binary class name fully qualified; a goroutine
         *     with one of them anywhere on its stack is ignored
         */
        String[] ignoreAnyFunction() default {};

        /**
         * {@link Goroutines.Option#ignoreThreadNamePrefix}: {@code "cache-refresher-"}.
         *
         * @return thread-name prefixes; a goroutine whose name starts with one of them is ignored
         */
        String[] ignoreThreadNamePrefix() default {};

        /**
         * {@link Goroutines.Option#ignore}: classes with a no-argument constructor (any
         * visibility); a goroutine is ignored if one of them tests true. Created per test.
         *
         * @return the predicate classes; one that cannot be created fails the test before it runs
         *     with an {@code ExtensionConfigurationException} naming the class
         */
        Class<? extends Predicate<Goroutine>>[] ignore() default {};
    }

    private record Settings(Duration grace, boolean ignoreCurrent, List<Goroutines.Option> options) {}

    /** Resolves the settings (a bad one fails the test before it runs) and takes {@code ignoreCurrent}. */
    @Override
    public void beforeEach(ExtensionContext context) {
        Settings settings = settings(context);
        List<Goroutines.Option> options = new ArrayList<>(settings.options());
        if (settings.ignoreCurrent()) {
            options.add(Goroutines.Option.ignoreCurrent());
        }
        context.getStore(NS)
                .put(
                        context.getUniqueId(),
                        new Settings(settings.grace(), settings.ignoreCurrent(), List.copyOf(options)));
    }

    /**
     * Fails the test if goroutines are still alive after the grace period.
     *
     * @throws GoroutineLeakError listing them
     */
    @Override
    public void afterEach(ExtensionContext context) {
        Settings s = context.getStore(NS).remove(context.getUniqueId(), Settings.class);
        if (s == null) {
            return; // beforeEach failed: that failure is the test's
        }
        Goroutines.verifyNone(s.grace(), s.options().toArray(Goroutines.Option[]::new));
    }

    private static Settings settings(ExtensionContext context) {
        Optional<Options> found = context.getTestMethod().flatMap(m -> find(m));
        for (Class<?> c = context.getRequiredTestClass(); found.isEmpty() && c != null; c = c.getEnclosingClass()) {
            found = find(c);
        }
        if (found.isEmpty()) {
            return new Settings(
                    Goroutines.DEFAULT_GRACE, true, List.of(Goroutines.Option.includeJdkDefaultScheduler()));
        }
        Options o = found.get();
        List<Goroutines.Option> options = new ArrayList<>();
        try {
            for (String f : o.ignoreTopFunction()) {
                options.add(Goroutines.Option.ignoreTopFunction(f));
            }
            for (String f : o.ignoreAnyFunction()) {
                options.add(Goroutines.Option.ignoreAnyFunction(f));
            }
            for (String p : o.ignoreThreadNamePrefix()) {
                options.add(Goroutines.Option.ignoreThreadNamePrefix(p));
            }
        } catch (IllegalArgumentException e) {
            throw new ExtensionConfigurationException("@GoroutineLeakCheck.Options: " + e.getMessage(), e);
        }
        for (Class<? extends Predicate<Goroutine>> p : o.ignore()) {
            options.add(Goroutines.Option.ignore(instantiate(p)));
        }
        if (o.includeJdkDefaultScheduler()) {
            options.add(Goroutines.Option.includeJdkDefaultScheduler());
        }
        return new Settings(parseGrace(o.grace()), o.ignoreCurrent(), options);
    }

    private static Optional<Options> find(AnnotatedElement e) {
        return Optional.ofNullable(e.getAnnotation(Options.class)); // getAnnotation honours @Inherited
    }

    private static Predicate<Goroutine> instantiate(Class<? extends Predicate<Goroutine>> type) {
        try {
            Constructor<? extends Predicate<Goroutine>> c = type.getDeclaredConstructor();
            c.setAccessible(true);
            return c.newInstance();
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new ExtensionConfigurationException(
                    "@GoroutineLeakCheck.Options(ignore = " + type.getName()
                            + ".class): cannot create it (" + e + "); give it a no-argument constructor, and make"
                            + " it a static nested or top-level class",
                    e);
        }
    }

    /**
     * {@code "500ms"}, {@code "2s"}, {@code "0"} or ISO-8601 ({@code "PT1.5S"}).
     *
     * @throws ExtensionConfigurationException naming the value and the accepted forms
     */
    static Duration parseGrace(String text) {
        String t = text.strip().toLowerCase(Locale.ROOT);
        Duration d = null;
        Matcher m = SIMPLE.matcher(t);
        try {
            if (t.equals("0")) {
                d = Duration.ZERO;
            } else if (m.matches()) {
                long n = Long.parseLong(m.group(1));
                d = m.group(2).equals("ms") ? Duration.ofMillis(n) : Duration.ofSeconds(n);
            } else if (t.startsWith("pt") || t.startsWith("-pt")) {
                d = Duration.parse(t.toUpperCase(Locale.ROOT));
            }
        } catch (NumberFormatException | DateTimeParseException | ArithmeticException e) {
            d = null;
        }
        if (d == null || d.isNegative()) {
            throw new ExtensionConfigurationException(
                    "@GoroutineLeakCheck.Options(grace = \"" + text
                            + "\") is not a grace period: write e.g. \"500ms\", \"2s\", \"0\" (look once) or ISO-8601 \"PT1.5S\"");
        }
        return d;
    }
}
