package fishchat.gateway;

import fishchat.libnet.Frames;
import fishchat.protocol.Cmd;
import fishchat.protocol.ErrorCode;
import fishchat.protocol.external.ResSelectAccessServerForClient;

import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * An immutable snapshot of the access servers a gateway hands out, with each server's reply
 * frame encoded once: answering cmd 10001 then allocates nothing.
 */
public final class AccessList {
    private static final byte[] NO_ACCESS_SERVER = Frames.encode(ResSelectAccessServerForClient.newBuilder()
            .setCmd(Cmd.REQ_ACCESS_SERVER.code())
            .setErrCode(ErrorCode.NO_ACCESS_SERVER.code())
            .setErrStr(ErrorCode.NO_ACCESS_SERVER.text())
            .build().toByteArray());

    public static final AccessList EMPTY = new AccessList(List.of());

    private final List<String> addresses;
    private final byte[][] replies;

    public AccessList(List<String> addresses) {
        this.addresses = List.copyOf(addresses);
        this.replies = new byte[this.addresses.size()][];
        for (int i = 0; i < replies.length; i++) {
            replies[i] = Frames.encode(ResSelectAccessServerForClient.newBuilder()
                    .setCmd(Cmd.REQ_ACCESS_SERVER.code())
                    .setErrCode(ErrorCode.OK.code())
                    .setErrStr(ErrorCode.OK.text())
                    .setAddr(this.addresses.get(i))
                    .build().toByteArray());
        }
    }

    public List<String> addresses() {
        return addresses;
    }

    /** The reply frame for one server picked at random, or errCode 92001 when there is none. */
    public byte[] pickReplyFrame() {
        return switch (replies.length) {
            case 0 -> NO_ACCESS_SERVER;
            case 1 -> replies[0];
            default -> replies[ThreadLocalRandom.current().nextInt(replies.length)];
        };
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AccessList other && other.addresses.equals(addresses);
    }

    @Override
    public int hashCode() {
        return addresses.hashCode();
    }

    @Override
    public String toString() {
        return addresses.toString();
    }
}
