package dev.smartsat.product;

import dev.smartsat.agent.Device;
import dev.smartsat.agent.AgentHttpClient;
import dev.smartsat.agent.TransportClient;
import dev.smartsat.agent.TransportException;
import java.net.URI;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Plays a scenario against a satellite (SPEC §11): it owns the satellite's clock, moving it to each step's day and to
 * every product timer on the way, carries out what needs the management API (faults, tokens, reservations), and
 * records the product's page after every step. The product's state file is written only when the run completes.
 */
public final class ScenarioRunner {
    /** Called after each step with what the timeline records; tests compare it with the satellite's own view. */
    public interface StepListener {
        void after(Timeline.Step step, Product product);
    }

    /**
     * @param token            the registration token of {@code --token}, or null (the file's, or a fresh one each time)
     * @param adminCredentials the admin client's {@code {"client_id","client_secret"}} file
     * @param stateFile        the product to continue and keep, or null for a product that lives only for the run
     */
    public record Options(Path caPem, URI url, String token, Path adminCredentials, Path stateFile) {
    }

    private final Options options;
    private final StepListener listener;

    public ScenarioRunner(Options options, StepListener listener) {
        this.options = options;
        this.listener = listener == null ? (step, product) -> { } : listener;
    }

    public Timeline run(Scenario scenario) throws TransportException, ScenarioException {
        TransportClient.requireTransportUrl(options.url());
        AgentHttpClient http = TransportClient.httpClient(TransportClient.readRoot(options.caPem()));
        SatelliteAdmin admin = new SatelliteAdmin(http, options.url(), options.adminCredentials());
        Instant start = admin.clock();
        Product product = open(scenario, start);
        Instant clockAt = start;
        List<Timeline.Step> steps = new ArrayList<>();
        for (Scenario.Step step : scenario.steps()) {
            Instant target = start.plus(Duration.ofDays(step.day()));
            product.advanceTo(target, admin::setClock);
            if (target.isAfter(clockAt)) {
                admin.setClock(target);
                clockAt = target;
            }
            List<Refusal> refused = new ArrayList<>();
            if (step.faults() != null) {
                admin.faults(step.faults());
            }
            if (step.deregister()) {
                refused.addAll(product.deregister());
            }
            if (step.register()) {
                String token = scenario.token() != null ? scenario.token() : options.token() != null ? options.token()
                        : admin.newToken(scenario.virtualAccount());
                refused.addAll(product.register(token, false));
            }
            if (step.reserve() != null) {
                refused.addAll(reserve(admin, product, scenario.virtualAccount(), step.reserve()));
            }
            // After every change the product applies its whole activity again (SPEC §11).
            product.change(step.change());
            ProductPage page = product.page();
            refused.addAll(page.refused());
            Timeline.Step result = new Timeline.Step(step.day(), LocalDate.ofInstant(product.now(), ZoneOffset.UTC),
                    page.registrationStatus(), page.authorizationStatus(), page.licenses(), List.copyOf(refused));
            steps.add(result);
            listener.after(result, product);
        }
        if (options.stateFile() != null) {
            product.save(options.stateFile());
        }
        return new Timeline(scenario.product(), product.page().productInstanceIdentifier(), List.copyOf(steps));
    }

    private Product open(Scenario scenario, Instant start) throws TransportException, ScenarioException {
        ProductState existing = options.stateFile() == null ? null : ProductState.readIfExists(options.stateFile());
        if (existing == null) {
            return Product.init(scenario.product(), scenario.systemSize(), scenario.dataCenters(),
                    scenario.pid() != null ? scenario.pid() : scenario.product().defaultPid(),
                    scenario.serial() != null ? scenario.serial() : randomSerial(), options.url(), start,
                    options.caPem());
        }
        if (existing.profile != scenario.product()) {
            throw new ScenarioException("top level, key product: the state file is a " + existing.profile.word()
                    + ", the scenario a " + scenario.product().word());
        }
        existing.url = options.url().toString();
        Product product = Product.resume(existing, options.caPem());
        product.advanceTo(start, null);
        return product;
    }

    /**
     * A {@code reserve} step (SPEC §5): the product's request code reserved on the satellite and its authorization
     * code installed; with a reservation already installed, a reservation update confirmed with the product's code.
     */
    private static List<Refusal> reserve(SatelliteAdmin admin, Product product, String virtualAccount,
                                         Map<String, Long> licenses) throws TransportException {
        if (product.smartRegistered()) {
            return List.of(new Refusal("reservation", "the product is registered for Smart Licensing; deregister it"
                    + " first"));
        }
        String piid = product.reservedInstance();
        SatelliteAdmin.Reserved reserved;
        if (piid == null) {
            String requestCode;
            try {
                requestCode = product.requestReservation();
            } catch (IllegalStateException | IllegalArgumentException e) {
                return List.of(new Refusal("reservation", e.getMessage()));
            }
            reserved = admin.reserve(virtualAccount, requestCode, licenses);
        } else {
            reserved = admin.updateReservation(virtualAccount, piid, licenses);
        }
        if (reserved.refusal() != null) {
            return List.of(new Refusal("reservation", "the satellite refused it: " + reserved.refusal()));
        }
        Device.Installed installed = product.installReservation(reserved.authorizationCode());
        if (installed.confirmationCode() != null) {
            admin.confirm(virtualAccount, piid, installed.confirmationCode());
        }
        return List.of();
    }

    private static String randomSerial() {
        String alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ0123456789";
        SecureRandom random = new SecureRandom();
        StringBuilder serial = new StringBuilder("SS");
        for (int i = 0; i < 9; i++) {
            serial.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return serial.toString();
    }
}
