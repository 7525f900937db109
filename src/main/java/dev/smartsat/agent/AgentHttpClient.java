package dev.smartsat.agent;

import dev.smartsat.pki.TrustAnchors;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import org.apache.hc.client5.http.HttpRequestRetryStrategy;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.config.TlsConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.ManagedHttpClientConnectionFactory;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.client5.http.ssl.DefaultClientTlsStrategy;
import org.apache.hc.client5.http.ssl.TlsSocketStrategy;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.EndpointDetails;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.HttpHeaders;
import org.apache.hc.core5.http.HttpRequest;
import org.apache.hc.core5.http.HttpResponse;
import org.apache.hc.core5.http.NoHttpResponseException;
import org.apache.hc.core5.http.config.Http1Config;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.apache.hc.core5.http.io.support.ClassicRequestBuilder;
import org.apache.hc.core5.http.message.BasicHeader;
import org.apache.hc.core5.http.protocol.HttpContext;
import org.apache.hc.core5.http.protocol.HttpCoreContext;
import org.apache.hc.core5.io.CloseMode;
import org.apache.hc.core5.util.TimeValue;
import org.apache.hc.core5.util.Timeout;

/**
 * The agent's HTTPS client: Apache HttpClient 5 (classic, blocking) with a pool of kept-alive connections sized to
 * the callers' concurrency, or a new connection for every request ({@link Connections#NEW}). The server's
 * certificate must chain to the one root given and name the host asked for.
 *
 * <p>It replaced a hand-made HTTP/1.1 client (issue 12 item 7), which did not win the measurement clearly: on the
 * 2-core development machine, quiet (load average 1–10), both clients in one build, a fresh server per run,
 * {@code --warmup 20000 --devices 20000 --concurrency 32}, runs alternated, 3 each, 0 failures:
 *
 * <pre>
 *               registrations/s  authorizations/s  p50 reg / auth ms      p99 reg / auth ms      fleet JVM CPU
 * hand-made     1,071–1,124      1,924–2,118       25.4–27.5 / 14.1–15.8  60.4–67.2 / 25.7–29.4  48.7–50.9 s
 * HttpClient 5  1,061–1,105      1,975–2,024       26.2–26.3 / 14.9–15.2  61.0–68.4 / 28.3–28.9  52.5–55.7 s
 * </pre>
 *
 * Throughput and latency are within the run-to-run spread (mean registrations/s 2% lower); the one steady
 * difference is about 8% more CPU in the fleet's JVM (some 50 µs per request, 80,000 requests a run), which a
 * 2-core machine shared with the satellite does not turn into throughput. Earlier, on the same machine under other
 * builds (load 20–39), throughput went either way by 20–50% run for run.
 */
public final class AgentHttpClient implements AutoCloseable {
    static final int MAX_HEADER_BYTES = 64 * 1024;
    static final int MAX_BODY_BYTES = 64 * 1024 * 1024;
    // A pooled connection idle this long is checked before reuse: the satellite closes idle connections after 60 s.
    private static final TimeValue VALIDATE_AFTER_INACTIVITY = TimeValue.ofSeconds(2);

    /** An answer: status, header fields by lower-case name (the last one of a repeated name), and body. */
    public record Response(int status, Map<String, String> headers, byte[] body) {
        public Optional<String> header(String name) {
            return Optional.ofNullable(headers.get(name.toLowerCase(Locale.ROOT)));
        }
    }

    /** How a client uses its connections. */
    public enum Connections {
        /** Each connection is kept alive for the next request: one TLS handshake per connection of the pool. */
        KEEP_ALIVE("keep-alive"),
        /**
         * Every request on a TLS connection of its own, closed after the answer, with a full handshake that resumes
         * no earlier session: what a product does after a reboot, and what a reboot storm costs a satellite.
         */
        NEW("new");

        private final String label;

        Connections(String label) {
            this.label = label;
        }

        /** As the fleet's report names it. */
        public String label() {
            return label;
        }
    }

    private final CloseableHttpClient http;
    private final CountingTls tls;
    private final LongAdder requests = new LongAdder();
    private final AtomicBoolean closed = new AtomicBoolean();

    private AgentHttpClient(CloseableHttpClient http, CountingTls tls) {
        this.http = http;
        this.tls = tls;
    }

    /**
     * A client trusting exactly {@code root}, keeping up to {@code connections} connections alive: as many as
     * threads send through it at once.
     */
    public static AgentHttpClient trusting(X509Certificate root, Duration connectTimeout, Duration readTimeout,
                                           int connections) {
        return trusting(root, connectTimeout, readTimeout, connections, Connections.KEEP_ALIVE);
    }

    /**
     * A client trusting exactly {@code root}, with up to {@code connections} connections open at once, kept alive
     * or new for every request as {@code reuse} says.
     */
    public static AgentHttpClient trusting(X509Certificate root, Duration connectTimeout, Duration readTimeout,
                                           int connections, Connections reuse) {
        CountingTls tls;
        try {
            // The JDK checks that the certificate names the host, as a browser would; so does HttpClient.
            tls = new CountingTls(TrustAnchors.trustManagers(root), reuse);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot set up TLS trusting " + root.getSubjectX500Principal(), e);
        }
        Timeout read = Timeout.of(readTimeout);
        var pool = PoolingHttpClientConnectionManagerBuilder.create()
                .setTlsSocketStrategy(tls)
                .setMaxConnTotal(connections)
                .setMaxConnPerRoute(connections)
                .setDefaultConnectionConfig(ConnectionConfig.custom()
                        .setConnectTimeout(Timeout.of(connectTimeout))
                        .setSocketTimeout(read)
                        .setValidateAfterInactivity(VALIDATE_AFTER_INACTIVITY)
                        .build())
                .setDefaultTlsConfig(TlsConfig.custom().setHandshakeTimeout(read).build())
                .setConnectionFactory(ManagedHttpClientConnectionFactory.builder()
                        .http1Config(Http1Config.custom().setMaxLineLength(MAX_HEADER_BYTES)
                                .setMaxHeaderCount(1000).build())
                        .build())
                .build();
        var builder = HttpClients.custom()
                .setConnectionManager(pool)
                .setUserAgent("smartsat-agent")
                .setDefaultRequestConfig(RequestConfig.custom()
                        .setResponseTimeout(read)
                        .setConnectionRequestTimeout(read)
                        .build())
                .setRetryStrategy(new StaleConnectionRetry())
                .disableRedirectHandling()
                .disableCookieManagement()
                .disableAuthCaching()
                .disableContentCompression();
        if (reuse == Connections.NEW) {
            // "Connection: close" lets the server close its side at once instead of waiting out its idle timeout.
            builder.setDefaultHeaders(List.of(new BasicHeader(HttpHeaders.CONNECTION, "close")))
                    .setConnectionReuseStrategy((request, response, context) -> false);
        }
        return new AgentHttpClient(builder.build(), tls);
    }

    /** Requests sent (a send that could not connect counts too). */
    public long requests() {
        return requests.sum();
    }

    /** TLS handshakes completed: the connections opened. */
    public long handshakes() {
        return tls.handshakes.sum();
    }

    /**
     * Sends one request and reads the whole answer. A kept-alive connection the server has meanwhile closed is
     * replaced once, transparently, when it fails before any byte of the answer arrived.
     */
    public Response send(String method, URI uri, Map<String, String> headers, byte[] body) throws IOException {
        if (closed.get()) {
            throw new IOException("the client is closed");
        }
        requests.increment();
        ClassicRequestBuilder request = ClassicRequestBuilder.create(method).setUri(uri);
        headers.forEach(request::addHeader);
        if (body != null) {
            request.setEntity(new ByteArrayEntity(body, null));
        }
        try (ClassicHttpResponse response = http.executeOpen(null, request.build(), null)) {
            Map<String, String> fields = new HashMap<>();
            for (Header header : response.getHeaders()) {
                fields.put(header.getName().toLowerCase(Locale.ROOT), header.getValue());
            }
            // Reading the body to its end hands the connection back to the pool; an answer over the limit is not
            // read on, and closing the response then closes its connection.
            return new Response(response.getCode(), Map.copyOf(fields), content(response.getEntity()));
        } catch (IllegalStateException e) {
            if (closed.get()) {
                throw new IOException("the client is closed", e);
            }
            throw e;
        }
    }

    private static byte[] content(HttpEntity entity) throws IOException {
        if (entity == null) {
            return new byte[0];
        }
        if (entity.getContentLength() > MAX_BODY_BYTES) {
            throw new IOException("the answer's body of " + entity.getContentLength() + " bytes is over the limit");
        }
        try (InputStream in = entity.getContent()) {
            byte[] content = in.readNBytes(MAX_BODY_BYTES + 1);
            if (content.length > MAX_BODY_BYTES) {
                throw new IOException("the answer's body is over the limit");
            }
            return content;
        }
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            http.close(CloseMode.GRACEFUL);
        }
    }

    /**
     * Sends a request once more, on a new connection, when a kept-alive one turned out closed by the server before
     * any byte of the answer arrived; also a POST, since the server had not begun on it. A new connection that
     * fails is not retried: the caller learns of it.
     */
    private static final class StaleConnectionRetry implements HttpRequestRetryStrategy {
        @Override
        public boolean retryRequest(HttpRequest request, IOException exception, int execCount, HttpContext context) {
            if (execCount > 1 || !(exception instanceof NoHttpResponseException || exception instanceof SocketException)) {
                return false;
            }
            EndpointDetails connection = HttpCoreContext.cast(context).getEndpointDetails();
            return connection != null && connection.getResponseCount() > 0;
        }

        @Override
        public boolean retryRequest(HttpResponse response, int execCount, HttpContext context) {
            return false; // OK_TRY_AGAIN and its Retry-After are the transport client's business
        }

        @Override
        public TimeValue getRetryInterval(HttpResponse response, int execCount, HttpContext context) {
            return TimeValue.ZERO_MILLISECONDS;
        }
    }

    /**
     * Opens TLS over each new socket and counts the handshakes. For {@link Connections#NEW} every socket gets a TLS
     * context of its own, so an empty session cache: with one shared context the JDK would offer the previous
     * connection's session ticket and the satellite would resume it with no certificate and no signature, a
     * shortcut a rebooted device, having no session, does not have. A context costs little: the trust managers are
     * shared, and the JDK computes its protocol and cipher suite lists once per process.
     */
    private static final class CountingTls implements TlsSocketStrategy {
        private final TrustManager[] trust;
        private final TlsSocketStrategy shared;
        private final LongAdder handshakes = new LongAdder();

        CountingTls(TrustManager[] trust, Connections reuse) throws GeneralSecurityException {
            this.trust = trust;
            this.shared = reuse == Connections.KEEP_ALIVE ? new DefaultClientTlsStrategy(TrustAnchors.context(trust)) : null;
        }

        @Override
        public SSLSocket upgrade(Socket socket, String target, int port, Object attachment, HttpContext context)
                throws IOException {
            TlsSocketStrategy tls = shared;
            if (tls == null) {
                try {
                    tls = new DefaultClientTlsStrategy(TrustAnchors.context(trust));
                } catch (GeneralSecurityException e) {
                    throw new SSLException("cannot make a TLS context: " + e.getMessage(), e);
                }
            }
            SSLSocket upgraded = tls.upgrade(socket, target, port, attachment, context); // handshake done
            handshakes.increment();
            return upgraded;
        }
    }
}
