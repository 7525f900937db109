package dev.smartsat.sync;

import dev.smartsat.config.Catalog;
import dev.smartsat.config.Settings;
import dev.smartsat.core.ClientError;
import dev.smartsat.licensing.Licenses;
import dev.smartsat.pki.Pki;
import dev.smartsat.sim.Faults;
import dev.smartsat.store.Store;
import java.time.Clock;

/**
 * A server's part in synchronization, by its role: a satellite issues requests and applies responses
 * (and in connected mode runs the schedule); the upstream (role cssm) answers requests, keeps what
 * satellites report and sells licenses. The other role's parts are absent, and asking for them is a 409.
 */
public final class Sync implements AutoCloseable {
    public static final String CONNECTED = "connected";

    private final String mode;
    private final SatelliteSync satellite;
    private final ConnectedSync connected;
    private final Upstream upstream;
    private final SatelliteReports reports;
    private final Purchases purchases;

    private Sync(String mode, SatelliteSync satellite, ConnectedSync connected, Upstream upstream,
                 SatelliteReports reports, Purchases purchases) {
        this.mode = mode;
        this.satellite = satellite;
        this.connected = connected;
        this.upstream = upstream;
        this.reports = reports;
        this.purchases = purchases;
    }

    /** {@code usage} is the satellite's compliance (what its sync requests report as pool usage). */
    public static Sync start(Settings settings, Store store, Clock clock, Pki pki, Licenses.Usage usage, Faults faults,
                             Catalog catalog) {
        if (settings.isUpstream()) {
            return new Sync(settings.mode(), null, null, new Upstream(store, clock, pki), new SatelliteReports(store),
                    new Purchases(store, catalog));
        }
        SatelliteSync satellite = SatelliteSync.open(store, clock, pki, usage, settings.upstream().trust());
        ConnectedSync connected = null;
        if (CONNECTED.equals(settings.mode())) {
            connected = new ConnectedSync(satellite, settings.upstream(), settings.sync().maxBytes(), faults, clock);
        }
        return new Sync(settings.mode(), satellite, connected, null, null, null);
    }

    /** Starts connected mode's schedule, once the server is listening. */
    public void startSchedule() {
        if (connected != null) {
            connected.start();
        }
    }

    public SyncStatus status() {
        return SyncStatus.of(mode, satellite().state(), connected == null ? null : connected.nextScheduled());
    }

    /** The satellite's side; on the upstream a 409. */
    public SatelliteSync satellite() {
        if (satellite == null) {
            throw new ClientError.Conflict("this server is the upstream (role cssm): it answers sync requests at"
                    + " POST /backend/api/v1/satellite/sync and has no sync of its own");
        }
        return satellite;
    }

    /** Connected mode's network sync; 409 in disconnected mode. */
    public ConnectedSync connected() {
        satellite();
        if (connected == null) {
            throw new ClientError.Conflict("this satellite is in disconnected mode: exchange files with"
                    + " GET /sync/request-file and POST /sync/response-file, or set mode: connected");
        }
        return connected;
    }

    public Upstream upstream() {
        return upstreamPart(upstream);
    }

    public SatelliteReports reports() {
        return upstreamPart(reports);
    }

    public Purchases purchases() {
        return upstreamPart(purchases);
    }

    private static <T> T upstreamPart(T part) {
        if (part == null) {
            throw new ClientError.Conflict("this server is a satellite: this call is served by its upstream (a server"
                    + " run with --role cssm)");
        }
        return part;
    }

    @Override
    public void close() {
        if (connected != null) {
            connected.close();
        }
    }
}
