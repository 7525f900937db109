package dev.smartsat.store;

import org.jdbi.v3.core.Handle;

/**
 * One transaction's view of the store: a DAO per aggregate, so the domain names its DAOs and never a Jdbi
 * type ({@code store.write(tx -> tx.instances().insert(…))}). There is one per connection, reused by every
 * transaction on it; attaching a DAO copies Jdbi's configuration, so each is attached once, on first use. A
 * connection is used by one thread at a time (the writer's by the writer thread, a reader's while it is
 * borrowed), so the fields need no lock.
 */
public final class Tx {
    private final Handle handle;
    /** SQLite's in-memory device search, shared by every connection; null on PostgreSQL. */
    private final InstanceSearch search;
    private InstanceSearchDao searchDao;
    private AccountDao accounts;
    private AlertDao alerts;
    private ClientDao clients;
    private ClockDao clock;
    private EventDao events;
    private FaultDao faults;
    private InstanceDao instances;
    private InstanceTallyDao tally;
    private LeaseDao leases;
    private LicensePoolDao pools;
    private MailDao mail;
    private NonceDao nonces;
    private PinDao pins;
    private ReservationDao reservations;
    private RevocationDao revocations;
    private SessionDao sessions;
    private SyncDao sync;
    private TokenDao tokens;
    private UpstreamDao upstream;
    private UsageDao usage;

    Tx(Handle handle, InstanceSearch search) {
        this.handle = handle;
        this.search = search;
    }

    /** The connection itself, for the store's own code and its tests; the domain uses the DAOs. */
    Handle handle() {
        return handle;
    }

    /** Work done in one transaction. */
    @FunctionalInterface
    public interface Work<T, X extends Exception> {
        T run(Tx tx) throws X;
    }

    public AccountDao accounts() {
        if (accounts == null) {
            accounts = handle.attach(AccountDao.class);
        }
        return accounts;
    }

    public AlertDao alerts() {
        if (alerts == null) {
            alerts = handle.attach(AlertDao.class);
        }
        return alerts;
    }

    public ClientDao clients() {
        if (clients == null) {
            clients = handle.attach(ClientDao.class);
        }
        return clients;
    }

    public ClockDao clock() {
        if (clock == null) {
            clock = handle.attach(ClockDao.class);
        }
        return clock;
    }

    public EventDao events() {
        if (events == null) {
            events = handle.attach(EventDao.class);
        }
        return events;
    }

    public FaultDao faults() {
        if (faults == null) {
            faults = handle.attach(FaultDao.class);
        }
        return faults;
    }

    public InstanceDao instances() {
        if (instances == null) {
            instances = handle.attach(InstanceDao.class);
        }
        return instances;
    }

    /** SQLite's instance_tally (V12); see {@link InstanceTally}. */
    InstanceTallyDao tally() {
        if (tally == null) {
            tally = handle.attach(InstanceTallyDao.class);
        }
        return tally;
    }

    /** See {@link InstanceSearch}: null on PostgreSQL. */
    InstanceSearch search() {
        return search;
    }

    /** The writer's statements behind {@link InstanceSearch}. */
    InstanceSearchDao searchDao() {
        if (searchDao == null) {
            searchDao = handle.attach(InstanceSearchDao.class);
        }
        return searchDao;
    }

    /** The device list's pages, found the fastest way this database allows. */
    public InstanceList instanceList() {
        return new InstanceList(this, Dialect.of(handle) == Dialect.SQLITE);
    }

    public LeaseDao leases() {
        if (leases == null) {
            leases = handle.attach(LeaseDao.class);
        }
        return leases;
    }

    public LicensePoolDao pools() {
        if (pools == null) {
            pools = handle.attach(LicensePoolDao.class);
        }
        return pools;
    }

    public MailDao mail() {
        if (mail == null) {
            mail = handle.attach(MailDao.class);
        }
        return mail;
    }

    public NonceDao nonces() {
        if (nonces == null) {
            nonces = handle.attach(NonceDao.class);
        }
        return nonces;
    }

    public PinDao pins() {
        if (pins == null) {
            pins = handle.attach(PinDao.class);
        }
        return pins;
    }

    public ReservationDao reservations() {
        if (reservations == null) {
            reservations = handle.attach(ReservationDao.class);
        }
        return reservations;
    }

    public RevocationDao revocations() {
        if (revocations == null) {
            revocations = handle.attach(RevocationDao.class);
        }
        return revocations;
    }

    public SyncDao sync() {
        if (sync == null) {
            sync = handle.attach(SyncDao.class);
        }
        return sync;
    }

    public SessionDao sessions() {
        if (sessions == null) {
            sessions = handle.attach(SessionDao.class);
        }
        return sessions;
    }

    public TokenDao tokens() {
        if (tokens == null) {
            tokens = handle.attach(TokenDao.class);
        }
        return tokens;
    }

    public UpstreamDao upstream() {
        if (upstream == null) {
            upstream = handle.attach(UpstreamDao.class);
        }
        return upstream;
    }

    public UsageDao usage() {
        if (usage == null) {
            usage = handle.attach(UsageDao.class);
        }
        return usage;
    }
}
