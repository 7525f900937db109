package dev.smartsat.agent;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.smartsat.pki.PemFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Reads and writes the device state file. It holds the device's private key, so it exists only with mode 0600:
 * every write goes to an owner-only temporary file in the same directory that is then moved over the target,
 * so a crash leaves the old state or the new one, never half of either, and never a readable key.
 */
public final class StateFile {
    static final ObjectMapper JSON = new ObjectMapper()
            .registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .setSerializationInclusion(JsonInclude.Include.NON_NULL);


    private StateFile() {
    }

    /** The state in {@code file}, or null when there is no such file (a device that has never started). */
    public static DeviceState readIfExists(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the device state " + file, e);
        }
        try {
            DeviceState state = JSON.readValue(bytes, DeviceState.class);
            if (state == null) {
                throw new IllegalArgumentException("empty");
            }
            state.requireComplete();
            return state;
        } catch (IOException | IllegalArgumentException e) {
            throw new IllegalArgumentException(file + " is not a readable device state: " + e.getMessage(), e);
        }
    }

    /** Replaces {@code file} with {@code state}, atomically, mode 0600 from the first byte. */
    public static void write(Path file, DeviceState state) {
        byte[] bytes;
        try {
            bytes = JSON.writeValueAsBytes(state);
        } catch (IOException e) {
            throw new IllegalStateException("cannot encode the device state", e);
        }
        PemFiles.writeSecretFile(file, bytes);
    }
}
