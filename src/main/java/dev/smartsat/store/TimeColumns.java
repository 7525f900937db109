package dev.smartsat.store;

import java.lang.reflect.Type;
import java.sql.Types;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Optional;
import java.util.function.Function;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.argument.AbstractArgumentFactory;
import org.jdbi.v3.core.argument.Argument;
import org.jdbi.v3.core.argument.ArgumentFactory;
import org.jdbi.v3.core.argument.NullArgument;
import org.jdbi.v3.core.config.ConfigRegistry;

/**
 * Stores instants as epoch milliseconds, dates as ISO text and booleans as 0 or 1, the portable representation
 * every migration uses, on SQLite and PostgreSQL alike. A boolean is bound as an integer for PostgreSQL's sake:
 * it will not put a boolean into a SMALLINT column (SQLite stores 1 and 0 either way), so SQL compares a boolean
 * parameter with 1, never uses it as a condition by itself.
 */
final class TimeColumns {
    private TimeColumns() {}

    static void register(Jdbi jdbi) {
        jdbi.registerArgument(new AbstractArgumentFactory<Instant>(Types.BIGINT) {
            @Override
            protected Argument build(Instant value, ConfigRegistry config) {
                return (position, statement, ctx) -> statement.setLong(position, value.toEpochMilli());
            }
        });
        jdbi.registerArgument(new AbstractArgumentFactory<LocalDate>(Types.VARCHAR) {
            @Override
            protected Argument build(LocalDate value, ConfigRegistry config) {
                return (position, statement, ctx) -> statement.setString(position, value.toString());
            }
        });
        jdbi.registerArgument(new BooleansAsIntegers());
        jdbi.registerColumnMapper(Instant.class, (rs, column, ctx) -> {
            long millis = rs.getLong(column);
            return rs.wasNull() ? null : Instant.ofEpochMilli(millis);
        });
        jdbi.registerColumnMapper(LocalDate.class, (rs, column, ctx) -> {
            String text = rs.getString(column);
            return text == null ? null : LocalDate.parse(text);
        });
    }

    /** {@code boolean} and {@code Boolean} alike (an AbstractArgumentFactory would see only the boxed type). */
    private static final class BooleansAsIntegers implements ArgumentFactory.Preparable {
        private static final Argument NULL = new NullArgument(Types.INTEGER);

        @Override
        public Optional<Function<Object, Argument>> prepare(Type type, ConfigRegistry config) {
            if (type != boolean.class && type != Boolean.class) {
                return Optional.empty();
            }
            return Optional.of(value -> value == null ? NULL
                    : (position, statement, ctx) -> statement.setInt(position, (Boolean) value ? 1 : 0));
        }

        @Override
        public Optional<Argument> build(Type type, Object value, ConfigRegistry config) {
            return prepare(type, config).map(f -> f.apply(value));
        }
    }
}
