package dev.smartsat.core;

import java.util.List;
import java.util.Map;

/**
 * A request the caller must fix: thrown by the domain, rendered once by the web layer as the
 * SPEC §4 error body with this HTTP status. The sub-types are the kinds of client error.
 */
public abstract sealed class ClientError extends RuntimeException
        permits ClientError.BadRequest, ClientError.NotFound, ClientError.Conflict, ClientError.Unprocessable,
                ClientError.Unauthorized, ClientError.Forbidden, ClientError.TooLarge, ClientError.UnsupportedMediaType {

    private final transient Map<String, List<String>> fieldErrors;

    ClientError(String message, Map<String, List<String>> fieldErrors) {
        super(message, null, false, false);
        this.fieldErrors = fieldErrors;
    }

    public abstract int status();

    /** Per-field messages, field name to what is wrong with it; empty when no field is to blame. */
    public Map<String, List<String>> fieldErrors() {
        return fieldErrors;
    }

    static Map<String, List<String>> field(String field, String message) {
        return field == null ? Map.of() : Map.of(field, List.of(message));
    }

    /** 400: malformed input, or a value of the wrong type. */
    public static final class BadRequest extends ClientError {
        public BadRequest(String message) {
            super(message, Map.of());
        }

        public BadRequest(String field, String message) {
            super(message, field(field, message));
        }

        @Override
        public int status() {
            return 400;
        }
    }

    /** 404: an account, virtual account, token, device or client that does not exist. */
    public static final class NotFound extends ClientError {
        public NotFound(String message) {
            super(message, Map.of());
        }

        @Override
        public int status() {
            return 404;
        }
    }

    /** 409: the request is well formed but conflicts with what is stored. */
    public static final class Conflict extends ClientError {
        public Conflict(String message) {
            super(message, Map.of());
        }

        public Conflict(String field, String message) {
            super(message, field(field, message));
        }

        @Override
        public int status() {
            return 409;
        }
    }

    /** 422: a value of the right type that is out of range or otherwise unacceptable. */
    public static final class Unprocessable extends ClientError {
        public Unprocessable(String field, String message) {
            super(message, field(field, message));
        }

        @Override
        public int status() {
            return 422;
        }
    }

    /** 401: no credentials, or credentials that are not (or no longer) valid. */
    public static final class Unauthorized extends ClientError {
        public Unauthorized(String message) {
            super(message, Map.of());
        }

        @Override
        public int status() {
            return 401;
        }
    }

    /** 403: valid credentials whose role may not do this. */
    public static final class Forbidden extends ClientError {
        public Forbidden(String message) {
            super(message, Map.of());
        }

        @Override
        public int status() {
            return 403;
        }
    }

    /** 413: a request body above the limit. */
    public static final class TooLarge extends ClientError {
        public TooLarge(String message) {
            super(message, Map.of());
        }

        @Override
        public int status() {
            return 413;
        }
    }

    /** 415: a body in a format this call does not take. */
    public static final class UnsupportedMediaType extends ClientError {
        public UnsupportedMediaType(String message) {
            super(message, Map.of());
        }

        @Override
        public int status() {
            return 415;
        }
    }
}
