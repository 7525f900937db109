package dev.smartsat.transport;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.stats.CacheStats;
import dev.smartsat.pki.CryptoProvider;
import dev.smartsat.pki.CryptoProviders;
import java.security.PublicKey;

/**
 * Decoded public keys of current ID certificates, by instance and certificate serial, so a device's every
 * message does not cost a database read and a key decode, and under BouncyCastle its signature is checked with
 * the key object that already holds BouncyCastle's precomputation (registration leaves the CSR's key here). Only
 * a hint: the message's own transaction still checks that the instance exists and holds that certificate, and a
 * signature that fails with a remembered key is checked again the long way, so answers are the same as without it.
 */
final class VerificationKeys {
    // Each key carries BouncyCastle's precomputed multiples (about 5 KB). Holding a whole 20,000-device burst
    // (100 MB) doubled the young-collection pauses and raised the authorization p99 from 25 to 31-37 ms, for no
    // measurable throughput: a miss costs one indexed read. So: the devices of the moment, not a fleet.
    // Fleet run (issue 12: 10,000 devices register, then each authorizes, a scan five times the bound; three runs):
    // 16.0-19.8% of 10,000 lookups hit, where clearing when full hit none; the devices that talk again soon are
    // what it is for.
    static final int LIMIT = 2_048;
    // ACCP's key object keeps no precomputation: 0.9 KB of native memory per key with AWS-LC's part (40,000 keys
    // measured), so the devices of a large burst fit: a device that registered minutes ago still finds its key here
    // and its message costs no database read. Fleet run (issue 16, --warmup 20000 --devices 20000, 2 rounds):
    // authorizations/s 2,572-2,710 against 1,798-2,112 with 2,048 keys; the read and decode of every miss had been 12%
    // of the satellite's CPU during the authorizations.
    static final int ACCP_LIMIT = 65_536;

    private final Cache<String, PublicKey> keys = Caffeine.newBuilder()
            .maximumSize(CryptoProviders.current().kind() == CryptoProvider.ACCP ? ACCP_LIMIT : LIMIT)
            .recordStats().build();

    PublicKey get(String piid, String keyId) {
        return keys.getIfPresent(piid + '/' + keyId);
    }

    void put(String piid, String keyId, PublicKey key) {
        keys.put(piid + '/' + keyId, key);
    }

    void forget(String piid, String keyId) {
        keys.invalidate(piid + '/' + keyId);
    }

    CacheStats stats() {
        return keys.stats();
    }
}
