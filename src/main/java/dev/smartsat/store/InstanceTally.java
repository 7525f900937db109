package dev.smartsat.store;

import dev.smartsat.core.ProductInstance;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * A page of the device list found through instance_tally (SQLite, V12) instead of by stepping over the rows before
 * it: the long spans' counts are added up to the one that holds the page's first row, then that span's short ones,
 * and only the rows of one short span (about a second of registrations) are stepped over. So is the page's total
 * counted. A filter's count is its classes' tally less the instances whose expiry has passed, which are read one by
 * one: when more than {@link #MAX_LAPSED} have, the caller counts and steps over the rows instead.
 *
 * <p>Measured at 1,000,000 instances on the 2-core development machine: the page at offset 500,000 of {@code
 * status=OUT_OF_COMPLIANCE} costs under 2 ms of CPU this way, and 48 ms stepping over a covering index.
 */
final class InstanceTally {
    /** The spans of V12's instance_tally: registered_at >> 22 (about 70 minutes) and >> 10 (about a second). */
    static final int LONG_SPAN = 22;
    static final int SHORT_SPAN = 10;
    /** Past this many lapsed instances, correcting the tally costs more than counting the rows. */
    static final int MAX_LAPSED = 10_000;

    private final InstanceTallyDao dao;
    private final int maxLapsed;

    InstanceTally(InstanceTallyDao dao, int maxLapsed) {
        this.dao = dao;
        this.maxLapsed = maxLapsed;
    }

    /** The page, or empty when too many instances have lapsed for the tally to be worth correcting. */
    Optional<InstanceList.Page> page(long va, InstanceFilter filter, Instant now, int limit, int offset) {
        List<InstanceTallyDao.Lapsed> lapsed = lapsed(va, filter, now);
        if (lapsed == null) {
            return Optional.empty();
        }
        if (filter.classes == null) {
            return Optional.of(lapsedPage(lapsed, limit, offset));
        }
        Map<Long, Long> longFix = fixes(filter, lapsed, LONG_SPAN);
        Map<Long, Long> shortFix = fixes(filter, lapsed, SHORT_SPAN);
        List<InstanceTallyDao.Bucket> spans = fixed(dao.buckets(filter.classes, va, LONG_SPAN, Long.MIN_VALUE,
                Long.MAX_VALUE), longFix);
        long total = spans.stream().mapToLong(InstanceTallyDao.Bucket::instances).sum();
        List<ProductInstance> rows = new ArrayList<>();
        long skip = offset;
        for (InstanceTallyDao.Bucket span : spans) {
            if (rows.size() == limit || offset >= total) {
                break;
            }
            if (skip >= span.instances()) {
                skip -= span.instances();
                continue;
            }
            int shift = LONG_SPAN - SHORT_SPAN;
            List<InstanceTallyDao.Bucket> seconds = fixed(dao.buckets(filter.classes, va, SHORT_SPAN,
                    span.bucket() << shift, ((span.bucket() + 1) << shift) - 1), shortFix);
            for (InstanceTallyDao.Bucket second : seconds) {
                if (skip >= second.instances()) {
                    skip -= second.instances();
                    continue;
                }
                rows.addAll(dao.rows(filter.rows, va, second.bucket() << SHORT_SPAN, (second.bucket() + 1) << SHORT_SPAN,
                        now, limit - rows.size(), skip));
                skip = 0;
                if (rows.size() == limit) {
                    break;
                }
            }
        }
        return Optional.of(new InstanceList.Page(total, rows));
    }

    /** The instances whose lapse the filter turns on, at most {@code maxLapsed}; null when there are more. */
    private List<InstanceTallyDao.Lapsed> lapsed(long va, InstanceFilter filter, Instant now) {
        List<InstanceTallyDao.Lapsed> lapsed = new ArrayList<>();
        switch (filter.lapse) {
            case NONE -> {
                return lapsed;
            }
            case REGISTRATION -> {
                lapsed.addAll(dao.registrationsLapsed(va, now, maxLapsed + 1));
                lapsed.addAll(dao.reservedRegistrationsLapsed(va, now));
            }
            case AUTHORIZATION -> {
                lapsed.addAll(dao.authorizationsLapsed(va, now, maxLapsed + 1));
                lapsed.addAll(dao.reservedAuthorizationsLapsed(va, now));
            }
        }
        return lapsed.size() > maxLapsed ? null : lapsed;
    }

    /** REGISTRATION_EXPIRED and AUTHORIZATION_EXPIRED: the lapsed instances are the whole list. */
    private InstanceList.Page lapsedPage(List<InstanceTallyDao.Lapsed> lapsed, int limit, int offset) {
        List<Long> ids = lapsed.stream()
                .sorted(Comparator.comparing(InstanceTallyDao.Lapsed::registeredAt)
                        .thenComparingLong(InstanceTallyDao.Lapsed::id).reversed())
                .skip(offset).limit(limit).map(InstanceTallyDao.Lapsed::id).toList();
        if (ids.isEmpty()) {
            return new InstanceList.Page(lapsed.size(), List.of());
        }
        Map<Long, ProductInstance> byId = dao.byIds(ids).stream()
                .collect(Collectors.toMap(ProductInstance::id, Function.identity()));
        return new InstanceList.Page(lapsed.size(), ids.stream().map(byId::get).toList());
    }

    /** Per span, how many tallied instances of the filter's classes no longer match it: they have lapsed. */
    private static Map<Long, Long> fixes(InstanceFilter filter, List<InstanceTallyDao.Lapsed> lapsed, int span) {
        Map<Long, Long> fixes = new HashMap<>();
        for (InstanceTallyDao.Lapsed l : lapsed) {
            if (filter.counts(l.registrationClass(), l.authorizationClass())) {
                fixes.merge(l.registeredAt().toEpochMilli() >> span, -1L, Long::sum);
            }
        }
        return fixes;
    }

    private static List<InstanceTallyDao.Bucket> fixed(List<InstanceTallyDao.Bucket> buckets, Map<Long, Long> fixes) {
        if (fixes.isEmpty()) {
            return buckets;
        }
        return buckets.stream().map(b -> new InstanceTallyDao.Bucket(b.bucket(),
                b.instances() + fixes.getOrDefault(b.bucket(), 0L))).filter(b -> b.instances() > 0).toList();
    }
}
