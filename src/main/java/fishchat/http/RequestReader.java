package fishchat.http;

import fishchat.libnet.ArrivingBytes;
import fishchat.libnet.Connection;
import fishchat.libnet.ReadBuffer;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Reads one HTTP/1.x request from a connection's {@link ReadBuffer}, within bounds: a head of
 * at most {@link #MAX_HEAD_BYTES} and {@link #MAX_HEADERS} header lines, a body only with a
 * Content-Length of at most the server's limit (no chunked request bodies), its memory
 * following the bytes that arrived. What breaks a bound or the grammar is an
 * {@link HttpException} with the status to answer; how long the client may take is the
 * sweeper's (the handshake timeout), not ours.
 */
final class RequestReader {
    static final int MAX_HEAD_BYTES = 16 * 1024;
    static final int MAX_HEADERS = 100;
    private static final int FIRST_BODY_STEP = 512;
    private static final int LINE_CAPACITY = 128;
    /**
     * A head costs nothing against the budget up to this many bytes (every browser's fits);
     * past it, twice its bytes count (the line read, then its strings) until it is complete:
     * 4 500 connections each holding an unfinished 16 KiB head ran a 128 MiB node out of memory.
     */
    private static final int FREE_HEAD_BYTES = 2048;
    private static final int HEAD_COUNT_STEP = 1024;
    private static final byte[] NO_BODY = new byte[0];

    private static final byte[] CONTINUE = "HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    private final ReadBuffer in;
    /** For "100 Continue" only: a client that asks for it waits for it before sending the body (curl does, for large ones). */
    private final OutputStream out;
    private final int maxBody;
    private final Routes.HeadCheck beforeBody;
    /** What long heads and incomplete bodies count against: the client address's share of the node's budget. */
    private final ArrivingBytes.Share arriving;
    /** The line being read; replaced by a small one after a request that grew it, so a long head is not kept. */
    private StringBuilder line = new StringBuilder(LINE_CAPACITY);
    private int headBytes;
    /** What the head being read counts against the budget for incomplete requests. */
    private long headCounted;

    RequestReader(ReadBuffer in, OutputStream out, int maxBody, Routes.HeadCheck beforeBody, ArrivingBytes.Share arriving) {
        this.in = in;
        this.out = out;
        this.maxBody = maxBody;
        this.beforeBody = beforeBody;
        this.arriving = arriving;
    }

    /**
     * The next request, or null when the client closed the connection between requests. A long
     * head or a body arriving in parts that would go over the budget for incomplete requests is
     * refused with 503.
     */
    HttpRequest read(Connection connection) throws IOException {
        try {
            return readRequest(connection);
        } catch (ArrivingBytes.OverBudgetException e) {
            throw new HttpException(503, e.getMessage());
        } finally {
            if (headCounted > 0) {
                arriving.give(headCounted);
                headCounted = 0;
            }
            if (line.capacity() > LINE_CAPACITY * 8) {
                line = new StringBuilder(LINE_CAPACITY);
            }
        }
    }

    private HttpRequest readRequest(Connection connection) throws IOException {
        headBytes = 0;
        if (!in.awaitByte()) {
            return null;
        }
        String requestLine = readLine();
        for (int blank = 0; requestLine.isEmpty() && blank < 4; blank++) {
            requestLine = readLine(); // a stray CRLF after the previous request's body (RFC 9112 2.2)
        }
        String[] parts = requestLine.split(" ", -1);
        if (parts.length != 3 || parts[0].isEmpty() || !parts[1].startsWith("/")) {
            throw new HttpException(400, "malformed request line");
        }
        boolean http11;
        switch (parts[2]) {
            case "HTTP/1.1" -> http11 = true;
            case "HTTP/1.0" -> http11 = false;
            default -> throw new HttpException(505, "HTTP/1.0 and 1.1 only");
        }
        for (int i = 0; i < parts[0].length(); i++) {
            if (!token(parts[0].charAt(i))) {
                throw new HttpException(400, "malformed method");
            }
        }
        Map<String, String> headers = readHeaders();
        String target = parts[1];
        int question = target.indexOf('?');
        String path = question < 0 ? target : target.substring(0, question);
        String query = question < 0 ? null : target.substring(question + 1);
        HttpRequest head = new HttpRequest(parts[0], path, query, http11, headers, NO_BODY, connection);
        beforeBody.check(head);
        byte[] body = readBody(headers);
        return body.length == 0 ? head : new HttpRequest(parts[0], path, query, http11, headers, body, connection);
    }

    private Map<String, String> readHeaders() throws IOException {
        Map<String, String> headers = new HashMap<>();
        for (int count = 0; ; count++) {
            String header = readLine();
            if (header.isEmpty()) {
                return headers;
            }
            if (count == MAX_HEADERS) {
                throw new HttpException(431, "more than " + MAX_HEADERS + " header lines");
            }
            int colon = header.indexOf(':');
            if (colon <= 0) {
                throw new HttpException(400, "malformed header line");
            }
            for (int i = 0; i < colon; i++) {
                if (!token(header.charAt(i))) {
                    throw new HttpException(400, "malformed header name"); // also a folded line (RFC 9112 5.2)
                }
            }
            String name = header.substring(0, colon).toLowerCase(Locale.ROOT);
            String value = header.substring(colon + 1).strip();
            headers.merge(name, value, (a, b) -> a + ", " + b);
        }
    }

    private byte[] readBody(Map<String, String> headers) throws IOException {
        if (headers.containsKey("transfer-encoding")) {
            throw new HttpException(501, "request bodies need a Content-Length (no chunked encoding)");
        }
        String declared = headers.get("content-length");
        if (declared == null) {
            return NO_BODY;
        }
        if (declared.isEmpty() || declared.length() > 9 || !declared.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new HttpException(400, "malformed Content-Length"); // also two different ones, joined by ", "
        }
        int length = Integer.parseInt(declared);
        if (length > maxBody) {
            throw new HttpException(413, "body over " + maxBody + " bytes");
        }
        if (length > 0 && "100-continue".equalsIgnoreCase(headers.get("expect"))) {
            out.write(CONTINUE);
        }
        try {
            return arriving.read(new DataInputStream(in), length, FIRST_BODY_STEP);
        } catch (EOFException e) {
            throw new EOFException("connection ended inside a request body");
        }
    }

    /** A line without its CRLF (or bare LF), as Latin-1: header bytes are not text we interpret beyond ASCII. */
    private String readLine() throws IOException {
        line.setLength(0);
        while (true) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("connection ended inside a request head");
            }
            if (++headBytes > MAX_HEAD_BYTES) {
                throw new HttpException(431, "request head over " + MAX_HEAD_BYTES + " bytes");
            }
            if (headBytes > FREE_HEAD_BYTES && (headBytes - FREE_HEAD_BYTES) % HEAD_COUNT_STEP == 1) {
                countHead();
            }
            if (b == '\n') {
                int end = line.length();
                if (end > 0 && line.charAt(end - 1) == '\r') {
                    line.setLength(end - 1);
                }
                return line.toString();
            }
            if (b == 0) {
                throw new HttpException(400, "NUL in request head");
            }
            line.append((char) b);
        }
    }

    /** Another step of a long head against the budget for incomplete requests. */
    private void countHead() throws ArrivingBytes.OverBudgetException {
        arriving.take(2L * HEAD_COUNT_STEP);
        headCounted += 2L * HEAD_COUNT_STEP;
    }

    /** RFC 9110 tchar. */
    private static boolean token(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
    }
}
