package dev.smartsat.pki;

import java.math.BigInteger;
import java.time.Instant;
import java.util.Objects;

/** One entry of the product CA's CRL: which ID certificate was revoked and when. */
public record RevokedCertificate(BigInteger serial, Instant revokedAt) {
    public RevokedCertificate {
        Objects.requireNonNull(serial, "serial");
        Objects.requireNonNull(revokedAt, "revokedAt");
        if (serial.signum() <= 0) {
            throw new IllegalArgumentException("a certificate serial is positive: " + serial);
        }
    }
}
