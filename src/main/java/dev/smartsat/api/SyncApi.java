package dev.smartsat.api;

import dev.smartsat.core.ClientError;
import dev.smartsat.sync.SatelliteReports;
import dev.smartsat.sync.SatelliteSync;
import dev.smartsat.sync.Sync;
import io.javalin.http.Context;
import jakarta.servlet.MultipartConfigElement;
import jakarta.servlet.http.Part;
import java.io.ByteArrayInputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import org.eclipse.jetty.server.MultiPartFormInputStream;

/**
 * Synchronization over HTTP (SPEC §8): the satellite's {@code /sync} routes, and the upstream's
 * {@code /satellite/sync} and what it shows of its satellites. Each answers 409 on the other role.
 */
final class SyncApi {
    /** Sync files can be far larger than management bodies: a request for 10,000 instances is ~4 MB. */
    static final long MAX_SYNC_BODY = 64L * 1024 * 1024;

    private final Sync sync;

    SyncApi(Sync sync) {
        this.sync = sync;
    }

    void status(Context ctx) {
        ctx.json(sync.status());
    }

    /** 200 with the status after a successful sync, 502 with it (lastFailureReason filled) after a failed one. */
    void now(Context ctx) {
        boolean synced = sync.connected().syncNow();
        ctx.status(synced ? 200 : 502).json(sync.status());
    }

    void requestFile(Context ctx) {
        SatelliteSync.RequestFile file = sync.satellite().newRequest();
        ctx.header("Content-Disposition", "attachment; filename=\"" + file.fileName() + "\"");
        ctx.contentType("application/json").result(file.json());
    }

    void responseFile(Context ctx) {
        SatelliteSync satellite = sync.satellite();
        satellite.importResponse(upload(ctx), SatelliteSync.Via.FILE);
        ctx.json(sync.status());
    }

    /** The upstream's endpoint: a sync request envelope in, the sync response envelope out. */
    void process(Context ctx) {
        var upstream = sync.upstream();
        byte[] body = upload(ctx);
        ctx.contentType("application/json").result(upstream.process(body).json());
    }

    void satellites(Context ctx) {
        Paging paging = Paging.of(ctx);
        var page = sync.reports().satellites(paging.limit(), paging.offset());
        ctx.json(Lists.of("satellites", page.totalRecords(), page.items()));
    }

    void instances(Context ctx) {
        SatelliteReports reports = sync.reports();
        Paging paging = Paging.of(ctx);
        var page = reports.instances(ctx.pathParam("satelliteId"), ctx.queryParam("virtualAccount"), paging.limit(),
                paging.offset());
        ctx.json(Lists.of("instances", page.totalRecords(), page.items()));
    }

    /** A sync file, sent as the raw body (JSON) or as the multipart/form-data part {@code file} of a browser upload. */
    private static byte[] upload(Context ctx) {
        String type = ctx.contentType() == null ? "" : ctx.contentType().toLowerCase(Locale.ROOT);
        if (type.startsWith("multipart/form-data")) {
            return part(Bodies.read(ctx, MAX_SYNC_BODY), ctx.contentType());
        }
        if (!type.isEmpty() && !type.contains("json") && !type.startsWith("application/octet-stream")) {
            throw new ClientError.UnsupportedMediaType("send the sync file as application/json, or as the"
                    + " multipart/form-data part named file; not " + ctx.contentType());
        }
        byte[] body = Bodies.read(ctx, MAX_SYNC_BODY);
        if (body.length == 0) {
            throw new ClientError.BadRequest("the request body is empty; send the sync file");
        }
        return body;
    }

    private static byte[] part(byte[] body, String contentType) {
        File tmp = new File(System.getProperty("java.io.tmpdir"));
        // Held in memory whole (the threshold is the body limit): nothing is written to disk.
        var config = new MultipartConfigElement(tmp.getPath(), MAX_SYNC_BODY, MAX_SYNC_BODY, (int) MAX_SYNC_BODY);
        MultiPartFormInputStream form = new MultiPartFormInputStream(new ByteArrayInputStream(body), contentType, config,
                tmp, 10);
        try {
            Part part = form.getPart("file");
            if (part == null) {
                throw new ClientError.BadRequest("file", "the multipart form has no part named file; send the sync"
                        + " file as the part named file");
            }
            try (InputStream in = part.getInputStream()) {
                return in.readAllBytes();
            }
        } catch (IOException | IllegalStateException e) {
            throw new ClientError.BadRequest("the multipart form cannot be read: " + e.getMessage());
        } finally {
            form.deleteParts();
        }
    }
}
