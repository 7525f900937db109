package dev.smartsat.sync;

import dev.smartsat.core.ClientError;
import jakarta.servlet.MultipartConfigElement;
import jakarta.servlet.http.Part;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.File;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.function.Function;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import java.util.zip.ZipException;
import org.eclipse.jetty.server.MultiPartFormInputStream;

/**
 * Sync files as bytes on their way in and out (SPEC §8): read as a stream of at most {@code sync.max_bytes},
 * gzip when the sender says so ({@code Content-Encoding: gzip}) or when the first two bytes are the gzip
 * magic, and held to the same limit once decompressed, so a small gzip "bomb" cannot grow past it.
 */
public final class SyncFiles {
    private static final int BUFFER = 64 * 1024;
    /** A multipart part larger than this waits for the route in a temporary file, not in memory. */
    private static final int PART_IN_MEMORY = 1024 * 1024;

    private SyncFiles() {}

    /** A sync file or its decompressed content went past the limit: the reader answers 413. */
    static final class TooLarge extends IOException {
        TooLarge(String message) {
            super(message, null);
        }
    }

    /**
     * The sync file {@code raw} carries, decompressed when it is gzip. Nothing is read until the first read,
     * so every failure — too large, corrupt gzip, a connection gone — surfaces where the file is parsed and
     * becomes the 4xx of {@link #failure}.
     */
    public static final class Decoded extends InputStream {
        private final InputStream raw;
        private final long maxBytes;
        private final boolean declaredGzip;
        private InputStream in;
        private boolean gzip;

        public Decoded(InputStream raw, long maxBytes, boolean declaredGzip) {
            this.raw = raw;
            this.maxBytes = maxBytes;
            this.declaredGzip = declaredGzip;
        }

        /** Whether the file was gzip; known once reading began. */
        public boolean wasGzip() {
            return gzip;
        }

        private InputStream in() throws IOException {
            if (in == null) {
                BufferedInputStream buffered = new BufferedInputStream(new Bounded(raw, maxBytes, ""), BUFFER);
                gzip = declaredGzip || startsWithGzipMagic(buffered);
                in = gzip ? new Bounded(new GZIPInputStream(buffered, BUFFER), maxBytes, " once decompressed") : buffered;
            }
            return in;
        }

        @Override
        public int read() throws IOException {
            return in().read();
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            return in().read(b, off, len);
        }

        @Override
        public void close() throws IOException {
            raw.close();
        }
    }

    /**
     * The 4xx of a sync file that could not be read ({@code e} or one of its causes says why): 413 past the
     * limit, 400 for corrupt gzip or anything else that broke the stream.
     */
    public static ClientError failure(Exception e, String what) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof TooLarge tooLarge) {
                return new ClientError.TooLarge("the " + what + tooLarge.getMessage());
            }
            if (t instanceof ZipException || t instanceof EOFException) {
                return new ClientError.BadRequest("the " + what + " is not valid gzip, or was cut short: "
                        + t.getMessage());
            }
        }
        return new ClientError.BadRequest("the " + what + " could not be read: " + e.getMessage());
    }

    /**
     * Hands {@code read} the sync file of a request body, as a stream: the raw body (JSON or octet-stream) or the
     * multipart/form-data part {@code file} of a browser upload; gzip when {@code contentEncoding} says so or when
     * it starts with the gzip magic (a .gz file uploaded as it is). See {@link Decoded}. The management API's
     * upload routes and the console's Upload Response File read their files here.
     */
    public static <T> T upload(InputStream raw, String contentType, String contentEncoding, long maxBytes,
                               Function<InputStream, T> read) {
        String type = contentType == null ? "" : contentType.toLowerCase(Locale.ROOT);
        InputStream body = new Decoded(raw, maxBytes, gzipEncoded(contentEncoding));
        if (type.startsWith("multipart/form-data")) {
            return part(body, contentType, maxBytes, read);
        }
        if (!type.isEmpty() && !type.contains("json") && !type.startsWith("application/octet-stream")
                && !type.startsWith("application/gzip")) {
            throw new ClientError.UnsupportedMediaType("send the sync file as application/json (gzip or not), or as"
                    + " the multipart/form-data part named file; not " + contentType);
        }
        return read.apply(body);
    }

    private static boolean gzipEncoded(String encoding) {
        if (encoding == null || encoding.isBlank() || encoding.strip().equalsIgnoreCase("identity")) {
            return false;
        }
        if (encoding.strip().equalsIgnoreCase("gzip") || encoding.strip().equalsIgnoreCase("x-gzip")) {
            return true;
        }
        throw new ClientError.UnsupportedMediaType("Content-Encoding " + encoding + " is not taken here; send the sync"
                + " file as it is or gzipped (Content-Encoding: gzip)");
    }

    private static <T> T part(InputStream body, String contentType, long maxBytes, Function<InputStream, T> read) {
        File tmp = new File(System.getProperty("java.io.tmpdir"));
        // The body is already bounded by sync.max_bytes; a large part goes to a temporary file, deleted below.
        var config = new MultipartConfigElement(tmp.getPath(), -1, -1, PART_IN_MEMORY);
        MultiPartFormInputStream form = new MultiPartFormInputStream(body, contentType, config, tmp, 10);
        try {
            return read.apply(new Decoded(file(form), maxBytes, false));
        } finally {
            form.deleteParts();
        }
    }

    private static InputStream file(MultiPartFormInputStream form) {
        try {
            Part part = form.getPart("file");
            if (part == null) {
                throw new ClientError.BadRequest("file", "the multipart form has no part named file; send the sync"
                        + " file as the part named file");
            }
            return part.getInputStream();
        } catch (IOException | IllegalStateException e) {
            throw failure(e, "multipart form");
        }
    }

    static boolean startsWithGzipMagic(BufferedInputStream in) throws IOException {
        in.mark(2);
        int first = in.read();
        int second = in.read();
        in.reset();
        return first == 0x1f && second == 0x8b;
    }

    /** {@code text} in UTF-8, gzipped. */
    public static byte[] gzip(String text) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(Math.max(64, text.length() / 8));
        try {
            writeGzip(bytes, text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** Writes {@code text} in UTF-8, gzipped, to {@code out}, and finishes the gzip stream (without closing {@code out}). */
    public static void writeGzip(OutputStream out, String text) throws IOException {
        GZIPOutputStream gzip = new GZIPOutputStream(out, BUFFER);
        gzip.write(text.getBytes(StandardCharsets.UTF_8));
        gzip.finish();
    }

    /** Refuses to give more than {@code max} bytes: one more read is a {@link TooLarge}. */
    private static final class Bounded extends FilterInputStream {
        private final long max;
        private final String when;
        private long count;

        Bounded(InputStream in, long max, String when) {
            super(in);
            this.max = max;
            this.when = when;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                counted(1);
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                counted(n);
            }
            return n;
        }

        private void counted(long n) throws TooLarge {
            count += n;
            if (count > max) {
                throw new TooLarge(" is larger than " + max + " bytes" + when + " (sync.max_bytes)");
            }
        }

        @Override
        public long skip(long n) throws IOException {
            long skipped = super.skip(n);
            counted(skipped);
            return skipped;
        }

        @Override
        public boolean markSupported() {
            return false;
        }
    }
}
