package dev.smartsat.product;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.JsonAutoDetect.Visibility;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.smartsat.agent.DeviceState;
import dev.smartsat.agent.Entitlement;
import dev.smartsat.pki.PemFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Everything a seed product remembers between commands, kept in its {@code --state} file (mode 0600, it holds the
 * device key): its profile and system, what is happening on it, the licenses its users hold, its timers, and the
 * agent's device state it talks to the satellite with.
 */
@JsonAutoDetect(fieldVisibility = Visibility.ANY, getterVisibility = Visibility.NONE,
        isGetterVisibility = Visibility.NONE, setterVisibility = Visibility.NONE)
final class ProductState {
    static final ObjectMapper JSON = new ObjectMapper()
            .registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .setSerializationInclusion(JsonInclude.Include.NON_NULL);

    /** A registration waiting to be retried (003:660 "reattempts to register at 15-minute intervals"). */
    record Pending(String token, boolean overwrite, Instant nextAttempt) {
    }

    int format = 1;
    Profile profile;
    SystemSize size;
    int dataCenters = 1;
    String url;
    String hostname;
    /** The product's time when last saved: a one-shot command catches up from here. */
    Instant now;
    /** The satellite's clock minus this machine's, when last learned: {@code status} needs no network. */
    long clockOffsetMillis;
    Activity activity = Activity.NONE;
    List<EndpointRegistration> heldRegistrations = new ArrayList<>();
    List<String> holders = new ArrayList<>();
    List<String> deactivated = new ArrayList<>();
    boolean joined;
    Map<ProductLicense, Integer> usage = new EnumMap<>(ProductLicense.class);
    List<Refusal> refused = new ArrayList<>();
    /** The usage the satellite last acknowledged; null when none since registering. */
    List<Entitlement> reported;
    Pending pending;
    Instant certIssuedAt;
    Instant lastAuthorized;
    Instant lastUsageReport;
    Instant renewRetryAt;
    Instant reportRetryAt;
    DeviceState device;

    static ProductState readIfExists(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the product state " + file, e);
        }
        try {
            ProductState state = JSON.readValue(bytes, ProductState.class);
            if (state == null || state.profile == null || state.device == null || state.now == null) {
                throw new IllegalArgumentException("profile, now or device missing");
            }
            return state;
        } catch (IOException | IllegalArgumentException e) {
            throw new IllegalArgumentException(file + " is not a product state file: " + e.getMessage(), e);
        }
    }

    /** Replaces {@code file}, atomically, owner-only from the first byte. */
    void write(Path file) {
        try {
            PemFiles.writeSecretFile(file, JSON.writeValueAsBytes(this));
        } catch (IOException e) {
            throw new IllegalStateException("cannot encode the product state", e);
        }
    }

    /** A deep copy, so that a run that fails leaves the state it started from untouched. */
    ProductState copy() {
        try {
            return JSON.readValue(JSON.writeValueAsBytes(this), ProductState.class);
        } catch (IOException e) {
            throw new IllegalStateException("cannot copy the product state", e);
        }
    }
}
