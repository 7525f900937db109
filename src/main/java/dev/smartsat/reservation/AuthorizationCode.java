package dev.smartsat.reservation;

import dev.smartsat.pki.Signatures;
import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Specific License Reservation authorization code (SPEC §5.3): one line of XML, signed over the
 * exact bytes from {@code <authorizationCode>} through {@code </authorizationCode>}. The format is
 * fixed to the byte, so it is written and read here by hand rather than by an XML library that might
 * reorder or re-indent it.
 */
public record AuthorizationCode(String piid, long timestamp, List<Entitlement> entitlements, String udi,
                                String signature, String signedPart) {

    /** One reserved entitlement. Dates are {@code YYYY-MM-DD} or empty. */
    public record Entitlement(String tag, long count, String startDate, String endDate, String licenseType,
                              String displayName, String tagDescription, String subscriptionId) {}

    private static final Pattern WHOLE = Pattern.compile(
            "<specificPLR>(<authorizationCode>.*</authorizationCode>)<signature>([A-Za-z0-9+/]+={0,2})</signature>"
                    + "<udi>([^<]*)</udi></specificPLR>");
    private static final Pattern SIGNED = Pattern.compile(
            "<authorizationCode><flag>A</flag><version>C</version><piid>([^<]*)</piid><timestamp>(\\d{1,19})</timestamp>"
                    + "<entitlements>((?:<entitlement>.*?</entitlement>)*)</entitlements></authorizationCode>");
    private static final Pattern ENTITLEMENT = Pattern.compile(
            "<entitlement><tag>([^<]*)</tag><count>(\\d{1,10})</count><startDate>([^<]*)</startDate>"
                    + "<endDate>([^<]*)</endDate><licenseType>([^<]*)</licenseType><displayName>([^<]*)</displayName>"
                    + "<tagDescription>([^<]*)</tagDescription><subscriptionID>([^<]*)</subscriptionID></entitlement>");

    /** Builds and signs a code with the satellite's signing key. */
    public static AuthorizationCode sign(String piid, long timestamp, List<Entitlement> entitlements, String udi,
                                         PrivateKey key) {
        StringBuilder signed = new StringBuilder("<authorizationCode><flag>A</flag><version>C</version><piid>")
                .append(escape(piid)).append("</piid><timestamp>").append(timestamp).append("</timestamp><entitlements>");
        for (Entitlement e : entitlements) {
            signed.append("<entitlement><tag>").append(escape(e.tag())).append("</tag><count>").append(e.count())
                    .append("</count><startDate>").append(escape(e.startDate())).append("</startDate><endDate>")
                    .append(escape(e.endDate())).append("</endDate><licenseType>").append(escape(e.licenseType()))
                    .append("</licenseType><displayName>").append(escape(e.displayName()))
                    .append("</displayName><tagDescription>").append(escape(e.tagDescription()))
                    .append("</tagDescription><subscriptionID>").append(escape(e.subscriptionId()))
                    .append("</subscriptionID></entitlement>");
        }
        signed.append("</entitlements></authorizationCode>");
        String part = signed.toString();
        String signature = Base64.getEncoder().encodeToString(Signatures.sign(key, part.getBytes(StandardCharsets.UTF_8)));
        return new AuthorizationCode(piid, timestamp, List.copyOf(entitlements), udi, signature, part);
    }

    /** The one-line text a person copies. */
    public String text() {
        return "<specificPLR>" + signedPart + "<signature>" + signature + "</signature><udi>" + escape(udi)
                + "</udi></specificPLR>";
    }

    /** Reads a code exactly as SPEC §5.3 writes it; surrounding blank space (a file's newline) is allowed. */
    public static AuthorizationCode parse(String text) {
        Matcher whole = WHOLE.matcher(text == null ? "" : text.strip());
        if (!whole.matches()) {
            throw new InvalidCodeException("this is not a Specific License Reservation authorization code"
                    + " (<specificPLR>…</specificPLR> on one line)");
        }
        String part = whole.group(1);
        Matcher signed = SIGNED.matcher(part);
        if (!signed.matches()) {
            throw new InvalidCodeException("the <authorizationCode> part of the code is damaged");
        }
        List<Entitlement> entitlements = new ArrayList<>();
        Matcher e = ENTITLEMENT.matcher(signed.group(3));
        int end = 0;
        while (e.find() && e.start() == end) {
            entitlements.add(new Entitlement(unescape(e.group(1)), Long.parseLong(e.group(2)), unescape(e.group(3)),
                    unescape(e.group(4)), unescape(e.group(5)), unescape(e.group(6)), unescape(e.group(7)),
                    unescape(e.group(8))));
            end = e.end();
        }
        if (end != signed.group(3).length()) {
            throw new InvalidCodeException("an <entitlement> of the code is damaged");
        }
        long timestamp;
        try {
            timestamp = Long.parseLong(signed.group(2));
        } catch (NumberFormatException ex) {
            throw new InvalidCodeException("the code's timestamp is damaged");
        }
        return new AuthorizationCode(unescape(signed.group(1)), timestamp, List.copyOf(entitlements),
                unescape(whole.group(3)), whole.group(2), part);
    }

    /** Whether the signature verifies over the exact signed bytes with the satellite's signing key. */
    public boolean verify(PublicKey signingKey) {
        byte[] der;
        try {
            der = Base64.getDecoder().decode(signature);
        } catch (IllegalArgumentException e) {
            return false;
        }
        return Signatures.verify(signingKey, signedPart.getBytes(StandardCharsets.UTF_8), der);
    }

    /** The confirmation code a device shows after installing this code: 4 bytes of SHA-256, lower-case hex. */
    public String confirmationCode() {
        byte[] digest = ReturnCode.sha256(signedPart.getBytes(StandardCharsets.UTF_8));
        return HexFormat.of().formatHex(digest, 0, 4);
    }

    static String escape(String text) {
        if (text == null) {
            return "";
        }
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    static String unescape(String text) {
        return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&");
    }
}
