package dev.smartsat.store;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.jdbi.v3.core.config.ConfigRegistry;
import org.jdbi.v3.core.generic.GenericTypes;
import org.jdbi.v3.core.mapper.ColumnMapper;
import org.jdbi.v3.core.mapper.RowMapper;
import org.jdbi.v3.core.mapper.RowMapperFactory;
import org.jdbi.v3.core.statement.StatementContext;

/**
 * Maps rows to SmartSat's records through their canonical constructors, columns matched to components by name
 * ({@code registered_at} to {@code registeredAt}). Jdbi's own ConstructorMapper does the same but inspects the
 * constructor's annotations again for every query, which cost the server a tenth of its CPU; here each record
 * type works out, once per distinct column list, which column feeds which component.
 */
final class RecordMappers implements RowMapperFactory {
    private final Map<Class<?>, RecordMapper<?>> mappers = new ConcurrentHashMap<>();

    @Override
    public Optional<RowMapper<?>> build(Type type, ConfigRegistry config) {
        Class<?> raw = GenericTypes.getErasedType(type);
        if (!raw.isRecord() || !raw.getName().startsWith("dev.smartsat.")) {
            return Optional.empty();
        }
        return Optional.of(mappers.computeIfAbsent(raw, RecordMapper::new));
    }

    /** One record type; its plans are keyed by the statement's text, or else by the result set's column labels. */
    private static final class RecordMapper<T> implements RowMapper<T> {
        // IN lists render one statement text per list length; bounded all the same.
        private static final int MAX_PLANS = 4096;

        private final Class<T> type;
        private final RecordComponent[] components;
        private final String[] keys;
        private final MethodHandle constructor;
        private final Map<String, Plan<T>> plans = new ConcurrentHashMap<>();

        RecordMapper(Class<T> type) {
            this.type = type;
            this.components = type.getRecordComponents();
            this.keys = Arrays.stream(components).map(c -> key(c.getName())).toArray(String[]::new);
            try {
                Class<?>[] parameters = Arrays.stream(components).map(RecordComponent::getType).toArray(Class<?>[]::new);
                MethodHandle handle = MethodHandles.privateLookupIn(type, MethodHandles.lookup())
                        .findConstructor(type, MethodType.methodType(void.class, parameters));
                this.constructor = handle.asSpreader(Object[].class, parameters.length);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("cannot map rows to " + type.getName() + ": " + e.getMessage(), e);
            }
        }

        @Override
        public T map(ResultSet rs, StatementContext ctx) throws SQLException {
            return specialize(rs, ctx).map(rs, ctx);
        }

        @Override
        public RowMapper<T> specialize(ResultSet rs, StatementContext ctx) throws SQLException {
            // One statement's text always yields the same columns, so it names the plan without a look at the
            // result set's metadata (asking the driver for every column's label, for every query).
            String sql = ctx == null ? null : ctx.getRenderedSql();
            String signature = sql != null ? sql : labels(rs.getMetaData());
            Plan<T> plan = plans.get(signature);
            if (plan == null) {
                plan = plan(rs.getMetaData(), ctx);
                if (plans.size() < MAX_PLANS) {
                    plans.putIfAbsent(signature, plan);
                }
            }
            return plan;
        }

        private static String labels(ResultSetMetaData meta) throws SQLException {
            StringBuilder labels = new StringBuilder("columns:");
            for (int i = 1; i <= meta.getColumnCount(); i++) {
                labels.append(meta.getColumnLabel(i)).append(',');
            }
            return labels.toString();
        }

        private Plan<T> plan(ResultSetMetaData meta, StatementContext ctx) throws SQLException {
            int[] columns = new int[components.length];
            @SuppressWarnings("unchecked")
            ColumnMapper<Object>[] mappers = new ColumnMapper[components.length];
            for (int c = 0; c < components.length; c++) {
                for (int i = 1; i <= meta.getColumnCount(); i++) {
                    if (key(meta.getColumnLabel(i)).equals(keys[c])) {
                        columns[c] = i;
                        break;
                    }
                }
                if (columns[c] == 0) {
                    throw new IllegalStateException("no column for " + type.getSimpleName() + "." + components[c].getName()
                            + " among the query's columns");
                }
                Type componentType = components[c].getGenericType();
                @SuppressWarnings("unchecked")
                ColumnMapper<Object> mapper = (ColumnMapper<Object>) ctx.findColumnMapperFor(componentType).orElseThrow(
                        () -> new IllegalStateException("no column mapper for " + componentType));
                mappers[c] = mapper;
            }
            return new Plan<>(type, constructor, columns, mappers);
        }

        private static String key(String name) {
            return name.replace("_", "").toLowerCase(Locale.ROOT);
        }
    }

    /** Which column feeds which constructor argument, and how to read it. */
    private record Plan<T>(Class<T> type, MethodHandle constructor, int[] columns, ColumnMapper<Object>[] mappers)
            implements RowMapper<T> {
        @Override
        public T map(ResultSet rs, StatementContext ctx) throws SQLException {
            Object[] arguments = new Object[columns.length];
            for (int c = 0; c < columns.length; c++) {
                arguments[c] = mappers[c].map(rs, columns[c], ctx);
            }
            try {
                return type.cast(constructor.invoke(arguments));
            } catch (SQLException | RuntimeException | Error e) {
                throw e;
            } catch (Throwable e) {
                throw new IllegalStateException("cannot make a " + type.getSimpleName() + " from a row", e);
            }
        }
    }
}
