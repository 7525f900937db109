package dev.smartsat.auth;

import java.nio.file.Path;

/**
 * Where a generated bootstrap admin secret is written for its operator (SPEC §13 "Files"). The file's format
 * belongs to the layer that speaks the API's wire names, so the domain only says when to write it.
 */
public interface CredentialsFile {
    Path path();

    /** Writes the credentials, owner-only; throws when it cannot, so no admin is kept without them. */
    void write(Clients.Credentials credentials);
}
