package dev.smartsat.sync;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.smartsat.core.ClientError;
import dev.smartsat.core.VirtualAccount;
import dev.smartsat.store.AccountDao;
import dev.smartsat.store.Store;
import dev.smartsat.store.Tx;
import dev.smartsat.store.UpstreamDao;
import dev.smartsat.store.UpstreamDao.InstanceCount;
import dev.smartsat.store.UpstreamDao.ReportedInstance;
import dev.smartsat.store.UpstreamDao.ReportedUsage;
import dev.smartsat.store.UpstreamDao.SatelliteRow;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What satellites reported to the upstream (instances and usage per virtual account), kept and shown. */
public final class SatelliteReports {
    private final Store store;

    public SatelliteReports(Store store) {
        this.store = store;
    }

    /** A satellite as the upstream knows it. */
    public record SatelliteView(String satelliteId, String smartAccount, String certificateSha256, Instant firstSeen,
                                Instant lastSeen, long lastSequence, long transfersApplied,
                                List<VirtualAccountReport> virtualAccounts) {}

    /** One virtual account of a satellite's latest report. */
    public record VirtualAccountReport(String name, long instances, List<Usage> usage) {}

    public record Usage(String entitlementTag, long inUse, long reserved) {}

    /** An instance of a satellite's latest report; reservations have registrationStatus RESERVED. */
    public record InstanceView(String virtualAccount, String productInstanceIdentifier, String udiPid,
                               String udiSerialNumber, String hostName, String registrationStatus,
                               String authorizationStatus, Instant lastContactDate, JsonNode licenseUsage) {}

    public record Page<T>(long totalRecords, List<T> items) {}

    public Page<SatelliteView> satellites(int limit, int offset) {
        return store.read(tx -> {
            UpstreamDao dao = tx.upstream();
            List<SatelliteView> views = new ArrayList<>();
            for (SatelliteRow s : dao.satellites(limit, offset)) {
                views.add(view(dao, s));
            }
            return new Page<>(dao.countSatellites(), views);
        });
    }

    public Page<InstanceView> instances(String satelliteId, String virtualAccount, int limit, int offset) {
        return store.read(tx -> {
            UpstreamDao dao = tx.upstream();
            SatelliteRow s = dao.satellite(satelliteId).orElseThrow(() ->
                    new ClientError.NotFound("no satellite " + satelliteId + " has synchronized with this upstream"));
            Long va = null;
            if (virtualAccount != null && !virtualAccount.isBlank()) {
                va = tx.accounts().virtualAccount(s.accountId(), virtualAccount)
                        .map(VirtualAccount::id).orElseThrow(() -> new ClientError.NotFound("no virtual account named '"
                                + virtualAccount + "' in smart account '" + s.accountName() + "'"));
            }
            List<InstanceView> views = new ArrayList<>();
            for (ReportedInstance i : dao.instances(s.id(), va, limit, offset)) {
                views.add(new InstanceView(i.virtualAccount(), i.piid(), i.udiPid(), i.udiSerial(), i.hostname(),
                        i.registrationStatus(), i.authorizationStatus(), i.lastContact(), json(i.licenseUsage())));
            }
            return new Page<>(dao.countInstances(s.id(), va), views);
        });
    }

    private static SatelliteView view(UpstreamDao dao, SatelliteRow s) {
        Map<Long, VirtualAccountReport> byVa = new LinkedHashMap<>();
        for (InstanceCount c : dao.instanceCounts(s.id())) {
            byVa.put(c.virtualAccountId(), new VirtualAccountReport(c.virtualAccount(), c.instances(), new ArrayList<>()));
        }
        for (ReportedUsage u : dao.usage(s.id())) {
            byVa.computeIfAbsent(u.virtualAccountId(), k -> new VirtualAccountReport(u.virtualAccount(), 0,
                    new ArrayList<>())).usage().add(new Usage(u.entitlementTag(), u.inUse(), u.reserved()));
        }
        return new SatelliteView(s.satelliteId(), s.accountName(), s.certificateSha256(), s.firstSeen(), s.lastSeen(),
                s.lastSequence(), s.transfersApplied(), List.copyOf(byVa.values()));
    }

    /** Replaces what the satellite reported with the request's report; returns how many instances it holds. */
    static int replace(Tx tx, long satelliteRow, SyncRequest request, Map<String, VirtualAccount> vas) {
        UpstreamDao dao = tx.upstream();
        dao.deleteInstances(satelliteRow);
        dao.deleteUsage(satelliteRow);
        List<ReportedInstance> instances = new ArrayList<>();
        List<ReportedUsage> usage = new ArrayList<>();
        for (SyncRequest.VirtualAccountReport report : request.virtualAccounts()) {
            VirtualAccount va = vas.get(AccountDao.key(report.name().strip()));
            for (SyncRequest.Instance i : report.instances()) {
                instances.add(new ReportedInstance(va.id(), va.name(), i.productInstanceIdentifier(), i.udiPid(),
                        i.udiSerialNumber(), i.hostName(), i.registrationStatus(), i.authorizationStatus(),
                        i.lastContactDate(), SyncJson.write(i.licenseUsage())));
            }
            for (SyncRequest.Reservation r : report.reservations()) {
                List<SyncRequest.LicenseUsage> held = r.licenses().stream()
                        .map(l -> new SyncRequest.LicenseUsage(l.entitlementTag(), l.quantity(), r.status())).toList();
                instances.add(new ReportedInstance(va.id(), va.name(), r.productInstanceIdentifier(), r.udiPid(),
                        r.udiSerialNumber(), null, "RESERVED", "AUTHORIZED", null, SyncJson.write(held)));
            }
            for (SyncRequest.Usage u : report.usage()) {
                usage.add(new ReportedUsage(va.id(), va.name(), u.entitlementTag(), u.inUse(), u.reserved()));
            }
        }
        if (!instances.isEmpty()) {
            dao.insertInstances(satelliteRow, instances);
        }
        if (!usage.isEmpty()) {
            dao.insertUsage(satelliteRow, usage);
        }
        return instances.size();
    }

    private static JsonNode json(String text) {
        try {
            return SyncJson.MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            return null;
        }
    }
}
