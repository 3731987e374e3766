package fishchat.protocol;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.WireFormat;

import java.io.IOException;

/**
 * Reads a frame body's {@code cmd} (field 1) the way parsing it as {@code Base} would, and
 * checks that the whole body is well-formed protobuf, without building a message: parsing
 * {@code Base} keeps every other field as an unknown field, copying the message text of a
 * send just to throw it away.
 */
public final class Envelope {
    private static final int CMD_TAG = (1 << 3) | WireFormat.WIRETYPE_VARINT; // field 1, varint

    private Envelope() {
    }

    /** The cmd of a body (0 when absent; the last one wins, as in protobuf). */
    public static int cmdOf(byte[] body) throws InvalidProtocolBufferException {
        CodedInputStream in = CodedInputStream.newInstance(body);
        int cmd = 0;
        try {
            int tag;
            while ((tag = in.readTag()) != 0) {
                if (tag == CMD_TAG) {
                    cmd = in.readUInt32();
                } else if (!in.skipField(tag)) {
                    throw new InvalidProtocolBufferException("end-group tag with no group open");
                }
            }
        } catch (InvalidProtocolBufferException e) {
            throw e;
        } catch (IOException e) {
            throw new InvalidProtocolBufferException(e); // CodedInputStream over an array only throws the above
        }
        return cmd;
    }
}
