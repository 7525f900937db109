package dev.smartsat.agent;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.smartsat.agent.DeviceState.EntitlementStatus;
import dev.smartsat.agent.DeviceState.Failure;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The state file: a lossless round trip, mode 0600, atomic replacement, unknown fields kept. */
class StateFileTest {
    @TempDir
    Path dir;

    @Test
    void roundTripsEverythingTheDeviceRemembers() throws Exception {
        DeviceState state = DeviceStatusTest.authorized("OUT_OF_COMPLIANCE",
                new EntitlementStatus(DeviceStatusTest.RMS, 500, "OUT_OF_COMPLIANCE"));
        state.failed(new Failure(DeviceStatusTest.REGISTERED_AT, "authorize", "OK_TRY_AGAIN", "busy"));
        state.setServerClockOffsetMillis(Duration.ofDays(31).toMillis());
        Path file = dir.resolve("device.json");

        StateFile.write(file, state);
        DeviceState read = StateFile.readIfExists(file);

        assertEquals(state.identity(), read.identity());
        assertEquals(state.firstStart(), read.firstStart());
        assertEquals(state.privateKeyPem(), read.privateKeyPem());
        assertArrayEquals(state.keys().getPublic().getEncoded(), read.keys().getPublic().getEncoded());
        assertEquals(state.url(), read.url());
        assertEquals(state.hostname(), read.hostname());
        assertEquals(state.softwareTag(), read.softwareTag());
        assertEquals(state.registrationState(), read.registrationState());
        assertEquals(state.registration(), read.registration());
        assertEquals(state.authorization(), read.authorization());
        assertEquals(state.lastFailure(), read.lastFailure());
        assertEquals(Duration.ofDays(31).toMillis(), read.serverClockOffsetMillis());
        assertEquals(DeviceStatus.of(state, DeviceStatusTest.REGISTERED_AT),
                DeviceStatus.of(read, DeviceStatusTest.REGISTERED_AT));
    }

    @Test
    void theFileIsOwnerOnlyAndNoTemporaryFileIsLeft() throws Exception {
        Path file = dir.resolve("device.json");
        StateFile.write(file, DeviceStatusTest.fresh());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        StateFile.write(file, DeviceStatusTest.registered());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(file), files.toList());
        }
    }

    @Test
    void aReadableStateFileIsMadeOwnerOnlyWhenRewritten() throws Exception {
        Path file = dir.resolve("device.json");
        StateFile.write(file, DeviceStatusTest.fresh());
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        StateFile.write(file, StateFile.readIfExists(file));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
    }

    @Test
    void fieldsItDoesNotKnowSurviveARewrite() throws Exception {
        Path file = dir.resolve("device.json");
        StateFile.write(file, DeviceStatusTest.registered());
        ObjectNode json = (ObjectNode) StateFile.JSON.readTree(file.toFile());
        json.putObject("reservation").put("authorization_code", "<specificPLR/>");
        json.put("note", "added by hand");
        Files.writeString(file, json.toString());

        DeviceState state = StateFile.readIfExists(file);
        state.forgetRegistration();
        StateFile.write(file, state);

        JsonNode rewritten = StateFile.JSON.readTree(file.toFile());
        assertEquals("<specificPLR/>", rewritten.path("reservation").path("authorization_code").asText());
        assertEquals("added by hand", rewritten.path("note").asText());
        assertEquals("UNREGISTERED", rewritten.path("registration_status").asText());
        assertTrue(rewritten.path("registration").isMissingNode());
    }

    @Test
    void noFileMeansADeviceThatNeverStarted() {
        assertNull(StateFile.readIfExists(dir.resolve("absent.json")));
    }

    @Test
    void aFileThatIsNotADeviceStateIsRefusedNamingTheFile() throws Exception {
        Path file = dir.resolve("other.json");
        Files.writeString(file, "{\"hello\": 1}");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> StateFile.readIfExists(file));
        assertTrue(e.getMessage().contains("other.json"), e.getMessage());
        Files.writeString(file, "not json");
        assertThrows(IllegalArgumentException.class, () -> StateFile.readIfExists(file));
    }

    @Test
    void aUdiOnceGivenNeverChanges() {
        DeviceState state = DeviceStatusTest.registered();
        state.identify("C9300-24UX", "FCW2134L0RN");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> state.identify("C9300-24UX", "OTHER"));
        assertTrue(e.getMessage().contains("--state"), e.getMessage());
    }
}
