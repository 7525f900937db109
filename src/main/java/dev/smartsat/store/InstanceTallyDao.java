package dev.smartsat.store;

import dev.smartsat.core.ProductInstance;
import java.time.Instant;
import java.util.List;
import org.jdbi.v3.sqlobject.customizer.AllowUnusedBindings;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.customizer.BindList;
import org.jdbi.v3.sqlobject.customizer.Define;
import org.jdbi.v3.sqlobject.statement.SqlQuery;

/**
 * SQLite's queries behind {@link InstanceTally}: the instance_tally counts of V12, the instances whose expiries have
 * passed, and the rows of one span of registration time. The {@code <classes>} and {@code <rows>} fragments are an
 * {@link InstanceFilter}'s.
 */
public interface InstanceTallyDao {
    /** How many instances of the filter's classes registered within one span. */
    record Bucket(long bucket, long instances) {}

    /** An instance whose registration or authorization has lapsed, with its tallied classes. */
    record Lapsed(long id, Instant registeredAt, String registrationClass, String authorizationClass) {}

    @SqlQuery("SELECT bucket, SUM(instances) AS instances FROM instance_tally WHERE virtual_account_id = :va"
            + " AND span = :span AND bucket BETWEEN :from AND :to AND <classes> GROUP BY bucket ORDER BY bucket DESC")
    List<Bucket> buckets(@Define("classes") String classes, @Bind("va") long virtualAccountId, @Bind("span") int span,
                         @Bind("from") long from, @Bind("to") long to);

    String LAPSED = "SELECT id, registered_at, registration_class, authorization_class FROM product_instance ";

    @SqlQuery(LAPSED + "INDEXED BY product_instance_registration_lapse WHERE virtual_account_id = :va"
            + " AND registration_expires_at <= :now AND reservation_status IS NULL LIMIT :max")
    List<Lapsed> registrationsLapsed(@Bind("va") long virtualAccountId, @Bind("now") Instant now, @Bind("max") int max);

    @SqlQuery(LAPSED + "INDEXED BY product_instance_auth_lapse WHERE authorization_expires_at <= :now"
            + " AND virtual_account_id = :va AND reservation_status IS NULL LIMIT :max")
    List<Lapsed> authorizationsLapsed(@Bind("va") long virtualAccountId, @Bind("now") Instant now, @Bind("max") int max);

    /** Reservations never lapse before 9999 ({@code Reservations.NEVER}); read through their own small index. */
    @SqlQuery(LAPSED + "INDEXED BY product_instance_reserved WHERE virtual_account_id = :va"
            + " AND reservation_status IS NOT NULL AND registration_expires_at <= :now")
    List<Lapsed> reservedRegistrationsLapsed(@Bind("va") long virtualAccountId, @Bind("now") Instant now);

    @SqlQuery(LAPSED + "INDEXED BY product_instance_reserved WHERE virtual_account_id = :va"
            + " AND reservation_status IS NOT NULL AND authorization_expires_at <= :now")
    List<Lapsed> reservedAuthorizationsLapsed(@Bind("va") long virtualAccountId, @Bind("now") Instant now);

    /** The rows of the filter registered in [from, to), newest first, from the {@code skip}-th on. */
    @SqlQuery("SELECT " + InstanceDao.COLUMNS + " FROM product_instance INDEXED BY product_instance_va"
            + " WHERE virtual_account_id = :va AND registered_at >= :from AND registered_at < :to AND <rows>"
            + " ORDER BY registered_at DESC, id DESC LIMIT :limit OFFSET :skip")
    @AllowUnusedBindings
    List<ProductInstance> rows(@Define("rows") String rows, @Bind("va") long virtualAccountId, @Bind("from") long from,
                               @Bind("to") long to, @Bind("now") Instant now, @Bind("limit") int limit,
                               @Bind("skip") long skip);

    /** The ids of the instances the trigram index finds for the FTS5 phrase {@code q}, at most {@code max}. */
    @SqlQuery("SELECT rowid FROM instance_search WHERE instance_search MATCH :q LIMIT :max")
    List<Long> found(@Bind("q") String q, @Bind("max") int max);

    @SqlQuery("SELECT " + InstanceDao.COLUMNS + " FROM product_instance WHERE id IN (<ids>)")
    List<ProductInstance> byIds(@BindList("ids") List<Long> ids);
}
