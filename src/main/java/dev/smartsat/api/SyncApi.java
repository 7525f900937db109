package dev.smartsat.api;

import dev.smartsat.core.ClientError;
import dev.smartsat.core.Paging;
import dev.smartsat.sync.SatelliteReports;
import dev.smartsat.sync.SatelliteSync;
import dev.smartsat.sync.Sync;
import dev.smartsat.sync.SyncFiles;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.util.function.Function;

/**
 * Synchronization over HTTP (SPEC §8): the satellite's {@code /sync} routes, and the upstream's
 * {@code /satellite/sync} and what it shows of its satellites. Each answers 409 on the other role.
 */
final class SyncApi {
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
        SatelliteSync.RequestFile file = sync.satellite().newRequest(gzip);
        // Streamed from the file, which closing the stream deletes once it is sent (or the client went away), as it is:
        // its length is announced, so Javalin must not gzip it on the way (ask gzip=true for that).
        ctx.header("Content-Disposition", "attachment; filename=\"" + file.fileName() + "\"");
        ctx.disableCompression();
        ctx.res().setContentLengthLong(file.length());
        ctx.contentType(file.contentType()).result(file.open());
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

    /** Hands {@code read} the sync file of the request, as {@link SyncFiles#upload} reads it. */
    private <T> T upload(Context ctx, Function<InputStream, T> read) {
        InputStream body;
        try {
            body = ctx.req().getInputStream();
        } catch (IOException e) {
            throw SyncFiles.failure(e, "request body");
        }
        return SyncFiles.upload(body, ctx.contentType(), ctx.header("Content-Encoding"), maxBytes, read);
    }
}
