package dev.smartsat.console;

import dev.smartsat.auth.ConsoleSessions;
import dev.smartsat.core.VirtualAccount;
import java.util.List;

/** What the console's templates show: one record per page, built by {@link Console} from the domain's answers. */
public final class Views {
    private Views() {}

    /** The signed-in client, shown on every page with its Sign Out button and the CSRF token that button sends. */
    public record Header(String clientId, String role, String csrf, boolean mayWrite) {
        static Header of(ConsoleSessions.Session s) {
            return new Header(s.clientId(), s.role().wireName(), s.csrfToken(), s.mayWrite());
        }
    }

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
