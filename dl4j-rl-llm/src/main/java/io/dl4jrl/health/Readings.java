package io.dl4jrl.health;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.Locale;

/** Numbers in health messages: four significant digits without trailing zeros (0.08, not 0.08000). */
final class Readings {
    private Readings() {
    }

    static String number(double v) {
        if (!Double.isFinite(v)) {
            return String.valueOf(v);
        }
        if (v != 0 && (Math.abs(v) < 1e-3 || Math.abs(v) >= 1e6)) {
            return String.format(Locale.ROOT, "%.3e", v);
        }
        return new BigDecimal(v).round(new MathContext(4)).stripTrailingZeros().toPlainString();
    }
}
