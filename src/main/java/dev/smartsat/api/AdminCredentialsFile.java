package dev.smartsat.api;

import dev.smartsat.auth.Clients;
import dev.smartsat.auth.CredentialsFile;
import dev.smartsat.pki.PemFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code admin-credentials.json}: the generated bootstrap admin's credentials, under the names the token
 * endpoint takes them by ({@code client_id}, {@code client_secret}), readable by its owner only.
 */
public record AdminCredentialsFile(Path path) implements CredentialsFile {
    public static AdminCredentialsFile in(Path dataDir) {
        return new AdminCredentialsFile(dataDir.resolve("admin-credentials.json"));
    }

    @Override
    public void write(Clients.Credentials credentials) {
        Map<String, String> body = new LinkedHashMap<>();
        body.put("client_id", credentials.clientId());
        body.put("client_secret", credentials.clientSecret());
        byte[] bytes;
        try {
            bytes = Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(body);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode the credentials", e);
        }
        try {
            PemFiles.writeSecretFile(path, bytes);
        } catch (UncheckedIOException e) {
            throw new IllegalStateException("cannot write the bootstrap admin credentials to " + path.toAbsolutePath()
                    + " (" + e.getCause().getMessage() + "); no admin was created, fix the path and start again", e);
        }
    }
}
