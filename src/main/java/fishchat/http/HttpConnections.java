package fishchat.http;

import fishchat.libnet.ArrivingBytes;
import fishchat.libnet.Connection;
import fishchat.libnet.ConnectionHandler;
import fishchat.libnet.ReadBuffer;
import fishchat.libnet.Refusal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

import static java.lang.System.Logger.Level.DEBUG;
import static java.lang.System.Logger.Level.ERROR;

/**
 * HTTP/1.1 on a {@link fishchat.libnet.Server}'s connections: read a request, let the
 * {@link Routes} answer it, write the response, and again while the client keeps the
 * connection (or until a response takes it over: a WebSocket upgrade, an event stream).
 *
 * <p>Admission, caps and deadlines are the server's, counted from accept as on every port: a
 * request must arrive in full within the handshake timeout, the first after accept and each
 * next one after the previous response (so a keep-alive connection idles that long at most),
 * and a response whose write is blocked past the write timeout ends the connection. Requests
 * the server will not serve as sent get a status and a close, never a stack trace in the log.
 */
public final class HttpConnections implements ConnectionHandler {
    private static final System.Logger LOG = System.getLogger(HttpConnections.class.getName());
    /** Read buffer per connection: a request head usually fits; a larger one just takes more reads. */
    private static final int BUFFER_BYTES = 1024;
    private static final int DRAIN_MILLIS = 1000;
    private static final int DRAIN_BYTES = 65_536;

    private final Routes routes;
    private final int maxBody;

    /** @param maxBody the largest request body accepted (413 beyond) */
    public HttpConnections(Routes routes, int maxBody) {
        this.routes = routes;
        this.maxBody = maxBody;
    }

    @Override
    public void serve(Connection connection) {
        ReadBuffer in;
        OutputStream out;
        try {
            in = new ReadBuffer(connection.input(), BUFFER_BYTES);
            out = connection.output();
        } catch (IOException e) {
            return;
        }
        RequestReader reader = new RequestReader(in, out, maxBody, routes::checkHead,
                ArrivingBytes.NODE.shareOf(connection.source()));
        try {
            while (true) {
                HttpRequest request = reader.read(connection);
                if (request == null || !connection.claimForRequest()) {
                    return;
                }
                HttpResponse response = answer(request);
                boolean keepAlive = request.keepAlive() && !connection.stopping() && response.takeover() == null;
                write(connection, out, request, response, keepAlive);
                if (response.takeover() != null) {
                    if (response.isUpgrade()) {
                        connection.requestDone(); // the new protocol reads its own units, under the same clocks
                    }
                    HttpResponse.Takeover next = response.takeover();
                    // What follows may last hours: this frame must not keep the upgrade's head or the reader alive.
                    request = null;
                    response = null;
                    reader = null;
                    next.run(new HttpChannel(connection, in, out));
                    return;
                }
                connection.requestDone();
                if (!keepAlive) {
                    finish(connection);
                    return;
                }
                connection.awaitGreeting();
            }
        } catch (HttpException e) {
            LOG.log(DEBUG, "{0} from {1}: {2} {3}", connection, connection.remoteAddress(), String.valueOf(e.status()),
                    e.getMessage());
            refuse(connection, out, e);
        } catch (IOException e) {
            LOG.log(DEBUG, "{0}: {1}", connection, e.getMessage()); // EOF, a reset, a timeout's close: the client's side
        }
    }

    /** The routes' response; an exception becomes a status, and a bug is logged. */
    private HttpResponse answer(HttpRequest request) throws IOException {
        try {
            return routes.route(request);
        } catch (HttpException e) {
            return routes.error(e.status(), e.getMessage());
        } catch (RuntimeException e) {
            LOG.log(ERROR, request + " failed", e);
            return routes.error(500, "internal error");
        }
    }

    private void refuse(Connection connection, OutputStream out, HttpException e) {
        try {
            write(connection, out, null, routes.error(e.status(), e.getMessage()), false);
            finish(connection);
        } catch (IOException ignored) {
            // The client is gone.
        }
    }

    /** Ends our direction after the response, reads what the client still sends (bounded), so no reset destroys the response. */
    private static void finish(Connection connection) {
        try {
            connection.socket().shutdownOutput();
        } catch (IOException | UnsupportedOperationException e) {
            return;
        }
        connection.drainInput(DRAIN_MILLIS, DRAIN_BYTES);
    }

    /** The head and (unless HEAD, an upgrade or a stream) the body, in one write, under the write clock. */
    static void write(Connection connection, OutputStream out, HttpRequest request, HttpResponse response,
                      boolean keepAlive) throws IOException {
        byte[] body = response.body();
        boolean head = request != null && request.method().equals("HEAD");
        StringBuilder text = new StringBuilder(256);
        text.append("HTTP/1.1 ").append(response.status()).append(' ').append(HttpResponse.reason(response.status())).append("\r\n");
        for (String[] header : response.headers()) {
            text.append(header[0]).append(": ").append(header[1]).append("\r\n");
        }
        if (body != null) {
            text.append("Content-Length: ").append(body.length).append("\r\n");
        }
        if (!response.isUpgrade()) {
            text.append("Connection: ").append(keepAlive ? "keep-alive" : "close").append("\r\n");
        }
        text.append("\r\n");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(text.length() + (body == null || head ? 0 : body.length));
        bytes.writeBytes(text.toString().getBytes(StandardCharsets.ISO_8859_1));
        if (body != null && !head) {
            bytes.writeBytes(body);
        }
        connection.writeStarted();
        try {
            out.write(bytes.toByteArray());
        } finally {
            connection.writeEnded();
        }
    }

    @Override
    public byte[] refusal(Refusal why, long retryAfterMillis) {
        String retry = retryAfterMillis > 0 ? "Retry-After: " + Math.max(1, (retryAfterMillis + 999) / 1000) + "\r\n" : "";
        String body = why == Refusal.OVER_CAPACITY ? "server full\n" : "too many connections from your address\n";
        return ("HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: "
                + body.length() + "\r\n" + retry + "Connection: close\r\n\r\n" + body).getBytes(StandardCharsets.US_ASCII);
    }
}
