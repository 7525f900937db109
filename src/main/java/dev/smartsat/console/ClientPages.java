package dev.smartsat.console;

import dev.smartsat.auth.Clients;
import dev.smartsat.auth.ConsoleSessions.Session;
import dev.smartsat.auth.Role;
import dev.smartsat.core.ClientError;
import dev.smartsat.core.Paging;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The API Clients page (SPEC §12), an admin's only: the clients, New API Client (its secret shown once, in the
 * answer to the form and nowhere else) and Remove, as the API's {@code /clients} routes do.
 */
public final class ClientPages {
    static final String PATH = Pages.HOME + "/clients";
    private static final String REMOVE = PATH + "/{id}/remove";

    private final Pages pages;
    private final Clients clients;

    /**
     * The clients ({@code totalRecords} in all, the first {@link Paging#MAX_LIMIT} listed) with the New API Client
     * form; {@code name}, {@code role} and {@code error} give the form back as sent when it was refused,
     * {@code removeError} says why a Remove was; {@code created} is the client just made, with its secret.
     */
    public record ClientList(Views.Header header, List<Clients.ClientInfo> clients, long totalRecords,
                             List<String> roles, String name, String role, String error, String removeError,
                             Clients.Credentials created) {}

    ClientPages(Pages pages, Clients clients) {
        this.pages = pages;
        this.clients = clients;
    }

    void routes(ConsoleRoutes r) {
        r.get(PATH, this::page);
        r.post(PATH, this::create);
        r.post(REMOVE, this::remove);
    }

    /** For templates: a client's Remove form. */
    public static String removePath(String clientId) {
        return PATH + "/" + Pages.encode(clientId) + "/remove";
    }

    void page(Context ctx) {
        Optional<Session> session = pages.admin(ctx, "manage API clients");
        if (session.isPresent()) {
            render(ctx, session.get(), "", Role.VIEWER.wireName(), null, null, null);
        }
    }

    /**
     * New API Client: answered with the page itself, not a redirect, so that the secret is shown once and kept
     * nowhere — neither in a flash nor in a cache.
     */
    void create(Context ctx) {
        Optional<Session> session = pages.admin(ctx, "manage API clients");
        if (session.isEmpty()) {
            return;
        }
        String name = Optional.ofNullable(ctx.formParam("name")).orElse("");
        String role = Pages.field(ctx, "role");
        Clients.Credentials created;
        try {
            created = clients.create(name, Role.required(role));
        } catch (ClientError e) {
            ctx.status(e.status());
            render(ctx, session.get(), name, role, e.getMessage(), null, null);
            return;
        }
        ctx.status(HttpStatus.CREATED).header("Cache-Control", "no-store");
        render(ctx, session.get(), "", Role.VIEWER.wireName(), null, null, created);
    }

    void remove(Context ctx) {
        Optional<Session> session = pages.admin(ctx, "manage API clients");
        if (session.isEmpty()) {
            return;
        }
        try {
            clients.remove(ctx.pathParam("id"));
        } catch (ClientError e) {
            ctx.status(e.status());
            render(ctx, session.get(), "", Role.VIEWER.wireName(), null, e.getMessage(), null);
            return;
        }
        ctx.redirect(PATH, HttpStatus.SEE_OTHER);
    }

    private void render(Context ctx, Session session, String name, String role, String error, String removeError,
                        Clients.Credentials created) {
        Pages.render(ctx, "clients.jte", new ClientList(pages.header(ctx, session), clients.list(Paging.MAX_LIMIT, 0),
                clients.count(), Arrays.stream(Role.values()).map(Role::wireName).toList(), name, role, error,
                removeError, created));
    }
}
