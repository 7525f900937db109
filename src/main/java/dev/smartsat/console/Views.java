package dev.smartsat.console;

import dev.smartsat.core.VirtualAccount;
import java.util.List;

/** What the console's templates show: one record per page, built by {@link Console} from the domain's answers. */
public final class Views {
    private Views() {}

    /** For templates: a smart account's list of virtual accounts. */
    public static String virtualAccountsPath(String account) {
        return Pages.virtualAccountsPath(account);
    }

    /** For templates: a virtual account's tab ({@code general}, {@code licenses}, {@code instances}, {@code events}). */
    public static String tabPath(String account, String virtualAccount, String tab) {
        return Pages.tabPath(account, virtualAccount, tab);
    }

    /**
     * The signed-in client, shown on every page with its Sign Out button and the CSRF token every form sends; what
     * the navigation offers this role; the smart account it links ({@code account} null when there are several
     * and the page names none) and that account's count of active alerts.
     */
    public record Header(String clientId, String role, String csrf, boolean mayWrite, boolean isAdmin,
                         boolean simulation, String account, String accountPath, long activeAlerts) {}

    /** One tab of a virtual account's pages. */
    public record Tab(String name, String path, boolean current) {}

    /** The sign-in form; {@code error} is null until a sign-in failed. */
    public record SignIn(String csrf, String clientId, String error) {}

    /** A smart account as the home page links it. */
    public record AccountLink(String name, String path) {}

    public record Home(Header header, List<AccountLink> accounts) {}

    /**
     * A smart account's virtual accounts with the New Virtual Account form; {@code name}, {@code description}
     * and {@code error} give the form back as it was sent when the domain refused it.
     */
    public record VirtualAccounts(Header header, String account, String path, List<VirtualAccount> virtualAccounts,
                                  String name, String description, String error) {}

    /** A page that only says something: a refusal, or a thing not found. */
    public record Message(Header header, String title, String text) {}
}
