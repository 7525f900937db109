package dev.smartsat.licensing;

import static dev.smartsat.core.DeviceRefusal.Reason;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.stats.CacheStats;
import dev.smartsat.core.DeviceRefusal;
import dev.smartsat.core.EventType;
import dev.smartsat.core.ProductInstance;
import dev.smartsat.core.RegistrationToken;
import dev.smartsat.core.VirtualAccount;
import dev.smartsat.pki.Pki;
import dev.smartsat.store.AccountDao;
import dev.smartsat.store.InstanceDao;
import dev.smartsat.store.NonceDao;
import dev.smartsat.store.RevocationDao;
import dev.smartsat.store.Store;
import dev.smartsat.store.TokenDao;
import dev.smartsat.store.Tx;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;

/**
 * What devices do over /SmartTransport, as domain operations: register, renew the ID certificate,
 * authorize, deregister, say hello. Each runs in one transaction that first records the request's
 * nonce, so a refused request changes nothing and a replayed one is caught even across restarts.
 */
public final class Registrations {
    public static final Duration REGISTRATION_LIFETIME = Duration.ofDays(365);
    static final Duration RENEWAL_ADVISED = Duration.ofDays(180);
    public static final Duration AUTHORIZATION_LIFETIME = Duration.ofDays(90);
    public static final Duration NEXT_COMMUNICATION = Duration.ofDays(30);
    /** Nonces are kept past the ±1 h timestamp window, so a replay is caught for as long as it could pass. */
    static final Duration NONCE_MEMORY = Duration.ofHours(2);

    private final Store store;
    private final Clock clock;
    private final Pki pki;
    private final Compliance compliance;
    // Whom each recently used registration token registers into (see register); bounded, least useful out first.
    // Fleet run (issue 12: 10,000 registrations with one token; three runs): 99.9% of 10,000 lookups hit, as
    // before; the misses are the first registrations, before one has finished.
    static final int OWNERS_LIMIT = 10_000;
    private final Cache<String, Owner> owners = Caffeine.newBuilder().maximumSize(OWNERS_LIMIT).recordStats().build();
    // On PostgreSQL, the virtual account each recently seen instance belongs to: its writes queue in that account's
    // lane (see lane). A stale entry (an instance moved by another node) only queues a write in the wrong lane.
    static final int LANES_LIMIT = 100_000;
    private final Cache<String, Long> accountOfInstance = Caffeine.newBuilder().maximumSize(LANES_LIMIT).build();

    public Registrations(Store store, Clock clock, Pki pki, Compliance compliance) {
        this.store = store;
        this.clock = clock;
        this.pki = pki;
        this.compliance = compliance;
    }

    /** A REGISTER request whose signature (by the CSR's key) has been verified. */
    public record Register(String token, String pid, String serial, String uuid, String hostname, String softwareTag,
                           boolean overwrite, PKCS10CertificationRequest csr, String nonce, Instant requestTime) {}

    /** A registration done: the instance, its certificate and where it belongs. */
    public record Registered(ProductInstance instance, X509Certificate certificate, String smartAccount,
                             String virtualAccount) {
        /** When the device should renew its ID certificate: well before the registration lapses. */
        public Instant nextRenewalAttempt() {
            return instance.certIssuedAt().plus(RENEWAL_ADVISED);
        }
    }

    /** A request of a registered instance, its signature verified with the certificate of {@code keyId}. */
    public record Signed(String piid, String keyId, String nonce, Instant requestTime) {}

    /** The answer to an AUTH_REQUEST. */
    public record Authorized(Compliance.Authorization authorization, Instant nextCommunication, Instant deadline) {}

    /** The key a registered instance's request must verify with, and whether that certificate was replaced. */
    public record VerificationKey(String publicKey, boolean revoked) {}

    /**
     * The public key of the certificate a request names: the instance's current one, or one it has
     * since replaced (then a valid signature is CERT_REVOKED). Unknown instance: INSTANCE_UNKNOWN.
     */
    public Optional<VerificationKey> verificationKey(String piid, String keyId) {
        return store.read(tx -> {
            ProductInstance instance = tx.instances().byPiid(piid).filter(i -> !i.reserved())
                    .orElseThrow(Registrations::unknown);
            if (instance.certSerial().equalsIgnoreCase(keyId)) {
                return Optional.of(new VerificationKey(instance.certPublicKey(), false));
            }
            return tx.revocations().find(keyId.toLowerCase(java.util.Locale.ROOT), piid)
                    .map(r -> new VerificationKey(r.publicKey(), true));
        });
    }

    public Registered register(Register r) {
        Instant now = clock.instant();
        // Issue the certificate before taking the write lock: signing is the slow part of a registration. Whom the
        // token registers into is remembered from its last use, so that needs no read of its own (a tenth of a
        // registration's database time); the write checks it, and issues again in the rare case it changed.
        Owner hint = owners.getIfPresent(r.token());
        if (hint == null) {
            hint = store.read(tx -> tx.tokens().byToken(r.token())
                    .map(t -> owner(tx, t.virtualAccountId()))).orElseThrow(() -> new DeviceRefusal(Reason.TOKEN_INVALID,
                    "the registration token is not valid on this satellite"));
        }
        String piid = UUID.randomUUID().toString();
        X509Certificate early = issue(r.csr(), piid, hint, r.pid(), r.serial(), now);
        Owner assumed = hint;
        Registered registered;
        try {
            registered = store.write(lane(assumed.virtualAccount().id()),
                    tx -> register(tx, r, piid, early, assumed, now));
        } catch (DeviceRefusal e) {
            if (e.reason().name().startsWith("TOKEN_")) {
                owners.invalidate(r.token());
            }
            throw e;
        }
        if (store.shared()) { // after the commit: a write run again, or refused, leaves no instance to remember
            accountOfInstance.put(piid, registered.instance().virtualAccountId());
        }
        return registered;
    }

    private Registered register(Tx tx, Register r, String piid, X509Certificate early, Owner assumed, Instant now) {
        String udi = "P:" + r.pid() + ",S:" + r.serial();
        recordNonce(tx, "udi:" + udi, r.nonce(), r.requestTime(), now);
        RegistrationToken token = tx.tokens().byToken(r.token()).orElseThrow(
                () -> new DeviceRefusal(Reason.TOKEN_INVALID, "the registration token is not valid on this satellite"));
        checkUsable(token, now);
        if (tx.tokens().use(token.id(), now) == 0) {
            throw new DeviceRefusal(Reason.TOKEN_EXHAUSTED, "the registration token has been used its maximum number of times");
        }
        InstanceDao instances = tx.instances();
        Optional<ProductInstance> existing = instances.byUdi(r.pid(), r.serial());
        if (existing.isPresent() && existing.get().reserved()) {
            throw new DeviceRefusal(Reason.INSTANCE_EXISTS, "the product instance with UDI " + udi + " holds a"
                    + " Specific License Reservation; return the reservation before registering it");
        }
        if (existing.isPresent() && !existing.get().registrationLapsed(now) && !r.overwrite()) {
            throw new DeviceRefusal(Reason.INSTANCE_EXISTS, "a product instance with UDI " + udi
                    + " is already registered; register again with overwrite set to true to replace it");
        }
        existing.ifPresent(old -> retire(tx, old, "superseded", now));
        Owner owner = owner(tx, token.virtualAccountId());
        X509Certificate certificate = owner.sameNames(assumed) ? early
                : issue(r.csr(), piid, owner, r.pid(), r.serial(), now);
        owners.put(r.token(), owner);
        Instant issued = now;
        ProductInstance instance = new ProductInstance(0, piid, token.virtualAccountId(), r.pid(), r.serial(), r.uuid(),
                r.hostname(), r.softwareTag(), token.exportControlled(), issued, issued,
                certificate.getSerialNumber().toString(16), publicKey(certificate), issued,
                issued.plus(REGISTRATION_LIFETIME), null, null, null, null);
        long id = instances.insert(instance);
        VirtualAccount va = owner.virtualAccount();
        if (existing.isPresent()) {
            Events.record(tx, now, EventType.INSTANCE_REREGISTERED, va, piid, "Product instance " + udi
                    + " re-registered as " + piid + ", replacing " + existing.get().piid());
        } else {
            Events.record(tx, now, EventType.INSTANCE_REGISTERED, va, piid, "Product instance " + udi
                    + " registered" + (r.hostname() == null ? "" : " (" + r.hostname() + ")"));
        }
        return new Registered(withId(instance, id), certificate, owner.smartAccount(), va.name());
    }

    public Registered renew(Signed s, PKCS10CertificationRequest csr, String hostname) {
        return store.write(tx -> {
            Instant now = clock.instant();
            ProductInstance instance = live(tx, s, now);
            Owner owner = owner(tx, instance.virtualAccountId());
            X509Certificate certificate = issue(csr, instance.piid(), owner, instance.udiPid(), instance.udiSerial(), now);
            revoke(tx, instance, "superseded", now);
            Instant expires = now.plus(REGISTRATION_LIFETIME);
            tx.instances().updateCertificate(certificate.getSerialNumber().toString(16),
                    publicKey(certificate), now, expires, hostname, now, instance.id());
            ProductInstance renewed = withCertificate(instance, certificate, now, expires, hostname);
            compliance.extend(tx, instance, renewed.liveUntil(), now);
            String change = Objects.equals(hostname, instance.hostname()) ? ""
                    : "; host name changed from " + instance.hostname() + " to " + hostname;
            Events.record(tx, now, EventType.INSTANCE_RENEWED, owner.virtualAccount(), instance.piid(),
                    "ID certificate of " + instance.udi() + " renewed" + change);
            return new Registered(renewed, certificate, owner.smartAccount(), owner.virtualAccount().name());
        });
    }

    public Authorized authorize(Signed s, Map<String, Long> entitlements) {
        return store.write(instanceLane(s.piid()), tx -> {
            Instant now = clock.instant();
            ProductInstance instance = live(tx, s, now);
            Instant deadline = now.plus(AUTHORIZATION_LIFETIME);
            Instant liveUntil = deadline.isBefore(instance.registrationExpiresAt()) ? deadline : instance.registrationExpiresAt();
            Compliance.Authorization result = compliance.authorize(tx, instance, entitlements, liveUntil, now);
            tx.instances().updateAuthorization(now, deadline, result.status(), now, instance.id());
            String before = instance.lastAuthAt() == null ? null : instance.authorizationStatus(now);
            if (!result.status().equals(before)) {
                Events.record(tx, now, EventType.INSTANCE_AUTHORIZATION_CHANGED, instance.virtualAccountId(),
                        instance.piid(), "Authorization of " + instance.udi() + " changed from "
                                + (before == null ? "none" : before) + " to " + result.status());
            }
            return new Authorized(result, now.plus(NEXT_COMMUNICATION), deadline);
        });
    }

    public List<Compliance.Entitlement> deregister(Signed s) {
        return store.write(tx -> {
            Instant now = clock.instant();
            ProductInstance instance = current(tx, s);
            recordNonce(tx, instance.piid(), s.nonce(), s.requestTime(), now);
            VirtualAccount va = va(tx, instance);
            List<Compliance.Entitlement> released = retire(tx, instance, "deregistered", now);
            Events.record(tx, now, EventType.INSTANCE_DEREGISTERED, va, instance.piid(),
                    "Product instance " + instance.udi() + " deregistered; " + released.size() + " entitlements released");
            return released;
        });
    }

    public Instant hello(Signed s) {
        return store.write(tx -> {
            Instant now = clock.instant();
            ProductInstance instance = current(tx, s);
            recordNonce(tx, instance.piid(), s.nonce(), s.requestTime(), now);
            tx.instances().touch(now, instance.id());
            return now;
        });
    }

    /** Forgets nonces that can no longer pass the timestamp check. */
    public int purgeNonces() {
        return store.write(tx -> tx.nonces().purge(clock.instant()));
    }

    /** How often a registration token's owner was found in memory (for the log line at stop). */
    public CacheStats ownerCacheStats() {
        return owners.stats();
    }

    /** Releases an instance's licenses, revokes its certificate and deletes it; returns what it held. */
    public static List<Compliance.Entitlement> retire(Tx tx, ProductInstance instance, String reason, Instant now,
                                               Compliance compliance) {
        List<Compliance.Entitlement> released = compliance.release(tx, instance, now);
        revoke(tx, instance, reason, now);
        tx.instances().delete(instance.id());
        return released;
    }

    private List<Compliance.Entitlement> retire(Tx tx, ProductInstance instance, String reason, Instant now) {
        return retire(tx, instance, reason, now, compliance);
    }

    static void revoke(Tx tx, ProductInstance instance, String reason, Instant now) {
        tx.revocations().insert(instance.certSerial(), instance.piid(), instance.certPublicKey(), now, reason);
    }

    /** The instance a signed request comes from, still holding the certificate the request was verified with. */
    private static ProductInstance current(Tx tx, Signed s) {
        ProductInstance instance = tx.instances().byPiid(s.piid()).filter(i -> !i.reserved())
                .orElseThrow(Registrations::unknown);
        if (!instance.certSerial().equalsIgnoreCase(s.keyId())) {
            throw new DeviceRefusal(Reason.CERT_REVOKED, "the request is signed with an ID certificate that has been"
                    + " replaced; sign with the current certificate");
        }
        return instance;
    }

    /** As {@link #current}, with the nonce recorded and the registration checked as not lapsed. */
    private static ProductInstance live(Tx tx, Signed s, Instant now) {
        ProductInstance instance = current(tx, s);
        recordNonce(tx, instance.piid(), s.nonce(), s.requestTime(), now);
        if (instance.registrationLapsed(now)) {
            throw new DeviceRefusal(Reason.REGISTRATION_EXPIRED, "the registration expired at "
                    + instance.registrationExpiresAt() + "; register the instance again with a new token");
        }
        return instance;
    }

    static void recordNonce(Tx tx, String scope, String nonce, Instant requestTime, Instant now) {
        Instant later = requestTime.isAfter(now) ? requestTime : now;
        if (tx.nonces().record(scope, nonce, later.plus(NONCE_MEMORY)) == 0) {
            throw new DeviceRefusal(Reason.REPLAYED_NONCE, "this nonce has been used already; send each request with a new nonce");
        }
    }

    private static void checkUsable(RegistrationToken token, Instant now) {
        switch (token.status(now)) {
            case REVOKED -> throw new DeviceRefusal(Reason.TOKEN_REVOKED, "the registration token has been revoked");
            case EXPIRED -> throw new DeviceRefusal(Reason.TOKEN_EXPIRED,
                    "the registration token expired at " + token.expiresAt() + "; ask for a new token");
            case EXHAUSTED -> throw new DeviceRefusal(Reason.TOKEN_EXHAUSTED,
                    "the registration token has been used its maximum number of times");
            case ACTIVE -> { }
        }
    }

    private X509Certificate issue(PKCS10CertificationRequest csr, String piid, Owner owner, String pid, String serial,
                                  Instant now) {
        try {
            return pki.issueIdCertificate(csr, piid, owner.virtualAccount().name(), owner.smartAccount(), pid, serial, now);
        } catch (IllegalArgumentException e) {
            throw new DeviceRefusal(Reason.MALFORMED, "csr: " + e.getMessage());
        }
    }

    /** Where an instance belongs: its virtual account and the name of that account's smart account. */
    /**
     * The lane a device write of a virtual account queues in on PostgreSQL: one at a time per account, across
     * nodes. Its registrations all take one token's uses and its authorizations the same pools, so run side by side
     * they collide on those rows, and on the account's instances and usage (serializable transactions see a
     * read/write dependency between any two that touch neighbouring rows), and nearly every one ran again.
     * Fleet of 2,000 on one node (issue 15): 12,101 writes ran again without lanes; 0 with them.
     */
    private List<String> lane(long virtualAccountId) {
        return store.shared() ? List.of("virtual-account:" + virtualAccountId) : List.of();
    }

    private List<String> instanceLane(String piid) {
        if (!store.shared()) {
            return List.of();
        }
        Long account = accountOfInstance.getIfPresent(piid);
        if (account == null) {
            Optional<Long> found = store.read(tx -> tx.instances().byPiid(piid).map(ProductInstance::virtualAccountId));
            if (found.isEmpty()) {
                return List.of(); // the write itself says the instance is unknown
            }
            account = found.get();
            accountOfInstance.put(piid, account);
        }
        return lane(account);
    }

    private record Owner(VirtualAccount virtualAccount, String smartAccount) {
        /** Whether a certificate made for {@code other} names this owner. */
        boolean sameNames(Owner other) {
            return virtualAccount.name().equals(other.virtualAccount.name()) && smartAccount.equals(other.smartAccount);
        }
    }

    private static Owner owner(Tx tx, long virtualAccountId) {
        AccountDao.Owned owned = tx.accounts().virtualAccountWithOwner(virtualAccountId).orElseThrow();
        return new Owner(owned.virtualAccount(), owned.smartAccount());
    }

    private static VirtualAccount va(Tx tx, ProductInstance instance) {
        return tx.accounts().virtualAccountById(instance.virtualAccountId()).orElseThrow();
    }

    static String publicKey(X509Certificate certificate) {
        return Base64.getEncoder().encodeToString(certificate.getPublicKey().getEncoded());
    }

    static DeviceRefusal unknown() {
        return new DeviceRefusal(Reason.INSTANCE_UNKNOWN,
                "this product instance is not registered (removed, deregistered or never registered); re-register the instance");
    }

    private static ProductInstance withId(ProductInstance p, long id) {
        return new ProductInstance(id, p.piid(), p.virtualAccountId(), p.udiPid(), p.udiSerial(), p.udiUuid(),
                p.hostname(), p.softwareTag(), p.exportControlled(), p.registeredAt(), p.lastContactAt(), p.certSerial(),
                p.certPublicKey(), p.certIssuedAt(), p.registrationExpiresAt(), p.lastAuthAt(),
                p.authorizationExpiresAt(), p.authorizationStatus(), p.reservationStatus());
    }

    private static ProductInstance withCertificate(ProductInstance p, X509Certificate c, Instant issued, Instant expires,
                                                   String hostname) {
        return new ProductInstance(p.id(), p.piid(), p.virtualAccountId(), p.udiPid(), p.udiSerial(), p.udiUuid(),
                hostname, p.softwareTag(), p.exportControlled(), p.registeredAt(), issued, c.getSerialNumber().toString(16),
                publicKey(c), issued, expires, p.lastAuthAt(), p.authorizationExpiresAt(), p.authorizationStatus(),
                p.reservationStatus());
    }
}
