package dev.smartsat.core;

/**
 * The alert conditions of SPEC §12 and the severity each is raised with: CRITICAL where devices are (or are about
 * to be) out of compliance or unaccounted for now, WARNING where there is still time to act.
 */
public enum AlertType {
    INSUFFICIENT_LICENSES(Severity.CRITICAL),
    LICENSES_EXPIRING(Severity.WARNING),
    LICENSES_EXPIRED(Severity.CRITICAL),
    PRODUCT_FAILED_TO_CONNECT(Severity.CRITICAL),
    SYNC_OVERDUE(Severity.WARNING);

    /** How urgent an alert is. */
    public enum Severity { WARNING, CRITICAL }

    private final Severity severity;

    AlertType(Severity severity) {
        this.severity = severity;
    }

    public Severity severity() {
        return severity;
    }
}
