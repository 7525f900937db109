package dev.smartsat.licensing;

import dev.smartsat.core.SmartAccount;
import dev.smartsat.core.SyncState;
import dev.smartsat.store.Tx;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The e-mail of a raised alert (SPEC §12, {@code alerts.smtp}), put in the outbox inside the transaction that raises
 * the alert: a raise committed is a mail kept, and a raise rolled back leaves no mail, so one raise is one mail. The
 * outbox's own thread delivers it later; nothing here waits for a mail server.
 */
public final class AlertMail {
    /** No mail server configured: alerts are only recorded. */
    public static final AlertMail NONE = new AlertMail(List.of(), Clock.systemUTC(), () -> {});
    /** Long messages stay whole in the body; a subject line this long is already more than a mail client shows. */
    static final int SUBJECT_MAX = 200;

    private final String recipients;
    private final Clock wall;
    private final Runnable nudge;

    /**
     * {@code wall}: when the outbox row is due. Delivery is an operational retry, so it runs on the wall clock;
     * the simulated clock (which may be set to 2027 and back) only says when the alert was raised.
     * {@code nudge}: wakes the sender once a raise has committed.
     */
    public AlertMail(List<String> recipients, Clock wall, Runnable nudge) {
        this.recipients = String.join(", ", recipients);
        this.wall = wall;
        this.nudge = nudge;
    }

    boolean enabled() {
        return !recipients.isEmpty();
    }

    /** Puts the mail of alert {@code alertId} in the outbox, in the raising transaction {@code tx}. */
    void enqueue(Tx tx, long alertId, AlertMonitor.Condition c, Instant raisedAt) {
        if (!enabled()) {
            return;
        }
        Optional<SmartAccount> account = c.va() == null ? Optional.empty()
                : tx.accounts().accountById(c.va().accountId());
        Optional<String> satellite = tx.sync().state().map(SyncState::satelliteId);
        StringBuilder body = new StringBuilder("SmartSat raised an alert.\n\n");
        line(body, "Type", c.type().name());
        line(body, "Severity", c.type().severity().name());
        line(body, "Account", account.map(SmartAccount::name).orElse(c.va() == null ? "every account" : null));
        line(body, "Virtual account", c.va() == null ? null : c.va().name());
        line(body, "License", c.tag());
        line(body, "Raised at", raisedAt + " (satellite clock)");
        line(body, "Satellite", satellite.orElse(null));
        body.append('\n').append(c.message()).append("\n\nIt is listed under Alerts (GET /backend/api/v1/accounts/"
                + "{account}/alerts) until its condition ends.\n");
        Instant now = wall.instant();
        tx.mail().enqueue(alertId, subject(c), body.toString(), recipients, now, now);
    }

    /** After the raising transaction has committed: the sender may deliver now. */
    void nudge() {
        if (enabled()) {
            nudge.run();
        }
    }

    /** Names the type first, so a mail filter can sort on it: {@code [SmartSat] INSUFFICIENT_LICENSES: …}. */
    static String subject(AlertMonitor.Condition c) {
        // one line: a name typed into a virtual account must not start a header of its own
        String subject = ("[SmartSat] " + c.type() + ": " + c.message()).replaceAll("[\\r\\n\\t]+", " ");
        return subject.length() <= SUBJECT_MAX ? subject : subject.substring(0, SUBJECT_MAX - 1) + "…";
    }

    private static void line(StringBuilder body, String name, String value) {
        if (value != null) {
            body.append(String.format("%-17s%s\n", name + ":", value));
        }
    }
}
