package fishchat.api;

import com.fasterxml.jackson.databind.JsonNode;
import fishchat.http.HttpException;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * The fields of a request's JSON object, read by type with the API's rules: ids are whole numbers
 * within a 63-bit range (no fractions, no strings, no numbers too large to hold), texts are
 * strings of valid Unicode without U+0000. Every violation is a 400 naming the field. A request may carry only the
 * fields its endpoint knows: a misspelt one ({@code groupID}) is refused rather than ignored.
 */
final class JsonFields {
    private final JsonNode object;

    JsonFields(JsonNode object) {
        this.object = object;
    }

    /** Refuses fields other than {@code known}. */
    JsonFields only(Set<String> known) throws HttpException {
        for (Iterator<String> names = object.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!known.contains(name)) {
                throw new HttpException(400, "unknown field \"" + printable(name) + "\" (known: "
                        + String.join(", ", known.stream().sorted().toList()) + ")");
            }
        }
        return this;
    }

    boolean has(String name) {
        JsonNode value = object.get(name);
        return value != null && !value.isNull();
    }

    /** A whole number in {@code min..Long.MAX_VALUE}; {@code absent} when the field is missing (or null). */
    long id(String name, long min, Long absent) throws HttpException {
        return number(name, min, Long.MAX_VALUE, absent);
    }

    /** A whole number in {@code min..max}; {@code absent} when the field is missing (or null). */
    long number(String name, long min, long max, Long absent) throws HttpException {
        JsonNode value = object.get(name);
        if (value == null || value.isNull()) {
            if (absent == null) {
                throw new HttpException(400, "\"" + name + "\" is missing");
            }
            return absent;
        }
        return number(name, value, min, max);
    }

    static long id(String name, JsonNode value, long min) throws HttpException {
        return number(name, value, min, Long.MAX_VALUE);
    }

    private static long number(String name, JsonNode value, long min, long max) throws HttpException {
        if (!value.isIntegralNumber() || !value.canConvertToLong() || value.asLong() < min || value.asLong() > max) {
            throw new HttpException(400, "\"" + name + "\" must be a whole number from " + min + " to " + max);
        }
        return value.asLong();
    }

    /** A list of whole numbers of at least {@code min}, 1 to {@code max} of them. */
    List<Long> ids(String name, long min, int max) throws HttpException {
        JsonNode value = object.get(name);
        if (value == null || !value.isArray() || value.isEmpty() || value.size() > max) {
            throw new HttpException(400, "\"" + name + "\" must be a list of 1 to " + max + " uids");
        }
        List<Long> ids = new ArrayList<>(value.size());
        for (JsonNode element : value) {
            ids.add(id(name + "[]", element, min));
        }
        return ids;
    }

    /** A string, present, without U+0000 (PostgreSQL cannot store it; the same rule on every store). */
    String text(String name) throws HttpException {
        JsonNode value = object.get(name);
        if (value == null || value.isNull()) {
            throw new HttpException(400, "\"" + name + "\" is missing");
        }
        if (!value.isTextual()) {
            throw new HttpException(400, "\"" + name + "\" must be a string");
        }
        String text = value.asText();
        if (text.indexOf('\0') >= 0) {
            throw new HttpException(400, "\"" + name + "\" must not contain U+0000");
        }
        if (!wellFormed(text)) {
            // JSON lets "\ud800" through; UTF-8 cannot hold it, and the store would keep a "?" instead.
            throw new HttpException(400, "\"" + name + "\" must be valid Unicode (it has an unpaired surrogate)");
        }
        return text;
    }

    /** No unpaired UTF-16 surrogates. */
    static boolean wellFormed(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return false;
            }
        }
        return true;
    }

    /** A field name as it may appear in an error: short, and without control characters. */
    private static String printable(String name) {
        String cut = name.length() > 40 ? name.substring(0, 40) + "…" : name;
        return cut.replaceAll("\\p{Cntrl}", "?");
    }
}
