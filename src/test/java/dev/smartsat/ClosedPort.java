package dev.smartsat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;

/**
 * A port on 127.0.0.1 (the address its tests connect to, also where the JDK prefers IPv6) that refuses connections
 * and that no one else can take while this is open: a socket bound to it that never listens. A port found free and closed again can be taken by anything that binds meanwhile (the
 * other test JVM's servers, say), and a test that expects "connection refused" there, or starts its own server
 * there later, fails once in a while.
 */
public final class ClosedPort implements AutoCloseable {
    private final Socket holder = new Socket();

    private ClosedPort() throws IOException {
        holder.bind(new InetSocketAddress(InetAddress.getByAddress(new byte[] {127, 0, 0, 1}), 0));
    }

    public static ClosedPort open() {
        try {
            return new ClosedPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public int port() {
        return holder.getLocalPort();
    }

    /** Lets the port go, for a server of the test's own to listen on it next. */
    @Override
    public void close() {
        try {
            holder.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
