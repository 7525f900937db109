package dev.smartsat.transport;

import java.security.PublicKey;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Decoded public keys of current ID certificates, by instance and certificate serial, so a device's
 * every message does not cost a database read and a key decode. Only a hint: the message's own
 * transaction still checks that the instance exists and holds that certificate, and a signature that
 * fails with a remembered key is checked again the long way, so answers are the same as without it.
 */
final class VerificationKeys {
    static final int LIMIT = 50_000;

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
