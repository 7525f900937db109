package dev.smartsat.transport;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.smartsat.pki.PemFiles;
import dev.smartsat.pki.Pki;
import io.javalin.http.Context;
import java.time.Clock;
import java.util.List;

/** Builds and signs every /SmartTransport answer: {status, message_code, message, timestamp, nonce, data}. */
public final class TransportResponses {
    static final int RETRY_AFTER_SECONDS = 1;
    /** The result codes of answers without a message_code. */
    public static final String OK = "OK", TRY_AGAIN = "OK_TRY_AGAIN", ERROR = "ERROR";

    private final Pki pki;
    private final Clock clock;
    private final List<String> caChain;
    private final String signingPem;

    public TransportResponses(Pki pki, Clock clock) {
        this.pki = pki;
        this.clock = clock;
        this.caChain = List.of(PemFiles.toPem(pki.productCa()), PemFiles.toPem(pki.root()));
        this.signingPem = PemFiles.toPem(pki.signingCert());
    }

    List<String> caChain() {
        return caChain;
    }

    String signingCertificatePem() {
        return signingPem;
    }

    // Each answer returns its result code for the metrics: the message_code, or its status when it has none.

    String ok(Context ctx, String nonce, Object data) {
        send(ctx, 200, OK, null, null, nonce, data);
        return OK;
    }

    String failed(Context ctx, MessageCode code, String message, String nonce, Object data) {
        send(ctx, code.httpStatus(), "FAILED", code.name(), message, nonce, data);
        return code.name();
    }

    String tryAgain(Context ctx, int status, String nonce) {
        ctx.header("Retry-After", Integer.toString(RETRY_AFTER_SECONDS));
        send(ctx, status, TRY_AGAIN, null, "temporarily unavailable; retry after " + RETRY_AFTER_SECONDS + " s",
                nonce, null);
        return TRY_AGAIN;
    }

    /** A server fault, not the device's: still a signed answer, never a stack trace. */
    String error(Context ctx, String nonce) {
        ctx.header("Retry-After", Integer.toString(RETRY_AFTER_SECONDS));
        send(ctx, 500, TRY_AGAIN, null, "internal error; retry later", nonce, null);
        return ERROR;
    }

    private void send(Context ctx, int status, String result, String code, String message, String nonce, Object data) {
        ObjectNode payload = Envelope.MAPPER.createObjectNode();
        payload.put("status", result);
        payload.put("message_code", code);
        payload.put("message", message);
        payload.put("timestamp", clock.millis());
        payload.put("nonce", nonce);
        payload.set("data", Envelope.MAPPER.valueToTree(data));
        try {
            String text = Envelope.MAPPER.writeValueAsString(payload);
            Envelope envelope = Envelope.sign(text, pki.signingKey(), pki.signingKeyId());
            ctx.status(status).contentType("application/json").result(envelope.toJson());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
