package dev.smartsat.sync;

import dev.smartsat.core.LicensePool;
import dev.smartsat.licensing.Licenses;
import dev.smartsat.store.LicensePoolDao;
import dev.smartsat.store.Store;
import dev.smartsat.store.Tx;
import java.util.Optional;

/**
 * Replays a satellite's local license transfer on pools that did not see it happen: the upstream's, and
 * the satellite's own pools freshly replaced by a response that predates the transfer. The pools may
 * have changed meanwhile, so at most what the source pool holds moves; never a negative quantity.
 */
final class TransferReplay {
    private TransferReplay() {}

    /** Moves up to {@code quantity} of {@code tag}; returns how much moved. */
    static long replay(Tx tx, long fromVirtualAccountId, long toVirtualAccountId, String tag, long quantity) {
        Optional<LicensePool> source = tx.pools().pool(fromVirtualAccountId, tag);
        long moved = source.map(p -> Math.min(quantity, p.quantity())).orElse(0L);
        if (moved > 0 && fromVirtualAccountId != toVirtualAccountId) {
            Licenses.move(tx, source.get(), toVirtualAccountId, moved);
            return moved;
        }
        return 0;
    }
}
