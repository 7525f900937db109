package dev.smartsat.api;

import dev.smartsat.core.ClientError;
import dev.smartsat.core.Paging;
import dev.smartsat.sync.SatelliteReports;
import dev.smartsat.sync.SatelliteSync;
import dev.smartsat.sync.Sync;
import dev.smartsat.sync.SyncFiles;
import io.javalin.http.Context;
import jakarta.servlet.MultipartConfigElement;
import jakarta.servlet.http.Part;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import java.util.function.Function;
import org.eclipse.jetty.server.MultiPartFormInputStream;

/**
 * Synchronization over HTTP (SPEC §8): the satellite's {@code /sync} routes, and the upstream's
 * {@code /satellite/sync} and what it shows of its satellites. Each answers 409 on the other role.
 */
final class SyncApi {
    /** A multipart part larger than this waits for the route in a temporary file, not in memory. */
    private static final int PART_IN_MEMORY = 1024 * 1024;

    private final Sync sync;
    private final long maxBytes;

    /** {@code maxBytes} is {@code sync.max_bytes}: the largest sync file taken, before and after decompression. */
    SyncApi(Sync sync, long maxBytes) {
        this.sync = sync;
        this.maxBytes = maxBytes;
    }

    void status(Context ctx) {
        ctx.json(sync.status());
    }

    /** 200 with the status after a successful sync, 502 with it (lastFailureReason filled) after a failed one. */
    void now(Context ctx) {
        boolean synced = sync.connected().syncNow();
        ctx.status(synced ? 200 : 502).json(sync.status());
    }

    /** A new sync request; {@code ?gzip=true} answers the file gzipped ({@code application/gzip}, {@code .json.gz}). */
    void requestFile(Context ctx) {
        // Checked before the request is made: a refused call must not use up a sequence.
        boolean gzip = gzipParam(ctx.queryParam("gzip"));
        SatelliteSync.RequestFile file = sync.satellite().newRequest();
        if (gzip) {
            ctx.header("Content-Disposition", "attachment; filename=\"" + file.fileName() + ".gz\"");
            ctx.contentType("application/gzip").result(SyncFiles.gzip(file.json()));
        } else {
            ctx.header("Content-Disposition", "attachment; filename=\"" + file.fileName() + "\"");
            ctx.contentType("application/json").result(file.json());
        }
    }

    private static boolean gzipParam(String value) {
        if (value == null || value.equals("false")) {
            return false;
        }
        if (value.equals("true")) {
            return true;
        }
        throw new ClientError.BadRequest("gzip", "gzip must be true or false, not '" + value + "'");
    }

    void responseFile(Context ctx) {
        SatelliteSync satellite = sync.satellite();
        upload(ctx, file -> satellite.importResponse(file, SatelliteSync.Via.FILE));
        ctx.json(sync.status());
    }

    /** The upstream's endpoint: a sync request envelope in, the sync response envelope out. */
    void process(Context ctx) {
        var upstream = sync.upstream();
        String response = upload(ctx, upstream::process).json();
        ctx.contentType("application/json").result(response);
    }

    void satellites(Context ctx) {
        Paging paging = QueryParams.paging(ctx);
        var page = sync.reports().satellites(paging.limit(), paging.offset());
        ctx.json(Lists.of("satellites", page.totalRecords(), page.items()));
    }

    void instances(Context ctx) {
        SatelliteReports reports = sync.reports();
        Paging paging = QueryParams.paging(ctx);
        var page = reports.instances(ctx.pathParam("satelliteId"), ctx.queryParam("virtualAccount"), paging.limit(),
                paging.offset());
        ctx.json(Lists.of("instances", page.totalRecords(), page.items()));
    }

    /**
     * Hands {@code read} the sync file of the request, as a stream: the raw body (JSON or octet-stream) or the
     * multipart/form-data part {@code file} of a browser upload; gzip when {@code Content-Encoding: gzip} says
     * so or when it starts with the gzip magic (a .gz file uploaded as it is). See {@link SyncFiles.Decoded}.
     */
    private <T> T upload(Context ctx, Function<InputStream, T> read) {
        String type = ctx.contentType() == null ? "" : ctx.contentType().toLowerCase(Locale.ROOT);
        boolean gzip = gzipEncoded(ctx.header("Content-Encoding"));
        InputStream body;
        try {
            body = new SyncFiles.Decoded(ctx.req().getInputStream(), maxBytes, gzip);
        } catch (IOException e) {
            throw SyncFiles.failure(e, "request body");
        }
        if (type.startsWith("multipart/form-data")) {
            return part(body, ctx.contentType(), read);
        }
        if (!type.isEmpty() && !type.contains("json") && !type.startsWith("application/octet-stream")
                && !type.startsWith("application/gzip")) {
            throw new ClientError.UnsupportedMediaType("send the sync file as application/json (gzip or not), or as"
                    + " the multipart/form-data part named file; not " + ctx.contentType());
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

    private <T> T part(InputStream body, String contentType, Function<InputStream, T> read) {
        File tmp = new File(System.getProperty("java.io.tmpdir"));
        // The body is already bounded by sync.max_bytes; a large part goes to a temporary file, deleted below.
        var config = new MultipartConfigElement(tmp.getPath(), -1, -1, PART_IN_MEMORY);
        MultiPartFormInputStream form = new MultiPartFormInputStream(body, contentType, config, tmp, 10);
        try {
            return read.apply(new SyncFiles.Decoded(file(form), maxBytes, false));
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
            throw SyncFiles.failure(e, "multipart form");
        }
    }
}
