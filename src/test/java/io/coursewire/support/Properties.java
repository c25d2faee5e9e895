package io.coursewire.support;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Property-based checks on plain JUnit 5: a property runs a number of tries, each on an input drawn
 * from a {@link SplittableRandom}, and stops at the first failure with a message naming the seed, the
 * try and the input. The seed is derived from the property's name, so every run (CI included) draws the
 * same inputs; {@code -Dproperties.seed=<long>} draws others or replays a failure, and
 * {@code -Dproperties.tries=<n>} sets the tries of every property. There is no shrinking: generators keep
 * their inputs small to moderate, and a failure prints the input as it was.
 *
 * <p>Generators are plain functions of the random source; the few primitives below cover what they need.
 */
public final class Properties {

    public static final String SEED = "properties.seed";
    public static final String TRIES = "properties.tries";

    /** Longest input a failure message prints; the seed replays the rest. */
    private static final int SHOWN = 4000;

    private Properties() {
    }

    /** Draws one input; everything it draws comes from {@code random}, so a seed replays it. */
    @FunctionalInterface
    public interface Generator<T> {
        T next(SplittableRandom random);
    }

    /** Checks one input, by assertions or by throwing. */
    @FunctionalInterface
    public interface Property<T> {
        void check(T input) throws Exception;
    }

    /** A run that passed: what a check over all its tries (a share of outcomes) names when it fails. */
    public record Run(String name, long seed, int tries) {
        @Override
        public String toString() {
            return "property " + name + ", " + tries + " tries, seed " + seed + " (replay: -D" + SEED + "=" + seed + ")";
        }
    }

    /**
     * Runs {@code property} on {@code tries} inputs from {@code generator} (or {@code -Dproperties.tries});
     * each try draws from its own split of the seeded source, so a try's input depends only on the seed
     * and the try number.
     *
     * @throws AssertionError at the first failing try: the seed, the try, the input and the cause
     */
    public static <T> Run check(String name, int tries, Generator<T> generator, Property<T> property) {
        long seed = seed(name);
        int n = tries();
        n = n > 0 ? n : tries;
        SplittableRandom source = new SplittableRandom(seed);
        for (int t = 1; t <= n; t++) {
            SplittableRandom random = source.split();
            T input;
            try {
                input = generator.next(random);
            } catch (RuntimeException | Error e) {
                throw new AssertionError(failure(name, t, n, seed) + " while generating its input: " + e, e);
            }
            try {
                property.check(input);
            } catch (OutOfMemoryError e) {
                throw e;
            } catch (Exception | Error e) { // StackOverflowError included: deep input is a case to report
                throw new AssertionError(failure(name, t, n, seed) + "\ninput: " + show(input) + "\ncause: " + e, e);
            }
        }
        return new Run(name, seed, n);
    }

    private static String failure(String name, int t, int tries, long seed) {
        return "Property " + name + " failed at try " + t + " of " + tries + ", seed " + seed + " (replay: -D" + SEED + "="
                + seed + ")";
    }

    /** {@code -Dproperties.seed}, else one derived from the name (64-bit FNV-1a: stable across JVMs). */
    static long seed(String name) {
        String fixed = System.getProperty(SEED);
        if (fixed != null && !fixed.isBlank()) {
            return Long.parseLong(fixed.trim());
        }
        long hash = 0xcbf29ce484222325L;
        for (byte b : name.getBytes(StandardCharsets.UTF_8)) {
            hash = (hash ^ (b & 0xFF)) * 0x100000001b3L;
        }
        return hash;
    }

    /** {@code -Dproperties.tries}, or 0 when not set. */
    private static int tries() {
        String tries = System.getProperty(TRIES);
        return tries == null || tries.isBlank() ? 0 : Integer.parseInt(tries.trim());
    }

    // ---- primitives for generators ----

    /** A uniform int in [{@code min}, {@code max}], both included. */
    public static int between(SplittableRandom random, int min, int max) {
        return (int) between(random, (long) min, (long) max);
    }

    /** A uniform long in [{@code min}, {@code max}], both included. */
    public static long between(SplittableRandom random, long min, long max) {
        if (min > max) {
            throw new IllegalArgumentException(min + " > " + max);
        }
        return max == Long.MAX_VALUE ? (min == Long.MIN_VALUE ? random.nextLong() : random.nextLong(min - 1, max) + 1)
                : random.nextLong(min, max + 1);
    }

    /** One of {@code choices}, each as likely. */
    @SafeVarargs
    public static <T> T pick(SplittableRandom random, T... choices) {
        return choices[random.nextInt(choices.length)];
    }

    public static <T> T pick(SplittableRandom random, List<T> choices) {
        return choices.get(random.nextInt(choices.size()));
    }

    /** An index into {@code weights}, each drawn in proportion to its weight: for a {@code switch} over the choices. */
    public static int weighted(SplittableRandom random, int... weights) {
        int total = 0;
        for (int w : weights) {
            total += w;
        }
        int roll = random.nextInt(total);
        for (int i = 0;; i++) {
            roll -= weights[i];
            if (roll < 0) {
                return i;
            }
        }
    }

    /** {@code min} to {@code max} elements from {@code element}. */
    public static <T> List<T> list(SplittableRandom random, int min, int max, Generator<T> element) {
        int size = between(random, min, max);
        List<T> list = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            list.add(element.next(random));
        }
        return list;
    }

    /** {@code minLength} to {@code maxLength} chars, each in [{@code from}, {@code to}]; lone surrogates if the range has them. */
    public static String chars(SplittableRandom random, char from, char to, int minLength, int maxLength) {
        char[] chars = new char[between(random, minLength, maxLength)];
        for (int i = 0; i < chars.length; i++) {
            chars[i] = (char) between(random, from, to);
        }
        return new String(chars);
    }

    /** {@code minLength} to {@code maxLength} bytes, any values. */
    public static byte[] bytes(SplittableRandom random, int minLength, int maxLength) {
        byte[] bytes = new byte[between(random, minLength, maxLength)];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) random.nextInt(256);
        }
        return bytes;
    }

    // ---- inputs in failure messages ----

    /**
     * {@code input} as a failure message shows it: bytes as UTF-8 text, strings in quotes, anything else
     * by its {@code toString}; what a terminal would hide or mangle is escaped as <code>&#92;u{XXXX}</code>,
     * bytes that are not UTF-8 as <code>&#92;x{XX}</code> (braces, so as not to read as the JSON escapes in a body).
     */
    public static String show(Object input) {
        String text = input instanceof byte[] bytes ? show(bytes)
                : input instanceof String s ? "\"" + escape(s) + "\""
                : escape(String.valueOf(input));
        return text.length() <= SHOWN ? text
                : text.substring(0, SHOWN) + "… (" + (text.length() - SHOWN) + " more chars; the seed replays them all)";
    }

    /** {@code bytes} as UTF-8 text, with the bytes that are not UTF-8 escaped. */
    public static String show(byte[] bytes) {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CharBuffer out = CharBuffer.allocate(bytes.length);
        StringBuilder text = new StringBuilder();
        while (true) {
            CoderResult result = decoder.decode(in, out, true);
            text.append(escape(out.flip().toString()));
            out.clear();
            if (!result.isError()) {
                return text.toString();
            }
            for (int i = 0; i < result.length(); i++) {
                text.append(String.format("\\x{%02X}", in.get() & 0xFF));
            }
        }
    }

    private static String escape(String s) {
        StringBuilder out = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            int type = Character.getType(c);
            if (Character.isISOControl(c) || Character.isSurrogate(c) || type == Character.FORMAT || type == Character.UNASSIGNED
                    || type == Character.LINE_SEPARATOR || type == Character.PARAGRAPH_SEPARATOR || type == Character.PRIVATE_USE) {
                out.append(String.format("\\u{%04X}", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
