package fishchat.http;

import fishchat.libnet.Connection;
import fishchat.libnet.ReadBuffer;

import java.io.OutputStream;

/**
 * A connection as a {@link HttpResponse.Takeover} gets it: the read buffer (it may already hold
 * bytes the client sent after its request) and the output stream.
 */
public record HttpChannel(Connection connection, ReadBuffer in, OutputStream out) {
}
