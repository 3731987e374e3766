package fishchat.fuzz;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import fishchat.libnet.Frame;

/**
 * How a fuzzed connection's input ends, after its complete frames: cleanly, inside a header,
 * inside a body, or with a header over the server's frame limit. Only the last piece can be
 * broken: bytes after a truncated frame would just become its body.
 */
final class Tails {
    private Tails() {
    }

    static void append(FuzzedDataProvider data, Exchange.Wire wire, int maxFrameBody) {
        switch (data.consumeInt(0, 3)) {
            case 1 -> wire.raw(new byte[] {data.consumeByte()});
            case 2 -> {
                int length = data.consumeInt(1, maxFrameBody);
                byte[] part = data.consumeBytes(length - 1);
                wire.raw(header(length));
                wire.raw(part);
            }
            case 3 -> {
                wire.raw(header(data.consumeInt(maxFrameBody + 1, Frame.MAX_BODY)));
                wire.raw(data.consumeBytes(data.consumeInt(0, 16)));
                wire.oversize = true;
            }
            default -> {
            }
        }
    }

    private static byte[] header(int length) {
        return new byte[] {(byte) (length >>> 8), (byte) length};
    }
}
