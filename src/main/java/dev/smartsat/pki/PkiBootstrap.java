package dev.smartsat.pki;

import dev.smartsat.config.OwnerOnly;
import dev.smartsat.pki.CertificateIssuer.Authority;
import dev.smartsat.pki.CertificateIssuer.Ext;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Supplier;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.util.IPAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Brings a certs directory to the state SPEC §2 describes: loads what is there, issues what is missing. */
final class PkiBootstrap {
    private static final Logger log = LoggerFactory.getLogger(PkiBootstrap.class);

    /** What the directory holds once bootstrapped. */
    record Material(X509Certificate root, Authority productCa, X509Certificate signingCert, PrivateKey signingKey,
                    X509Certificate tlsCert, PrivateKey tlsKey, List<Path> created) {
    }

    private record Pair(X509Certificate certificate, PrivateKey key) {
    }

    private final Path dir;
    private final Set<String> tlsNames;
    private final Instant now;
    private final List<Path> created = new ArrayList<>();
    private X509Certificate root;
    private PrivateKey rootKey;

    PkiBootstrap(Path dir, List<String> hostNames, Instant now) {
        this.dir = dir;
        this.tlsNames = tlsNames(hostNames);
        this.now = now;
    }

    Material run() {
        OwnerOnly.directory(dir);
        loadOrCreateRoot();
        Pair productCa = loadOrIssue(Pki.PRODUCT_CA_FILE, Pki.PRODUCT_CA_KEY_FILE, () -> issue(Pki.PRODUCT_CA_CN, 5,
                List.of(CertificateIssuer.basicConstraints(true, 0),
                        CertificateIssuer.keyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))));
        Pair signing = loadOrIssue(Pki.SIGNING_FILE, Pki.SIGNING_KEY_FILE, () -> issue(Pki.SIGNING_CN, 5,
                List.of(CertificateIssuer.basicConstraints(false, null),
                        CertificateIssuer.keyUsage(KeyUsage.digitalSignature))));
        Pair tls = loadOrIssueTls();
        return new Material(root, new Authority(productCa.certificate(), productCa.key()), signing.certificate(),
                signing.key(), tls.certificate(), tls.key(), List.copyOf(created));
    }

    private void loadOrCreateRoot() {
        Path certFile = dir.resolve(Pki.ROOT_FILE);
        Path keyFile = dir.resolve(Pki.ROOT_KEY_FILE);
        boolean hasCert = Files.exists(certFile);
        boolean hasKey = Files.exists(keyFile);
        if (!hasCert && hasKey) {
            throw new IllegalStateException(keyFile + " exists without " + certFile
                    + ": add the root certificate that belongs to it, or remove the key to generate a new root");
        }
        if (!hasCert) {
            KeyPair keys = Crypto.generateP256KeyPair();
            root = CertificateIssuer.selfSigned(keys, name(Pki.ROOT_CN), notBefore(), yearsFromNow(10),
                    List.of(CertificateIssuer.basicConstraints(true, null),
                            CertificateIssuer.keyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign)));
            rootKey = keys.getPrivate();
            // Key before certificate: a certificate on disk always has its key next to it.
            writeKey(keyFile, rootKey);
            writeCertificate(certFile, root);
            return;
        }
        root = PemFiles.readCertificate(certFile);
        if (root.getBasicConstraints() < 0) {
            throw new IllegalStateException(certFile + " is not a CA certificate (it lacks basicConstraints CA:TRUE)");
        }
        if (hasKey) {
            rootKey = PemFiles.readPrivateKey(keyFile);
            if (!keyMatches(rootKey, root.getPublicKey())) {
                throw new IllegalStateException(keyFile + " does not match " + certFile
                        + ": the private key belongs to another certificate; put the root's own key there");
            }
        }
        log.info("Using the root CA {} ({})", certFile, root.getSubjectX500Principal().getName());
    }

    /** Loads a certificate and its key, or issues a new pair from the root when the certificate is absent. */
    private Pair loadOrIssue(String certName, String keyName, Supplier<Pair> issuer) {
        Path certFile = dir.resolve(certName);
        Path keyFile = dir.resolve(keyName);
        if (!Files.exists(certFile)) {
            // A key without its certificate was never handed out (the key is written first), so replacing it is safe.
            return writePair(certFile, keyFile, issuer.get(), null);
        }
        if (!Files.exists(keyFile)) {
            throw new IllegalStateException(certFile + " exists but its key " + keyFile
                    + " is missing: restore the key, or remove " + certFile + " to have both reissued");
        }
        Pair pair = readPair(certFile, keyFile);
        if (!issuedByRoot(pair.certificate())) {
            throw new IllegalStateException(certFile + " was not issued by " + dir.resolve(Pki.ROOT_FILE)
                    + " (was the root replaced?): remove " + certFile + " and " + keyFile
                    + " to have them reissued from this root");
        }
        if (pair.certificate().getNotAfter().toInstant().isBefore(now)) {
            log.warn("{} expired on {}; remove it and its key to have them reissued", certFile,
                    pair.certificate().getNotAfter().toInstant());
        }
        return pair;
    }

    /** Like {@link #loadOrIssue}, but a TLS certificate that no longer fits is simply reissued: clients trust the root. */
    private Pair loadOrIssueTls() {
        Path certFile = dir.resolve(Pki.TLS_FILE);
        Path keyFile = dir.resolve(Pki.TLS_KEY_FILE);
        if (!Files.exists(certFile) || !Files.exists(keyFile)) {
            return writePair(certFile, keyFile, issueTls(), null);
        }
        Pair pair = readPair(certFile, keyFile);
        String problem = tlsProblem(pair.certificate());
        if (problem != null) {
            return writePair(certFile, keyFile, issueTls(), problem);
        }
        return pair;
    }

    private static Pair readPair(Path certFile, Path keyFile) {
        Pair pair = new Pair(PemFiles.readCertificate(certFile), PemFiles.readPrivateKey(keyFile));
        if (!keyMatches(pair.key(), pair.certificate().getPublicKey())) {
            throw new IllegalStateException(keyFile + " does not match " + certFile
                    + ": the private key belongs to another certificate; restore the matching key,"
                    + " or remove both files to have them reissued");
        }
        return pair;
    }

    private String tlsProblem(X509Certificate tls) {
        if (!issuedByRoot(tls)) {
            return "it was not issued by the current root";
        }
        if (!tls.getNotAfter().toInstant().isAfter(now)) {
            return "it expired on " + tls.getNotAfter().toInstant();
        }
        Set<String> covered = subjectAltNames(tls);
        for (String wanted : tlsNames) {
            if (!covered.contains(wanted)) {
                return "it does not cover " + wanted.substring(wanted.indexOf(':') + 1);
            }
        }
        return null;
    }

    private Pair issueTls() {
        List<GeneralName> names = new ArrayList<>();
        for (String entry : tlsNames) {
            String value = entry.substring(entry.indexOf(':') + 1);
            names.add(entry.startsWith("ip:") ? new GeneralName(GeneralName.iPAddress, value)
                    : new GeneralName(GeneralName.dNSName, value));
        }
        return issue(Pki.TLS_CN, 2, List.of(
                CertificateIssuer.basicConstraints(false, null),
                CertificateIssuer.keyUsage(KeyUsage.digitalSignature | KeyUsage.keyAgreement),
                CertificateIssuer.extendedKeyUsage(KeyPurposeId.id_kp_serverAuth),
                new Ext(Extension.subjectAlternativeName, false, new GeneralNames(names.toArray(GeneralName[]::new)))));
    }

    private Pair issue(String commonName, int years, List<Ext> extensions) {
        if (rootKey == null) {
            throw new IllegalStateException("cannot issue \"" + commonName + "\": "
                    + dir.resolve(Pki.ROOT_KEY_FILE) + " is missing, and the root's private key is needed to issue it");
        }
        KeyPair keys = Crypto.generateP256KeyPair();
        X509Certificate certificate = CertificateIssuer.issue(new Authority(root, rootKey), name(commonName),
                SubjectPublicKeyInfo.getInstance(keys.getPublic().getEncoded()), notBefore(), yearsFromNow(years),
                extensions);
        return new Pair(certificate, keys.getPrivate());
    }

    /** Writes a newly issued pair; {@code why} names what was wrong with the one it replaces, if any. */
    private Pair writePair(Path certFile, Path keyFile, Pair pair, String why) {
        if (why != null) {
            log.info("Reissuing {} because {}", certFile, why);
        }
        writeKey(keyFile, pair.key());
        writeCertificate(certFile, pair.certificate());
        return pair;
    }

    private void writeKey(Path file, PrivateKey key) {
        PemFiles.writePrivateKey(file, key);
        created.add(file);
        log.info("Created {} (mode 0600)", file);
    }

    private void writeCertificate(Path file, X509Certificate certificate) {
        PemFiles.write(file, certificate);
        created.add(file);
        log.info("Created {}", file);
    }

    private boolean issuedByRoot(X509Certificate certificate) {
        try {
            certificate.verify(root.getPublicKey());
            return certificate.getIssuerX500Principal().equals(root.getSubjectX500Principal());
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    /** Whether a private key belongs to a public key, proved by a signature rather than by comparing numbers. */
    static boolean keyMatches(PrivateKey privateKey, PublicKey publicKey) {
        try {
            byte[] probe = "smartsat key check".getBytes(StandardCharsets.US_ASCII);
            String algorithm = Crypto.signatureAlgorithmFor(privateKey);
            Signature signer = Signature.getInstance(algorithm, Crypto.provider());
            signer.initSign(privateKey, Crypto.random());
            signer.update(probe);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm, Crypto.provider());
            verifier.initVerify(publicKey);
            verifier.update(probe);
            return verifier.verify(signature);
        } catch (GeneralSecurityException | IllegalStateException e) {
            return false;
        }
    }

    private Instant notBefore() {
        return now.minus(Pki.BACKDATE);
    }

    private Instant yearsFromNow(int years) {
        return now.atOffset(ZoneOffset.UTC).plusYears(years).toInstant();
    }

    private static X500Name name(String commonName) {
        return new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, commonName).build();
    }

    /** The SAN entries the TLS certificate must carry, as "dns:name" / "ip:address" keys in a stable order. */
    static Set<String> tlsNames(List<String> hostNames) {
        Set<String> names = new LinkedHashSet<>(List.of("dns:localhost", "ip:127.0.0.1"));
        if (hostNames != null) {
            for (String host : hostNames) {
                String key = host == null ? null : sanKey(host.trim());
                if (key != null) {
                    names.add(key);
                }
            }
        }
        return names;
    }

    private static Set<String> subjectAltNames(X509Certificate certificate) {
        Set<String> names = new LinkedHashSet<>();
        try {
            Collection<List<?>> entries = certificate.getSubjectAlternativeNames();
            if (entries != null) {
                for (List<?> entry : entries) {
                    int type = (Integer) entry.get(0);
                    if (type == GeneralName.dNSName || type == GeneralName.iPAddress) {
                        String key = sanKey(String.valueOf(entry.get(1)));
                        if (key != null) {
                            names.add(key);
                        }
                    }
                }
            }
        } catch (CertificateParsingException e) {
            log.warn("cannot read the subject alternative names of the TLS certificate: {}", e.getMessage());
        }
        return names;
    }

    /** An IP literal (checked without any DNS lookup) becomes "ip:" + its canonical text, anything else "dns:". */
    private static String sanKey(String host) {
        if (host.isEmpty()) {
            return null;
        }
        String bare = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        if (IPAddress.isValid(bare)) {
            try {
                return "ip:" + InetAddress.getByName(bare).getHostAddress();
            } catch (UnknownHostException e) {
                throw new IllegalArgumentException("not an IP address: " + host, e);
            }
        }
        return "dns:" + host.toLowerCase(Locale.ROOT);
    }
}
