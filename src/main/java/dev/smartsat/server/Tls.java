package dev.smartsat.server;

import java.security.KeyStore;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/** The one HTTPS connector: TLS 1.2+ with the satellite's TLS certificate; there is no plaintext listener. */
final class Tls {
    /**
     * Connections the kernel completes and holds for the acceptor; Linux caps it at net.core.somaxconn (4096 by
     * default). Devices rebooting together connect together: with Jetty's default (the JDK's 50), 3,000 connects
     * issued within 0.5 s overflowed the queue 5,670 times (TcpExtListenOverflows), each drop costing its device a
     * SYN retransmitted after 1 s, then 3 s; with 1,024, none did.
     */
    static final int ACCEPT_QUEUE = 1024;
    // Idle kept-alive connections are closed after this; a rebooting device's connection closes after one answer.
    private static final int IDLE_TIMEOUT_MILLIS = 60_000;

    private Tls() {}

    static Connector connector(Server server, HttpConfiguration base, KeyStore keyStore, char[] password,
                               String bind, int port) {
        SslContextFactory.Server ssl = new SslContextFactory.Server();
        ssl.setKeyStore(keyStore);
        ssl.setKeyStorePassword(new String(password));
        ssl.setIncludeProtocols("TLSv1.3", "TLSv1.2");
        // Devices often reach a satellite by an address the certificate does not name; SNI is optional.
        ssl.setSniRequired(false);
        // Client-initiated TLS 1.2 renegotiation buys a client nothing here and costs the server a handshake each.
        ssl.setRenegotiationAllowed(false);

        HttpConfiguration https = new HttpConfiguration(base);
        https.setSendServerVersion(false);
        SecureRequestCustomizer secure = new SecureRequestCustomizer();
        secure.setSniHostCheck(false);
        https.addCustomizer(secure);

        ServerConnector connector = new ServerConnector(server,
                new SslConnectionFactory(ssl, HttpVersion.HTTP_1_1.asString()),
                new HttpConnectionFactory(https));
        connector.setHost(bind);
        connector.setPort(port);
        connector.setIdleTimeout(IDLE_TIMEOUT_MILLIS);
        connector.setAcceptQueueSize(ACCEPT_QUEUE);
        return connector;
    }
}
