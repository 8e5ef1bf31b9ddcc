package io.dl4jrl.reward;

import java.math.BigDecimal;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Extracts the final numeric answer from a response.
 *
 * <p>The answer is the first number on the last line that starts with {@code ####} (GSM8K's marker).
 * In lenient mode a response without the marker falls back to the last number anywhere in it. Numbers may
 * carry a sign (ASCII or Unicode minus), a leading {@code $}, thousands separators ({@code 1,234}) and
 * decimals; {@code 7}, {@code 7.0} and {@code 7.} are the same answer. A malformed number such as
 * {@code 1.2.3} or {@code 12,34} is no answer.
 */
public final class AnswerExtractor {
    /** Requires the {@code ####} marker. */
    public static final AnswerExtractor STRICT = new AnswerExtractor(false);
    /** Falls back to the last number in the text when the marker is missing. */
    public static final AnswerExtractor LENIENT = new AnswerExtractor(true);

    private static final Pattern MARKER_LINE = Pattern.compile("(?m)^\\s*####(.*)$");
    private static final Pattern NUMBER = Pattern.compile(
            "(?<![\\d.]|\\d,)([-+\u2212]?)\\$?((?:\\d{1,3}(?:,\\d{3})+|\\d+)(?:\\.\\d+)?|\\.\\d+)(?!\\d|\\.\\d|,\\d)");

    private final boolean fallbackToLastNumber;

    private AnswerExtractor(boolean fallbackToLastNumber) {
        this.fallbackToLastNumber = fallbackToLastNumber;
    }

    public Optional<BigDecimal> extract(String response) {
        Matcher marker = MARKER_LINE.matcher(response);
        String lastMarked = null;
        while (marker.find()) {
            lastMarked = marker.group(1);
        }
        if (lastMarked != null) {
            return parseNumber(lastMarked);
        }
        if (!fallbackToLastNumber) {
            return Optional.empty();
        }
        Matcher m = NUMBER.matcher(response);
        Optional<BigDecimal> last = Optional.empty();
        while (m.find()) {
            last = Optional.of(toDecimal(m));
        }
        return last;
    }

    /** The first well-formed number in the text, if any. */
    public static Optional<BigDecimal> parseNumber(String text) {
        Matcher m = NUMBER.matcher(text);
        return m.find() ? Optional.of(toDecimal(m)) : Optional.empty();
    }

    /** Numeric equality: 7 == 7.0 == 7.00. */
    public static boolean sameNumber(BigDecimal a, BigDecimal b) {
        return a.compareTo(b) == 0;
    }

    private static BigDecimal toDecimal(Matcher m) {
        String digits = m.group(2).replace(",", "");
        BigDecimal value = new BigDecimal(digits);
        return m.group(1).isEmpty() || m.group(1).equals("+") ? value : value.negate();
    }
}
