package dev.smartsat.pki;

import java.util.Locale;

/** The JCA providers that can do the arithmetic of SmartSat's signatures and TLS (see {@link CryptoProviders}). */
public enum CryptoProvider {
    /** The Amazon Corretto Crypto Provider: AWS-LC's native code, where its library loads (Linux x86-64). */
    ACCP("ACCP"),
    /** BouncyCastle's provider, in Java: everywhere. */
    BOUNCYCASTLE("BouncyCastle");

    private final String displayName;

    CryptoProvider(String displayName) {
        this.displayName = displayName;
    }

    /** How the setting {@code crypto.provider} names it: {@code accp} or {@code bouncycastle}. */
    public String setting() {
        return name().toLowerCase(Locale.ROOT);
    }

    public String displayName() {
        return displayName;
    }
}
