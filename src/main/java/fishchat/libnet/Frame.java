package fishchat.libnet;

/**
 * An encoded frame, ready for the wire: a 2-byte big-endian unsigned body length N, then the
 * N body bytes (N = 0 is a valid, empty body; N is at most 65 535). A frame body is a plain
 * {@code byte[]}; an encoded frame is this type, so the compiler tells the two apart.
 *
 * <p>Header and body sit in one array so that a frame reaches the socket in one write (two
 * writes with Nagle off cost two segments; with Nagle on, a delayed-ACK stall). The array is
 * shared, not copied: nobody may change it once the frame is made.
 */
public final class Frame {
    public static final int HEADER_BYTES = 2;
    public static final int MAX_BODY = 0xFFFF;

    private final byte[] encoded;

    private Frame(byte[] encoded) {
        this.encoded = encoded;
    }

    /** The frame carrying {@code body}. */
    public static Frame of(byte[] body) {
        return of(body, 0, body.length);
    }

    public static Frame of(byte[] body, int offset, int length) {
        if (length > MAX_BODY) {
            throw new IllegalArgumentException("frame body of " + length + " bytes exceeds " + MAX_BODY);
        }
        byte[] encoded = new byte[HEADER_BYTES + length];
        encoded[0] = (byte) (length >>> 8);
        encoded[1] = (byte) length;
        System.arraycopy(body, offset, encoded, HEADER_BYTES, length);
        return new Frame(encoded);
    }

    /** Header and body, as written to a socket. Not a copy: do not change it. */
    public byte[] encoded() {
        return encoded;
    }

    /** The body's length; the body starts at {@link #HEADER_BYTES} in {@link #encoded()}. */
    public int bodyLength() {
        return encoded.length - HEADER_BYTES;
    }

    /** A copy of the body. */
    public byte[] body() {
        return java.util.Arrays.copyOfRange(encoded, HEADER_BYTES, encoded.length);
    }
}
