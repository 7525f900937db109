package dev.smartsat.console;

/** The satellite-wide pages (SPEC §12): Synchronization, Alerts, API Clients and Simulation. */
final class SatellitePages {
    private final SyncPages sync;
    private final AlertPages alerts;
    private final ClientPages clients;
    private final SimulationPages simulation;

    SatellitePages(Pages pages, Console.Services services) {
        this.sync = new SyncPages(pages, services.sync(), services.syncMaxBytes());
        this.alerts = new AlertPages(pages, services.accounts(), services.alerts());
        this.clients = new ClientPages(pages, services.clients());
        this.simulation = new SimulationPages(pages, services);
    }

    void routes(ConsoleRoutes r) {
        sync.routes(r);
        alerts.routes(r);
        clients.routes(r);
        simulation.routes(r);
    }
}
