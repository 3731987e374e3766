package fishchat.api;

import fishchat.http.HttpException;
import fishchat.http.HttpRequest;

/** Ids in request paths and queries: decimal digits only, a positive 63-bit number. */
final class PathIds {
    private PathIds() {
    }

    /** The path segment {@code name} ({{@code uid}}, {{@code id}}) as a positive id; 400 otherwise. */
    static long of(HttpRequest request, String name, String what) throws HttpException {
        return parse(request.parameter(name), what, 1);
    }

    /** A query parameter in {@code min..max}, or {@code absent} when not given. */
    static long query(HttpRequest request, String name, long min, long max, long absent) throws HttpException {
        String value = request.query(name);
        return value == null ? absent : parse(value, name, min, max);
    }

    static long parse(String text, String what, long min) throws HttpException {
        return parse(text, what, min, Long.MAX_VALUE);
    }

    private static long parse(String text, String what, long min, long max) throws HttpException {
        if (text != null && !text.isEmpty() && text.length() <= 19 && text.chars().allMatch(c -> c >= '0' && c <= '9')) {
            try {
                long value = Long.parseLong(text);
                if (value >= min && value <= max) {
                    return value;
                }
            } catch (NumberFormatException e) {
                // above Long.MAX_VALUE: refused below
            }
        }
        throw new HttpException(400, what + " must be a whole number from " + min + " to " + max);
    }
}
