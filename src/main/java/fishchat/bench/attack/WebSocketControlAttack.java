package fishchat.bench.attack;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;

/**
 * WebSocket connections that break RFC 6455's rules for control frames and opcodes after a
 * valid upgrade: a PING over 125 bytes, a fragmented PING, a reserved opcode, an unmasked
 * frame. Each should be answered with a Close frame (1002) and cost the server one log line,
 * not a stack trace.
 */
public final class WebSocketControlAttack {
    /** What a connection sends after its upgrade. */
    public enum Kind {
        LONG_PING, FRAGMENTED_PING, RESERVED_OPCODE, UNMASKED;

        byte[] frame() {
            return switch (this) {
                case LONG_PING -> masked(0x89, new byte[126]);
                case FRAGMENTED_PING -> masked(0x09, new byte[4]);
                case RESERVED_OPCODE -> masked(0x83, new byte[4]);
                case UNMASKED -> new byte[] {(byte) 0x82, 2, 0, 0};
            };
        }
    }

    private WebSocketControlAttack() {
    }

    /** Close codes received (-1: none, the connection just ended), by count. */
    public record Outcome(int connections, Map<Integer, Integer> closeCodes) {
        public String resultLine() {
            return "RESULT attack=ws-control connections=" + connections + " close_codes=" + closeCodes;
        }
    }

    public static Outcome run(URI wsUrl, Kind kind, int connections) {
        Map<Integer, Integer> codes = new TreeMap<>();
        InetSocketAddress target = new InetSocketAddress(wsUrl.getHost(), wsUrl.getPort());
        for (int i = 0; i < connections; i++) {
            codes.merge(closeCodeFor(target, wsUrl.getPath(), kind), 1, Integer::sum);
        }
        return new Outcome(connections, codes);
    }

    /** Upgrades, sends the bad frame, and returns the Close frame's code (-1 when none came). */
    public static int closeCodeFor(InetSocketAddress target, String path, Kind kind) {
        try (Socket socket = new Socket()) {
            socket.connect(target, 5000);
            socket.setSoTimeout(5000);
            OutputStream out = socket.getOutputStream();
            out.write(upgradeRequest(target, path));
            InputStream in = socket.getInputStream();
            String head = readHead(in);
            if (!head.startsWith("HTTP/1.1 101")) {
                return -1;
            }
            out.write(kind.frame());
            return readCloseCode(in);
        } catch (IOException e) {
            return -1;
        }
    }

    /** A client's request to upgrade {@code path} on {@code target} to a WebSocket. */
    static byte[] upgradeRequest(InetSocketAddress target, String path) {
        return ("GET " + path + " HTTP/1.1\r\nHost: " + fishchat.libnet.Addresses.format(target)
                + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ=="
                + "\r\nSec-WebSocket-Version: 13\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    /** A client frame, masked with a zero key (the payload is sent as is). */
    static byte[] masked(int firstByte, byte[] payload) {
        ByteArrayOutputStream frame = new ByteArrayOutputStream();
        frame.write(firstByte);
        if (payload.length < 126) {
            frame.write(0x80 | payload.length);
        } else {
            frame.write(0x80 | 126);
            frame.write(payload.length >>> 8);
            frame.write(payload.length);
        }
        frame.writeBytes(new byte[4]);
        frame.writeBytes(payload);
        return frame.toByteArray();
    }

    private static String readHead(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            head.append((char) b);
        }
        return head.toString();
    }

    /** Skips frames until a Close; its code, or -1 at the end of the stream without one. */
    private static int readCloseCode(InputStream in) throws IOException {
        while (true) {
            int first = in.read();
            int second = in.read();
            if (second < 0) {
                return -1;
            }
            int length = second & 0x7F;
            if (length == 126) {
                length = (in.read() << 8) | in.read();
            } else if (length == 127) {
                return -1; // we never send that much: not ours
            }
            byte[] payload = in.readNBytes(length);
            if ((first & 0x0F) == 0x8) {
                return payload.length >= 2 ? ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF) : 1005;
            }
        }
    }
}
