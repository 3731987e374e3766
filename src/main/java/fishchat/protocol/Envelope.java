package fishchat.protocol;

import com.google.protobuf.InvalidProtocolBufferException;
import fishchat.protocol.external.Base;

/**
 * Reads a frame body's {@code cmd} (field 1) the way parsing it as {@code Base} would, and
 * checks that the whole body is well-formed protobuf, without building a message or even a
 * CodedInputStream: this runs for every frame, and on a gateway it is most of the protocol
 * work (parsing {@code Base} would also copy every other field into an unknown-field set).
 * {@code EnvelopeTest} holds it to {@code Base.parseFrom} on random bodies.
 * It reads one body on one thread: an instance lives for one call.
 */
public final class Envelope {
    private static final int WIRE_VARINT = 0;
    private static final int WIRE_FIXED64 = 1;
    private static final int WIRE_LENGTH_DELIMITED = 2;
    private static final int WIRE_START_GROUP = 3;
    private static final int WIRE_END_GROUP = 4;
    private static final int WIRE_FIXED32 = 5;
    private static final int MAX_GROUP_DEPTH = 100; // protobuf-java's default recursion limit

    private final byte[] body;
    private int pos;

    private Envelope(byte[] body) {
        this.body = body;
    }

    /** The cmd of a body (0 when absent; the last one wins, as in protobuf). */
    public static int cmdOf(byte[] body) throws InvalidProtocolBufferException {
        try {
            return new Envelope(body).scan();
        } catch (InvalidProtocolBufferException e) {
            // Rare (bad frames only), so let protobuf itself decide: its parser accepts some
            // overlong 10-byte varints that a plain reading of the wire format rejects.
            return Base.parseFrom(body).getCmd();
        }
    }

    private int scan() throws InvalidProtocolBufferException {
        int cmd = 0;
        while (pos < body.length) {
            int tag = readTag();
            if (tag == (1 << 3 | WIRE_VARINT)) {
                cmd = (int) readVarint64();
            } else if (!skipField(tag, 0)) {
                throw new InvalidProtocolBufferException("end-group tag with no group open");
            }
        }
        return cmd;
    }

    private int readTag() throws InvalidProtocolBufferException {
        int tag = (int) readVarint64();
        if ((tag >>> 3) == 0) {
            throw new InvalidProtocolBufferException("Protocol message contained an invalid tag (zero).");
        }
        return tag;
    }

    /** Skips one field; false for an end-group tag (which ends the enclosing group). */
    private boolean skipField(int tag, int depth) throws InvalidProtocolBufferException {
        switch (tag & 7) {
            case WIRE_VARINT -> readVarint64();
            case WIRE_FIXED64 -> skip(8);
            case WIRE_LENGTH_DELIMITED -> {
                int length = (int) readVarint64();
                if (length < 0) {
                    throw new InvalidProtocolBufferException("negative length");
                }
                skip(length);
            }
            case WIRE_START_GROUP -> {
                if (depth >= MAX_GROUP_DEPTH) {
                    throw new InvalidProtocolBufferException("groups nested too deeply");
                }
                int end = (tag & ~7) | WIRE_END_GROUP;
                while (true) {
                    if (pos >= body.length) {
                        throw truncated();
                    }
                    int inner = readTag();
                    if (!skipField(inner, depth + 1)) {
                        if (inner != end) {
                            throw new InvalidProtocolBufferException("end-group tag did not match");
                        }
                        break;
                    }
                }
            }
            case WIRE_END_GROUP -> {
                return false;
            }
            case WIRE_FIXED32 -> skip(4);
            default -> throw new InvalidProtocolBufferException("invalid wire type");
        }
        return true;
    }

    private long readVarint64() throws InvalidProtocolBufferException {
        long value = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            if (pos >= body.length) {
                throw truncated();
            }
            byte b = body[pos++];
            value |= (long) (b & 0x7F) << shift;
            if (b >= 0) {
                return value;
            }
        }
        throw new InvalidProtocolBufferException("malformed varint");
    }

    private void skip(int n) throws InvalidProtocolBufferException {
        if (n > body.length - pos) {
            throw truncated();
        }
        pos += n;
    }

    private static InvalidProtocolBufferException truncated() {
        return new InvalidProtocolBufferException("truncated message");
    }
}
