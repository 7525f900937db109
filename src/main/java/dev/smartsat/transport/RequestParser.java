package dev.smartsat.transport;

import com.fasterxml.jackson.databind.JsonNode;
import dev.smartsat.pki.PemFiles;
import dev.smartsat.transport.TransportRequest.Malformed;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;

/** Reads a /SmartTransport payload into its {@link TransportRequest}, checking its shape as SPEC §3 says. */
final class RequestParser {
    static final Pattern NONCE = Pattern.compile("[A-Za-z0-9]{16,64}");
    static final Pattern PID = Pattern.compile("[A-Za-z0-9._/+-]{1,64}");
    static final Pattern SERIAL = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    static final int MAX_ENTITLEMENTS = 200;
    static final long MAX_COUNT = 1_000_000_000L;
    static final int MAX_CSR = 8 * 1024;

    private RequestParser() {}

    static String validNonce(JsonNode payload) {
        JsonNode n = payload == null ? null : payload.get("nonce");
        return n != null && n.isTextual() && NONCE.matcher(n.asText()).matches() ? n.asText() : null;
    }

    /** The common fields first, then the product instance identifier, then those of the type. */
    static TransportRequest parse(JsonNode p) throws Malformed {
        MessageType type = type(p);
        JsonNode version = p.get("message_version");
        if (version == null || !version.isTextual() || !version.asText().startsWith("1.")) {
            throw new Malformed("message_version must be \"" + MessageType.VERSION + "\"");
        }
        JsonNode ts = p.get("timestamp");
        if (ts == null || !ts.isIntegralNumber() || !ts.canConvertToLong() || ts.asLong() < 0) {
            throw new Malformed("timestamp must be epoch milliseconds");
        }
        String nonce = validNonce(p);
        if (nonce == null) {
            throw new Malformed("nonce must be 16 to 64 characters of [A-Za-z0-9]");
        }
        JsonNode sudi = p.get("sudi");
        if (sudi == null || !sudi.isObject()) {
            throw new Malformed("sudi must be an object with udi_pid and udi_serial_number");
        }
        String pid = matching(sudi, "udi_pid", PID, "sudi.udi_pid must be 1 to 64 characters of [A-Za-z0-9._/+-]");
        String serial = matching(sudi, "udi_serial_number", SERIAL,
                "sudi.udi_serial_number must be 1 to 64 characters of [A-Za-z0-9._-]");
        String uuid = optionalString(sudi, "udi_uuid", 100);
        var common = new TransportRequest.Common(Instant.ofEpochMilli(ts.asLong()), nonce, pid, serial, uuid);
        // Arguments are read left to right: the instance identifier is checked before the fields of its type.
        return switch (type) {
            case REGISTER -> new TransportRequest.Register(common, requiredString(p, "id_token", 500), csr(p),
                    optionalString(p, "software_tag_identifier", 300), optionalString(p, "hostname", 255),
                    optionalBoolean(p, "overwrite"));
            case RENEW_ID_CERT -> new TransportRequest.RenewIdCert(common, piid(p), csr(p),
                    optionalString(p, "hostname", 255));
            case AUTH_REQUEST -> new TransportRequest.AuthRequest(common, piid(p), entitlements(p));
            case DEREGISTER -> new TransportRequest.Deregister(common, piid(p));
            case HELLO -> new TransportRequest.Hello(common, piid(p));
        };
    }

    /** Every type but REGISTER names the instance it comes from. */
    private static String piid(JsonNode p) throws Malformed {
        String piid = requiredString(p, "product_instance_identifier", 36);
        try {
            UUID.fromString(piid);
        } catch (IllegalArgumentException e) {
            throw new Malformed("product_instance_identifier must be a UUID");
        }
        return piid;
    }

    private static PKCS10CertificationRequest csr(JsonNode p) throws Malformed {
        String pem = requiredString(p, "csr", MAX_CSR);
        try {
            return PemFiles.csrFromPem(pem);
        } catch (RuntimeException e) {
            throw new Malformed("csr must be a PEM PKCS#10 certificate request");
        }
    }

    private static MessageType type(JsonNode p) throws Malformed {
        JsonNode t = p.get("message_type");
        if (t != null && t.isTextual()) {
            for (MessageType m : MessageType.values()) {
                if (m.name().equals(t.asText())) {
                    return m;
                }
            }
        }
        throw new Malformed("message_type must be one of REGISTER, RENEW_ID_CERT, AUTH_REQUEST, DEREGISTER, HELLO");
    }

    private static boolean optionalBoolean(JsonNode payload, String field) throws Malformed {
        JsonNode n = payload.get(field);
        if (n == null || n.isNull()) {
            return false;
        }
        if (!n.isBoolean()) {
            throw new Malformed(field + " must be true or false");
        }
        return n.asBoolean();
    }

    /** AUTH_REQUEST's entitlements as tag to count; the empty list means none in use. */
    private static Map<String, Long> entitlements(JsonNode payload) throws Malformed {
        JsonNode list = payload.get("entitlements");
        if (list == null || !list.isArray()) {
            throw new Malformed("entitlements must be a list of {\"tag\", \"count\"} (empty when none are in use)");
        }
        if (list.size() > MAX_ENTITLEMENTS) {
            throw new Malformed("entitlements may list at most " + MAX_ENTITLEMENTS + " tags");
        }
        Map<String, Long> out = new LinkedHashMap<>();
        for (int i = 0; i < list.size(); i++) {
            JsonNode e = list.get(i);
            if (!e.isObject()) {
                throw new Malformed("entitlements[" + i + "] must be an object with tag and count");
            }
            String tag = requiredString(e, "tag", 300);
            JsonNode count = e.get("count");
            if (count == null || !count.isIntegralNumber() || !count.canConvertToLong()
                    || count.asLong() < 0 || count.asLong() > MAX_COUNT) {
                throw new Malformed("entitlements[" + i + "].count must be a whole number from 0 to " + MAX_COUNT);
            }
            if (out.put(tag, count.asLong()) != null) {
                throw new Malformed("entitlements lists " + tag + " twice");
            }
        }
        return out;
    }

    private static String matching(JsonNode node, String field, Pattern pattern, String message) throws Malformed {
        JsonNode n = node.get(field);
        if (n == null || !n.isTextual() || !pattern.matcher(n.asText()).matches()) {
            throw new Malformed(message);
        }
        return n.asText();
    }

    private static String requiredString(JsonNode node, String field, int max) throws Malformed {
        String value = optionalString(node, field, max);
        if (value == null || value.isEmpty()) {
            throw new Malformed(field + " is required");
        }
        return value;
    }

    private static String optionalString(JsonNode node, String field, int max) throws Malformed {
        JsonNode n = node.get(field);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isTextual()) {
            throw new Malformed(field + " must be a string");
        }
        if (n.asText().length() > max || n.asText().chars().anyMatch(c -> c < 0x20 && c != '\n' && c != '\r')) {
            throw new Malformed(field + " must be at most " + max + " characters, without control characters");
        }
        return n.asText();
    }
}
