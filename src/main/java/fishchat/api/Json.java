package fishchat.api;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import fishchat.http.HttpException;
import fishchat.http.HttpResponse;

/**
 * JSON in and out of the API: one mapper, strict about what it reads (a key given twice is an
 * error, not "the last one wins"), and the {@code {"error": "..."}} shape of every refusal.
 */
final class Json {
    static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private Json() {
    }

    /** The request body as a JSON object; 400 for anything else (empty, malformed, an array). */
    static JsonFields object(byte[] body) throws HttpException {
        if (body.length == 0) {
            throw new HttpException(400, "the request needs a JSON object as its body");
        }
        JsonNode node;
        try {
            node = MAPPER.readTree(body);
        } catch (JsonProcessingException e) {
            if (e instanceof MismatchedInputException && e.getOriginalMessage().startsWith("Trailing token")) {
                // FAIL_ON_TRAILING_TOKENS: Jackson's own words would name its classes and settings
                throw new HttpException(400, "the body has more after its JSON object");
            }
            throw new HttpException(400, "the body is not valid JSON: " + e.getOriginalMessage());
        } catch (java.io.IOException e) {
            throw new HttpException(400, "the body is not valid JSON");
        }
        if (node == null || !node.isObject()) {
            throw new HttpException(400, "the body must be a JSON object");
        }
        return new JsonFields(node);
    }

    static HttpResponse ok(Object value) {
        return response(200, value);
    }

    /** A refusal: {@code {"error": message}} with its status (and what that status calls for). */
    static HttpResponse error(int status, String message) {
        HttpResponse response = response(status, java.util.Map.of("error", message));
        if (status == 401) {
            response.header("WWW-Authenticate", "Bearer");
        } else if (status == 503) {
            response.header("Retry-After", "1");
        }
        return response;
    }

    private static HttpResponse response(int status, Object value) {
        try {
            return HttpResponse.json(status, MAPPER.writeValueAsBytes(value)).header("Cache-Control", "no-store");
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a response that does not serialise: " + e.getMessage(), e);
        }
    }
}
