package dev.smartsat.licensing;

import dev.smartsat.core.Alert;
import dev.smartsat.core.AlertType;
import dev.smartsat.core.SmartAccount;
import dev.smartsat.core.VirtualAccount;
import dev.smartsat.store.Store;
import java.util.List;

/** Reads alerts back for an account: its virtual accounts' alerts and the satellite-wide ones. */
public final class Alerts {
    private final Store store;

    public Alerts(Store store) {
        this.store = store;
    }

    /** A page of alerts, newest raised first. */
    public record Page(long totalRecords, List<Alert> alerts) {}

    /** A null field matches everything; satellite-wide alerts match any virtual account. */
    public record Filter(SmartAccount account, VirtualAccount virtualAccount, AlertType type, Boolean active) {}

    public Page find(Filter f, int limit, int offset) {
        Long vaId = f.virtualAccount() == null ? null : f.virtualAccount().id();
        String type = f.type() == null ? null : f.type().name();
        return store.read(tx -> new Page(tx.alerts().count(f.account().id(), vaId, type, f.active()),
                tx.alerts().find(f.account().id(), vaId, type, f.active(), limit, offset)));
    }
}
