package dev.smartsat.agent;

import dev.smartsat.agent.TransportException.Kind;
import dev.smartsat.pki.PemFiles;
import dev.smartsat.transport.Envelope;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.SSLException;

/**
 * The device side of /SmartTransport: signs a request into an envelope, posts it over HTTPS to a satellite whose
 * TLS certificate and answers must chain to one root CA, verifies the answer, and retries when the satellite
 * asks for it (OK_TRY_AGAIN) or corrects the device's clock (STALE_TIMESTAMP). Thread-safe: the fleet shares one.
 */
public final class TransportClient {
    public static final int DEFAULT_RETRIES = 5;
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);
    // A device, a product or an admin call sends one request at a time; a few spare connections cost nothing.
    private static final int FEW_CONNECTIONS = 4;
    static final Duration DEFAULT_RETRY_AFTER = Duration.ofSeconds(1);
    // A Retry-After beyond this is more likely a misconfigured fault than a wait worth sitting through.
    static final Duration MAX_RETRY_AFTER = Duration.ofMinutes(5);
    private static final Map<String, String> JSON_CONTENT = Map.of("Content-Type", "application/json");

    private final AgentHttpClient http;
    private final URI url;
    private final URI trustUrl;
    private final X509Certificate root;
    private final DeviceClock clock;
    private final int retries;
    private volatile SatelliteTrust trust;

    /**
     * @param url     the full transport URL, e.g. {@code https://localhost:8443/SmartTransport}
     * @param retries how many more attempts an OK_TRY_AGAIN answer gets
     */
    public TransportClient(AgentHttpClient http, URI url, X509Certificate root, DeviceClock clock, int retries) {
        requireTransportUrl(url);
        if (retries < 0) {
            throw new IllegalArgumentException("--retries must be 0 or more");
        }
        this.http = http;
        this.url = url;
        this.trustUrl = url.resolve("/SmartTransport/trust");
        this.root = root;
        this.clock = clock;
        this.retries = retries;
    }

    /** Refuses a URL the transport cannot use: there is no plaintext transport, and the host names the satellite. */
    public static void requireTransportUrl(URI url) {
        if (url == null || !"https".equalsIgnoreCase(url.getScheme()) || url.getHost() == null) {
            throw new IllegalArgumentException("the transport URL must be https://host[:port]/SmartTransport, not " + url);
        }
    }

    /** The root CA certificate of {@code --ca}. */
    public static X509Certificate readRoot(Path caPem) {
        try {
            return PemFiles.readCertificate(caPem);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("cannot read the satellite's root CA (--ca " + caPem + "): "
                    + e.getMessage(), e);
        }
    }

    /** An HTTPS client that trusts exactly {@code root}, for a few threads at a time. */
    public static AgentHttpClient httpClient(X509Certificate root) {
        return httpClient(root, FEW_CONNECTIONS);
    }

    /** An HTTPS client that trusts exactly {@code root}, keeping a connection alive for each of {@code threads}. */
    public static AgentHttpClient httpClient(X509Certificate root, int threads) {
        return httpClient(root, threads, AgentHttpClient.Connections.KEEP_ALIVE);
    }

    /** An HTTPS client that trusts exactly {@code root}, for {@code threads} at a time, using connections as told. */
    public static AgentHttpClient httpClient(X509Certificate root, int threads, AgentHttpClient.Connections reuse) {
        return AgentHttpClient.trusting(root, CONNECT_TIMEOUT, REQUEST_TIMEOUT, threads, reuse);
    }

    public URI url() {
        return url;
    }

    public DeviceClock clock() {
        return clock;
    }

    /** The satellite's signing certificate, fetched once from {@code /SmartTransport/trust} and checked against the root. */
    public SatelliteTrust trust() throws TransportException {
        SatelliteTrust known = trust;
        if (known != null) {
            return known;
        }
        synchronized (this) {
            if (trust == null) {
                AgentHttpClient.Response response = exchange("GET", trustUrl, null);
                if (response.status() != 200) {
                    throw new TransportException(Kind.NOT_AN_ENVELOPE, "GET " + trustUrl + " answered HTTP "
                            + response.status() + "; is " + url + " a SmartSat satellite?");
                }
                trust = SatelliteTrust.fromBundle(new String(response.body(), StandardCharsets.US_ASCII), root,
                        clock.now());
            }
            return trust;
        }
    }

    /**
     * Sends one request and returns the satellite's verified answer, OK or not. OK_TRY_AGAIN is retried after its
     * Retry-After up to {@code retries} times (the last one is returned if it persists); STALE_TIMESTAMP makes the
     * device adopt the satellite's time and try once more. Every attempt has a new timestamp and nonce.
     *
     * @param keyId "csr" for REGISTER, else the ID certificate's serial in lowercase hex
     * @throws TransportException when no trustworthy answer arrives
     */
    public Answer send(PrivateKey key, String keyId, Requests.Body body) throws TransportException {
        SatelliteTrust verified = trust();
        boolean clockCorrected = false;
        int retried = 0;
        while (true) {
            String nonce = Nonces.next();
            String payload = body.payload(clock.nowMillis(), nonce);
            byte[] envelope = Envelope.sign(payload, key, keyId).toJson().getBytes(StandardCharsets.UTF_8);
            AgentHttpClient.Response response = exchange("POST", url, envelope);
            Answer answer = verified.verifier().verify(response.status(), response.body(), nonce,
                    retryAfter(response));
            if (answer.tryAgain() && retried < retries) {
                retried++;
                pause(answer.retryAfter() == null ? DEFAULT_RETRY_AFTER : answer.retryAfter());
                continue;
            }
            if (answer.failedWith("STALE_TIMESTAMP") && !clockCorrected && answer.text("server_time") != null) {
                clock.learn(answer.instant("server_time"));
                clockCorrected = true;
                continue;
            }
            return answer;
        }
    }

    private AgentHttpClient.Response exchange(String method, URI uri, byte[] body) throws TransportException {
        try {
            return http.send(method, uri, body == null ? Map.of() : JSON_CONTENT, body);
        } catch (InterruptedIOException e) {
            // a connect, handshake or read timeout (or the pool had no connection free in time)
            throw new TransportException(Kind.UNREACHABLE, method + " " + uri + " timed out", e);
        } catch (SSLException e) {
            throw new TransportException(Kind.UNREACHABLE, "TLS with " + uri.getAuthority()
                    + " failed (is --ca the satellite's root CA?): " + e.getMessage(), e);
        } catch (IOException e) {
            String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            throw new TransportException(Kind.UNREACHABLE, "cannot reach " + uri + ": " + why, e);
        }
    }

    /** Retry-After in delta-seconds, the only form the satellite sends; anything else is ignored. */
    static Duration retryAfter(AgentHttpClient.Response response) {
        Optional<String> header = response.header("Retry-After");
        if (header.isEmpty()) {
            return null;
        }
        String value = header.get().strip();
        if (value.isEmpty() || value.length() > 9 || !value.chars().allMatch(Character::isDigit)) {
            return null;
        }
        Duration delay = Duration.ofSeconds(Long.parseLong(value));
        return delay.compareTo(MAX_RETRY_AFTER) > 0 ? MAX_RETRY_AFTER : delay;
    }

    private static void pause(Duration delay) throws TransportException {
        try {
            Thread.sleep(delay.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TransportException(Kind.UNREACHABLE, "interrupted while waiting to retry", e);
        }
    }
}
