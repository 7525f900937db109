package dev.smartsat.sync;

import dev.smartsat.licensing.Accounts;
import dev.smartsat.core.ClientError;
import dev.smartsat.core.EventType;
import dev.smartsat.licensing.Events;
import dev.smartsat.core.LicensePool;
import dev.smartsat.core.SmartAccount;
import dev.smartsat.core.VirtualAccount;
import dev.smartsat.pki.PemFiles;
import dev.smartsat.pki.Pki;
import dev.smartsat.store.AccountDao;
import dev.smartsat.store.EventDao;
import dev.smartsat.store.LicensePoolDao;
import dev.smartsat.store.Store;
import dev.smartsat.store.Tx;
import dev.smartsat.store.UpstreamDao;
import dev.smartsat.store.UpstreamDao.SatelliteRow;
import java.io.InputStream;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The upstream's side of SPEC §8 (role cssm): turns a satellite's sync request into the sync response, in
 * one store write — registering the satellite and pinning its certificate on its first request, creating
 * the virtual accounts it names, applying its local transfers exactly once (by transfer id), keeping its
 * latest report of instances and usage — and answers with every virtual account's pools.
 */
public final class Upstream {
    private static final Logger log = LoggerFactory.getLogger(Upstream.class);

    private final Store store;
    private final Clock clock;
    private final Pki pki;

    /** A processed request: the signed response and what it answers. */
    public record Processed(String json, String satelliteId, long sequence, int instances, int transfersApplied) {}

    public Upstream(Store store, Clock clock, Pki pki) {
        this.store = store;
        this.clock = clock;
        this.pki = pki;
    }

    /**
     * Processes a sync request file, read as it arrives (see {@link SyncFiles.Decoded}) and closed. Malformed:
     * 400; too large: 413; a bad signature, not a request, unknown smart account: 422; a satellite id pinned to
     * another certificate: 403.
     */
    public Processed process(InputStream file) {
        SignedDocument document = SignedDocument.open(file, SyncRequest.TYPE, "sync request");
        SyncRequest request = SyncJson.read(document.payload(), SyncRequest.class, "the sync request");
        PayloadChecks.check(request);
        String certificatePem = PemFiles.toPem(document.signer());
        String fingerprint = document.signerFingerprint();
        Answered answered = store.write(tx -> process(tx, request, certificatePem, fingerprint));
        // Signed outside the write: the writer thread serves every other change meanwhile.
        Processed processed = new Processed(SignedDocument.seal(answered.response(), pki), request.satelliteId(),
                request.sequence(), answered.instances(), answered.transfers());
        log.info("sync request {} of satellite {} processed: {} instances, {} transfers applied",
                request.sequence(), request.satelliteId(), processed.instances(), processed.transfersApplied());
        return processed;
    }

    /** What the write produced: the response to sign, and what the request brought. */
    private record Answered(SyncResponse response, int instances, int transfers) {}

    private Answered process(Tx tx, SyncRequest request, String certificatePem, String fingerprint) {
        Instant now = clock.instant();
        AccountDao accounts = tx.accounts();
        UpstreamDao dao = tx.upstream();
        SmartAccount account = accounts.account(request.smartAccount()).orElseThrow(() ->
                new ClientError.Unprocessable("smartAccount", "the upstream holds no smart account named '"
                        + request.smartAccount() + "'"));
        SatelliteRow satellite = dao.satellite(request.satelliteId()).orElse(null);
        if (satellite == null) {
            long id = dao.insertSatellite(request.satelliteId(), account.id(), certificatePem, fingerprint, now, now);
            satellite = new SatelliteRow(id, request.satelliteId(), account.id(), account.name(), fingerprint, now, now,
                    0, 0);
        } else if (!satellite.certificateSha256().equals(fingerprint)) {
            throw new ClientError.Forbidden("satellite " + request.satelliteId() + " is registered with another"
                    + " signing certificate (SHA-256 " + satellite.certificateSha256() + "); this request is signed by "
                    + fingerprint + " and is refused");
        } else if (satellite.accountId() != account.id()) {
            throw new ClientError.Conflict("smartAccount", "satellite " + request.satelliteId()
                    + " synchronizes smart account '" + satellite.accountName() + "', not '" + account.name() + "'");
        }
        Map<String, VirtualAccount> vas = virtualAccounts(tx, account, request, now);
        List<SyncRequest.Transfer> newTransfers = applyTransfers(tx, request, satellite, vas, now);
        long transfersApplied = newTransfers.isEmpty() ? satellite.transfersApplied()
                : newTransfers.get(newTransfers.size() - 1).id();
        boolean newest = request.sequence() >= satellite.lastSequence();
        int instances = 0;
        if (newest) {
            instances = SatelliteReports.replace(tx, satellite.id(), request, vas);
        }
        dao.updateSatellite(now, Math.max(request.sequence(), satellite.lastSequence()), transfersApplied,
                satellite.id());
        tx.events().insert(now, EventType.SYNC_COMPLETED.name(), account.id(), null, null,
                "Synchronized satellite " + request.satelliteId() + ": request " + request.sequence() + " answered"
                        + (newest ? ", " + instances + " instances reported" : " (older than one already processed:"
                        + " its report was not kept)"));
        return new Answered(response(tx, account, request, transfersApplied, now), instances, newTransfers.size());
    }

    /**
     * The account's virtual accounts by name key, after creating those the request names (as a virtual
     * account of its own or in a transfer) and the upstream lacks.
     */
    private static Map<String, VirtualAccount> virtualAccounts(Tx tx, SmartAccount account, SyncRequest request,
                                                               Instant now) {
        AccountDao accounts = tx.accounts();
        Map<String, VirtualAccount> byKey = new HashMap<>();
        for (VirtualAccount va : accounts.virtualAccounts(account.id(), Integer.MAX_VALUE, 0)) {
            byKey.put(AccountDao.key(va.name()), va);
        }
        Map<String, String> named = new LinkedHashMap<>();
        request.virtualAccounts().forEach(r -> named.putIfAbsent(Accounts.validName(r.name()), r.description()));
        request.transfers().forEach(t -> {
            named.putIfAbsent(Accounts.validName(t.fromVirtualAccount()), null);
            named.putIfAbsent(Accounts.validName(t.toVirtualAccount()), null);
        });
        named.forEach((name, given) -> {
            if (!byKey.containsKey(AccountDao.key(name))) {
                String description = given == null || given.length() > Accounts.MAX_DESCRIPTION ? null : given;
                long id = accounts.insertVirtualAccount(account.id(), name, AccountDao.key(name), description, false, now);
                VirtualAccount va = new VirtualAccount(id, account.id(), name, description, false);
                Events.record(tx, now, EventType.VIRTUAL_ACCOUNT_CREATED, va, null, "Virtual account '" + name
                        + "' created by satellite " + request.satelliteId());
                byKey.put(AccountDao.key(name), va);
            }
        });
        return byKey;
    }

    /**
     * Applies the satellite's transfers this upstream has not yet applied, in the order they were made, and
     * returns them. Ids at or below the satellite's mark were applied before:
     * a request processed twice, or resent after a lost response, moves nothing again.
     */
    private static List<SyncRequest.Transfer> applyTransfers(Tx tx, SyncRequest request,
                                                             SatelliteRow satellite, Map<String, VirtualAccount> vas,
                                                             Instant now) {
        List<SyncRequest.Transfer> applied = new ArrayList<>();
        List<SyncRequest.Transfer> transfers = new ArrayList<>(request.transfers());
        transfers.sort(Comparator.comparingLong(SyncRequest.Transfer::id));
        for (SyncRequest.Transfer t : transfers) {
            if (t.id() <= satellite.transfersApplied()) {
                continue;
            }
            VirtualAccount from = vas.get(AccountDao.key(Accounts.validName(t.fromVirtualAccount())));
            VirtualAccount to = vas.get(AccountDao.key(Accounts.validName(t.toVirtualAccount())));
            long moved = TransferReplay.replay(tx, from.id(), to.id(), t.entitlementTag(), t.quantity());
            String message = "Satellite " + request.satelliteId() + " transferred " + t.quantity() + " of "
                    + t.entitlementTag() + " from '" + from.name() + "' to '" + to.name() + "'"
                    + (moved == t.quantity() ? "" : "; " + moved + " could move here");
            Events.record(tx, now, EventType.LICENSES_TRANSFERRED, from, null, message);
            Events.record(tx, now, EventType.LICENSES_TRANSFERRED, to, null, message);
            applied.add(t);
        }
        return applied;
    }

    private static SyncResponse response(Tx tx, SmartAccount account, SyncRequest request, long transfersApplied,
                                         Instant now) {
        LicensePoolDao pools = tx.pools();
        List<SyncResponse.VirtualAccountPools> vas = new ArrayList<>();
        for (VirtualAccount va : tx.accounts().virtualAccounts(account.id(), Integer.MAX_VALUE, 0)) {
            List<SyncResponse.Pool> licenses = new ArrayList<>();
            for (LicensePool pool : pools.byVirtualAccount(va.id())) {
                licenses.add(new SyncResponse.Pool(pool.entitlementTag(), pool.displayName(), pool.quantity(),
                        pool.licenseType(), pool.endDate()));
            }
            vas.add(new SyncResponse.VirtualAccountPools(va.name(), va.description(), licenses));
        }
        return new SyncResponse(SyncResponse.TYPE, RequestBuilder.VERSION, request.satelliteId(), request.sequence(),
                account.name(), now, transfersApplied, vas);
    }
}
