package dev.smartsat.product;

import java.util.Optional;

/** The two seed products of SPEC §11, by the names the command line and scenario files use. */
public enum Profile {
    EXPRESSWAY("expressway", "EXPWY-VM-K9", "Cisco Expressway"),
    WEBEX_MEETINGS_SERVER("webex-meetings-server", "CWMS-4-K9", "Cisco Webex Meetings Server");

    private final String word;
    private final String defaultPid;
    private final String title;

    Profile(String word, String defaultPid, String title) {
        this.word = word;
        this.defaultPid = defaultPid;
        this.title = title;
    }

    public String word() {
        return word;
    }

    public String defaultPid() {
        return defaultPid;
    }

    public String title() {
        return title;
    }

    public static Optional<Profile> byWord(String word) {
        for (Profile p : values()) {
            if (p.word.equals(word)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }
}
