package dev.smartsat.transport;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.Collections;
import java.util.Map;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;

/**
 * A /SmartTransport request payload (SPEC §3), one record per message type, each carrying exactly the
 * fields its type has. {@link #parse} checks the shape before anything else is looked at; anything off is
 * MALFORMED.
 */
public sealed interface TransportRequest {

    /** What every message carries: when it was sent, its nonce, and the device's identity (sudi). */
    record Common(Instant timestamp, String nonce, String udiPid, String udiSerial, String udiUuid) {}

    /** REGISTER: signed by the CSR's key, as the device has no ID certificate yet. */
    record Register(Common common, String idToken, PKCS10CertificationRequest csr, String softwareTag,
                    String hostname, boolean overwrite) implements TransportRequest {
        @Override
        public MessageType type() {
            return MessageType.REGISTER;
        }

        @Override
        public <T, X extends Exception> T accept(Visitor<T, X> visitor) throws X {
            return visitor.register(this);
        }
    }

    /** Every message but REGISTER: sent by a registered instance, signed with its ID certificate. */
    sealed interface FromInstance extends TransportRequest {
        String piid();
    }

    /** RENEW_ID_CERT: a new ID certificate for a new key; a changed host name is recorded. */
    record RenewIdCert(Common common, String piid, PKCS10CertificationRequest csr, String hostname)
            implements FromInstance {
        @Override
        public MessageType type() {
            return MessageType.RENEW_ID_CERT;
        }

        @Override
        public <T, X extends Exception> T accept(Visitor<T, X> visitor) throws X {
            return visitor.renewIdCert(this);
        }
    }

    /** AUTH_REQUEST: the device's current usage as tag to count; empty when none is in use. */
    record AuthRequest(Common common, String piid, Map<String, Long> entitlements) implements FromInstance {
        public AuthRequest {
            // Read-only, in the device's order: the answer lists the entitlements as the request did.
            entitlements = Collections.unmodifiableMap(entitlements);
        }

        @Override
        public MessageType type() {
            return MessageType.AUTH_REQUEST;
        }

        @Override
        public <T, X extends Exception> T accept(Visitor<T, X> visitor) throws X {
            return visitor.authRequest(this);
        }
    }

    /** DEREGISTER: release every license and revoke the certificate. */
    record Deregister(Common common, String piid) implements FromInstance {
        @Override
        public MessageType type() {
            return MessageType.DEREGISTER;
        }

        @Override
        public <T, X extends Exception> T accept(Visitor<T, X> visitor) throws X {
            return visitor.deregister(this);
        }
    }

    /** HELLO: a signed "are you there", answered with the server's time. */
    record Hello(Common common, String piid) implements FromInstance {
        @Override
        public MessageType type() {
            return MessageType.HELLO;
        }

        @Override
        public <T, X extends Exception> T accept(Visitor<T, X> visitor) throws X {
            return visitor.hello(this);
        }
    }

    /**
     * One case per message type. Java 17 has no pattern matching for switch (without preview), so this is
     * how handling every type is checked at compile time: a new record must accept a visitor, and so needs a
     * case here that every handler must then write.
     */
    interface Visitor<T, X extends Exception> {
        T register(Register r) throws X;

        T renewIdCert(RenewIdCert r) throws X;

        T authRequest(AuthRequest r) throws X;

        T deregister(Deregister r) throws X;

        T hello(Hello r) throws X;
    }

    Common common();

    MessageType type();

    <T, X extends Exception> T accept(Visitor<T, X> visitor) throws X;

    default Instant timestamp() {
        return common().timestamp();
    }

    default String nonce() {
        return common().nonce();
    }

    /** A request that is not shaped as SPEC §3 says. */
    final class Malformed extends Exception {
        public Malformed(String message) {
            super(message, null, false, false);
        }
    }

    /** Checks the payload's shape and reads it into the record of its message type. */
    static TransportRequest parse(JsonNode payload) throws Malformed {
        return RequestParser.parse(payload);
    }

    /** The request's nonce if it is a valid one, else null: what an answer echoes. */
    static String validNonce(JsonNode payload) {
        return RequestParser.validNonce(payload);
    }
}
