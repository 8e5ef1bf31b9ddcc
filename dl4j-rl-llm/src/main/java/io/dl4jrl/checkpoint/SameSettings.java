package io.dl4jrl.checkpoint;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.TreeSet;

/**
 * Checks that a run resumes with the settings it was started with: a resumed run is exact only if every setting that
 * shapes its data order, sampling and updates is the same. A difference is an error naming each differing field with
 * both values.
 */
public final class SameSettings {
    private static final ObjectMapper JSON = new ObjectMapper();

    private SameSettings() {
    }

    /**
     * @param saved   the checkpoint's trainer configuration (its JSON)
     * @param current the resuming trainer's configuration record
     * @param where   names the checkpoint in the error
     */
    public static void require(JsonNode saved, Object current, String where) {
        if (saved == null || saved.isNull() || saved.isMissingNode()) {
            return; // written without its settings: nothing to compare
        }
        List<String> differences = new ArrayList<>();
        compare(saved, JSON.valueToTree(current), "", differences);
        if (!differences.isEmpty()) {
            throw new IllegalArgumentException(where + " was written with other settings; resume with the same ones (or start a new run): "
                    + String.join("; ", differences));
        }
    }

    private static void compare(JsonNode saved, JsonNode now, String prefix, List<String> out) {
        if (saved.isObject() && now.isObject()) {
            TreeSet<String> names = new TreeSet<>();
            saved.fieldNames().forEachRemaining(names::add);
            now.fieldNames().forEachRemaining(names::add);
            for (String n : names) {
                JsonNode a = saved.get(n);
                JsonNode b = now.get(n);
                if (a == null || b == null) {
                    continue; // a field one version of the record does not have
                }
                compare(a, b, prefix + n + ".", out);
            }
            return;
        }
        boolean same = saved.isNumber() && now.isNumber() ? saved.decimalValue().compareTo(now.decimalValue()) == 0 : saved.equals(now);
        if (!same) {
            out.add(prefix.substring(0, prefix.length() - 1) + " was " + saved + ", now " + now);
        }
    }
}
