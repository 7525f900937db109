package dev.smartsat.transport;

import dev.smartsat.pki.Pki;
import io.javalin.http.Context;

/**
 * {@code GET /SmartTransport/trust} and {@code /crl} (SPEC §2): what a device checks the satellite's answers and
 * the ID certificates against, fetched before it trusts anything else the satellite says.
 */
public final class TrustFiles {
    private static final String PEM = "application/x-pem-file";

    private final Pki pki;
    private final CrlPublisher crl;

    public TrustFiles(Pki pki, CrlPublisher crl) {
        this.pki = pki;
        this.crl = crl;
    }

    /** The root, product CA and signing certificates. */
    public void bundle(Context ctx) {
        ctx.contentType(PEM).result(pki.trustBundlePem());
    }

    /** The product CA's list of revoked ID certificates. */
    public void crl(Context ctx) {
        ctx.contentType(PEM).result(crl.pem());
    }
}
