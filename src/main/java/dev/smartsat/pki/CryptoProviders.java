package dev.smartsat.pki;

import com.amazon.corretto.crypto.provider.AmazonCorrettoCryptoProvider;
import com.amazon.corretto.crypto.provider.SelfTestStatus;
import java.security.GeneralSecurityException;
import java.security.Provider;
import java.security.Security;
import java.security.Signature;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import javax.crypto.Cipher;
import javax.crypto.KeyAgreement;
import org.bouncycastle.jce.provider.BouncyCastleProvider;

/**
 * Chooses, for the whole process, the JCA provider that does the arithmetic of signatures and of TLS.
 *
 * <p>Signatures were 41% of the satellite's CPU and 73% of the fleet's under BouncyCastle. The Amazon Corretto
 * Crypto Provider (ACCP, AWS-LC's native code behind the JCA) signs 7 to 11 times and verifies with a key new to it
 * 5 to 7 times as fast on the development machine (TransportCryptoBenchmarkTest), so it is used wherever it can be:
 * its native library ships for Linux x86-64 only, and elsewhere (or when it fails its self-test) BouncyCastle does
 * the work as before. Only the arithmetic moves: BouncyCastle still builds and parses every certificate, CSR, CRL,
 * PEM file and authorization code, and asks for keys and signature engines from {@link Crypto#provider()}, whichever
 * that is.
 *
 * <p>The choice is the setting {@code crypto.provider}: {@code auto} (the default) takes ACCP when its native library
 * loaded and its self-test passed, else BouncyCastle; {@code accp} requires ACCP, and a process that cannot load it
 * stops at start rather than run several times slower unnoticed; {@code bouncycastle} never loads ACCP. {@code serve},
 * {@code certs init} and {@code cssm process-sync} read it from their settings, where {@code SMARTSAT_CRYPTO_PROVIDER}
 * overrides the config file like any key; {@code agent} (the fleet too) and {@code product} have no config file and
 * read that environment variable at their first key or handshake.
 *
 * <p>TLS: with ACCP chosen it goes first in the JCA's provider list ({@link AmazonCorrettoCryptoProvider#install()}),
 * so the JDK's own TLS (SunJSSE, under Jetty on the server and Apache HttpClient in the agent) finds ACCP's ECDSA,
 * ECDH and AES-GCM before the JDK's; X25519, which ACCP 2.5 lacks, stays with SunEC (handshakes are rare over
 * kept-alive connections). With BouncyCastle chosen ACCP is taken out of that list and TLS is all the JDK's;
 * BouncyCastle itself is only ever appended last and asked for by object, so it never serves the JDK's requests.
 *
 * <p>The choice may change while the process runs (the tests run each class under each provider). Nothing breaks
 * when it does: each provider accepts the other's keys (translating them, which only costs time), and the
 * per-thread engines of {@link Signatures} are made again for the provider of the moment.
 */
public final class CryptoProviders {
    /** What {@code crypto.provider} may say. */
    public static final List<String> SETTINGS = List.of("auto", "accp", "bouncycastle");
    /** Where the commands without a config file find the setting. */
    public static final String ENVIRONMENT = "SMARTSAT_CRYPTO_PROVIDER";
    // By name, so that choosing BouncyCastle never touches (and loads) ACCP's class.
    private static final String ACCP_NAME = "AmazonCorrettoCryptoProvider";

    private static final Provider BOUNCY_CASTLE = registerBouncyCastle();
    private static volatile Selection current;
    /** Why ACCP cannot serve this process, "" when it can; null until a choice first asks. */
    private static String accpProblem;

    private CryptoProviders() {
    }

    /**
     * The provider in use and how it came to be chosen.
     *
     * @param setting  the value of {@code crypto.provider} it was chosen by
     * @param fallback why {@code auto} did not take ACCP; null when it did, or was not asked to
     */
    public record Selection(CryptoProvider kind, Provider provider, String setting, String fallback) {
        /** One line for the log at start: who signs, and who does TLS's arithmetic. */
        public String describe() {
            String signatures = kind == CryptoProvider.ACCP
                    ? "ACCP " + ((AmazonCorrettoCryptoProvider) provider).getVersionStr() + " ("
                    + ((AmazonCorrettoCryptoProvider) provider).getAwsLcVersionStr() + ")"
                    : "BouncyCastle " + provider.getVersionStr();
            if (fallback != null) {
                signatures += ", as ACCP is unavailable here (" + fallback + ")";
            }
            return "signatures by " + signatures + "; TLS " + tls() + " (crypto.provider " + setting + ")";
        }
    }

    /** The selection in use; a process's first call without one chooses by {@value #ENVIRONMENT} (default auto). */
    public static Selection current() {
        Selection selection = current;
        return selection != null ? selection : fromEnvironment();
    }

    private static synchronized Selection fromEnvironment() {
        if (current != null) {
            return current;
        }
        String setting = System.getenv(ENVIRONMENT);
        return use(setting == null || setting.isBlank() ? "auto" : setting);
    }

    /**
     * Chooses by a {@code crypto.provider} value and arranges the JCA's provider list for it; the same value again
     * changes nothing.
     *
     * @throws IllegalArgumentException when {@code setting} is none of {@link #SETTINGS}
     * @throws IllegalStateException    when it is {@code accp} and ACCP cannot be used in this process
     */
    public static synchronized Selection use(String setting) {
        String choice = setting == null ? "" : setting.strip();
        if (!SETTINGS.contains(choice)) {
            throw new IllegalArgumentException("crypto.provider (" + ENVIRONMENT + ") must be auto, accp or "
                    + "bouncycastle, not '" + setting + "'");
        }
        Selection previous = current;
        if (previous != null && previous.setting().equals(choice)) {
            return previous;
        }
        Selection next = switch (choice) {
            case "bouncycastle" -> bouncyCastle(choice, null);
            case "accp" -> {
                String problem = accpProblem();
                if (!problem.isEmpty()) {
                    throw new IllegalStateException("crypto.provider is accp, but ACCP cannot be used here: " + problem
                            + " (set crypto.provider or " + ENVIRONMENT + " to auto or bouncycastle)");
                }
                yield accp(choice);
            }
            default -> accpProblem().isEmpty() ? accp(choice) : bouncyCastle(choice, accpProblem());
        };
        current = next;
        return next;
    }

    /** BouncyCastle's provider, whichever is chosen: for what must be BouncyCastle's own keys (Signatures' cache). */
    public static Provider bouncyCastle() {
        return BOUNCY_CASTLE;
    }

    private static Selection accp(String setting) {
        AmazonCorrettoCryptoProvider.install();
        return new Selection(CryptoProvider.ACCP, AmazonCorrettoCryptoProvider.INSTANCE, setting, null);
    }

    private static Selection bouncyCastle(String setting, String fallback) {
        Security.removeProvider(ACCP_NAME);
        return new Selection(CryptoProvider.BOUNCYCASTLE, BOUNCY_CASTLE, setting, fallback);
    }

    /** ACCP's own verdict, asked once: its native library loaded, and its self-test passed. */
    private static String accpProblem() {
        if (accpProblem == null) {
            try {
                AmazonCorrettoCryptoProvider accp = AmazonCorrettoCryptoProvider.INSTANCE;
                Throwable loading = accp.getLoadingError();
                SelfTestStatus selfTest = loading == null ? accp.runSelfTests() : null;
                accpProblem = loading != null ? "its native library did not load: " + message(loading)
                        : selfTest != SelfTestStatus.PASSED ? "its self-test ended " + selfTest : "";
            } catch (LinkageError | RuntimeException e) {
                accpProblem = "it cannot start: " + message(e);
            }
        }
        return accpProblem;
    }

    private static String message(Throwable t) {
        return t.getMessage() != null ? t.getMessage() : t.getClass().getSimpleName();
    }

    private static Provider registerBouncyCastle() {
        Provider existing = Security.getProvider(BouncyCastleProvider.PROVIDER_NAME);
        if (existing != null) {
            return existing;
        }
        // Appended at the lowest priority: we ask for BC by object, and the JDK's defaults stay the JDK's.
        Provider provider = new BouncyCastleProvider();
        Security.addProvider(provider);
        return provider;
    }

    /**
     * Which provider the JDK's TLS gets each primitive from: the first in the JCA's list that offers it, as SunJSSE
     * asks, e.g. "ECDSA, ECDH and AES-GCM by AmazonCorrettoCryptoProvider, X25519 by SunEC".
     */
    static String tls() {
        Map<String, Lookup> primitives = new LinkedHashMap<>();
        primitives.put("ECDSA", () -> Signature.getInstance(Crypto.SIGNATURE_ALGORITHM).getProvider());
        primitives.put("ECDH", () -> KeyAgreement.getInstance("ECDH").getProvider());
        primitives.put("AES-GCM", () -> Cipher.getInstance("AES/GCM/NoPadding").getProvider());
        primitives.put("X25519", () -> KeyAgreement.getInstance("X25519").getProvider());
        Map<String, List<String>> byProvider = new LinkedHashMap<>();
        primitives.forEach((primitive, lookup) -> byProvider.computeIfAbsent(lookup.name(), k -> new ArrayList<>())
                .add(primitive));
        StringJoiner out = new StringJoiner(", ");
        byProvider.forEach((provider, names) -> out.add(and(names) + " by " + provider));
        return out.toString();
    }

    private interface Lookup {
        Provider get() throws GeneralSecurityException;

        default String name() {
            try {
                return get().getName();
            } catch (GeneralSecurityException e) {
                return "no provider";
            }
        }
    }

    private static String and(List<String> names) {
        if (names.size() == 1) {
            return names.get(0);
        }
        return String.join(", ", names.subList(0, names.size() - 1)) + " and " + names.get(names.size() - 1);
    }
}
