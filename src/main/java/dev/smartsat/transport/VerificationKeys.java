package dev.smartsat.transport;

import java.security.PublicKey;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Decoded public keys of current ID certificates, by instance and certificate serial, so a device's every
 * message does not cost a database read and a key decode, and its signature is checked with the key object
 * that already holds BouncyCastle's precomputation (registration leaves the CSR's key here). Only a hint: the
 * message's own transaction still checks that the instance exists and holds that certificate, and a signature
 * that fails with a remembered key is checked again the long way, so answers are the same as without it.
 */
final class VerificationKeys {
    // Each key carries BouncyCastle's precomputed multiples (about 5 KB). Holding a whole 20,000-device burst
    // (100 MB) doubled the young-collection pauses and raised the authorization p99 from 25 to 31-37 ms, for no
    // measurable throughput: a miss costs one indexed read. So: the devices of the moment, not a fleet.
    static final int LIMIT = 2_048;

    private final Map<String, PublicKey> keys = new ConcurrentHashMap<>();

    PublicKey get(String piid, String keyId) {
        return keys.get(piid + '/' + keyId);
    }

    void put(String piid, String keyId, PublicKey key) {
        if (keys.size() >= LIMIT) {
            keys.clear();
        }
        keys.put(piid + '/' + keyId, key);
    }

    void forget(String piid, String keyId) {
        keys.remove(piid + '/' + keyId);
    }
}
