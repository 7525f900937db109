-- Fewer indexes on product_instance, which every registration writes: the PostgreSQL twin of
-- sqlite/V6__leaner_instance_indexes.sql.
DROP INDEX product_instance_cert;
DROP INDEX product_instance_reservation;
-- Partial: only reserved rows are in it; registered_at lets status=RESERVED pages come out in order from it.
CREATE INDEX product_instance_reserved ON product_instance (virtual_account_id, registered_at)
    WHERE reservation_status IS NOT NULL;
