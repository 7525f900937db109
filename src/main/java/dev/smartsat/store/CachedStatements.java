package dev.smartsat.store;

import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jdbi.v3.core.statement.DefaultStatementBuilder;
import org.jdbi.v3.core.statement.StatementBuilder;
import org.jdbi.v3.core.statement.StatementContext;

/**
 * Keeps each long-lived connection's prepared statements for reuse: SQLite compiles a statement on every
 * prepare, which was a sixth of the writer's time. Statements that return generated keys, and a second use
 * of a statement while the first is still open, get a fresh uncached one as Jdbi would make it.
 */
final class CachedStatements implements StatementBuilder {
    static final int LIMIT = 256;

    private final DefaultStatementBuilder plain = new DefaultStatementBuilder();
    private final Map<String, PreparedStatement> idle = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, PreparedStatement> eldest) {
            if (size() > LIMIT) {
                closeQuietly(eldest.getValue());
                return true;
            }
            return false;
        }
    };
    private final Map<Statement, String> lent = new IdentityHashMap<>();

    @Override
    public Statement create(Connection conn, StatementContext ctx) throws SQLException {
        return plain.create(conn, ctx);
    }

    @Override
    public PreparedStatement create(Connection conn, String sql, StatementContext ctx) throws SQLException {
        if (ctx.isReturningGeneratedKeys() || ctx.isConcurrentUpdatable()) {
            return plain.create(conn, sql, ctx);
        }
        PreparedStatement statement = idle.remove(sql);
        if (statement == null || statement.isClosed()) {
            statement = conn.prepareStatement(sql);
        } else {
            statement.clearParameters();
        }
        lent.put(statement, sql);
        return statement;
    }

    @Override
    public CallableStatement createCall(Connection conn, String sql, StatementContext ctx) throws SQLException {
        return plain.createCall(conn, sql, ctx);
    }

    /** Jdbi is done with the statement (its result set already closed): keep it, unless one like it is kept. */
    @Override
    public void close(Connection conn, String sql, Statement stmt) throws SQLException {
        String key = lent.remove(stmt);
        if (key == null || idle.containsKey(key) || stmt.isClosed()) {
            plain.close(conn, sql, stmt);
            return;
        }
        idle.put(key, (PreparedStatement) stmt);
    }

    /** The handle is closing: so does every kept statement. */
    @Override
    public void close(Connection conn) {
        idle.values().forEach(CachedStatements::closeQuietly);
        idle.clear();
    }

    private static void closeQuietly(Statement statement) {
        try {
            statement.close();
        } catch (SQLException e) {
            // closing a statement of a connection that is going away; nothing to do
        }
    }
}
