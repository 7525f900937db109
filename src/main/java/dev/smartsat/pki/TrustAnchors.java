package dev.smartsat.pki;

import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;

/** TLS client contexts that trust exactly one root CA: how SmartSat's clients reach a server of its own PKI. */
public final class TrustAnchors {
    private TrustAnchors() {}

    /**
     * A TLS context whose only trust anchor is {@code root}; host names are still checked by the client. The process's
     * crypto provider is chosen first, so that its handshakes find ACCP where it is chosen (CryptoProviders).
     */
    public static SSLContext trusting(X509Certificate root) throws GeneralSecurityException {
        return context(trustManagers(root));
    }

    /** The trust managers of {@link #trusting}, to make many contexts from without building the trust store again. */
    public static TrustManager[] trustManagers(X509Certificate root) throws GeneralSecurityException {
        CryptoProviders.current();
        try {
            KeyStore anchors = KeyStore.getInstance("PKCS12");
            anchors.load(null, null);
            anchors.setCertificateEntry("smartsat-root", root);
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(anchors);
            return trust.getTrustManagers();
        } catch (java.io.IOException e) {
            throw new GeneralSecurityException("cannot make an in-memory trust store: " + e.getMessage(), e);
        }
    }

    /**
     * A new client context over {@code trust}, with a session cache of its own: a connection made with it cannot
     * resume a session of any other context's connections.
     */
    public static SSLContext context(TrustManager[] trust) throws GeneralSecurityException {
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(null, trust, null);
        return tls;
    }
}
