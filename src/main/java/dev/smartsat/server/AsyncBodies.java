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
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.function.ToLongFunction;

/**
 * Reads every request body before a worker thread sees the request (SPEC §13 "Slow clients"): the body
 * arrives through the servlet's asynchronous I/O, a callback per burst of bytes, and only a complete request
 * is dispatched to the routes, which then read it from memory. A client that trickles its body in, or
 * hundreds of them, hold a connection each and no thread. A body must arrive within a grace of 10 s plus the
 * time its length takes at the minimum rate, else it is answered 408. (Jetty's own minimum data rate is not
 * used: it compares the bytes with the time since the first one at every read, so a small body whose reading
 * was delayed by a busy server, all of it long arrived, failed it: a 30-byte body read 60 ms late.)
 */
final class AsyncBodies implements Filter {
    private static final String READ = AsyncBodies.class.getName();

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

    /** Collects the body as it arrives, then dispatches the request to the routes once. */
    private final class Reader implements ReadListener, AsyncListener {
        private final ServletInputStream in;
        private final AsyncContext async;
        private final Buffered request;
        private final long limit;
        private final ByteArrayOutputStream body;
        private final byte[] chunk = new byte[16 * 1024];
        private final AtomicBoolean dispatched = new AtomicBoolean();

        Reader(ServletInputStream in, AsyncContext async, Buffered request, long limit, long declared) {
            this.in = in;
            this.async = async;
            this.request = request;
            this.limit = limit;
            this.body = new ByteArrayOutputStream((int) Math.min(declared > 0 ? declared : 8192, 1 << 20));
        }

        @Override
        public void onDataAvailable() throws IOException {
            while (in.isReady() && !in.isFinished()) {
                int n = in.read(chunk);
                if (n < 0) {
                    return;
                }
                body.write(chunk, 0, n);
                if (body.size() > limit) {
                    // One byte over is enough for the route to answer 413; the rest is never held.
                    dispatch();
                    return;
                }
            }
        }

        @Override
        public void onAllDataRead() {
            dispatch();
        }

        /** The client idled out (408) or went away: no route runs. */
        @Override
        public void onError(Throwable t) {
            refuse();
        }

        /** The body did not arrive within its deadline (408): no route runs. */
        @Override
        public void onTimeout(AsyncEvent event) {
            refuse();
        }

        @Override
        public void onComplete(AsyncEvent event) {
            // nothing to release: the buffer goes with the request
        }

        @Override
        public void onError(AsyncEvent event) {
            refuse();
        }

        @Override
        public void onStartAsync(AsyncEvent event) {
            // a route's own asynchronous cycle is not this reader's
        }

        /** Answers 408 in the JSON error shape and closes, if the connection still takes an answer. */
        private void refuse() {
            if (!dispatched.compareAndSet(false, true)) {
                return;
            }
            reading.decrementAndGet();
            try {
                HttpServletResponse response = (HttpServletResponse) async.getResponse();
                if (!response.isCommitted()) {
                    response.setHeader("Connection", "close");
                    JsonErrors.write(response, 408, null);
                }
            } catch (IOException | RuntimeException gone) {
                // the connection is already closed; there is no one to answer
            } finally {
                async.complete();
            }
        }

        private void dispatch() {
            if (dispatched.compareAndSet(false, true)) {
                reading.decrementAndGet();
                request.body = body.toByteArray();
                async.dispatch();
            }
        }
    }

    /** The request as the routes see it: its body served from memory. */
    private static final class Buffered extends HttpServletRequestWrapper {
        private byte[] body = new byte[0];

        Buffered(HttpServletRequest request) {
            super(request);
        }

        @Override
        public ServletInputStream getInputStream() {
            return new Bytes(body);
        }

        @Override
        public BufferedReader getReader() {
            String encoding = getCharacterEncoding();
            Charset charset = encoding == null ? StandardCharsets.UTF_8 : Charset.forName(encoding);
            return new BufferedReader(new InputStreamReader(new ByteArrayInputStream(body), charset));
        }
    }

    private static final class Bytes extends ServletInputStream {
        private final ByteArrayInputStream in;

        Bytes(byte[] bytes) {
            this.in = new ByteArrayInputStream(bytes);
        }

        @Override
        public int read() {
            return in.read();
        }

        @Override
        public int read(byte[] b, int off, int len) {
            return in.read(b, off, len);
        }

        @Override
        public boolean isFinished() {
            return in.available() == 0;
        }

        @Override
        public boolean isReady() {
            return true;
        }

        @Override
        public void setReadListener(ReadListener listener) {
            throw new IllegalStateException("the body has already been read into memory");
        }
    }
}
