package dev.smartsat.transport;

import dev.smartsat.pki.Pki;
import dev.smartsat.pki.RevokedCertificate;
import dev.smartsat.store.RevocationDao;
import dev.smartsat.store.Store;
import java.math.BigInteger;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * {@code GET /SmartTransport/crl}: the product CA's CRL of every revoked ID certificate, valid for a
 * day. It is re-signed only when a revocation was added, the clock moved back, or it is an hour old.
 */
public final class CrlPublisher {
    static final Duration VALIDITY = Duration.ofDays(1);
    static final Duration REFRESH = Duration.ofHours(1);

    private final Store store;
    private final Pki pki;
    private final Clock clock;
    private String pem;
    private long revocations = -1;
    private Instant issuedAt = Instant.EPOCH;

    public CrlPublisher(Store store, Pki pki, Clock clock) {
        this.store = store;
        this.pki = pki;
        this.clock = clock;
    }

    public synchronized String pem() {
        Instant now = clock.instant();
        long count = store.read(tx -> tx.revocations().count());
        if (pem == null || count != revocations || now.isBefore(issuedAt) || !now.isBefore(issuedAt.plus(REFRESH))) {
            var revoked = store.read(tx -> tx.revocations().all()).stream()
                    .map(r -> new RevokedCertificate(new BigInteger(r.serial(), 16), r.revokedAt())).toList();
            pem = pki.crlPem(revoked, now, now.plus(VALIDITY));
            revocations = revoked.size();
            issuedAt = now;
        }
        return pem;
    }
}
