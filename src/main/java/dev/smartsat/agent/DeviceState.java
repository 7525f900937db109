package dev.smartsat.agent;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.JsonAutoDetect.Visibility;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import dev.smartsat.pki.PemFiles;
import java.security.KeyPair;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * Everything a simulated product instance remembers between commands: its identity and key, its registration,
 * the last authorization answer, its first start (for the evaluation period) and the satellite's clock offset.
 * Mutated only through methods named after what happened, so the file never holds a half-applied answer.
 */
@JsonAutoDetect(fieldVisibility = Visibility.ANY, getterVisibility = Visibility.NONE,
        isGetterVisibility = Visibility.NONE, setterVisibility = Visibility.NONE)
public final class DeviceState {
    /** The registration as the device knows it; lapses by time are computed, not stored (see {@link DeviceStatus}). */
    public enum RegistrationState { UNREGISTERED, REGISTERED, REGISTRATION_EXPIRED, REGISTRATION_FAILED }

    /** The UDI: product id and serial number are given at the first registration, the UUID is made at first start. */
    public record Identity(@JsonProperty("udi_pid") String pid,
                           @JsonProperty("udi_serial_number") String serial,
                           @JsonProperty("udi_uuid") String uuid) {
        /** The UDI as products and ID certificates write it. */
        public String udi() {
            return "P:" + pid + ",S:" + serial;
        }
    }

    public record Registration(@JsonProperty("product_instance_identifier") String productInstanceIdentifier,
                               @JsonProperty("id_cert") String idCertPem,
                               @JsonProperty("smart_account") String smartAccount,
                               @JsonProperty("virtual_account") String virtualAccount,
                               @JsonProperty("export_controlled") String exportControlled,
                               @JsonProperty("registered_at") Instant registeredAt,
                               @JsonProperty("registration_expires") Instant registrationExpires,
                               @JsonProperty("next_renewal_attempt") Instant nextRenewalAttempt) {
        Registration renewed(String newIdCertPem, Instant expires, Instant nextRenewal) {
            return new Registration(productInstanceIdentifier, newIdCertPem, smartAccount, virtualAccount,
                    exportControlled, registeredAt, expires, nextRenewal);
        }
    }

    /** One entitlement of the last authorization answer: the count the device reported and the satellite's verdict. */
    public record EntitlementStatus(@JsonProperty("tag") String tag,
                                    @JsonProperty("count") int count,
                                    @JsonProperty("status") String status) {
    }

    /** The last OK answer to AUTH_REQUEST, as the satellite gave it. */
    public record Authorization(@JsonProperty("authorization_status") String status,
                                @JsonProperty("entitlements") List<EntitlementStatus> entitlements,
                                @JsonProperty("next_communication_attempt") Instant nextCommunicationAttempt,
                                @JsonProperty("communication_deadline") Instant communicationDeadline,
                                @JsonProperty("received_at") Instant receivedAt) {
        public Authorization {
            entitlements = entitlements == null ? List.of() : List.copyOf(entitlements);
        }
    }

    /** Why the last operation failed: the satellite's message code and text, or a local reason. */
    public record Failure(@JsonProperty("time") Instant time,
                          @JsonProperty("operation") String operation,
                          @JsonProperty("message_code") String messageCode,
                          @JsonProperty("message") String message) {
        public String describe() {
            return messageCode == null ? message : messageCode + " — " + message;
        }
    }

    /**
     * An installed Specific License Reservation: the authorization code as typed in (its text is what the
     * confirmation and return codes are made from) and, after an update, the confirmation code it showed.
     */
    public record InstalledReservation(@JsonProperty("product_instance_identifier") String productInstanceIdentifier,
                                       @JsonProperty("timestamp") long timestamp,
                                       @JsonProperty("authorization_code") String authorizationCode,
                                       @JsonProperty("confirmation_code") String confirmationCode,
                                       @JsonProperty("installed_at") Instant installedAt) {
    }

    @JsonProperty("format")
    private int format = 1;
    @JsonProperty("identity")
    private Identity identity;
    @JsonProperty("first_start")
    private Instant firstStart;
    @JsonProperty("private_key")
    private String privateKeyPem;
    @JsonProperty("url")
    private String url;
    @JsonProperty("hostname")
    private String hostname;
    @JsonProperty("software_tag_identifier")
    private String softwareTag;
    @JsonProperty("registration_status")
    private RegistrationState registrationState = RegistrationState.UNREGISTERED;
    @JsonProperty("registration")
    private Registration registration;
    @JsonProperty("authorization")
    private Authorization authorization;
    @JsonProperty("last_failure")
    private Failure lastFailure;
    @JsonProperty("reservation_request_code")
    private String reservationRequestCode;
    @JsonProperty("reservation")
    private InstalledReservation reservation;
    @JsonProperty("server_clock_offset_ms")
    private long serverClockOffsetMillis;

    // The key pair of privateKeyPem, derived once: deriving the public half is a scalar multiplication, and a product
    // reporting every 6 hours for a year signs thousands of messages.
    @JsonIgnore
    private transient KeyPair keysOfPem;
    @JsonIgnore
    private transient String pemOfKeys;

    // Fields a newer agent (or a person) added: kept so that rewriting the file loses nothing.
    @JsonIgnore
    private final Map<String, JsonNode> unknown = new LinkedHashMap<>();

    private DeviceState() {
        // for Jackson
    }

    /** A device starting for the first time: a new UDI UUID and key pair, the evaluation period starting now. */
    public static DeviceState firstStart(Instant now) {
        return firstStart(now, DeviceKeys.generate());
    }

    public static DeviceState firstStart(Instant now, KeyPair keys) {
        DeviceState state = new DeviceState();
        state.identity = new Identity(null, null, UUID.randomUUID().toString());
        state.firstStart = now;
        state.privateKeyPem = PemFiles.toPem(keys.getPrivate());
        return state;
    }

    // ---- what happened ----

    /**
     * Gives the device its product id and serial number; a UDI never changes, so a state file that already has
     * another one is refused rather than silently becoming another device.
     */
    public void identify(String pid, String serial) {
        Objects.requireNonNull(pid, "pid");
        Objects.requireNonNull(serial, "serial");
        if (identity.pid() != null && (!identity.pid().equals(pid) || !identity.serial().equals(serial))) {
            throw new IllegalArgumentException("this state file is the device " + identity.udi() + ", not P:" + pid
                    + ",S:" + serial + "; use another --state file for another device");
        }
        identity = new Identity(pid, serial, identity.uuid());
    }

    /** The transport settings a registration attempt used (kept even when it fails, as a product's settings page does). */
    public void configureTransport(String url, String hostname, String softwareTag) {
        this.url = url;
        this.hostname = hostname;
        this.softwareTag = softwareTag;
    }

    public void registered(Registration registration) {
        this.registrationState = RegistrationState.REGISTERED;
        this.registration = registration;
        this.authorization = null;
        this.lastFailure = null;
    }

    /** A failed registration of a device that was not registered shows as "Registration Failed". */
    public void registrationFailed(Failure failure) {
        if (!hasRegistration()) {
            registrationState = RegistrationState.REGISTRATION_FAILED;
        }
        lastFailure = failure;
    }

    public void renewed(String idCertPem, Instant registrationExpires, Instant nextRenewalAttempt) {
        registration = registration.renewed(idCertPem, registrationExpires, nextRenewalAttempt);
        registrationState = RegistrationState.REGISTERED;
    }

    public void authorized(Authorization authorization) {
        this.authorization = authorization;
    }

    /** Deregistered, or the satellite no longer knows the instance: back to unregistered (and evaluation). */
    public void forgetRegistration() {
        registrationState = RegistrationState.UNREGISTERED;
        registration = null;
        authorization = null;
    }

    /** The satellite said the registration lapsed; the data stays for the status page until re-registration. */
    public void registrationExpired() {
        registrationState = RegistrationState.REGISTRATION_EXPIRED;
    }

    public void failed(Failure failure) {
        lastFailure = failure;
    }

    /** The request code the device last showed for a reservation. */
    public void reservationRequested(String requestCode) {
        this.reservationRequestCode = requestCode;
    }

    public void reservationInstalled(InstalledReservation installed) {
        this.reservation = installed;
        this.lastFailure = null;
    }

    /** Returned: the device no longer holds the reservation (nor the request it answered). */
    public void forgetReservation() {
        this.reservation = null;
        this.reservationRequestCode = null;
    }

    public void replaceKey(KeyPair keys) {
        privateKeyPem = PemFiles.toPem(keys.getPrivate());
    }

    public void setServerClockOffsetMillis(long offset) {
        serverClockOffsetMillis = offset;
    }

    // ---- what it knows ----

    /** Whether the device holds a registration (live or lapsed) it can send messages under. */
    public boolean hasRegistration() {
        return registration != null && (registrationState == RegistrationState.REGISTERED
                || registrationState == RegistrationState.REGISTRATION_EXPIRED);
    }

    public Identity identity() {
        return identity;
    }

    public Instant firstStart() {
        return firstStart;
    }

    public String privateKeyPem() {
        return privateKeyPem;
    }

    public KeyPair keys() {
        if (keysOfPem == null || !privateKeyPem.equals(pemOfKeys)) {
            keysOfPem = DeviceKeys.fromPem(privateKeyPem);
            pemOfKeys = privateKeyPem;
        }
        return keysOfPem;
    }

    public String url() {
        return url;
    }

    public String hostname() {
        return hostname;
    }

    public String softwareTag() {
        return softwareTag;
    }

    public RegistrationState registrationState() {
        return registrationState;
    }

    public Registration registration() {
        return registration;
    }

    public Authorization authorization() {
        return authorization;
    }

    public String reservationRequestCode() {
        return reservationRequestCode;
    }

    public InstalledReservation reservation() {
        return reservation;
    }

    public Failure lastFailure() {
        return lastFailure;
    }

    public long serverClockOffsetMillis() {
        return serverClockOffsetMillis;
    }

    @JsonAnySetter
    private void unknown(String name, JsonNode value) {
        unknown.put(name, value);
    }

    @JsonAnyGetter
    Map<String, JsonNode> unknownFields() {
        return unknown;
    }

    /** Called after reading: a file without the fields every state has is not a device state. */
    void requireComplete() {
        if (identity == null || identity.uuid() == null || firstStart == null || privateKeyPem == null) {
            throw new IllegalArgumentException("not a device state file (identity, first_start or private_key missing)");
        }
        if (registrationState == null) {
            registrationState = RegistrationState.UNREGISTERED;
        }
        if (registrationState == RegistrationState.REGISTERED && registration == null) {
            throw new IllegalArgumentException("the state says REGISTERED but holds no registration");
        }
    }
}
