package fishchat.http;

import java.io.IOException;

/** Answers a request. Runs on the connection's own virtual thread: it may block. */
@FunctionalInterface
public interface HttpHandler {
    /**
     * The response. An {@link HttpException} is answered with its status; any other exception
     * is a bug, answered 500 and logged.
     */
    HttpResponse handle(HttpRequest request) throws IOException;
}
