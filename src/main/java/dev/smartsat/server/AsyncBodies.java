package dev.smartsat.server;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.BufferedOutputStream;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.function.ToLongFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads every request body before a worker thread sees the request (SPEC §13 "Slow clients"): the body
 * arrives through the servlet's asynchronous I/O, a callback per burst of bytes, and only a complete request
 * is dispatched to the routes, which then read it from memory. A client that trickles its body in, or
 * hundreds of them, hold a connection each and no thread. A body must arrive within a grace of 10 s plus the
 * time its length takes at the minimum rate, else it is answered 408. (Jetty's own minimum data rate is not
 * used: it compares the bytes with the time since the first one at every read, so a small body whose reading
 * was delayed by a busy server, all of it long arrived, failed it: a 30-byte body read 60 ms late.)
 *
 * <p>Sync files (SPEC §8) may be up to {@code sync.max_bytes}, 1 GiB by default: a body past
 * {@link #IN_MEMORY} is spooled to a temporary file (0600, deleted when the request completes) as it arrives,
 * and the route streams it from there, so a large upload costs disk, not heap, and still holds no thread while
 * the client sends it: the callback writes each burst that has arrived and returns, never waiting for more.
 */
final class AsyncBodies implements Filter {
    private static final Logger log = LoggerFactory.getLogger(AsyncBodies.class);
    private static final String READ = AsyncBodies.class.getName();
    /** The largest body held in memory; management bodies (1 MiB by default) stay below it. */
    static final int IN_MEMORY = 1024 * 1024;
    private static final String SPOOL_FAILED = "the server cannot store the request body now (its temporary"
            + " directory failed); try again later";

    private final ToLongFunction<String> limitOf;
    private final Predicate<HttpServletRequest> mayHold;
    private final AtomicInteger reading = new AtomicInteger();
    private final long minBytesPerSecond;
    static final long GRACE_MS = 10_000;

    /**
     * {@code limitOf} gives the largest body the route at a path reads, and more is never held in memory;
     * a request that {@code mayHold} refuses (a management call without a valid bearer token) goes to its
     * route unread, which refuses it before reading, as before.
     */
    AsyncBodies(ToLongFunction<String> limitOf, Predicate<HttpServletRequest> mayHold, long minBytesPerSecond) {
        this.limitOf = limitOf;
        this.mayHold = mayHold;
        this.minBytesPerSecond = minBytesPerSecond;
    }

    /** How long a body of {@code bytes} may take: 0 (no limit) without a minimum rate. */
    static long deadlineMillis(long bytes, long minBytesPerSecond) {
        if (minBytesPerSecond <= 0) {
            return 0;
        }
        return GRACE_MS + Math.min(bytes, Long.MAX_VALUE / 1000) * 1000 / minBytesPerSecond;
    }

    @Override
    public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain) throws IOException, ServletException {
        HttpServletRequest http = (HttpServletRequest) req;
        long declared = http.getContentLengthLong();
        boolean chunked = declared < 0 && http.getHeader("Transfer-Encoding") != null;
        long limit = limitOf.applyAsLong(http.getRequestURI());
        // No body, or one the route refuses (413) from its Content-Length before reading: nothing to wait for.
        if (req.getAttribute(READ) != null || (declared <= 0 && !chunked) || declared > limit || !mayHold.test(http)) {
            chain.doFilter(req, res);
            return;
        }
        req.setAttribute(READ, Boolean.TRUE);
        reading.incrementAndGet();
        Buffered buffered = new Buffered(http);
        AsyncContext async = req.startAsync(buffered, res);
        async.setTimeout(deadlineMillis(declared > 0 ? declared : limit, minBytesPerSecond));
        ServletInputStream in = req.getInputStream();
        Reader reader = new Reader(in, async, buffered, limit, declared);
        async.addListener(reader);
        in.setReadListener(reader);
    }

    /** Requests whose bodies are arriving now, each holding a connection and no thread. */
    int reading() {
        return reading.get();
    }

    /** Collects the body as it arrives (in memory, then in a spool file past {@link #IN_MEMORY}), then dispatches once. */
    private final class Reader implements ReadListener, AsyncListener {
        private final ServletInputStream in;
        private final AsyncContext async;
        private final Buffered request;
        private final long limit;
        private final ByteArrayOutputStream body;
        private final byte[] chunk = new byte[16 * 1024];
        private final AtomicBoolean dispatched = new AtomicBoolean();
        private long size;
        private Path spoolFile;
        private OutputStream spool;

        Reader(ServletInputStream in, AsyncContext async, Buffered request, long limit, long declared) {
            this.in = in;
            this.async = async;
            this.request = request;
            this.limit = limit;
            this.body = new ByteArrayOutputStream((int) Math.min(declared > 0 ? declared : 8192, IN_MEMORY));
        }

        @Override
        public void onDataAvailable() throws IOException {
            while (in.isReady() && !in.isFinished()) {
                int n = in.read(chunk);
                if (n < 0) {
                    return;
                }
                size += n;
                try {
                    keep(n);
                } catch (IOException e) {
                    log.warn("a request body could not be spooled to {}: {}", spoolFile, e.toString());
                    refuse(503, SPOOL_FAILED);
                    return;
                }
                if (size > limit) {
                    // One byte over is enough for the route to answer 413; the rest is never held.
                    dispatch();
                    return;
                }
            }
        }

        private void keep(int n) throws IOException {
            if (spool != null) {
                spool.write(chunk, 0, n);
                return;
            }
            body.write(chunk, 0, n);
            if (body.size() > IN_MEMORY) {
                spoolFile = Files.createTempFile("smartsat-body-", ".spool");
                spool = new BufferedOutputStream(Files.newOutputStream(spoolFile), 64 * 1024);
                body.writeTo(spool);
                body.reset();
            }
        }

        @Override
        public void onAllDataRead() {
            dispatch();
        }

        /** The client idled out (408) or went away: no route runs. */
        @Override
        public void onError(Throwable t) {
            refuse(408, null);
        }

        /** The body did not arrive within its deadline (408): no route runs. */
        @Override
        public void onTimeout(AsyncEvent event) {
            refuse(408, null);
        }

        @Override
        public void onComplete(AsyncEvent event) {
            discardSpool();
        }

        @Override
        public void onError(AsyncEvent event) {
            refuse(408, null);
        }

        @Override
        public void onStartAsync(AsyncEvent event) {
            // a route's own asynchronous cycle is not this reader's
        }

        /** Answers {@code status} in the JSON error shape and closes, if the connection still takes an answer. */
        private void refuse(int status, String reason) {
            if (!dispatched.compareAndSet(false, true)) {
                return;
            }
            reading.decrementAndGet();
            discardSpool();
            try {
                HttpServletResponse response = (HttpServletResponse) async.getResponse();
                if (!response.isCommitted()) {
                    response.setHeader("Connection", "close");
                    JsonErrors.write(response, status, reason);
                }
            } catch (IOException | RuntimeException gone) {
                // the connection is already closed; there is no one to answer
            } finally {
                async.complete();
            }
        }

        private void dispatch() {
            if (spool != null) {
                try {
                    spool.close();
                } catch (IOException e) {
                    log.warn("a request body could not be spooled to {}: {}", spoolFile, e.toString());
                    refuse(503, SPOOL_FAILED);
                    return;
                }
            }
            if (dispatched.compareAndSet(false, true)) {
                reading.decrementAndGet();
                if (spoolFile == null) {
                    request.body = body.toByteArray();
                } else {
                    request.spooled = spoolFile;
                }
                async.dispatch();
            }
        }

        private void discardSpool() {
            if (spoolFile == null) {
                return;
            }
            try {
                spool.close();
                Files.deleteIfExists(spoolFile);
            } catch (IOException e) {
                log.warn("a spooled request body could not be deleted: {}", e.toString());
            }
        }
    }

    /** The request as the routes see it: its body served from memory, or from its spool file. */
    private static final class Buffered extends HttpServletRequestWrapper {
        private byte[] body = new byte[0];
        private Path spooled;

        Buffered(HttpServletRequest request) {
            super(request);
        }

        @Override
        public ServletInputStream getInputStream() throws IOException {
            return new Bytes(spooled == null ? new ByteArrayInputStream(body) : Files.newInputStream(spooled));
        }

        @Override
        public BufferedReader getReader() throws IOException {
            String encoding = getCharacterEncoding();
            Charset charset = encoding == null ? StandardCharsets.UTF_8 : Charset.forName(encoding);
            return new BufferedReader(new InputStreamReader(getInputStream(), charset));
        }
    }

    private static final class Bytes extends ServletInputStream {
        private final InputStream in;
        private boolean finished;

        Bytes(InputStream in) {
            this.in = in;
        }

        @Override
        public int read() throws IOException {
            int b = in.read();
            finished = b < 0;
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = in.read(b, off, len);
            finished = n < 0;
            return n;
        }

        @Override
        public boolean isFinished() {
            try {
                return finished || in.available() == 0;
            } catch (IOException e) {
                return true;
            }
        }

        @Override
        public boolean isReady() {
            return true;
        }

        @Override
        public void close() throws IOException {
            in.close();
        }

        @Override
        public void setReadListener(ReadListener listener) {
            throw new IllegalStateException("the body has already been read");
        }
    }
}
