package fishchat.testing;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageLite;
import com.google.protobuf.Parser;
import fishchat.libnet.FrameClient;
import fishchat.protocol.external.Base;

import java.io.Closeable;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/** A test client speaking protobuf frames over a real socket. */
public final class ProtoClient implements Closeable {
    private final FrameClient frames;

    private ProtoClient(FrameClient frames) {
        this.frames = frames;
    }

    public static ProtoClient connect(InetSocketAddress address) throws IOException {
        FrameClient client = FrameClient.connect(address, Duration.ofSeconds(5));
        client.setReceiveTimeout(Duration.ofSeconds(10));
        return new ProtoClient(client);
    }

    public FrameClient frames() {
        return frames;
    }

    public void send(MessageLite message) throws IOException {
        frames.send(message.toByteArray());
    }

    /** The next frame, which must exist; its cmd is checked when {@code cmd} is not 0. */
    public <T> T receive(int cmd, Parser<T> parser) throws IOException {
        byte[] body = frames.receive();
        assertNotNull(body, "connection closed while waiting for cmd " + cmd);
        if (cmd != 0) {
            assertEquals(cmd, Base.parseFrom(body).getCmd(), "cmd of the next frame");
        }
        return parser.parseFrom(body);
    }

    /** The next frame whose cmd is {@code cmd}, skipping others (e.g. pushes). */
    public <T> T receiveSkipping(int cmd, Parser<T> parser) throws IOException {
        while (true) {
            byte[] body = frames.receive();
            assertNotNull(body, "connection closed while waiting for cmd " + cmd);
            if (Base.parseFrom(body).getCmd() == cmd) {
                return parser.parseFrom(body);
            }
        }
    }

    public static int cmdOf(byte[] body) throws InvalidProtocolBufferException {
        return Base.parseFrom(body).getCmd();
    }

    @Override
    public void close() throws IOException {
        frames.close();
    }
}
