package dev.smartsat.agent;

import com.fasterxml.jackson.databind.JsonNode;
import dev.smartsat.agent.DeviceState.Authorization;
import dev.smartsat.agent.DeviceState.EntitlementStatus;
import dev.smartsat.agent.DeviceState.Failure;
import dev.smartsat.agent.DeviceState.Registration;
import dev.smartsat.pki.PemFiles;
import dev.smartsat.reservation.AuthorizationCode;
import dev.smartsat.reservation.InvalidCodeException;
import dev.smartsat.reservation.RequestCode;
import dev.smartsat.reservation.ReturnCode;
import java.net.URI;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * One simulated product instance kept in a state file: it registers, renews its ID certificate, reports its
 * usage, deregisters and says hello the way a product does, and remembers what the satellite answered. Each
 * operation returns the satellite's verified {@link Answer} (OK or not) and saves the state before returning.
 */
public final class Device {
    private final Path stateFile;
    private final Path caPem;
    private X509Certificate root;
    private final DeviceClock clock;
    private final int retries;
    private final DeviceState state;
    private final Consumer<DeviceState> sink;
    private AgentHttpClient http;
    private TransportClient client;
    private String keyId;
    private String keyIdOfPem;

    /** What REGISTER sends; {@code hostname} null means the device does not share it, {@code softwareTag} null the default. */
    public record RegisterRequest(URI url, String token, String pid, String serial, String hostname,
                                  boolean overwrite, String softwareTag) {
        public RegisterRequest(URI url, String token, String pid, String serial) {
            this(url, token, pid, serial, null, false, null);
        }
    }

    private Device(Path stateFile, Path caPem, Clock clock, int retries) {
        this(stateFile, null, null, caPem, clock, retries);
    }

    private Device(Path stateFile, DeviceState given, Consumer<DeviceState> sink, Path caPem, Clock clock, int retries) {
        this.stateFile = stateFile;
        this.caPem = caPem;
        this.retries = retries;
        this.sink = sink;
        DeviceState existing = given != null ? given : stateFile == null ? null : StateFile.readIfExists(stateFile);
        if (existing == null) {
            existing = DeviceState.firstStart(clock.instant());
        }
        this.state = existing;
        this.clock = new DeviceClock(clock, state.serverClockOffsetMillis());
        save();
    }

    /**
     * The device of {@code stateFile}, started for the first time (and the file written) when there is none;
     * {@code caPem} is the satellite's root CA, read when the device first talks to the satellite.
     */
    public static Device open(Path stateFile, Path caPem) {
        return open(stateFile, caPem, Clock.systemUTC(), TransportClient.DEFAULT_RETRIES);
    }

    /**
     * @param clock   the device's local clock (the satellite's offset, once learned, is added to it)
     * @param retries how many more attempts an OK_TRY_AGAIN answer gets
     */
    public static Device open(Path stateFile, Path caPem, Clock clock, int retries) {
        return new Device(stateFile, caPem, clock, retries);
    }

    /**
     * A device over a state its caller keeps (the seed products keep it inside their own state file): nothing is
     * written here, {@code sink} is handed the state at every point the agent would save it.
     */
    public static Device over(DeviceState state, Path caPem, Clock clock, int retries, Consumer<DeviceState> sink) {
        return new Device(null, state, sink, caPem, clock, retries);
    }

    /** A device that lives only in memory (nothing is written). */
    public static Device inMemory(Path caPem, Clock clock, int retries) {
        return new Device(null, caPem, clock, retries);
    }

    public DeviceState state() {
        return state;
    }

    public DeviceClock clock() {
        return clock;
    }

    /** The licensing page now, by the device's clock. */
    public DeviceStatus status() {
        return DeviceStatus.of(state, clock.now());
    }

    // ---- operations ----

    public Answer register(RegisterRequest request) throws TransportException {
        TransportClient.requireTransportUrl(request.url());
        if (state.reservation() != null) {
            throw new IllegalStateException("register: the device holds a Specific License Reservation; return it"
                    + " first with `smartsat agent reserve return`");
        }
        state.identify(request.pid(), request.serial());
        String tag = request.softwareTag() != null ? request.softwareTag() : Requests.defaultSoftwareTag(request.pid());
        state.configureTransport(request.url().toString(), request.hostname(), tag);
        KeyPair keys = state.keys();
        String csr = DeviceKeys.csrPem(keys, request.pid(), request.serial());
        Answer answer;
        try {
            TransportClient transport = transport();
            answer = transport.send(keys.getPrivate(), "csr", (timestamp, nonce) -> Requests.register(
                    state.identity(), timestamp, nonce, request.token(), csr, tag, request.hostname(),
                    request.overwrite()));
            if (!answer.ok()) {
                state.registrationFailed(failure("register", answer));
                return answer;
            }
            transport.trust().verifyIdCertificate(answer.text("id_cert"), strings(answer.field("ca_chain")),
                    keys.getPublic(), clock.now());
        } catch (TransportException e) {
            state.registrationFailed(failure("register", e));
            throw e;
        } finally {
            save();
        }
        state.registered(new Registration(answer.text("product_instance_identifier"), answer.text("id_cert"),
                answer.text("smart_account"), answer.text("virtual_account"), answer.text("export_controlled"),
                clock.now(), answer.instant("registration_expires"), answer.instant("next_renewal_attempt")));
        save();
        return answer;
    }

    /** RENEW_ID_CERT; with {@code newKey} the device asks for a certificate for a fresh key and keeps it on success. */
    public Answer renewId(boolean newKey) throws TransportException {
        requireRegistration("renew-id");
        KeyPair current = state.keys();
        KeyPair requested = newKey ? DeviceKeys.generate() : current;
        String csr = DeviceKeys.csrPem(requested, state.identity().pid(), state.identity().serial());
        Answer answer = exchange("renew-id", current, (timestamp, nonce) -> Requests.renewIdCert(state.identity(),
                productInstanceId(), timestamp, nonce, csr, state.hostname()));
        if (answer.ok()) {
            try {
                transport().trust().verifyIdCertificate(answer.text("id_cert"), null, requested.getPublic(), clock.now());
            } catch (TransportException e) {
                state.failed(failure("renew-id", e));
                save();
                throw e;
            }
            if (newKey) {
                state.replaceKey(requested);
            }
            state.renewed(answer.text("id_cert"), answer.instant("registration_expires"),
                    answer.instant("next_renewal_attempt"));
            save();
        }
        return answer;
    }

    /** AUTH_REQUEST reporting {@code usage} (empty: no licenses in use). */
    public Answer authorize(List<Entitlement> usage) throws TransportException {
        requireRegistration("authorize");
        List<Entitlement> reported = List.copyOf(usage);
        Answer answer = exchange("authorize", state.keys(), (timestamp, nonce) -> Requests.authRequest(
                state.identity(), productInstanceId(), timestamp, nonce, reported));
        if (answer.ok()) {
            List<EntitlementStatus> statuses = new ArrayList<>();
            for (JsonNode e : answer.field("entitlements")) {
                statuses.add(new EntitlementStatus(e.path("tag").asText(), e.path("count").asInt(),
                        e.path("status").asText(null)));
            }
            state.authorized(new Authorization(answer.text("authorization_status"), statuses,
                    answer.instant("next_communication_attempt"), answer.instant("communication_deadline"),
                    clock.now()));
            save();
        }
        return answer;
    }

    /** DEREGISTER; the device is unregistered afterwards also when the satellite no longer knew it. */
    public Answer deregister() throws TransportException {
        requireRegistration("deregister");
        Answer answer = exchange("deregister", state.keys(), (timestamp, nonce) -> Requests.deregister(
                state.identity(), productInstanceId(), timestamp, nonce));
        if (answer.ok()) {
            state.forgetRegistration();
            save();
        }
        return answer;
    }

    /** HELLO; the device adopts the satellite's time from the answer. */
    public Answer hello() throws TransportException {
        requireRegistration("hello");
        Answer answer = exchange("hello", state.keys(), (timestamp, nonce) -> Requests.hello(
                state.identity(), productInstanceId(), timestamp, nonce));
        if (answer.ok() && answer.text("server_time") != null) {
            clock.learn(answer.instant("server_time"));
            save();
        }
        return answer;
    }

    // ---- Specific License Reservation (SPEC §5): no network, codes a person carries ----

    /** What installing an authorization code did; {@code confirmationCode} is null for a first installation. */
    public record Installed(AuthorizationCode code, String confirmationCode) {}

    /**
     * A reservation request code for this device's UDI; {@code pid} and {@code serial} name the device the first
     * time (null afterwards keeps the UDI it has).
     */
    public String requestReservation(String pid, String serial) {
        if (state.hasRegistration()) {
            throw new IllegalStateException("reserve request: the device is registered for Smart Licensing;"
                    + " deregister it first");
        }
        if (pid != null || serial != null) {
            if (pid == null || serial == null) {
                throw new IllegalArgumentException("reserve request: give both --pid and --serial");
            }
            state.identify(pid, serial);
        }
        if (state.identity().pid() == null) {
            throw new IllegalArgumentException("reserve request: the device has no UDI yet; give --pid and --serial");
        }
        String code;
        try {
            code = RequestCode.newFor(state.identity().pid(), state.identity().serial()).text();
        } catch (InvalidCodeException e) {
            throw new IllegalArgumentException("reserve request: " + e.getMessage());
        }
        state.reservationRequested(code);
        save();
        return code;
    }

    /**
     * Installs an authorization code: its signature must verify with the satellite's signing certificate and its
     * UDI must be this device's; otherwise nothing is installed. A newer code for the installed reservation is an
     * update, and the device shows the confirmation code the satellite needs.
     */
    public Installed installReservation(String text, X509Certificate signingCertificate) {
        AuthorizationCode code;
        try {
            code = AuthorizationCode.parse(text);
        } catch (InvalidCodeException e) {
            throw new IllegalArgumentException("The Reservation Authorization Code is not valid: " + e.getMessage());
        }
        if (!code.verify(signingCertificate.getPublicKey())) {
            throw new IllegalArgumentException("The Reservation Authorization Code signature is not valid: the code was"
                    + " changed, or it was not made by the satellite whose signing certificate was given");
        }
        if (state.identity().pid() == null || !state.identity().udi().equals(code.udi())) {
            throw new IllegalArgumentException("The Reservation Authorization Code does not match the Reservation"
                    + " Request Code (the code is for " + code.udi() + ", this device is "
                    + (state.identity().pid() == null ? "unnamed" : state.identity().udi()) + ")");
        }
        if (state.hasRegistration()) {
            throw new IllegalStateException("reserve install: the device is registered for Smart Licensing;"
                    + " deregister it first");
        }
        DeviceState.InstalledReservation installed = state.reservation();
        String confirmation = null;
        if (installed != null) {
            if (!installed.productInstanceIdentifier().equals(code.piid())) {
                throw new IllegalStateException("reserve install: the device holds another reservation (product"
                        + " instance " + installed.productInstanceIdentifier() + "); return it first");
            }
            if (code.timestamp() <= installed.timestamp()) {
                throw new IllegalArgumentException("The Reservation Authorization Code is not newer than the installed"
                        + " one (timestamp " + code.timestamp() + ", installed " + installed.timestamp() + ")");
            }
            confirmation = code.confirmationCode();
        }
        state.reservationInstalled(new DeviceState.InstalledReservation(code.piid(), code.timestamp(), code.text(),
                confirmation, clock.now()));
        save();
        return new Installed(code, confirmation);
    }

    /** Gives the installed reservation back: the return code the satellite needs, and the device forgets it. */
    public String returnReservation() {
        DeviceState.InstalledReservation installed = state.reservation();
        if (installed == null) {
            throw new IllegalStateException("reserve return: the device holds no reservation");
        }
        String code = ReturnCode.of(installed.productInstanceIdentifier(), state.identity().udi(), installed.timestamp());
        state.forgetReservation();
        save();
        return code;
    }

    // ---- plumbing ----

    /** Sends a message of a registered device and applies what a refusal says about its registration. */
    private Answer exchange(String operation, KeyPair keys, Requests.Body body) throws TransportException {
        Answer answer;
        try {
            answer = transport().send(keys.getPrivate(), keyId(), body);
        } catch (TransportException e) {
            state.failed(failure(operation, e));
            save();
            throw e;
        }
        if (!answer.ok()) {
            if (answer.failedWith("INSTANCE_UNKNOWN")) {
                // Removed or overwritten on the satellite: this registration is gone for good.
                state.forgetRegistration();
            } else if (answer.failedWith("REGISTRATION_EXPIRED")) {
                state.registrationExpired();
            }
            state.failed(failure(operation, answer));
        }
        save();
        return answer;
    }

    private TransportClient transport() {
        URI url = URI.create(state.url());
        if (client == null || !client.url().equals(url)) {
            if (http == null) {
                // Read only when the device first talks: status works without the satellite's CA at hand.
                root = TransportClient.readRoot(caPem);
                http = TransportClient.httpClient(root);
            }
            client = new TransportClient(http, url, root, clock, retries);
        }
        return client;
    }

    private void requireRegistration(String operation) {
        if (!state.hasRegistration() || state.url() == null) {
            throw new IllegalStateException(operation + ": the device is not registered; run `smartsat agent register` first");
        }
    }

    private String productInstanceId() {
        return state.registration().productInstanceIdentifier();
    }

    /** The ID certificate's serial in lowercase hex, the key_id of every message after REGISTER. */
    private String keyId() {
        String pem = state.registration().idCertPem();
        if (!pem.equals(keyIdOfPem)) {
            keyId = PemFiles.certificateFromPem(pem).getSerialNumber().toString(16);
            keyIdOfPem = pem;
        }
        return keyId;
    }

    private Failure failure(String operation, Answer answer) {
        return new Failure(clock.now(), operation, answer.code(), answer.message());
    }

    private Failure failure(String operation, TransportException e) {
        return new Failure(clock.now(), operation, e.kind().name(), e.getMessage());
    }

    private void save() {
        state.setServerClockOffsetMillis(clock.offsetMillis());
        if (stateFile != null) {
            StateFile.write(stateFile, state);
        }
        if (sink != null) {
            sink.accept(state);
        }
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(node -> out.add(node.asText()));
        return out;
    }
}
