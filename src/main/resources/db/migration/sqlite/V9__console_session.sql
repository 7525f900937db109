-- Web console sessions (SPEC section 12): by the SHA-256 of the cookie's value, never the value itself, with the
-- client's role and the session's CSRF token; a session ends at expires_at (wall clock, ms), at sign-out, or
-- with its client. Named V9: V8 is taken by the alerts' migration on another branch.
CREATE TABLE console_session (
    session_hash VARCHAR(64) PRIMARY KEY,
    client_id    VARCHAR(100) NOT NULL REFERENCES api_client (client_id) ON DELETE CASCADE,
    role         VARCHAR(20) NOT NULL,
    csrf_token   VARCHAR(64) NOT NULL,
    expires_at   BIGINT NOT NULL
);
