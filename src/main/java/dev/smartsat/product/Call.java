package dev.smartsat.product;

/** Calls of one kind in progress on an Expressway: what {@link RichMediaSessions} counts. */
public record Call(Type type, Media media, int count) {
    public Call {
        if (count < 0) {
            throw new IllegalArgumentException("count must be 0 or more");
        }
    }

    /** The call types of the Expressway document's "Call Types and Licensing" (003:102-134, 198-214). */
    public enum Type {
        B2B("b2b", true), JABBER_GUEST("jabber-guest", true), INTERWORKING("interworking", true),
        REGISTERED("registered", false), MRA("mra", false), CONFERENCE("conference", false), CLOUD("cloud", false);

        private final String word;
        private final boolean consumesRms;

        Type(String word, boolean consumesRms) {
            this.word = word;
            this.consumesRms = consumesRms;
        }

        public String word() {
            return word;
        }

        /** 003:126 "RMS licenses are consumed ... B2B, Jabber Guest, Interworked or gatewayed calls". */
        public boolean consumesRms() {
            return consumesRms;
        }
    }

    /** A call's media: video, an audio-only SIP call, or any other audio-only call (003:132-134). */
    public enum Media {
        VIDEO("video"), AUDIO("audio"), AUDIO_OTHER("audio-other");

        private final String word;

        Media(String word) {
            this.word = word;
        }

        public String word() {
            return word;
        }
    }
}
