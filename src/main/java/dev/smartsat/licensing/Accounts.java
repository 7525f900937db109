package dev.smartsat.licensing;

import dev.smartsat.core.ClientError;
import dev.smartsat.core.EventType;
import dev.smartsat.core.SmartAccount;
import dev.smartsat.core.VirtualAccount;
import dev.smartsat.store.AccountDao;
import dev.smartsat.store.Store;
import dev.smartsat.store.Tx;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/** Smart accounts and their virtual accounts: lookup, creation, renaming. */
public final class Accounts {
    static final int MAX_NAME = 100;
    public static final int MAX_DESCRIPTION = 1000;

    private final Store store;
    private final Clock clock;

    public Accounts(Store store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    /** A smart account with its virtual accounts. */
    public record AccountTree(SmartAccount account, List<VirtualAccount> virtualAccounts) {}

    /** A page of virtual accounts. */
    public record VirtualAccountPage(long totalRecords, List<VirtualAccount> virtualAccounts) {}

    public List<AccountTree> accounts() {
        return store.read(tx -> {
            AccountDao dao = tx.accounts();
            return dao.accounts().stream()
                    .map(a -> new AccountTree(a, dao.virtualAccounts(a.id(), Integer.MAX_VALUE, 0)))
                    .toList();
        });
    }

    public SmartAccount account(String name) {
        return store.read(tx -> account(tx, name));
    }

    public static SmartAccount account(Tx tx, String name) {
        return tx.accounts().account(name)
                .orElseThrow(() -> new ClientError.NotFound("no smart account named '" + name + "'"));
    }

    public VirtualAccount virtualAccount(String account, String name) {
        return store.read(tx -> virtualAccount(tx, account, name));
    }

    /** Looks a virtual account up by its account's name and its own (names ignore case). */
    public static VirtualAccount virtualAccount(Tx tx, String account, String name) {
        SmartAccount sa = account(tx, account);
        return tx.accounts().virtualAccount(sa.id(), name)
                .orElseThrow(() -> new ClientError.NotFound(
                        "no virtual account named '" + name + "' in smart account '" + account + "'"));
    }

    public VirtualAccountPage virtualAccounts(String account, int limit, int offset) {
        return store.read(tx -> {
            SmartAccount sa = account(tx, account);
            AccountDao dao = tx.accounts();
            return new VirtualAccountPage(dao.countVirtualAccounts(sa.id()), dao.virtualAccounts(sa.id(), limit, offset));
        });
    }

    public VirtualAccount create(String account, String name, String description) {
        String cleanName = validName(name);
        String cleanDescription = validDescription(description);
        return store.write(tx -> {
            SmartAccount sa = account(tx, account);
            AccountDao dao = tx.accounts();
            if (dao.virtualAccount(sa.id(), cleanName).isPresent()) {
                throw new ClientError.Conflict("name", "a virtual account named '" + cleanName + "' already exists");
            }
            Instant now = clock.instant();
            long id = dao.insertVirtualAccount(sa.id(), cleanName, AccountDao.key(cleanName), cleanDescription, false, now);
            VirtualAccount va = new VirtualAccount(id, sa.id(), cleanName, cleanDescription, false);
            Events.record(tx, now, EventType.VIRTUAL_ACCOUNT_CREATED, va, null,
                    "Virtual account '" + cleanName + "' created");
            return va;
        });
    }

    /** Renames and/or re-describes a virtual account; a null argument leaves that part as it is. */
    public VirtualAccount update(String account, String name, String newName, String newDescription, boolean setDescription) {
        String cleanName = newName == null ? null : validName(newName);
        String cleanDescription = setDescription ? validDescription(newDescription) : null;
        return store.write(tx -> {
            VirtualAccount va = virtualAccount(tx, account, name);
            AccountDao dao = tx.accounts();
            String targetName = cleanName == null ? va.name() : cleanName;
            if (!AccountDao.key(targetName).equals(AccountDao.key(va.name())) && dao.virtualAccount(va.accountId(), targetName).isPresent()) {
                throw new ClientError.Conflict("name", "a virtual account named '" + targetName + "' already exists");
            }
            String targetDescription = setDescription ? cleanDescription : va.description();
            VirtualAccount updated = new VirtualAccount(va.id(), va.accountId(), targetName, targetDescription, va.isDefault());
            if (updated.equals(va)) {
                return va;
            }
            dao.updateVirtualAccount(targetName, AccountDao.key(targetName), targetDescription, va.id());
            String what = targetName.equals(va.name())
                    ? "Virtual account '" + va.name() + "' description changed"
                    : "Virtual account '" + va.name() + "' renamed to '" + targetName + "'"
                      + (Objects.equals(targetDescription, va.description()) ? "" : " and its description changed");
            Events.record(tx, clock.instant(), EventType.VIRTUAL_ACCOUNT_UPDATED, updated, null, what);
            return updated;
        });
    }

    /** Satellite virtual accounts cannot be deleted (SPEC §4): 404 if unknown, else always 409. */
    public void delete(String account, String name) {
        VirtualAccount va = virtualAccount(account, name);
        throw new ClientError.Conflict("virtual account '" + va.name()
                + "' cannot be deleted on a satellite: virtual accounts are managed in the smart account upstream");
    }

    /** A virtual account name as stored (trimmed), or a 422 saying what is wrong with it. */
    public static String validName(String name) {
        String trimmed = name == null ? "" : name.strip();
        if (trimmed.isEmpty()) {
            throw new ClientError.Unprocessable("name", "name must not be empty");
        }
        if (trimmed.length() > MAX_NAME) {
            throw new ClientError.Unprocessable("name", "name must be at most " + MAX_NAME + " characters");
        }
        if (trimmed.chars().anyMatch(Character::isISOControl) || trimmed.contains("/")) {
            throw new ClientError.Unprocessable("name", "name must not contain '/' or control characters");
        }
        return trimmed;
    }

    public static String validDescription(String description) {
        if (description == null) {
            return null;
        }
        if (description.length() > MAX_DESCRIPTION) {
            throw new ClientError.Unprocessable("description",
                    "description must be at most " + MAX_DESCRIPTION + " characters");
        }
        return description;
    }
}
