package dev.smartsat.console;

/** A virtual account's Product Instances tab (SPEC §12): search, filter, paging, details, remove, transfer, and a reserved instance's update, confirmation and return. */
final class InstancePages {
    private final Pages pages;
    private final Console.Services services;

    InstancePages(Pages pages, Console.Services services) {
        this.pages = pages;
        this.services = services;
    }

    void routes(ConsoleRoutes r) {
    }
}
