package dev.smartsat.sync;

import dev.smartsat.licensing.Licenses;
import dev.smartsat.store.Store;
import dev.smartsat.store.Tx;
import dev.smartsat.store.UpstreamDao;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/** On the upstream a pool's usage is what its own devices use plus what its satellites last reported. */
public final class UpstreamUsage implements Licenses.Usage {
    private final Licenses.Usage local;

    public UpstreamUsage(Licenses.Usage local) {
        this.local = local;
    }

    @Override
    public Map<String, long[]> of(Tx tx, long virtualAccountId, Instant now) {
        Map<String, long[]> out = new LinkedHashMap<>();
        local.of(tx, virtualAccountId, now).forEach((tag, u) -> out.put(tag, u.clone()));
        for (UpstreamDao.ReportedUsage r : tx.upstream().usageOfVirtualAccount(virtualAccountId)) {
            long[] u = out.computeIfAbsent(r.entitlementTag(), k -> new long[2]);
            u[0] += r.inUse();
            u[1] += r.reserved();
        }
        return out;
    }

    @Override
    public String displayName(String tag) {
        return local.displayName(tag);
    }
}
