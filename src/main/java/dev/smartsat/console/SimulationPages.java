package dev.smartsat.console;

import dev.smartsat.auth.ConsoleSessions.Session;
import dev.smartsat.clock.SimulatedClock;
import dev.smartsat.core.ClientError;
import dev.smartsat.sim.ClockControl;
import dev.smartsat.sim.Faults;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.time.Instant;
import java.util.Optional;

/**
 * The Simulation page (SPEC §9, §12), an admin's only and only while {@code simulation.enabled}: the server clock
 * (advance, set, back to the wall clock) and the injected faults, checked and recorded as {@code /sim} does.
 */
public final class SimulationPages {
    static final String PATH = Pages.HOME + "/simulation";
    private static final String ADVANCE = PATH + "/advance";
    private static final String SET = PATH + "/set";
    private static final String RESET = PATH + "/reset";
    private static final String FAULTS = PATH + "/faults";
    private static final String CLEAR_FAULTS = PATH + "/faults/clear";
    private static final String NUMBER = "[+-]?([0-9]+\\.?[0-9]*|\\.[0-9]+)([eE][+-]?[0-9]+)?";

    private final Pages pages;
    private final SimulatedClock clock;
    private final ClockControl control;
    private final Faults faults;
    private final boolean enabled;

    /** One path's fault rule as its form fields show it. */
    public record FaultForm(String failRate, String status, String delayMs) {
        static FaultForm of(Faults.Rule rule) {
            return new FaultForm(String.valueOf(rule.failRate()), String.valueOf(rule.status()),
                    String.valueOf(rule.delayMs()));
        }

        static FaultForm of(Context ctx, String path) {
            return new FaultForm(Pages.field(ctx, path + ".failRate"), Pages.field(ctx, path + ".status"),
                    Pages.field(ctx, path + ".delayMs"));
        }
    }

    /**
     * The clock now and its offset from the wall clock, the rules in force, and the forms — as sent, with
     * {@code error} in the domain's words beside the form {@code failedForm} ({@code advance}, {@code set} or
     * {@code faults}) when one was refused.
     */
    public record Simulation(Views.Header header, Instant now, String offset, Faults.Rule transportRule,
                             Faults.Rule upstreamRule, String advance, String setTo, FaultForm transport,
                             FaultForm upstream, String failedForm, String error) {}

    SimulationPages(Pages pages, Console.Services s) {
        this.pages = pages;
        this.clock = s.clock();
        this.control = s.clockControl();
        this.faults = s.faults();
        this.enabled = s.simulationEnabled();
    }

    void routes(ConsoleRoutes r) {
        r.get(PATH, this::page);
        r.post(ADVANCE, ctx -> change(ctx, "advance", () -> control.advance(Pages.field(ctx, "advance"))));
        r.post(SET, ctx -> change(ctx, "set", () -> control.set(Pages.field(ctx, "now"))));
        r.post(RESET, ctx -> change(ctx, "reset", control::reset));
        r.post(FAULTS, ctx -> change(ctx, "faults", () -> faults.set(rule(ctx, "transport"), rule(ctx, "upstream"))));
        r.post(CLEAR_FAULTS, ctx -> change(ctx, "faults", () -> faults.set(Faults.Rule.NONE, Faults.Rule.NONE)));
    }

    void page(Context ctx) {
        controls(ctx).ifPresent(session -> render(ctx, session, null, null));
    }

    /** The session of an admin while the controls are on; else the request was answered 403, or 404 saying so. */
    private Optional<Session> controls(Context ctx) {
        Optional<Session> session = pages.admin(ctx, "use the simulation controls");
        if (session.isPresent() && !enabled) {
            pages.message(ctx, session.get(), ClockControl.controlsOff(), "Simulation");
            return Optional.empty();
        }
        return session;
    }

    /** Does {@code change} and goes back to the page; a refusal shows the form {@code form} again as it was sent. */
    private void change(Context ctx, String form, Runnable change) {
        Optional<Session> session = controls(ctx);
        if (session.isEmpty()) {
            return;
        }
        try {
            change.run();
        } catch (ClientError e) {
            ctx.status(e.status());
            render(ctx, session.get(), form, e.getMessage());
            return;
        }
        ctx.redirect(PATH, HttpStatus.SEE_OTHER);
    }

    /** A path's rule from its three fields, parsed as the API parses its JSON: blank is the API's default. */
    private static Faults.Rule rule(Context ctx, String path) {
        FaultForm form = FaultForm.of(ctx, path);
        double failRate = 0;
        if (!form.failRate().isEmpty()) {
            if (!form.failRate().matches(NUMBER)) {
                throw Faults.Rule.failRateNotANumber(path);
            }
            failRate = Double.parseDouble(form.failRate());
        }
        return Faults.Rule.checked(path, failRate, wholeNumber(path + ".status", form.status(), 503),
                wholeNumber(path + ".delayMs", form.delayMs(), 0));
    }

    /** A whole number field, with the API's words for one that is not (400) or does not fit (422). */
    private static long wholeNumber(String field, String text, long fallback) {
        if (text.isEmpty()) {
            return fallback;
        }
        if (!text.matches("-?[0-9]+")) {
            throw new ClientError.BadRequest(field, field + " must be a whole number");
        }
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw new ClientError.Unprocessable(field, field + " is out of range");
        }
    }

    /** The forms show what was sent, after a refusal; else the rules in force. */
    private void render(Context ctx, Session session, String failedForm, String error) {
        boolean sentFaults = ctx.formParam("transport.failRate") != null;
        Pages.render(ctx, "simulation.jte", new Simulation(pages.header(ctx, session), clock.instant(),
                clock.offset().toString(), faults.transportRule(), faults.upstreamRule(), Pages.field(ctx, "advance"),
                Pages.field(ctx, "now"),
                sentFaults ? FaultForm.of(ctx, "transport") : FaultForm.of(faults.transportRule()),
                sentFaults ? FaultForm.of(ctx, "upstream") : FaultForm.of(faults.upstreamRule()), failedForm, error));
    }
}
