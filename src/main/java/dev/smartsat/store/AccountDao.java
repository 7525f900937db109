package dev.smartsat.store;

import dev.smartsat.core.SmartAccount;
import dev.smartsat.core.VirtualAccount;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

/** Smart accounts and their virtual accounts. */
public interface AccountDao {
    @SqlQuery("SELECT COUNT(*) FROM smart_account")
    long countAccounts();

    @SqlQuery("SELECT id, name, domain FROM smart_account ORDER BY name")
    List<SmartAccount> accounts();

    @SqlQuery("SELECT id, name, domain FROM smart_account WHERE name = ?")
    Optional<SmartAccount> account(String name);

    @SqlQuery("SELECT id, name, domain FROM smart_account WHERE id = ?")
    Optional<SmartAccount> accountById(long id);

    @SqlQuery("INSERT INTO smart_account (name, domain, created_at) VALUES (?, ?, ?) RETURNING id")
    long insertAccount(String name, String domain, Instant createdAt);

    @SqlQuery("SELECT id, account_id, name, description, is_default FROM virtual_account"
            + " WHERE account_id = ? ORDER BY is_default DESC, name_key LIMIT ? OFFSET ?")
    List<VirtualAccount> virtualAccounts(long accountId, int limit, int offset);

    @SqlQuery("SELECT COUNT(*) FROM virtual_account WHERE account_id = ?")
    long countVirtualAccounts(long accountId);

    @SqlQuery("SELECT id, account_id, name, description, is_default FROM virtual_account"
            + " WHERE account_id = ? AND name_key = ?")
    Optional<VirtualAccount> virtualAccountByKey(long accountId, String nameKey);

    default Optional<VirtualAccount> virtualAccount(long accountId, String name) {
        return virtualAccountByKey(accountId, key(name));
    }

    @SqlQuery("SELECT id, account_id, name, description, is_default FROM virtual_account WHERE id = ?")
    Optional<VirtualAccount> virtualAccountById(long id);

    /** A virtual account with the name of its smart account. */
    record Owned(long id, long accountId, String name, String description, boolean isDefault, String smartAccount) {
        public VirtualAccount virtualAccount() {
            return new VirtualAccount(id, accountId, name, description, isDefault);
        }
    }

    /** {@link #virtualAccountById} and its smart account's name in one statement (each registration reads both). */
    @SqlQuery("SELECT va.id, va.account_id, va.name, va.description, va.is_default, sa.name AS smart_account"
            + " FROM virtual_account va JOIN smart_account sa ON sa.id = va.account_id WHERE va.id = ?")
    Optional<Owned> virtualAccountWithOwner(long id);

    @SqlQuery("INSERT INTO virtual_account (account_id, name, name_key, description, is_default, created_at)"
            + " VALUES (?, ?, ?, ?, ?, ?) RETURNING id")
    long insertVirtualAccount(long accountId, String name, String nameKey, String description, boolean isDefault,
                              Instant createdAt);

    /** Virtual account names are unique regardless of case, in every script. */
    static String key(String name) {
        return name.toLowerCase(java.util.Locale.ROOT);
    }

    @SqlUpdate("UPDATE virtual_account SET name = ?, name_key = ?, description = ? WHERE id = ?")
    int updateVirtualAccount(String name, String nameKey, String description, long id);
}
