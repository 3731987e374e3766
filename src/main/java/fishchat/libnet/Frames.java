package fishchat.libnet;

/**
 * The frame format: a 2-byte big-endian unsigned length N, then N bytes of body.
 * N = 0 is a valid, empty body; N is at most 65 535.
 */
public final class Frames {
    public static final int HEADER_BYTES = 2;
    public static final int MAX_BODY = 0xFFFF;

    private Frames() {
    }

    /**
     * Header and body in one array, so that a frame reaches the socket in one write
     * (two writes with Nagle off cost two segments; with Nagle on, a delayed-ACK stall).
     */
    public static byte[] encode(byte[] body) {
        return encode(body, 0, body.length);
    }

    public static byte[] encode(byte[] body, int offset, int length) {
        if (length > MAX_BODY) {
            throw new IllegalArgumentException("frame body of " + length + " bytes exceeds " + MAX_BODY);
        }
        byte[] frame = new byte[HEADER_BYTES + length];
        frame[0] = (byte) (length >>> 8);
        frame[1] = (byte) length;
        System.arraycopy(body, offset, frame, HEADER_BYTES, length);
        return frame;
    }

    /** The body length a header announces. */
    public static int bodyLength(byte high, byte low) {
        return ((high & 0xFF) << 8) | (low & 0xFF);
    }
}
