package dev.smartsat.product;

import java.util.Locale;

/**
 * Endpoints of one kind registered to an Expressway: {@code count} devices of {@code model}, each registering
 * {@code aliases} aliases over {@code protocol}, directly or by proxy. What {@link RoomAndDesktopRegistrations}
 * counts, and what an Expressway in Evaluation Expired refuses when new.
 */
public record EndpointRegistration(String model, Protocol protocol, int aliases, String software, Via via, int count) {
    /** What {@code software} is when a scenario does not say: a current release of every endpoint family. */
    public static final String CURRENT_SOFTWARE = "RoomOS 11";

    public EndpointRegistration {
        if (model == null || model.isBlank()) {
            throw new IllegalArgumentException("model must be given");
        }
        if (aliases < 1 || count < 0) {
            throw new IllegalArgumentException("aliases must be 1 or more and count 0 or more");
        }
        software = software == null ? CURRENT_SOFTWARE : software;
        via = via == null ? Via.DIRECT : via;
        if (via != Via.DIRECT && protocol != Protocol.SIP) {
            // 003:188 "Proxy registration is possible with SIP endpoints only and does not apply to H.323 endpoints."
            throw new IllegalArgumentException("a proxy registration is SIP only");
        }
    }

    /** The same endpoints, {@code n} of them. */
    public EndpointRegistration withCount(int n) {
        return new EndpointRegistration(model, protocol, aliases, software, via, n);
    }

    /** Everything but the count: endpoints with the same kind are the same endpoints. */
    public String kind() {
        return model.strip().toLowerCase(Locale.ROOT) + "|" + protocol + "|" + aliases + "|"
                + software.strip().toLowerCase(Locale.ROOT) + "|" + via;
    }

    /** How the endpoint registers: SIP, H.323, or both at once (003:191). */
    public enum Protocol {
        SIP("sip"), H323("h323"), SIP_AND_H323("sip+h323");

        private final String word;

        Protocol(String word) {
            this.word = word;
        }

        public String word() {
            return word;
        }
    }

    /** Where the registration arrives: directly, or proxied through Expressway-C or Expressway-E (003:222-223). */
    public enum Via {
        DIRECT("direct"), PROXY_C("proxy-c"), PROXY_E("proxy-e");

        private final String word;

        Via(String word) {
            this.word = word;
        }

        public String word() {
            return word;
        }
    }
}
