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
        connector.setIdleTimeout(60_000);
        return connector;
    }
}
