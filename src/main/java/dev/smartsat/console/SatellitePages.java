package dev.smartsat.console;

/** The satellite-wide pages (SPEC §12): Synchronization, Alerts, API Clients and Simulation. */
final class SatellitePages {
    private final Pages pages;
    private final Console.Services services;

    SatellitePages(Pages pages, Console.Services services) {
        this.pages = pages;
        this.services = services;
    }

    void routes(ConsoleRoutes r) {
    }
}
