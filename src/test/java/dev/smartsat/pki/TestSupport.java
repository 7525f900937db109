package dev.smartsat.pki;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXCertPathValidatorResult;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.security.spec.AlgorithmParameterSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.PKCS10CertificationRequestBuilder;

/** Shared fixtures of the PKI tests: known-answer vectors, test keys and CSRs, chain validation, openssl. */
final class TestSupport {
    private static final ObjectMapper JSON = new ObjectMapper();

    private TestSupport() {
    }

    /** A vector file from src/test/resources/vectors (copied from the SPEC's vectors/ so CI needs no checkout). */
    static JsonNode vector(String name) throws IOException {
        try (InputStream in = TestSupport.class.getResourceAsStream("/vectors/" + name)) {
            if (in == null) {
                throw new IOException("missing test resource vectors/" + name);
            }
            return JSON.readTree(in);
        }
    }

    static KeyPair keyPair(String algorithm, AlgorithmParameterSpec spec) throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance(algorithm, Crypto.provider());
        generator.initialize(spec);
        return generator.generateKeyPair();
    }

    /** A CSR for {@code subjectKeys}' public key, signed with {@code signingKeys}' private key. */
    static PKCS10CertificationRequest csr(KeyPair subjectKeys, KeyPair signingKeys, String signatureAlgorithm)
            throws Exception {
        return new PKCS10CertificationRequestBuilder(new X500Name("CN=device"),
                SubjectPublicKeyInfo.getInstance(subjectKeys.getPublic().getEncoded()))
                .build(new JcaContentSignerBuilder(signatureAlgorithm).setProvider(Crypto.provider())
                        .build(signingKeys.getPrivate()));
    }

    static PKCS10CertificationRequest csr(KeyPair keys) throws Exception {
        return csr(keys, keys, Crypto.SIGNATURE_ALGORITHM);
    }

    /** PKIX-validates {@code chain} (leaf first) against {@code root}, revocation off; throws when invalid. */
    static PKIXCertPathValidatorResult validate(X509Certificate root, X509Certificate... chain)
            throws GeneralSecurityException {
        CertificateFactory factory = CertificateFactory.getInstance("X.509");
        PKIXParameters parameters = new PKIXParameters(Set.of(new TrustAnchor(root, null)));
        parameters.setRevocationEnabled(false);
        return (PKIXCertPathValidatorResult) CertPathValidator.getInstance("PKIX")
                .validate(factory.generateCertPath(List.of(chain)), parameters);
    }

    record Result(int exitCode, String output) {
    }

    static boolean opensslAvailable() {
        try {
            return openssl(Path.of("."), "version").exitCode() == 0;
        } catch (IOException e) {
            return false;
        }
    }

    /** Runs openssl in {@code dir}, stdout and stderr together. */
    static Result openssl(Path dir, String... arguments) throws IOException {
        List<String> command = new ArrayList<>();
        command.add("openssl");
        command.addAll(List.of(arguments));
        Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            return new Result(process.waitFor(), output);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted waiting for openssl", e);
        }
    }
}
