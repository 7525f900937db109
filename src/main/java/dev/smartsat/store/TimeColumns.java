package dev.smartsat.store;

import java.sql.Types;
import java.time.Instant;
import java.time.LocalDate;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.argument.AbstractArgumentFactory;
import org.jdbi.v3.core.argument.Argument;
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
        jdbi.registerArgument(new AbstractArgumentFactory<Boolean>(Types.INTEGER) {
            @Override
            protected Argument build(Boolean value, ConfigRegistry config) {
                return (position, statement, ctx) -> statement.setInt(position, value ? 1 : 0);
            }
        });
        jdbi.registerColumnMapper(Instant.class, (rs, column, ctx) -> {
            long millis = rs.getLong(column);
            return rs.wasNull() ? null : Instant.ofEpochMilli(millis);
        });
        jdbi.registerColumnMapper(LocalDate.class, (rs, column, ctx) -> {
            String text = rs.getString(column);
            return text == null ? null : LocalDate.parse(text);
        });
    }
}
