package fishchat.bench.attack;

import com.google.protobuf.CodedOutputStream;
import fishchat.libnet.Frame;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;

/**
 * A well-behaved client on a slow link, beside an attack: from an address of its own, one
 * request of about 40 KB (the attack's greeting padded with a field the server ignores) sent
 * in two halves half a second apart, so that the server holds half of it while the rest comes.
 * A server whose budget for incomplete requests an attacker has filled refuses it.
 */
final class SlowRequestProbe {
    private static final int PADDING = 40_000;
    /** A field number no request of ours has: protobuf keeps it as an unknown field. */
    private static final int UNUSED_FIELD = 1000;

    private SlowRequestProbe() {
    }

    /** "answered" when a whole answer frame came back, else "refused (why)". */
    static String run(InetSocketAddress target, InetSocketAddress from, byte[] hello) {
        try (Socket socket = new Socket()) {
            socket.bind(from);
            socket.connect(target, 5000);
            socket.setSoTimeout(10_000);
            byte[] frame = Frame.of(padded(hello)).encoded();
            OutputStream out = socket.getOutputStream();
            out.write(frame, 0, frame.length / 2);
            out.flush();
            Thread.sleep(500);
            out.write(frame, frame.length / 2, frame.length - frame.length / 2);
            DataInputStream in = new DataInputStream(socket.getInputStream());
            in.readFully(new byte[in.readUnsignedShort()]);
            return "answered";
        } catch (IOException e) {
            return "refused (" + e.getMessage() + ")";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    private static byte[] padded(byte[] hello) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(hello.length + PADDING + 8);
        bytes.write(hello);
        CodedOutputStream fields = CodedOutputStream.newInstance(bytes);
        fields.writeByteArray(UNUSED_FIELD, new byte[PADDING]);
        fields.flush();
        return bytes.toByteArray();
    }
}
