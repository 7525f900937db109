package dev.smartsat.product;

import dev.smartsat.agent.Answer;
import dev.smartsat.agent.Device;
import dev.smartsat.agent.DeviceState;
import dev.smartsat.agent.DeviceState.RegistrationState;
import dev.smartsat.agent.Entitlement;
import dev.smartsat.agent.SatelliteTrust;
import dev.smartsat.agent.TransportClient;
import dev.smartsat.agent.TransportException;
import dev.smartsat.reservation.AuthorizationCode;
import java.net.URI;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * A seed product (SPEC §11): an Expressway or a Webex Meetings Server that earns its license counts from what is
 * happening on it, reports them to the satellite as an ordinary device (the agent's {@link Device}), keeps its own
 * licensing timers against the satellite's clock, and refuses what its document says an unlicensed product refuses.
 */
public final class Product {
    /** Moves the satellite's clock to a timer's instant before the product acts on it; null in one-shot commands. */
    public interface ClockMover {
        void moveTo(Instant instant) throws TransportException;
    }

    private final ProductState state;
    private final ProductClock clock;
    private final Device device;
    private final Path caPem;
    private SatelliteTrust trust;

    private Product(ProductState state, Path caPem) {
        this.state = state;
        this.caPem = caPem;
        this.clock = new ProductClock(state.now);
        state.device.setServerClockOffsetMillis(0);
        this.device = Device.over(state.device, caPem, clock, 0, s -> { });
    }

    /** A product starting for the first time at the satellite's time {@code now}: its evaluation period starts. */
    public static Product init(Profile profile, SystemSize size, int dataCenters, String pid, String serial, URI url,
                               Instant now, Path caPem) {
        TransportClient.requireTransportUrl(url);
        ProductState state = new ProductState();
        state.profile = profile;
        state.size = profile == Profile.WEBEX_MEETINGS_SERVER ? size : null;
        state.dataCenters = profile == Profile.WEBEX_MEETINGS_SERVER ? dataCenters : 1;
        state.url = url.toString();
        state.hostname = profile.word() + "-" + serial.toLowerCase(java.util.Locale.ROOT);
        state.now = now;
        state.device = DeviceState.firstStart(now);
        state.device.identify(pid, serial);
        return new Product(state, caPem);
    }

    static Product resume(ProductState state, Path caPem) {
        return new Product(state, caPem);
    }

    ProductState state() {
        return state;
    }

    public Profile profile() {
        return state.profile;
    }

    public Instant now() {
        return clock.instant();
    }

    public URI url() {
        return URI.create(state.url);
    }

    public ProductPage page() {
        return ProductPage.of(state, now());
    }

    /** Where the product keeps itself: the state as it is now. */
    public void save(Path file) {
        state.now = now();
        state.write(file);
    }

    // ---- timers ----

    /**
     * Lets the product's timers fire up to {@code target}. With a {@code mover} each fires at its own instant, the
     * satellite's clock moved there first; without one (a one-shot command, the satellite's clock already at
     * {@code target}) whatever fell due meanwhile fires once, now.
     */
    public void advanceTo(Instant target, ClockMover mover) throws TransportException {
        while (true) {
            Instant due = nextDue();
            if (due == null || due.isAfter(target)) {
                break;
            }
            Instant at = mover == null || due.isBefore(now()) ? (mover == null ? target : now()) : due;
            if (mover != null && at.isAfter(now())) {
                mover.moveTo(at);
            }
            setClock(at);
            fire(at);
        }
        if (mover == null || target.isAfter(now())) {
            // A one-shot command takes the satellite's time as it is, also when its clock was moved back.
            setClock(target);
        }
    }

    /**
     * The product's time is the satellite's, as the runner or {@code /health} gave it: an offset the device learned
     * from a STALE_TIMESTAMP answer on the way is dropped, so it cannot outlive the moment it was learned for.
     */
    private void setClock(Instant instant) {
        clock.set(instant);
        device.clock().setOffsetMillis(0);
    }

    /** The next instant a timer is due, or null when none runs. */
    Instant nextDue() {
        return Timers.nextDue(state, smartRegistered());
    }

    private void fire(Instant at) throws TransportException {
        if (state.pending != null) {
            if (!at.isBefore(state.pending.nextAttempt())) {
                attemptRegistration(state.pending.token(), state.pending.overwrite());
                if (smartRegistered()) {
                    reapply();
                }
            }
            return;
        }
        if (!at.isBefore(Timers.renewalDue(state))) {
            renew();
        }
        if (smartRegistered() && !at.isBefore(nextDue())) {
            report(reportable(state.usage), true);
        }
    }

    private void renew() throws TransportException {
        Answer answer;
        try {
            answer = device.renewId(false);
        } catch (TransportException e) {
            requireReachableKind(e);
            state.renewRetryAt = now().plus(Timers.RETRY);
            return;
        }
        if (answer.ok()) {
            state.certIssuedAt = now();
            state.renewRetryAt = null;
        } else {
            state.renewRetryAt = now().plus(answer.tryAgain() ? Timers.RETRY : Timers.REFUSED_RENEWAL_RETRY);
        }
    }

    // ---- registration ----

    /** REGISTER with {@code token}; what a refusal of the satellite says is returned as the step's refusals. */
    public List<Refusal> register(String token, boolean overwrite) throws TransportException {
        if (state.device.reservation() != null) {
            return List.of(new Refusal("registration", "the product is licensed by a Specific License Reservation;"
                    + " return it before registering"));
        }
        state.pending = null;
        List<Refusal> refused = attemptRegistration(token, overwrite || smartRegistered());
        reapply();
        return refused;
    }

    private List<Refusal> attemptRegistration(String token, boolean overwrite) throws TransportException {
        Answer answer;
        try {
            answer = device.register(new Device.RegisterRequest(url(), token, state.device.identity().pid(),
                    state.device.identity().serial(), state.hostname, overwrite, null));
        } catch (TransportException e) {
            requireReachableKind(e);
            state.pending = new ProductState.Pending(token, overwrite, now().plus(Timers.RETRY));
            return List.of();
        }
        if (answer.ok()) {
            state.pending = null;
            state.certIssuedAt = now();
            state.lastAuthorized = now();
            state.lastUsageReport = now();
            state.renewRetryAt = null;
            state.reportRetryAt = null;
            state.reported = null;
            return List.of();
        }
        if (answer.tryAgain()) {
            // 003:656-660: a communication issue leaves the registration in progress, reattempted every 15 minutes.
            state.pending = new ProductState.Pending(token, overwrite, now().plus(Timers.RETRY));
            return List.of();
        }
        if (answer.failedWith("INSTANCE_EXISTS") && !overwrite) {
            // 000:354 "If a product instance exists, the system returns an error message and automatically checks
            // Overwrite product instance": this product then registers over its old instance.
            return attemptRegistration(token, true);
        }
        // 003:573 "Registration Failed: Product registration failed because the token is invalid or expired" — not
        // retried: only a new token can help.
        state.pending = null;
        return List.of(new Refusal("registration", answer.describe()));
    }

    /** DEREGISTER: every license released; 003:862-864 without the satellite the product deregisters all the same. */
    public List<Refusal> deregister() throws TransportException {
        List<Refusal> refused = new ArrayList<>();
        state.pending = null;
        if (state.device.hasRegistration()) {
            try {
                Answer answer = device.deregister();
                if (!answer.ok() && !answer.failedWith("INSTANCE_UNKNOWN")) {
                    refused.add(new Refusal("deregistration", "the satellite did not confirm (" + answer.describe()
                            + "); remove the product instance there to free its licenses"));
                }
            } catch (TransportException e) {
                requireReachableKind(e);
                refused.add(new Refusal("deregistration", "the satellite could not be reached; remove the product"
                        + " instance there to free its licenses"));
            }
        }
        if (state.device.registrationState() != RegistrationState.UNREGISTERED) {
            state.device.forgetRegistration();
        }
        state.reported = null;
        state.renewRetryAt = null;
        state.reportRetryAt = null;
        reapply();
        return refused;
    }

    // ---- Specific License Reservation ----

    public String requestReservation() {
        return device.requestReservation(null, null);
    }

    public Device.Installed installReservation(String code) throws TransportException {
        Device.Installed installed = device.installReservation(code, trust().signingCertificate());
        reapply();
        return installed;
    }

    public String returnReservation() throws TransportException {
        String code = device.returnReservation();
        reapply();
        return code;
    }

    /** The reservation's product instance, or null when none is installed. */
    public String reservedInstance() {
        return state.device.reservation() == null ? null : state.device.reservation().productInstanceIdentifier();
    }

    public boolean smartRegistered() {
        return state.device.registrationState() == RegistrationState.REGISTERED && state.device.registration() != null
                && now().isBefore(state.device.registration().registrationExpires());
    }

    private SatelliteTrust trust() throws TransportException {
        if (trust == null) {
            X509Certificate root = TransportClient.readRoot(caPem);
            trust = new TransportClient(TransportClient.httpClient(root), url(), root, device.clock(), 0).trust();
        }
        return trust;
    }

    // ---- activity ----

    /** Sets what is happening (the lists {@code change} names) and applies it all again. */
    public void change(Activity.Change change) throws TransportException {
        state.activity = state.activity.with(change);
        reapply();
    }

    /**
     * Applies the whole current activity under the product's licensing now, so what it refused before is accepted
     * once it may, and reports the usage to the satellite when it changed.
     */
    public void reapply() throws TransportException {
        boolean smart = smartRegistered();
        Map<String, Long> reserved = reservedCounts(state.device);
        boolean evaluationExpired = !smart && reserved == null
                && !now().isBefore(state.device.firstStart().plus(Timers.EVALUATION));
        if (state.profile == Profile.EXPRESSWAY) {
            Expressway.Outcome out = Expressway.apply(state.activity, state.heldRegistrations, evaluationExpired);
            state.heldRegistrations = new ArrayList<>(out.accepted());
            state.usage = out.usage();
            state.refused = new ArrayList<>(out.refused());
            if (smart) {
                report(reportable(out.usage()), false);
            }
            return;
        }
        String limited = evaluationExpired ? "Evaluation Expired: only license management is allowed" : null;
        Integer reservedHosts = reserved == null ? null
                : reserved.getOrDefault(ProductLicense.HOST.tag(), 0L).intValue();
        SystemLicenses.Join join = SystemLicenses.Join.NOT_LICENSED;
        ProductLicense mdc = state.size.multiDataCenter().orElse(null);
        if (reserved != null && mdc != null && reserved.getOrDefault(mdc.tag(), 0L) >= state.dataCenters) {
            join = SystemLicenses.Join.LICENSED;
        } else if (smart) {
            join = SystemLicenses.Join.LICENSED; // asked for; the satellite's answer decides below
        }
        WebexMeetingsServer.Outcome out = webex(join, limited, reservedHosts);
        if (smart) {
            Answer answer = report(reportable(out.usage()), false);
            if (out.joined() && !authorized(mdc, answer)) {
                // 000:15 no trial period: the second data center joins only on an authorized MDC license
                out = webex(SystemLicenses.Join.NOT_LICENSED, limited, reservedHosts);
                report(reportable(out.usage()), false);
            }
        }
        state.holders = new ArrayList<>(out.holders());
        state.deactivated = new ArrayList<>(out.deactivated());
        state.joined = out.joined();
        state.usage = out.usage();
        state.refused = new ArrayList<>(out.refused());
    }

    private WebexMeetingsServer.Outcome webex(SystemLicenses.Join join, String limited, Integer reservedHosts) {
        return WebexMeetingsServer.apply(state.activity, new LinkedHashSet<>(state.holders),
                new LinkedHashSet<>(state.deactivated), state.size, state.dataCenters, join, limited, reservedHosts);
    }

    private boolean authorized(ProductLicense license, Answer answer) {
        if (answer == null && state.joined) {
            return true; // nothing new was asked: it stays joined as the satellite last said
        }
        if (state.device.authorization() == null || license == null) {
            return false;
        }
        return state.device.authorization().entitlements().stream()
                .anyMatch(e -> e.tag().equals(license.tag()) && "AUTHORIZED".equals(e.status()));
    }

    /** The reserved count of each tag of the installed reservation, or null when none is installed. */
    static Map<String, Long> reservedCounts(DeviceState device) {
        if (device.reservation() == null) {
            return null;
        }
        Map<String, Long> counts = new HashMap<>();
        AuthorizationCode.parse(device.reservation().authorizationCode()).entitlements()
                .forEach(e -> counts.merge(e.tag(), e.count(), Long::sum));
        return counts;
    }

    static List<Entitlement> reportable(Map<ProductLicense, Integer> usage) {
        List<Entitlement> list = new ArrayList<>();
        usage.forEach((license, count) -> list.add(new Entitlement(license.tag(), count)));
        return list;
    }

    /**
     * AUTH_REQUEST with {@code usage} when it changed (or {@code force}, a timer); null when nothing was sent. A
     * satellite that does not answer leaves the report to be retried in 15 minutes.
     */
    private Answer report(List<Entitlement> usage, boolean force) throws TransportException {
        if (!force && usage.equals(state.reported)) {
            return null;
        }
        Answer answer;
        try {
            answer = device.authorize(usage);
        } catch (TransportException e) {
            requireReachableKind(e);
            state.reportRetryAt = now().plus(Timers.RETRY);
            return null;
        }
        if (answer.ok()) {
            state.reported = List.copyOf(usage);
            state.lastAuthorized = now();
            state.lastUsageReport = now();
            state.reportRetryAt = null;
        } else {
            state.reportRetryAt = now().plus(Timers.RETRY);
        }
        return answer;
    }

    /**
     * An answer that cannot be trusted is the command's exit 3; a satellite out of reach, or answering something
     * that is no transport answer at all (an overloaded front end's error page), is the product's business: it tries
     * again on its 15-minute timer, as a product does after "a communication issue" (003:656).
     */
    private static void requireReachableKind(TransportException e) throws TransportException {
        if (e.kind() == TransportException.Kind.UNTRUSTED) {
            throw e;
        }
    }
}
