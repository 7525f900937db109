package dev.smartsat.server;

import dev.smartsat.pki.Pki;
import dev.smartsat.store.PinDao;
import dev.smartsat.store.Store;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * SPEC §10: a node refuses to start when its certs are not those the database was created with. Devices registered
 * through one node verify every node's answers with the signing certificate they were given and present ID
 * certificates from the one product CA, so the nodes of a database must share those certificates and their root.
 * The first start records their fingerprints; every later start, on any node, compares. A refusal is an
 * {@link IllegalStateException}: one line and exit 2.
 */
final class CertsCheck {
    private CertsCheck() {}

    /**
     * Before the certs dir is loaded (which would fill an empty one): a database that has recorded certificates
     * cannot be served with new ones, so a certs dir without a root is refused before anything is created in it.
     */
    static void beforeLoading(Store store, Path certsDir) {
        if (!Files.exists(certsDir.resolve(Pki.ROOT_FILE)) && !store.read(tx -> tx.pins().all()).isEmpty()) {
            throw new IllegalStateException("the certs dir " + certsDir.toAbsolutePath() + " has no " + Pki.ROOT_FILE
                    + ", but this database was created with certificates of its own: " + copyTheCerts(certsDir));
        }
    }

    /** Records the certificates on a database that has none recorded, and refuses certificates that differ. */
    static void run(Store store, Pki pki, Path certsDir, Clock clock) {
        Map<String, X509Certificate> mine = pki.sharedCertificates();
        // Recorded and compared in one transaction: of two nodes starting at once on a new database, the second
        // finds the first's fingerprints (its own insert does nothing) and is held to them.
        List<PinDao.Pin> recorded = store.write(tx -> {
            mine.forEach((name, certificate) -> tx.pins().record(name, Pki.fingerprint(certificate), clock.instant()));
            return tx.pins().all();
        });
        Map<String, String> expected = recorded.stream().collect(Collectors.toMap(PinDao.Pin::name, PinDao.Pin::sha256));
        for (var entry : mine.entrySet()) {
            String want = expected.get(entry.getKey());
            String have = Pki.fingerprint(entry.getValue());
            if (want != null && !want.equals(have)) {
                throw new IllegalStateException("the certs dir " + certsDir.toAbsolutePath() + " is not the one this"
                        + " database was created with (its " + entry.getKey() + " has SHA-256 " + shortly(have)
                        + "…, the database recorded " + shortly(want) + "…): " + copyTheCerts(certsDir));
            }
        }
    }

    private static String copyTheCerts(Path certsDir) {
        return "copy the certs dir of the first node that started on this database to " + certsDir.toAbsolutePath()
                + " (every node shares its certificates), or use the database those certs were made for";
    }

    private static String shortly(String sha256) {
        return sha256.substring(0, 16);
    }
}
