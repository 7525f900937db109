package dev.smartsat.mail;

import dev.smartsat.config.Settings;
import dev.smartsat.store.MailDao;
import dev.smartsat.store.Store;
import jakarta.mail.MessagingException;
import jakarta.mail.Transport;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers the alert e-mail outbox (SPEC §12) on a thread of its own, so a mail server that is down or hangs delays
 * the mail and nothing else. It wakes when an alert's mail is enqueued, and when the earliest retry falls due; each
 * pass sends what is due over one connection, deletes each mail the server accepted, and gives each one it did not a
 * later attempt: 5 s, then 10 s, 20 s … up to every 15 minutes, for as long as it takes. The outbox is a table, so
 * what is waiting when the satellite stops is sent after it starts again. Every node of a database (SPEC §10) runs
 * a sender on the one outbox; a sender claims each mail just before it hands it over, so each is sent once.
 */
public final class MailOutbox implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(MailOutbox.class);
    /** Mail sent per pass; a fuller outbox takes another pass straight away. */
    private static final int BATCH = 50;
    private static final int ERROR_MAX = 1000;
    /**
     * How long a claim keeps other nodes off a mail: longer than handing one mail over can take (each of its few
     * SMTP exchanges is bounded by {@link Smtp#TIMEOUT}), short enough that a mail whose sender died goes soon.
     */
    static final Duration CLAIM = Duration.ofMinutes(1);

    /** How long a mail the server did not take waits: 5 s, doubling each time, never above 15 minutes. */
    record Backoff(Duration first, Duration longest) {
        static final Backoff DEFAULT = new Backoff(Duration.ofSeconds(5), Duration.ofMinutes(15));

        /** The wait after the {@code attempts + 1}-th failure. */
        Duration after(int attempts) {
            Duration wait = first.multipliedBy(1L << Math.min(attempts, 20));
            return wait.compareTo(longest) > 0 ? longest : wait;
        }
    }

    private final Store store;
    private final Clock wall;
    private final Smtp smtp;
    private final ScheduledExecutorService executor;
    private final AtomicBoolean nudged = new AtomicBoolean();
    private volatile Backoff backoff = Backoff.DEFAULT;
    private volatile long pending;
    /** The sender thread's own state, touched by nothing else. */
    private ScheduledFuture<?> wake;
    private boolean failing;

    /**
     * {@code wall}: the wall clock retries are scheduled on. Not the simulated server clock: moving that one (by
     * days, or back) would otherwise stall the mail or send every retry at once.
     */
    public MailOutbox(Store store, Clock wall, Settings.Smtp settings) {
        this.store = store;
        this.wall = wall;
        this.smtp = new Smtp(settings);
        this.executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "smartsat-mail");
            t.setDaemon(true);
            return t;
        });
    }

    /** Starts delivering: what a previous run left in the outbox is tried at once, whatever its retry time. */
    public void start() {
        executor.execute(() -> deliverQuietly(true));
    }

    /** Asks for a pass soon; never blocks, and nudges that arrive while one is queued share it. */
    public void nudge() {
        if (nudged.compareAndSet(false, true)) {
            try {
                executor.execute(() -> {
                    nudged.set(false);
                    deliverQuietly(false);
                });
            } catch (RejectedExecutionException e) {
                nudged.set(false);  // stopping: the outbox keeps the mail for the next start
            }
        }
    }

    /** Mail waiting, as of the last pass: the metrics' gauge. */
    public long pending() {
        return pending;
    }

    /** Tests retry sooner than an operator's mail server would want. */
    void backoff(Backoff backoff) {
        this.backoff = backoff;
    }

    private void deliverQuietly(boolean everything) {
        try {
            deliver(everything);
        } catch (RuntimeException e) {
            if (executor.isShutdown()) {
                return;  // stopping: a store call cut short by the stop is no failure worth a warning
            }
            // the store itself failed: the mail stays where it is, and the next pass tries again
            log.warn("delivering alert mail failed: {}", e.toString());
            schedule(Optional.of(wall.instant().plus(backoff.first())));
        }
    }

    private void deliver(boolean everything) {
        Instant now = wall.instant();
        List<MailDao.Pending> due = store.read(tx -> everything ? tx.mail().pending(BATCH) : tx.mail().due(now, BATCH));
        if (!due.isEmpty()) {
            send(due);
        }
        record Next(long pending, Optional<Instant> due) {}
        Next next = store.read(tx -> new Next(tx.mail().count(), tx.mail().nextDue()));
        pending = next.pending();
        schedule(due.size() == BATCH ? Optional.of(now) : next.due());
    }

    /** Sends {@code due} over one connection; a mail that fails waits, the others go on. */
    private void send(List<MailDao.Pending> due) {
        int handled = 0;
        String error = null;
        try (Transport transport = smtp.connect()) {
            for (MailDao.Pending mail : due) {
                if (Thread.currentThread().isInterrupted()) {
                    return;  // stopping; what is left stays in the outbox
                }
                if (!claim(mail)) {
                    handled++;
                    continue;  // another node is sending it, or has sent it
                }
                try {
                    smtp.send(transport, mail);
                    store.write(tx -> {
                        tx.mail().sent(mail.id());
                        return null;
                    });
                } catch (MessagingException e) {
                    error = describe(e);
                    failed(mail, error);
                }
                handled++;
            }
        } catch (MessagingException e) {
            // connecting failed, and whatever was not tried waits; closing after the last mail is no failure
            if (handled < due.size()) {
                error = describe(e);
                for (MailDao.Pending mail : due.subList(handled, due.size())) {
                    notTried(mail, error);
                }
            }
        }
        reportStreak(error);
    }

    private boolean claim(MailDao.Pending mail) {
        Instant now = wall.instant();
        Instant until = now.plus(CLAIM);
        return store.write(tx -> tx.mail().claim(until, until, mail.id(), now)) == 1;
    }

    private void notTried(MailDao.Pending mail, String error) {
        Instant now = wall.instant();
        Instant next = now.plus(backoff.after(mail.attempts()));
        store.write(tx -> {
            tx.mail().notTried(error, next, mail.id(), now);
            return null;
        });
    }

    private void failed(MailDao.Pending mail, String error) {
        Instant next = wall.instant().plus(backoff.after(mail.attempts()));
        store.write(tx -> {
            tx.mail().failed(error, next, mail.id());
            return null;
        });
    }

    /** One warning when mail starts failing and one line when it gets through again, not one per retry. */
    private void reportStreak(String error) {
        if (error != null && !failing) {
            failing = true;
            log.warn("alert mail to {} cannot be sent ({}); it stays in the outbox and is retried, first after {} ms,"
                    + " then twice as long each time up to every {} min", smtp.server(), error,
                    backoff.first().toMillis(), backoff.longest().toMinutes());
        } else if (error == null && failing) {
            failing = false;
            log.info("alert mail to {} is being delivered again", smtp.server());
        }
    }

    /** The server's answer or the network's reason, which never holds the password. */
    private static String describe(MessagingException e) {
        StringBuilder s = new StringBuilder(String.valueOf(e.getMessage()).strip());
        for (Throwable cause = e.getCause(); cause != null; cause = cause.getCause()) {
            s.append(": ").append(cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage());
        }
        return s.length() <= ERROR_MAX ? s.toString() : s.substring(0, ERROR_MAX);
    }

    /** Wakes the sender when the earliest waiting mail is due (at the latest after the longest wait). */
    private void schedule(Optional<Instant> due) {
        if (wake != null) {
            wake.cancel(false);
            wake = null;
        }
        if (due.isEmpty()) {
            return;  // nothing waits: the next enqueue nudges
        }
        long delay = Math.min(Math.max(0, Duration.between(wall.instant(), due.get()).toMillis()),
                backoff.longest().toMillis());
        try {
            wake = executor.schedule(() -> deliverQuietly(false), delay, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // stopping
        }
    }

    /** Stops the sender, letting a mail being handed over finish (each step is bounded by {@link Smtp#TIMEOUT}). */
    @Override
    public void close() {
        executor.shutdownNow();
        try {
            if (!executor.awaitTermination(Smtp.TIMEOUT.toMillis() + 1000, TimeUnit.MILLISECONDS)) {
                log.warn("the alert mail sender did not stop within {}; unsent mail stays in the outbox", Smtp.TIMEOUT);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
