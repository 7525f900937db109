package dev.smartsat.sync;

import dev.smartsat.core.SyncState;
import dev.smartsat.core.ClientError;
import dev.smartsat.core.EventType;
import dev.smartsat.licensing.Licenses;
import dev.smartsat.core.SmartAccount;
import dev.smartsat.pki.PemFiles;
import dev.smartsat.pki.Pki;
import dev.smartsat.store.AccountDao;
import dev.smartsat.store.EventDao;
import dev.smartsat.store.Store;
import dev.smartsat.store.Tx;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.zip.GZIPOutputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The satellite's side of SPEC §8, for both ways of synchronizing: it issues sync requests (each with the
 * next sequence), accepts or rejects sync responses by the sequence rules, applies an accepted one in one
 * store write, and records every success and failure in the sync state and the event log.
 */
public final class SatelliteSync {
    private static final Logger log = LoggerFactory.getLogger(SatelliteSync.class);
    static final int MAX_REASON = 2000;
    private static final int BUFFER = 64 * 1024;

    /** How a sync travelled, for messages: a file carried by hand, or the network. */
    public enum Via {
        FILE("by file"), NETWORK("over the network");

        final String words;

        Via(String words) {
            this.words = words;
        }
    }

    /**
     * A sync request ready to leave: its sequence and the signed file, written to a temporary file (gzipped if
     * asked) rather than held in memory, since a million instances make half a gigabyte of it. Closing it, or the
     * stream {@link #open} gives, deletes the file.
     */
    public record RequestFile(String satelliteId, long sequence, Path file, boolean gzip) implements AutoCloseable {
        /** What a browser saves it as. */
        public String fileName() {
            return "sync-request-" + satelliteId.substring(0, Math.min(8, satelliteId.length())) + "-" + sequence
                    + ".json" + (gzip ? ".gz" : "");
        }

        public String contentType() {
            return gzip ? "application/gzip" : "application/json";
        }

        /** The file's size in bytes. */
        public long length() {
            try {
                return Files.size(file);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /** The file's bytes; closing the stream deletes the file. */
        public InputStream open() {
            try {
                return new FilterInputStream(new BufferedInputStream(Files.newInputStream(file), BUFFER)) {
                    @Override
                    public void close() throws IOException {
                        try {
                            super.close();
                        } finally {
                            RequestFile.this.close();
                        }
                    }
                };
            } catch (IOException e) {
                close();
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public void close() {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                log.warn("cannot delete the sync request's temporary file {}: {}", file, e.getMessage());
            }
        }
    }

    /** Whether an accepted response changed anything: the response applied last, imported again, does not. */
    public record Imported(boolean applied, long sequence) {}

    private final Store store;
    private final Clock clock;
    private final Pki pki;
    private final RequestBuilder builder;
    private final String trust;
    private volatile Consumer<Tx> applyProbe = tx -> { };
    // Since this start, for the metrics; the sync state keeps only the last of each.
    private final AtomicLong successes = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();

    private SatelliteSync(Store store, Clock clock, Pki pki, Licenses.Usage usage, String trust) {
        this.store = store;
        this.clock = clock;
        this.pki = pki;
        this.builder = new RequestBuilder(usage);
        this.trust = trust;
    }

    /**
     * The satellite's sync, giving it its stable identity on the first start. {@code trust} is the
     * {@code upstream.trust} setting: the PEM file of the upstream's root CA.
     */
    public static SatelliteSync open(Store store, Clock clock, Pki pki, Licenses.Usage usage, String trust) {
        // Of nodes starting at once on a new database, the first to commit names the satellite; the others' inserts
        // do nothing, and every node reads that one id from the store.
        store.write(tx -> tx.sync().create(UUID.randomUUID().toString()));
        return new SatelliteSync(store, clock, pki, usage, trust);
    }

    /** The store this satellite's sync state is in, which connected sync's lease shares. */
    Store store() {
        return store;
    }

    /** Responses applied since the server started. */
    public long successes() {
        return successes.get();
    }

    /** Syncs failed since the server started: responses rejected, and network syncs that did not complete. */
    public long failures() {
        return failures.get();
    }

    public SyncState state() {
        return store.read(SatelliteSync::state);
    }

    private static SyncState state(Tx tx) {
        return tx.sync().state()
                .orElseThrow(() -> new IllegalStateException("the sync state row is missing"));
    }

    /**
     * A new sync request, gzipped if asked: the sequence rises first, so every request made carries a sequence of
     * its own. The envelope is written as the store is read, in one snapshot held only while the file is written
     * (not while a client downloads it), and signed as it is written.
     */
    public RequestFile newRequest(boolean gzip) {
        SyncState issued = store.write(tx -> {
            tx.sync().issue();
            return state(tx);
        });
        long t0 = System.nanoTime();
        RequestFile request;
        try {
            request = new RequestFile(issued.satelliteId(), issued.lastSequenceIssued(),
                    Files.createTempFile("smartsat-sync-request-", gzip ? ".json.gz" : ".json"), gzip);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temporary file for the sync request", e);
        }
        try (OutputStream file = new BufferedOutputStream(Files.newOutputStream(request.file()), BUFFER);
             OutputStream out = gzip ? new GZIPOutputStream(file, BUFFER) : file) {
            store.read(tx -> {
                Instant now = clock.instant();
                SignedDocument.seal(out, payload -> builder.write(tx, issued, now, payload), pki);
                return null;
            });
        } catch (IOException | RuntimeException e) {
            request.close();
            throw e instanceof IOException io ? new UncheckedIOException("cannot write the sync request", io)
                    : (RuntimeException) e;
        }
        log.info("sync request {} made for satellite {}: {} bytes{} in {} ms", issued.lastSequenceIssued(),
                issued.satelliteId(), request.length(), gzip ? " gzipped" : "", (System.nanoTime() - t0) / 1_000_000);
        return request;
    }

    /**
     * Checks a sync response and applies it, all or nothing. A rejected one (bad file, untrusted signer,
     * another satellite's, stale sequence …) is recorded as a failed sync and rethrown as its 4xx.
     */
    public Imported importResponse(byte[] file, Via via) {
        return importResponse(new ByteArrayInputStream(file), via);
    }

    /** {@link #importResponse(byte[], Via)} reading the file as it arrives ({@link SyncFiles.Decoded}); closes it. */
    public Imported importResponse(InputStream file, Via via) {
        try {
            SignedDocument document = SignedDocument.open(file, SyncResponse.TYPE, "sync response");
            document.requireIssuedBy(trustRoot(), "upstream.trust (" + trust + ")");
            SyncResponse response = SyncJson.read(document.payload(), SyncResponse.class, "the sync response");
            PayloadChecks.check(response);
            String digest = document.payloadDigest();
            Imported imported = store.write(tx -> apply(tx, response, digest, via));
            if (imported.applied()) {
                successes.incrementAndGet();
            }
            return imported;
        } catch (RuntimeException e) {
            String reason = e instanceof ClientError ? e.getMessage() : "internal error: " + e;
            recordFailure(via, "the sync response was rejected: " + reason);
            throw e;
        }
    }

    private Imported apply(Tx tx, SyncResponse response, String digest, Via via) {
        SyncState state = state(tx);
        SmartAccount account = RequestBuilder.satelliteAccount(tx);
        if (!state.satelliteId().equals(response.satelliteId())) {
            throw new ClientError.Unprocessable("satelliteId", "this sync response is for satellite "
                    + response.satelliteId() + ", not for this one (" + state.satelliteId() + ")");
        }
        if (!account.name().equals(response.smartAccount())) {
            throw new ClientError.Unprocessable("smartAccount", "this sync response is for smart account '"
                    + response.smartAccount() + "', not '" + account.name() + "'");
        }
        long sequence = response.sequence();
        if (sequence == state.lastSequenceApplied() && digest.equals(state.lastAppliedDigest())) {
            log.info("sync response {} was already applied; importing it again changes nothing", sequence);
            return new Imported(false, sequence);
        }
        if (sequence <= state.lastSequenceApplied()) {
            throw new ClientError.Conflict("sequence", "this sync response answers request " + sequence
                    + ", but response " + state.lastSequenceApplied() + " is already applied: it is stale;"
                    + " download a new request and have the upstream answer it");
        }
        if (sequence > state.lastSequenceIssued()) {
            throw new ClientError.Conflict("sequence", "this sync response answers request " + sequence
                    + ", which this satellite never issued (its last request is " + state.lastSequenceIssued() + ")");
        }
        Instant now = clock.instant();
        ResponseApplier.Outcome outcome = ResponseApplier.apply(tx, account, state, response, digest, now, applyProbe);
        event(tx, now, account, EventType.SYNC_COMPLETED, "Synchronized with the upstream " + via.words
                + ": response " + sequence + " applied; " + outcome.describe());
        log.info("sync response {} applied ({}): {}", sequence, via.words, outcome.describe());
        return new Imported(true, sequence);
    }

    /** Records a failed sync: {@code lastFailure}, its reason, and a SYNC_FAILED event. Changes nothing else. */
    public void recordFailure(Via via, String reason) {
        String trimmed = reason.length() > MAX_REASON ? reason.substring(0, MAX_REASON - 1) + "…" : reason;
        log.warn("sync {} failed: {}", via.words, trimmed);
        failures.incrementAndGet();
        try {
            store.write(tx -> {
                Instant now = clock.instant();
                tx.sync().failed(now, trimmed);
                SmartAccount account = tx.accounts().accounts().stream()
                        .findFirst().orElse(null);
                event(tx, now, account, EventType.SYNC_FAILED, "Synchronization " + via.words + " failed: " + trimmed);
                return null;
            });
        } catch (RuntimeException e) {
            log.warn("recording the failed sync failed too: {}", e.getMessage());
        }
    }

    private static void event(Tx tx, Instant now, SmartAccount account, EventType type, String message) {
        tx.events().insert(now, type.name(), account == null ? null : account.id(), null, null,
                message);
    }

    private X509Certificate trustRoot() {
        if (trust == null || trust.isBlank()) {
            throw new ClientError.Conflict("this satellite cannot check sync responses: set upstream.trust to the"
                    + " upstream's root CA certificate (the ca.pem of its certs dir)");
        }
        try {
            return PemFiles.readCertificate(Path.of(trust));
        } catch (RuntimeException e) {
            throw new ClientError.Conflict("upstream.trust names " + trust + ", which cannot be read as a PEM"
                    + " certificate: " + e.getMessage());
        }
    }

    /**
     * Test hook: runs inside the store write in the middle of applying a response, after the pools were
     * replaced and before the local transfers and the sync state; null removes it.
     */
    void probeDuringApply(Consumer<Tx> probe) {
        this.applyProbe = probe == null ? tx -> { } : probe;
    }
}
