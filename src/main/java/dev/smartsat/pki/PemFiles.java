package dev.smartsat.pki;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.CRLException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.X509CRLHolder;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CRLConverter;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;

/** Reads and writes the PEM files of the PKI: certificates, PKCS#8 private keys, CSRs, CRLs and public keys. */
public final class PemFiles {
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    // Certificates and CRLs go through the JDK's own factory so that they interoperate with JSSE, KeyStore
    // and CertPathValidator without surprises; keys are made by the provider that signs and verifies with them.
    // CertificateFactory is not documented as thread-safe; one per thread.
    private static final ThreadLocal<CertificateFactory> FACTORIES = ThreadLocal.withInitial(PemFiles::newFactory);
    private static final JcaX509CRLConverter CRLS = new JcaX509CRLConverter();

    private PemFiles() {
    }

    // ---- reading ----

    public static X509Certificate readCertificate(Path file) {
        return parseFile(file, PemFiles::certificateFromPem);
    }

    public static List<X509Certificate> readCertificates(Path file) {
        return parseFile(file, PemFiles::certificatesFromPem);
    }

    public static PrivateKey readPrivateKey(Path file) {
        return parseFile(file, PemFiles::privateKeyFromPem);
    }

    public static PKCS10CertificationRequest readCsr(Path file) {
        return parseFile(file, PemFiles::csrFromPem);
    }

    public static X509CRL readCrl(Path file) {
        return parseFile(file, PemFiles::crlFromPem);
    }

    public static PublicKey readPublicKey(Path file) {
        return parseFile(file, PemFiles::publicKeyFromPem);
    }

    /** The first certificate in the text. */
    public static X509Certificate certificateFromPem(String pem) {
        List<X509Certificate> all = certificatesFromPem(pem);
        if (all.isEmpty()) {
            throw new IllegalArgumentException("no PEM certificate found");
        }
        return all.get(0);
    }

    /** Every certificate in the text, in order (a bundle or chain). */
    public static List<X509Certificate> certificatesFromPem(String pem) {
        List<X509Certificate> certificates = new ArrayList<>();
        for (Object object : parseAll(pem)) {
            if (object instanceof X509CertificateHolder holder) {
                certificates.add(toCertificate(holder));
            }
        }
        return certificates;
    }

    /** A private key from PKCS#8 ("PRIVATE KEY") or the traditional OpenSSL form ("EC PRIVATE KEY"). */
    public static PrivateKey privateKeyFromPem(String pem) {
        for (Object object : parseAll(pem)) {
            try {
                if (object instanceof PrivateKeyInfo info) {
                    return keys().getPrivateKey(info);
                }
                if (object instanceof PEMKeyPair pair) {
                    return keys().getPrivateKey(pair.getPrivateKeyInfo());
                }
            } catch (IOException e) {
                throw new IllegalArgumentException("unreadable private key: " + e.getMessage(), e);
            }
            if (object instanceof PKCS8EncryptedPrivateKeyInfo || object instanceof PEMEncryptedKeyPair) {
                throw new IllegalArgumentException(
                        "the private key is encrypted; store it unencrypted (openssl pkey -in KEY -out KEY)");
            }
        }
        throw new IllegalArgumentException("no PEM private key found");
    }

    public static PKCS10CertificationRequest csrFromPem(String pem) {
        for (Object object : parseAll(pem)) {
            if (object instanceof PKCS10CertificationRequest csr) {
                return csr;
            }
        }
        throw new IllegalArgumentException("no PEM certificate request found");
    }

    public static X509CRL crlFromPem(String pem) {
        for (Object object : parseAll(pem)) {
            if (object instanceof X509CRLHolder holder) {
                try {
                    return CRLS.getCRL(holder);
                } catch (CRLException e) {
                    throw new IllegalArgumentException("unreadable CRL: " + e.getMessage(), e);
                }
            }
        }
        throw new IllegalArgumentException("no PEM CRL found");
    }

    /** A "PUBLIC KEY" (SubjectPublicKeyInfo) block, or the key of the first certificate in the text. */
    public static PublicKey publicKeyFromPem(String pem) {
        for (Object object : parseAll(pem)) {
            try {
                if (object instanceof SubjectPublicKeyInfo info) {
                    return keys().getPublicKey(info);
                }
                if (object instanceof X509CertificateHolder holder) {
                    return keys().getPublicKey(holder.getSubjectPublicKeyInfo());
                }
            } catch (IOException e) {
                throw new IllegalArgumentException("unreadable public key: " + e.getMessage(), e);
            }
        }
        throw new IllegalArgumentException("no PEM public key found");
    }

    /** BouncyCastle reads the key's structure; the chosen provider (of the moment) makes the key object. */
    private static JcaPEMKeyConverter keys() {
        return new JcaPEMKeyConverter().setProvider(Crypto.provider());
    }

    static X509Certificate toCertificate(X509CertificateHolder holder) {
        try {
            // BC's converter looks the factory up again for every certificate; the registration path makes one each.
            return (X509Certificate) FACTORIES.get().generateCertificate(new ByteArrayInputStream(holder.getEncoded()));
        } catch (CertificateException | IOException e) {
            throw new IllegalArgumentException("unreadable certificate: " + e.getMessage(), e);
        }
    }

    private static CertificateFactory newFactory() {
        try {
            return CertificateFactory.getInstance("X.509");
        } catch (CertificateException e) {
            throw new IllegalStateException("no X.509 certificate factory", e);
        }
    }

    private static List<Object> parseAll(String pem) {
        if (pem == null) {
            throw new IllegalArgumentException("no PEM text");
        }
        List<Object> objects = new ArrayList<>();
        try (PEMParser parser = new PEMParser(new StringReader(pem))) {
            for (Object object = parser.readObject(); object != null; object = parser.readObject()) {
                objects.add(object);
            }
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("malformed PEM: " + e.getMessage(), e);
        }
        return objects;
    }

    /** Parses a file's text, naming the file in the error when it holds nothing usable. */
    private static <T> T parseFile(Path file, Function<String, T> parser) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        try {
            return parser.apply(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        }
    }

    // ---- writing ----

    /**
     * PEM text of a certificate, CRL, CSR, public key or private key (always PKCS#8 "PRIVATE KEY"),
     * with {@code \n} line ends on every platform.
     */
    public static String toPem(Object object) {
        if (object instanceof X509Certificate certificate) {
            try {
                return pem("CERTIFICATE", certificate.getEncoded());
            } catch (CertificateEncodingException e) {
                throw new IllegalArgumentException("cannot encode a certificate as PEM", e);
            }
        }
        StringWriter out = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
            if (object instanceof PrivateKey key) {
                // JcaPEMWriter alone would write the traditional "EC PRIVATE KEY" form.
                writer.writeObject(new JcaPKCS8Generator(key, null));
            } else {
                writer.writeObject(object);
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot encode " + object.getClass().getSimpleName() + " as PEM", e);
        }
        return out.toString().replace("\r\n", "\n");
    }

    /** RFC 7468 text: base64 in lines of 64 characters between the BEGIN and END lines of {@code label}. */
    private static String pem(String label, byte[] der) {
        return "-----BEGIN " + label + "-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                + "\n-----END " + label + "-----\n";
    }

    /** Writes a certificate, CRL, CSR or public key, replacing the file atomically. */
    public static void write(Path file, Object object) {
        if (object instanceof PrivateKey) {
            throw new IllegalArgumentException("private keys go through writePrivateKey, which restricts the mode");
        }
        writeAtomically(file, toPem(object), false);
    }

    /**
     * Writes a private key as PKCS#8 PEM in a file that has mode 0600 from the moment it exists: the key goes
     * into a temporary file created owner-only in the same directory, which is then moved over the target.
     */
    public static void writePrivateKey(Path file, PrivateKey key) {
        writeAtomically(file, toPem(key), true);
    }

    /**
     * Writes any secret (a key, credentials, a device state) into a file that has mode 0600 from its
     * first byte: a temporary owner-only file in the same directory, flushed to disk, then moved over
     * the target, so readers see the old file or the new one and never a part.
     */
    public static void writeSecretFile(Path file, byte[] bytes) {
        writeAtomically(file, bytes, true);
    }

    private static void writeAtomically(Path file, String text, boolean secret) {
        writeAtomically(file, text.getBytes(StandardCharsets.US_ASCII), secret);
    }

    private static void writeAtomically(Path file, byte[] bytes, boolean secret) {
        Path target = file.toAbsolutePath();
        Path dir = target.getParent();
        Path temp = null;
        try {
            Files.createDirectories(dir);
            temp = createTemp(dir, target.getFileName().toString(), secret);
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                ByteBuffer buffer = ByteBuffer.wrap(bytes);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                // The move must not publish a file whose bytes are still only in the page cache.
                channel.force(true);
            }
            try {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
            }
            temp = null;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + target, e);
        } finally {
            if (temp != null) {
                try {
                    Files.deleteIfExists(temp);
                } catch (IOException ignored) {
                    // the original failure is the one worth reporting
                }
            }
        }
    }

    private static Path createTemp(Path dir, String name, boolean secret) throws IOException {
        boolean posix = Files.getFileStore(dir).supportsFileAttributeView("posix");
        if (!posix) {
            return Files.createTempFile(dir, "." + name + ".", ".tmp");
        }
        Set<PosixFilePermission> mode = secret ? OWNER_ONLY : PosixFilePermissions.fromString("rw-r--r--");
        FileAttribute<Set<PosixFilePermission>> attribute = PosixFilePermissions.asFileAttribute(mode);
        Path temp = Files.createTempFile(dir, "." + name + ".", ".tmp", attribute);
        // The creation mode is filtered by the umask; set it explicitly so a public file is readable too.
        Files.setPosixFilePermissions(temp, mode);
        return temp;
    }
}
