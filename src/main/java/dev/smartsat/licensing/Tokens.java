package dev.smartsat.licensing;

import dev.smartsat.core.ClientError;
import dev.smartsat.core.EventType;
import dev.smartsat.core.RegistrationToken;
import dev.smartsat.core.VirtualAccount;
import dev.smartsat.store.Store;
import dev.smartsat.store.TokenDao;
import dev.smartsat.store.Tx;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;

/** Product instance registration tokens: creation, listing, revocation, removal. */
public final class Tokens {
    public static final int MIN_DAYS = 1;
    public static final int MAX_DAYS = 365;
    public static final int DEFAULT_DAYS = 30;
    public static final long MAX_USES_LIMIT = 1_000_000_000L;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Store store;
    private final Clock clock;

    public Tokens(Store store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    /** What a token is created with; null fields take their defaults. */
    public record NewToken(String description, Integer expiresAfterDays, Boolean exportControlled, Long maxUses) {}

    /** A page of a virtual account's tokens, newest first, with the time their statuses were computed at. */
    public record Page(long totalRecords, List<RegistrationToken> tokens, Instant now) {}

    public Page list(String account, String virtualAccount, int limit, int offset) {
        return store.read(tx -> {
            VirtualAccount va = Accounts.virtualAccount(tx, account, virtualAccount);
            TokenDao dao = tx.tokens();
            return new Page(dao.count(va.id()), dao.list(va.id(), limit, offset), clock.instant());
        });
    }

    public RegistrationToken create(String account, String virtualAccount, NewToken request) {
        int days = request.expiresAfterDays() == null ? DEFAULT_DAYS : request.expiresAfterDays();
        if (days < MIN_DAYS || days > MAX_DAYS) {
            throw new ClientError.Unprocessable("expiresAfterDays",
                    "expiresAfterDays must be between " + MIN_DAYS + " and " + MAX_DAYS + ", not " + days);
        }
        Long maxUses = request.maxUses();
        if (maxUses != null && (maxUses < 1 || maxUses > MAX_USES_LIMIT)) {
            throw new ClientError.Unprocessable("maxUses",
                    "maxUses must be null (unlimited) or between 1 and " + MAX_USES_LIMIT + ", not " + maxUses);
        }
        String description = Accounts.validDescription(request.description());
        boolean exportControlled = request.exportControlled() == null || request.exportControlled();
        String value = newTokenValue();
        return store.write(tx -> {
            VirtualAccount va = Accounts.virtualAccount(tx, account, virtualAccount);
            Instant now = clock.instant();
            Instant expires = now.plus(Duration.ofDays(days));
            long id = tx.tokens().insert(va.id(), value, description, now, expires, exportControlled, maxUses);
            Events.record(tx, now, EventType.TOKEN_CREATED, va, null, "Registration token created"
                    + (description == null || description.isBlank() ? "" : " ('" + description + "')")
                    + ", expires " + expires + (maxUses == null ? "" : ", at most " + maxUses + " uses"));
            return new RegistrationToken(id, va.id(), value, description, now, expires, exportControlled, maxUses, 0, null);
        });
    }

    public RegistrationToken revoke(String account, String virtualAccount, String token) {
        return store.write(tx -> {
            VirtualAccount va = Accounts.virtualAccount(tx, account, virtualAccount);
            RegistrationToken t = find(tx, va, token);
            if (t.revokedAt() != null) {
                return t;
            }
            Instant now = clock.instant();
            tx.tokens().revoke(now, t.id());
            Events.record(tx, now, EventType.TOKEN_REVOKED, va, null, "Registration token " + abbreviate(token) + " revoked");
            return new RegistrationToken(t.id(), t.virtualAccountId(), t.token(), t.description(), t.createdAt(),
                    t.expiresAt(), t.exportControlled(), t.maxUses(), t.uses(), now);
        });
    }

    public void remove(String account, String virtualAccount, String token) {
        store.write(tx -> {
            VirtualAccount va = Accounts.virtualAccount(tx, account, virtualAccount);
            RegistrationToken t = find(tx, va, token);
            tx.tokens().delete(t.id());
            Events.record(tx, clock.instant(), EventType.TOKEN_REMOVED, va, null,
                    "Registration token " + abbreviate(token) + " removed");
            return null;
        });
    }

    public Instant now() {
        return clock.instant();
    }

    private static RegistrationToken find(Tx tx, VirtualAccount va, String token) {
        return tx.tokens().byToken(token)
                .filter(t -> t.virtualAccountId() == va.id())
                .orElseThrow(() -> new ClientError.NotFound(
                        "no registration token " + abbreviate(token) + " in virtual account '" + va.name() + "'"));
    }

    /** Events and messages name a token by its start only, so logs never hold a usable token. */
    static String abbreviate(String token) {
        return token.length() <= 8 ? token : token.substring(0, 8) + "…";
    }

    /** 256 random bits, URL-safe base64 without padding: 43 characters. */
    static String newTokenValue() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
