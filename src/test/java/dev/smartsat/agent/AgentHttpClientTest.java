package dev.smartsat.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.smartsat.pki.Pki;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent's HTTPS client against a scripted TLS server: bodies by length, in chunks and to the end of the
 * connection, keep-alive reuse, a kept-alive connection the server closed (replaced once, transparently), a
 * server whose certificate does not chain to the trusted root or does not name the host, a body over the limit,
 * a server that does not answer, and new connections for every request with no TLS session resumed.
 */
class AgentHttpClientTest {
    @TempDir
    Path dir;
    Pki pki;
    SSLServerSocket server;
    Thread serverThread;
    final BlockingQueue<String> script = new LinkedBlockingQueue<>();
    final AtomicInteger connections = new AtomicInteger();
    final List<String> requests = new ArrayList<>();
    // For each connection: whether its TLS session was resumed (created before the connection was accepted).
    final List<Boolean> resumed = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        pki = Pki.loadOrCreate(dir.resolve("certs"), List.of(), Clock.systemUTC());
        char[] password = "test".toCharArray();
        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(pki.tlsKeyStore(password), password);
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(keys.getKeyManagers(), null, null);
        server = (SSLServerSocket) tls.getServerSocketFactory().createServerSocket(0);
        serverThread = new Thread(this::serve, "scripted-https");
        serverThread.setDaemon(true);
        serverThread.start();
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
        serverThread.join(5000);
    }

    /** Each scripted answer is raw HTTP; "CLOSE" closes the connection instead of answering. */
    private void serve() {
        long lastSession = 0;
        while (!server.isClosed()) {
            // A session created before this accept, by the millisecond clock, is an earlier connection's.
            while (System.currentTimeMillis() <= lastSession) {
                Thread.onSpinWait();
            }
            try (Socket socket = server.accept()) {
                long accepted = System.currentTimeMillis();
                SSLSession session = ((SSLSocket) socket).getSession();
                lastSession = Math.max(accepted, session.getCreationTime());
                synchronized (resumed) {
                    resumed.add(session.getCreationTime() < accepted);
                }
                connections.incrementAndGet();
                BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(),
                        StandardCharsets.ISO_8859_1));
                OutputStream out = socket.getOutputStream();
                while (true) {
                    String requestLine = in.readLine();
                    if (requestLine == null) {
                        break;
                    }
                    int length = 0;
                    for (String h = in.readLine(); h != null && !h.isEmpty(); h = in.readLine()) {
                        if (h.toLowerCase().startsWith("content-length:")) {
                            length = Integer.parseInt(h.substring(15).trim());
                        }
                    }
                    char[] body = new char[length];
                    in.read(body, 0, length);
                    synchronized (requests) {
                        requests.add(requestLine + " " + new String(body));
                    }
                    String answer = script.take();
                    if (answer.equals("CLOSE")) {
                        break;
                    }
                    out.write(answer.getBytes(StandardCharsets.ISO_8859_1));
                    out.flush();
                    if (answer.contains("Connection: close")) {
                        break;
                    }
                }
            } catch (IOException | InterruptedException e) {
                // the test closed the server, or the client went away
            }
        }
    }

    private AgentHttpClient client() {
        return AgentHttpClient.trusting(pki.root(), Duration.ofSeconds(5), Duration.ofSeconds(5), 4);
    }

    private URI uri(String path) {
        return URI.create("https://localhost:" + server.getLocalPort() + path);
    }

    @Test
    void bodiesByLengthInChunksAndToTheEndOverOneKeptAliveConnection() throws Exception {
        script.add("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nRetry-After: 3\r\n\r\nhello");
        script.add("HTTP/1.1 201 Created\r\nTransfer-Encoding: chunked\r\n\r\n4;ext=1\r\nWiki\r\n5\r\npedia\r\n0\r\n\r\n");
        script.add("HTTP/1.1 204 No Content\r\n\r\n");
        script.add("HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nto the end");
        try (AgentHttpClient http = client()) {
            AgentHttpClient.Response first = http.send("POST", uri("/SmartTransport"),
                    Map.of("Content-Type", "application/json"), "{\"a\":1}".getBytes(StandardCharsets.UTF_8));
            assertEquals(200, first.status());
            assertEquals("hello", new String(first.body(), StandardCharsets.UTF_8));
            assertEquals("3", first.header("retry-after").orElseThrow());
            AgentHttpClient.Response chunked = http.send("GET", uri("/x?y=1"), Map.of(), null);
            assertEquals(201, chunked.status());
            assertEquals("Wikipedia", new String(chunked.body(), StandardCharsets.UTF_8));
            AgentHttpClient.Response none = http.send("DELETE", uri("/z"), Map.of(), null);
            assertEquals(204, none.status());
            assertEquals(0, none.body().length);
            AgentHttpClient.Response toTheEnd = http.send("GET", uri("/end"), Map.of(), null);
            assertEquals("to the end", new String(toTheEnd.body(), StandardCharsets.UTF_8));
        }
        assertEquals(1, connections.get(), "the first four answers share one kept-alive connection");
        assertEquals(List.of("POST /SmartTransport HTTP/1.1 {\"a\":1}", "GET /x?y=1 HTTP/1.1 ", "DELETE /z HTTP/1.1 ",
                "GET /end HTTP/1.1 "), requests);
    }

    @Test
    void aKeptAliveConnectionTheServerClosedIsReplacedOnce() throws Exception {
        script.add("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
        script.add("CLOSE");
        script.add("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nagain");
        try (AgentHttpClient http = client()) {
            assertEquals("ok", new String(http.send("GET", uri("/1"), Map.of(), null).body(), StandardCharsets.UTF_8));
            assertEquals("again", new String(http.send("GET", uri("/2"), Map.of(), null).body(),
                    StandardCharsets.UTF_8));
        }
        assertEquals(2, connections.get());
        // A fresh connection that fails is not retried: the caller learns of it.
        script.add("CLOSE");
        try (AgentHttpClient http = client()) {
            assertThrows(IOException.class, () -> http.send("GET", uri("/3"), Map.of(), null));
        }
    }

    @Test
    void aServerWhoseCertificateDoesNotChainToTheRootIsRefused() throws Exception {
        Pki stranger = Pki.loadOrCreate(dir.resolve("stranger"), List.of(), Clock.systemUTC());
        try (AgentHttpClient http = AgentHttpClient.trusting(stranger.root(), Duration.ofSeconds(5), Duration.ofSeconds(5),
                4)) {
            SSLException refused = assertThrows(SSLException.class, () -> http.send("GET", uri("/"), Map.of(), null));
            assertTrue(refused.getMessage() != null, String.valueOf(refused));
        }
        assertTrue(script.isEmpty());
    }

    @Test
    void aCertificateThatDoesNotNameTheHostIsRefused() throws Exception {
        // The satellite's TLS certificate names localhost and 127.0.0.1; 127.0.0.2 is the same machine, unnamed.
        URI unnamed = URI.create("https://127.0.0.2:" + server.getLocalPort() + "/");
        try (AgentHttpClient http = client()) {
            assertThrows(SSLException.class, () -> http.send("GET", unnamed, Map.of(), null));
        }
        assertTrue(requests.isEmpty(), "nothing was sent: " + requests);
    }

    @Test
    void aBodyOverTheLimitIsRefusedUnread() throws Exception {
        script.add("HTTP/1.1 200 OK\r\nContent-Length: " + (AgentHttpClient.MAX_BODY_BYTES + 1) + "\r\n\r\n");
        try (AgentHttpClient http = client()) {
            IOException refused = assertThrows(IOException.class, () -> http.send("GET", uri("/big"), Map.of(), null));
            assertTrue(refused.getMessage().contains("over the limit"), refused.getMessage());
        }
    }

    @Test
    void aServerThatDoesNotAnswerTimesOut() throws Exception {
        try (AgentHttpClient http = AgentHttpClient.trusting(pki.root(), Duration.ofSeconds(5), Duration.ofMillis(200),
                1)) {
            assertThrows(InterruptedIOException.class, () -> http.send("POST", uri("/SmartTransport"), Map.of(),
                    "{}".getBytes(StandardCharsets.UTF_8)));
        } finally {
            script.add("CLOSE"); // lets the scripted server go on
        }
        assertEquals(1, requests.size(), "sent once, not again after the timeout: " + requests);
    }

    @Test
    void newConnectionsOpenOneTlsConnectionPerRequestAndResumeNoSession() throws Exception {
        for (int i = 0; i < 3; i++) {
            script.add("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
        }
        try (AgentHttpClient http = AgentHttpClient.trusting(pki.root(), Duration.ofSeconds(5), Duration.ofSeconds(5),
                1, AgentHttpClient.Connections.NEW)) {
            for (int i = 0; i < 3; i++) {
                assertEquals("ok", new String(http.send("POST", uri("/SmartTransport"), Map.of(),
                        "{}".getBytes(StandardCharsets.UTF_8)).body(), StandardCharsets.UTF_8));
            }
            assertEquals(3, http.requests());
            assertEquals(3, http.handshakes());
        }
        assertEquals(3, connections.get(), "one connection per request");
        assertEquals(List.of(false, false, false), resumed, "every handshake a full one");
    }

    @Test
    void aKeptAliveClientResumesItsSessionWhenItReconnects() throws Exception {
        // What the new-connections client must not do, and the proof that the server above can tell.
        script.add("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok");
        script.add("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
        script.add("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
        try (AgentHttpClient http = client()) {
            for (int i = 0; i < 3; i++) {
                http.send("GET", uri("/" + i), Map.of(), null);
            }
            assertEquals(3, http.requests());
            assertEquals(2, http.handshakes(), "the second connection is kept alive for the third request");
        }
        assertEquals(List.of(false, true), resumed);
    }
}
