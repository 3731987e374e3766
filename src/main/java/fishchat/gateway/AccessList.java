package fishchat.gateway;

import fishchat.libnet.Frame;
import fishchat.protocol.Cmd;
import fishchat.protocol.ErrorCode;
import fishchat.protocol.external.ResSelectAccessServerForClient;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;

/**
 * An immutable snapshot of the access servers a gateway hands out, with each server's reply
 * frame encoded once: answering cmd 10001 then allocates nothing.
 */
public final class AccessList {
    private static final Frame NO_ACCESS_SERVER = Frame.of(ResSelectAccessServerForClient.newBuilder()
            .setCmd(Cmd.REQ_ACCESS_SERVER.code())
            .setErrCode(ErrorCode.NO_ACCESS_SERVER.code())
            .setErrStr(ErrorCode.NO_ACCESS_SERVER.text())
            .build().toByteArray());

    public static final AccessList EMPTY = new AccessList(List.of());

    /**
     * One access server as handed out: its TCP address ({@code host:port}) and the URL of its
     * WebSocket endpoint (empty when it serves none), so a browser lands on the same node.
     */
    public record Choice(String addr, String wsUrl) {
        public Choice {
            wsUrl = wsUrl == null ? "" : wsUrl;
        }
    }

    private final List<Choice> choices;
    private final Frame[] replies;

    /** Servers known by TCP address only (a static --access-list). */
    public AccessList(List<String> addresses) {
        this(addresses.stream().map(addr -> new Choice(addr, "")).toArray(Choice[]::new));
    }

    private AccessList(Choice[] choices) {
        this.choices = List.of(choices);
        this.replies = new Frame[this.choices.size()];
        for (int i = 0; i < replies.length; i++) {
            Choice choice = this.choices.get(i);
            replies[i] = Frame.of(ResSelectAccessServerForClient.newBuilder()
                    .setCmd(Cmd.REQ_ACCESS_SERVER.code())
                    .setErrCode(ErrorCode.OK.code())
                    .setErrStr(ErrorCode.OK.text())
                    .setAddr(choice.addr())
                    .setWsAddr(choice.wsUrl())
                    .build().toByteArray());
        }
    }

    /** A list of {@code choices}, one per address, sorted: an unchanged set of nodes makes an equal list. */
    public static AccessList of(Stream<Choice> choices) {
        return new AccessList(choices.distinct().sorted(Comparator.comparing(Choice::addr).thenComparing(Choice::wsUrl))
                .toArray(Choice[]::new));
    }

    public List<String> addresses() {
        return choices.stream().map(Choice::addr).toList();
    }

    /** The reply frame for one server picked at random, or errCode 92001 when there is none. */
    public Frame pickReply() {
        return switch (replies.length) {
            case 0 -> NO_ACCESS_SERVER;
            case 1 -> replies[0];
            default -> replies[ThreadLocalRandom.current().nextInt(replies.length)];
        };
    }

    /** One server picked at random (for {@code GET /access}), or empty when there is none. */
    public Optional<Choice> pick() {
        return switch (choices.size()) {
            case 0 -> Optional.empty();
            case 1 -> Optional.of(choices.get(0));
            default -> Optional.of(choices.get(ThreadLocalRandom.current().nextInt(choices.size())));
        };
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AccessList other && other.choices.equals(choices);
    }

    @Override
    public int hashCode() {
        return choices.hashCode();
    }

    @Override
    public String toString() {
        return choices.stream().map(c -> c.wsUrl().isEmpty() ? c.addr() : c.addr() + " (" + c.wsUrl() + ")").toList().toString();
    }
}
