-- Web console sessions (SPEC section 12): the PostgreSQL twin of sqlite/V9__console_session.sql. Stored by the
-- SHA-256 of the cookie's value, so a session opened on one node is valid on every node.
CREATE TABLE console_session (
    session_hash TEXT PRIMARY KEY,
    client_id    TEXT NOT NULL REFERENCES api_client (client_id) ON DELETE CASCADE,
    role         TEXT NOT NULL,
    csrf_token   TEXT NOT NULL,
    expires_at   BIGINT NOT NULL
);
