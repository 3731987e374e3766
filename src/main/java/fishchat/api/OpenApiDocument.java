package fishchat.api;

import fishchat.http.HttpResponse;

import java.io.IOException;
import java.io.InputStream;

/** The OpenAPI 3 description of the API, {@code fishchat/api/openapi.json} in the jar, served as it is. */
final class OpenApiDocument {
    static final String RESOURCE = "fishchat/api/openapi.json";

    private final byte[] json;

    private OpenApiDocument(byte[] json) {
        this.json = json;
    }

    static OpenApiDocument load() throws IOException {
        try (InputStream in = OpenApiDocument.class.getClassLoader().getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IOException(RESOURCE + " is missing from this build");
            }
            return new OpenApiDocument(in.readAllBytes());
        }
    }

    HttpResponse response() {
        return HttpResponse.json(200, json).header("Cache-Control", "no-cache");
    }
}
