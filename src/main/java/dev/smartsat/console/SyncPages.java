package dev.smartsat.console;

import dev.smartsat.auth.ConsoleSessions.Session;
import dev.smartsat.core.ClientError;
import dev.smartsat.sync.SatelliteSync;
import dev.smartsat.sync.Sync;
import dev.smartsat.sync.SyncFiles;
import dev.smartsat.sync.SyncStatus;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.io.IOException;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The Synchronization page (SPEC §8, §12): the satellite's sync status, Synchronize Now in connected mode, and the
 * request and response files carried by hand, each doing what its {@code /sync} route of the API does.
 */
public final class SyncPages {
    static final String PATH = Pages.HOME + "/sync";
    /** The upload's path: the server reads its body as a sync file, up to {@code sync.max_bytes}, spooled to disk. */
    public static final String RESPONSE_FILE = PATH + "/response-file";
    private static final String NOW = PATH + "/now";
    private static final String REQUEST_FILE = PATH + "/request-file";

    private final Pages pages;
    private final Sync sync;
    private final long maxBytes;

    /**
     * The page: the status, whether Synchronize Now is offered (connected mode), and what the last action said —
     * {@code notice} after a response file was taken, or {@code error} in the domain's words beside the form
     * {@code failedForm} ({@code now}, {@code request} or {@code response}) that caused it.
     */
    public record SyncPage(Views.Header header, SyncStatus status, boolean connected, long maxBytes, String notice,
                           String failedForm, String error) {}

    SyncPages(Pages pages, Sync sync, long maxBytes) {
        this.pages = pages;
        this.sync = sync;
        this.maxBytes = maxBytes;
    }

    void routes(ConsoleRoutes r) {
        r.get(PATH, this::page);
        r.post(NOW, this::syncNow);
        r.post(REQUEST_FILE, this::requestFile);
        r.post(RESPONSE_FILE, this::responseFile);
    }

    void page(Context ctx) {
        Optional<Session> session = pages.signedIn(ctx);
        if (session.isPresent()) {
            render(ctx, session.get(), notice(ctx), null, null);
        }
    }

    /** What the redirect after an upload says: the response applied, or imported again without a change. */
    private static String notice(Context ctx) {
        String applied = ctx.queryParam("applied");
        String unchanged = ctx.queryParam("unchanged");
        if (applied != null && applied.matches("[0-9]{1,19}")) {
            return "Sync response " + applied + " applied.";
        }
        if (unchanged != null && unchanged.matches("[0-9]{1,19}")) {
            return "Sync response " + unchanged + " was already applied; importing it again changed nothing.";
        }
        return null;
    }

    /** Synchronize Now: 303 back to the page on success, 502 with the failure's reason, 409 in disconnected mode. */
    void syncNow(Context ctx) {
        Optional<Boolean> synced = write(ctx, "synchronize", "now", () -> sync.connected().syncNow());
        if (synced.isEmpty()) {
            return;
        }
        if (!synced.get()) {
            ctx.status(HttpStatus.BAD_GATEWAY);
            render(ctx, pages.session(ctx).orElseThrow(), null, "now",
                    "the synchronization failed: " + sync.status().lastFailureReason());
            return;
        }
        ctx.redirect(PATH, HttpStatus.SEE_OTHER);
    }

    /** Download Request File: a new request, with the next sequence, as a file the browser saves; gzip if asked. */
    void requestFile(Context ctx) {
        boolean gzip = "true".equals(ctx.formParam("gzip"));
        write(ctx, "download sync request files", "request", () -> sync.satellite().newRequest(gzip))
                .ifPresent(file -> Pages.download(ctx, file.fileName(), file.contentType(), file.length(), file.open()));
    }

    /**
     * Upload Response File: the multipart part {@code file}, read as a stream as the API reads it; a file the
     * domain rejects changes nothing, is recorded as a failed sync, and its words are shown beside the form.
     */
    void responseFile(Context ctx) {
        write(ctx, "upload sync response files", "response", () -> upload(ctx)).ifPresent(imported -> ctx.redirect(
                PATH + (imported.applied() ? "?applied=" : "?unchanged=") + imported.sequence(), HttpStatus.SEE_OTHER));
    }

    /**
     * What {@code action} answers, for a writer; empty once the request was answered: 403 for a viewer, or the page
     * again with the domain's refusal, its status and words, beside the form {@code form} that caused it.
     */
    private <T> Optional<T> write(Context ctx, String what, String form, Supplier<T> action) {
        Optional<Session> session = pages.writer(ctx, what);
        if (session.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(action.get());
        } catch (ClientError e) {
            ctx.status(e.status());
            render(ctx, session.get(), null, form, e.getMessage());
            return Optional.empty();
        }
    }

    private SatelliteSync.Imported upload(Context ctx) {
        // Refused before a byte of it is read: the server did not hold a body declared this large.
        if (ctx.req().getContentLengthLong() > maxBytes) {
            throw new ClientError.TooLarge("the request body is larger than " + maxBytes + " bytes (sync.max_bytes)");
        }
        SatelliteSync satellite = sync.satellite();
        try {
            return SyncFiles.upload(ctx.req().getInputStream(), ctx.contentType(), ctx.header("Content-Encoding"),
                    maxBytes, in -> satellite.importResponse(in, SatelliteSync.Via.FILE));
        } catch (IOException e) {
            throw SyncFiles.failure(e, "request body");
        }
    }

    private void render(Context ctx, Session session, String notice, String failedForm, String error) {
        SyncStatus status;
        try {
            status = sync.status();
        } catch (ClientError e) {
            pages.message(ctx, session, e, "Synchronization");
            return;
        }
        Pages.render(ctx, "sync.jte", new SyncPage(pages.header(ctx, session), status,
                Sync.CONNECTED.equals(status.mode()), maxBytes, notice, failedForm, error));
    }
}
