package io.dl4jrl.cli;

import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

import java.lang.reflect.Field;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Names the command-line option behind a configuration record's refusal. The records validate in their own field names
 * ("warmupSteps must be in [0, steps), got 20"), which a library user sees in code; on the command line the option
 * holding that value is what the user typed, so the message is prefixed with it ("--warmup: warmupSteps must ...").
 * An option is matched through the Java field it is bound to, which carries the record field's name.
 */
final class ConfigErrors {
    private static final Pattern LEADING_FIELD = Pattern.compile("^([a-z][A-Za-z0-9]*) ");

    private ConfigErrors() {
    }

    /** The message to print for {@code e}, thrown while {@code cmd} ran. */
    static String message(Exception e, CommandLine cmd) {
        String m = String.valueOf(e.getMessage());
        if (!(e instanceof IllegalArgumentException)) {
            return m;
        }
        Matcher leading = LEADING_FIELD.matcher(m);
        if (!leading.find()) {
            return m;
        }
        String field = leading.group(1);
        for (OptionSpec o : cmd.getCommandSpec().options()) {
            if (o.userObject() instanceof Field f && f.getName().equals(field) && !m.contains(o.longestName())) {
                return o.longestName() + ": " + m;
            }
        }
        return m;
    }
}
