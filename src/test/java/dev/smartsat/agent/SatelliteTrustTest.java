package dev.smartsat.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.smartsat.agent.TransportException.Kind;
import dev.smartsat.pki.PemFiles;
import dev.smartsat.pki.Pki;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The signing certificate and ID certificates are trusted only through the root given with --ca. */
class SatelliteTrustTest {
    @TempDir
    static Path dir;
    static Pki satellite;
    static Pki stranger;
    static final Instant NOW = Instant.now();

    @BeforeAll
    static void pkis() {
        satellite = Pki.loadOrCreate(dir.resolve("satellite"), List.of("localhost"), Clock.systemUTC());
        stranger = Pki.loadOrCreate(dir.resolve("stranger"), List.of("localhost"), Clock.systemUTC());
    }

    static String idCertFor(Pki pki, KeyPair keys) {
        X509Certificate id = pki.issueIdCertificate(PemFiles.csrFromPem(DeviceKeys.csrPem(keys, "C9300-24UX", "FCW1")),
                UUID.randomUUID().toString(), "Default", "Example Corp", "C9300-24UX", "FCW1", NOW);
        return PemFiles.toPem(id);
    }

    static List<String> chainOf(Pki pki) {
        return List.of(PemFiles.toPem(pki.productCa()), PemFiles.toPem(pki.root()));
    }

    @Test
    void theTrustBundleGivesTheSigningCertificateAndItsKeyId() throws Exception {
        SatelliteTrust trust = SatelliteTrust.fromBundle(satellite.trustBundlePem(), satellite.root(), NOW);
        assertEquals(satellite.signingCert(), trust.signingCertificate());
        assertEquals(satellite.signingKeyId(), trust.verifier().keyId());
    }

    @Test
    void aBundleFromAnotherRootIsRefused() {
        TransportException e = assertThrows(TransportException.class,
                () -> SatelliteTrust.fromBundle(stranger.trustBundlePem(), satellite.root(), NOW));
        assertEquals(Kind.UNTRUSTED, e.kind());
        assertTrue(e.getMessage().contains("--ca"), e.getMessage());
    }

    @Test
    void anExpiredSigningCertificateIsRefused() {
        Instant later = satellite.signingCert().getNotAfter().toInstant().plus(Duration.ofDays(1));
        assertThrows(TransportException.class,
                () -> SatelliteTrust.fromBundle(satellite.trustBundlePem(), satellite.root(), later));
    }

    @Test
    void aBundleWithoutASigningCertificateIsRefused() {
        assertThrows(TransportException.class,
                () -> SatelliteTrust.fromBundle(PemFiles.toPem(satellite.root()), satellite.root(), NOW));
        assertThrows(TransportException.class, () -> SatelliteTrust.fromBundle("junk", satellite.root(), NOW));
    }

    @Test
    void anIdCertificateChainingToTheRootForTheDevicesKeyIsAccepted() throws Exception {
        SatelliteTrust trust = SatelliteTrust.fromBundle(satellite.trustBundlePem(), satellite.root(), NOW);
        KeyPair keys = DeviceKeys.generate();
        String id = idCertFor(satellite, keys);
        assertEquals(PemFiles.certificateFromPem(id), trust.verifyIdCertificate(id, chainOf(satellite), keys.getPublic(), NOW));
        // RENEW_ID_CERT brings no chain: the product CA of the trust bundle serves.
        trust.verifyIdCertificate(id, null, keys.getPublic(), NOW);
    }

    @Test
    void anIdCertificateFromAnotherCaOrForAnotherKeyIsRefused() throws Exception {
        SatelliteTrust trust = SatelliteTrust.fromBundle(satellite.trustBundlePem(), satellite.root(), NOW);
        KeyPair keys = DeviceKeys.generate();
        String foreign = idCertFor(stranger, keys);
        assertEquals(Kind.UNTRUSTED, assertThrows(TransportException.class,
                () -> trust.verifyIdCertificate(foreign, chainOf(stranger), keys.getPublic(), NOW)).kind());
        assertEquals(Kind.UNTRUSTED, assertThrows(TransportException.class,
                () -> trust.verifyIdCertificate(foreign, chainOf(satellite), keys.getPublic(), NOW)).kind());
        String genuine = idCertFor(satellite, keys);
        TransportException e = assertThrows(TransportException.class,
                () -> trust.verifyIdCertificate(genuine, chainOf(satellite), DeviceKeys.generate().getPublic(), NOW));
        assertTrue(e.getMessage().contains("another key"), e.getMessage());
        assertThrows(TransportException.class, () -> trust.verifyIdCertificate(null, chainOf(satellite), keys.getPublic(), NOW));
    }
}
