package dev.smartsat.store;

import java.time.Instant;
import java.util.List;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

/** The alert e-mail outbox: mail written with its alert, waiting for the mail server to accept it. */
public interface MailDao {
    /** A mail not yet accepted by the mail server. */
    record Pending(long id, long alertId, String subject, String body, String recipients, Instant createdAt,
                   int attempts, Instant nextAttemptAt, String lastError) {}

    String COLUMNS = "id, alert_id, subject, body, recipients, created_at, attempts, next_attempt_at, last_error";

    @SqlUpdate("INSERT INTO mail_outbox (alert_id, subject, body, recipients, created_at, next_attempt_at)"
            + " VALUES (?, ?, ?, ?, ?, ?)")
    void enqueue(long alertId, String subject, String body, String recipients, Instant createdAt,
                 Instant nextAttemptAt);

    /** Mail whose next attempt is due at {@code now}, oldest first. */
    @SqlQuery("SELECT " + COLUMNS + " FROM mail_outbox WHERE next_attempt_at <= ? ORDER BY id LIMIT ?")
    List<Pending> due(Instant now, int limit);

    /** Every mail waiting, oldest first. */
    @SqlQuery("SELECT " + COLUMNS + " FROM mail_outbox ORDER BY id LIMIT ?")
    List<Pending> pending(int limit);

    @SqlQuery("SELECT COUNT(*) FROM mail_outbox")
    long count();

    /** When the next waiting mail is due; empty when none waits. */
    @SqlQuery("SELECT MIN(next_attempt_at) FROM mail_outbox")
    java.util.Optional<Instant> nextDue();

    @SqlUpdate("DELETE FROM mail_outbox WHERE id = ?")
    void sent(long id);

    /**
     * Claims a mail for sending until {@code until}, unless another claim on it runs past {@code now} (or it was
     * sent and deleted): 1 if this caller may send it. A claimed mail is not due before its claim ends.
     */
    @SqlUpdate("UPDATE mail_outbox SET claimed_until = ?, next_attempt_at = ? WHERE id = ?"
            + " AND (claimed_until IS NULL OR claimed_until <= ?)")
    int claim(Instant until, Instant nextAttemptAt, long id, Instant now);

    /** A mail this caller claimed and the server did not take: it waits until {@code nextAttemptAt}, unclaimed. */
    @SqlUpdate("UPDATE mail_outbox SET attempts = attempts + 1, last_error = ?, next_attempt_at = ?,"
            + " claimed_until = NULL WHERE id = ?")
    void failed(String lastError, Instant nextAttemptAt, long id);

    /** A mail not tried because the server could not be reached; left alone if another node has claimed it since. */
    @SqlUpdate("UPDATE mail_outbox SET attempts = attempts + 1, last_error = ?, next_attempt_at = ? WHERE id = ?"
            + " AND (claimed_until IS NULL OR claimed_until <= ?)")
    void notTried(String lastError, Instant nextAttemptAt, long id, Instant now);
}
