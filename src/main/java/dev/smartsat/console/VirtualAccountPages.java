package dev.smartsat.console;

/** A virtual account's General, Licenses and Event Log tabs (SPEC §12): tokens, rename, licenses, transfer, Reserve Licenses, events. */
final class VirtualAccountPages {
    private final Pages pages;
    private final Console.Services services;

    VirtualAccountPages(Pages pages, Console.Services services) {
        this.pages = pages;
        this.services = services;
    }

    void routes(ConsoleRoutes r) {
    }
}
