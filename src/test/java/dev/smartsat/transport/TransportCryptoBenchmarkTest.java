package dev.smartsat.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.smartsat.OnEachCryptoProvider;
import dev.smartsat.pki.Crypto;
import dev.smartsat.pki.CryptoProvider;
import dev.smartsat.pki.Signatures;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.params.Parameter;

/**
 * The ceiling the signatures alone put on {@code agent fleet} (SPEC §10) on this machine: every ECDSA operation one
 * registration and one authorization cost, device and satellite together, on two threads, with nothing else — no
 * TLS, HTTP, JSON or database; and the operations one by one: signatures, and verifications with a key new to the
 * verifier (a device's, decoded from its CSR) and with one key used again (the signing certificate's). Once on each
 * crypto provider. Opt-in: {@code mvn -B test -Dtest=TransportCryptoBenchmarkTest -Dsmartsat.cryptoBenchmark=20000}.
 */
@OnEachCryptoProvider
class TransportCryptoBenchmarkTest {
    private static final int THREADS = 2;

    @Parameter
    CryptoProvider provider;

    @Test
    @EnabledIfSystemProperty(named = "smartsat.cryptoBenchmark", matches = "\\d+")
    void operations() throws Exception {
        int n = Integer.parseInt(System.getProperty("smartsat.cryptoBenchmark"));
        KeyPair signing = Crypto.generateP256KeyPair();
        PublicKey signingKey = Signatures.prepare(signing.getPublic());
        byte[] data = bytes(500);
        for (int round = 1; round <= 3; round++) {
            KeyPair[] devices = new KeyPair[n];
            byte[][] signatures = new byte[n][];
            for (int i = 0; i < n; i++) {
                devices[i] = Crypto.generateP256KeyPair();
            }
            AtomicInteger failed = new AtomicInteger();
            long signed = timed(n, i -> signatures[i] = Signatures.sign(devices[i].getPrivate(), data));
            long newKeys = timed(n, i -> count(failed, Signatures.verify(
                    decode(devices[i].getPublic().getEncoded()), data, signatures[i])));
            byte[] answer = Signatures.sign(signing.getPrivate(), data);
            long sameKey = timed(n, i -> count(failed, Signatures.verifyPrepared(signingKey, data, answer)));
            assertEquals(0, failed.get(), "every signature made here verifies");
            System.out.printf("%s, %d operations on %d threads, round %d: %.0f signatures/s, %.0f verifications/s"
                            + " with a new key, %.0f with the same key%n", provider.displayName(), n, THREADS, round,
                    n * 1e9 / signed, n * 1e9 / newKeys, n * 1e9 / sameKey);
        }
    }

    @Test
    @EnabledIfSystemProperty(named = "smartsat.cryptoBenchmark", matches = "\\d+")
    void ceiling() throws Exception {
        int n = Integer.parseInt(System.getProperty("smartsat.cryptoBenchmark"));
        KeyPair signing = Crypto.generateP256KeyPair();
        KeyPair productCa = Crypto.generateP256KeyPair();
        // Keys the satellite and the device use for every message: BouncyCastle keeps their precomputations.
        PublicKey signingKey = Signatures.prepare(signing.getPublic());
        PublicKey productCaKey = Signatures.prepare(productCa.getPublic());
        byte[] register = bytes(700);
        byte[] csrInfo = bytes(300);
        byte[] tbsCertificate = bytes(450);
        byte[] registered = bytes(1500);
        byte[] authRequest = bytes(400);
        byte[] authorized = bytes(400);
        for (int round = 1; round <= 3; round++) {
            KeyPair[] devices = new KeyPair[n];
            byte[][] csrSignatures = new byte[n][];
            PublicKey[] deviceKeys = new PublicKey[n];
            for (int i = 0; i < n; i++) { // the fleet's untimed preparation: keys and CSRs
                devices[i] = Crypto.generateP256KeyPair();
                csrSignatures[i] = Signatures.sign(devices[i].getPrivate(), csrInfo);
            }
            AtomicInteger failed = new AtomicInteger();
            long registrations = timed(n, i -> {
                byte[] request = Signatures.sign(devices[i].getPrivate(), register);      // device: REGISTER
                PublicKey csrKey = Signatures.prepare(decode(devices[i].getPublic().getEncoded()));
                deviceKeys[i] = csrKey;
                count(failed, Signatures.verifyPrepared(csrKey, register, request));      // satellite: envelope
                count(failed, Signatures.verify(csrKey, csrInfo, csrSignatures[i]));      // satellite: CSR
                byte[] idCert = Signatures.sign(productCa.getPrivate(), tbsCertificate);  // satellite: ID certificate
                byte[] answer = Signatures.sign(signing.getPrivate(), registered);        // satellite: answer
                count(failed, Signatures.verifyPrepared(signingKey, registered, answer)); // device: answer
                count(failed, Signatures.verifyPrepared(productCaKey, tbsCertificate, idCert)); // device: ID cert
            });
            long authorizations = timed(n, i -> {
                byte[] request = Signatures.sign(devices[i].getPrivate(), authRequest);   // device: AUTH_REQUEST
                count(failed, Signatures.verifyPrepared(deviceKeys[i], authRequest, request)); // satellite
                byte[] answer = Signatures.sign(signing.getPrivate(), authorized);        // satellite: answer
                count(failed, Signatures.verifyPrepared(signingKey, authorized, answer)); // device
            });
            assertEquals(0, failed.get(), "every signature made here verifies");
            System.out.printf("%s, signatures alone, %d devices on %d threads, round %d: %.0f registrations/s"
                            + " (%.0f us of CPU each), %.0f authorizations/s (%.0f us of CPU each)%n",
                    provider.displayName(), n, THREADS, round,
                    n * 1e9 / registrations, THREADS * registrations / 1e3 / n, n * 1e9 / authorizations,
                    THREADS * authorizations / 1e3 / n);
        }
    }

    private static long timed(int n, IntConsumer step) throws InterruptedException {
        AtomicInteger next = new AtomicInteger();
        List<Thread> threads = new ArrayList<>();
        long start = System.nanoTime();
        for (int t = 0; t < THREADS; t++) {
            Thread thread = new Thread(() -> {
                for (int i = next.getAndIncrement(); i < n; i = next.getAndIncrement()) {
                    step.accept(i);
                }
            });
            threads.add(thread);
            thread.start();
        }
        for (Thread thread : threads) {
            thread.join();
        }
        return System.nanoTime() - start;
    }

    /** The device's key as the satellite gets it: decoded from the CSR's SubjectPublicKeyInfo, a fresh object. */
    private static PublicKey decode(byte[] encoded) {
        try {
            return Crypto.ecPublicKey(encoded);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void count(AtomicInteger failed, boolean verified) {
        if (!verified) {
            failed.incrementAndGet();
        }
    }

    private static byte[] bytes(int length) {
        byte[] bytes = new byte[length];
        new Random(length).nextBytes(bytes);
        return bytes;
    }
}
