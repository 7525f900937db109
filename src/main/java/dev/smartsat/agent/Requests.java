package dev.smartsat.agent;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.smartsat.agent.DeviceState.Identity;
import dev.smartsat.transport.MessageType;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;

/**
 * The request payloads of /SmartTransport exactly as SPEC §3 lists them, written field by field with a
 * streaming generator (no tree, no maps: the fleet writes thousands per second).
 */
public final class Requests {
    private static final JsonFactory JSON = new JsonFactory();

    /** Makes the payload of one attempt; the transport calls it again with a fresh timestamp and nonce on a retry. */
    @FunctionalInterface
    public interface Body {
        String payload(long timestampMillis, String nonce);
    }

    private Requests() {
    }

    /** The ISO 19770-2 software tag a product of {@code pid} reports, the same on every device of that product. */
    public static String defaultSoftwareTag(String pid) {
        UUID product = UUID.nameUUIDFromBytes(("smartsat-software:" + pid).getBytes(StandardCharsets.UTF_8));
        return "regid.2016-07.com.cisco." + pid + ",1.0_" + product;
    }

    /** REGISTER; {@code hostname} null leaves the field out (a device that does not share its host name). */
    public static String register(Identity identity, long timestamp, String nonce, String idToken, String csrPem,
                                  String softwareTag, String hostname, boolean overwrite) {
        return write(g -> {
            head(g, MessageType.REGISTER, identity, null, timestamp, nonce);
            g.writeStringField("id_token", idToken);
            g.writeStringField("csr", csrPem);
            g.writeStringField("software_tag_identifier", softwareTag);
            if (hostname != null) {
                g.writeStringField("hostname", hostname);
            }
            g.writeBooleanField("overwrite", overwrite);
        });
    }

    public static String renewIdCert(Identity identity, String productInstanceId, long timestamp, String nonce,
                                     String csrPem, String hostname) {
        return write(g -> {
            head(g, MessageType.RENEW_ID_CERT, identity, productInstanceId, timestamp, nonce);
            g.writeStringField("csr", csrPem);
            if (hostname != null) {
                g.writeStringField("hostname", hostname);
            }
        });
    }

    /** AUTH_REQUEST with the device's current usage; an empty list means it uses none. */
    public static String authRequest(Identity identity, String productInstanceId, long timestamp, String nonce,
                                     List<Entitlement> entitlements) {
        return write(g -> {
            head(g, MessageType.AUTH_REQUEST, identity, productInstanceId, timestamp, nonce);
            g.writeArrayFieldStart("entitlements");
            for (Entitlement e : entitlements) {
                g.writeStartObject();
                g.writeStringField("tag", e.tag());
                g.writeNumberField("count", e.count());
                g.writeEndObject();
            }
            g.writeEndArray();
        });
    }

    public static String deregister(Identity identity, String productInstanceId, long timestamp, String nonce) {
        return write(g -> head(g, MessageType.DEREGISTER, identity, productInstanceId, timestamp, nonce));
    }

    public static String hello(Identity identity, String productInstanceId, long timestamp, String nonce) {
        return write(g -> head(g, MessageType.HELLO, identity, productInstanceId, timestamp, nonce));
    }

    /** The fields every request has; {@code productInstanceId} null for REGISTER, which has none yet. */
    private static void head(JsonGenerator g, MessageType type, Identity identity, String productInstanceId,
                             long timestamp, String nonce) throws IOException {
        g.writeStringField("message_type", type.name());
        g.writeStringField("message_version", MessageType.VERSION);
        g.writeNumberField("timestamp", timestamp);
        g.writeStringField("nonce", nonce);
        g.writeObjectFieldStart("sudi");
        g.writeStringField("udi_pid", identity.pid());
        g.writeStringField("udi_serial_number", identity.serial());
        if (identity.uuid() != null) {
            g.writeStringField("udi_uuid", identity.uuid());
        }
        g.writeEndObject();
        if (type != MessageType.REGISTER) {
            g.writeStringField("product_instance_identifier", productInstanceId);
        }
    }

    private interface Fields {
        void write(JsonGenerator g) throws IOException;
    }

    private static String write(Fields fields) {
        StringWriter out = new StringWriter(512);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            fields.write(g);
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }
}
