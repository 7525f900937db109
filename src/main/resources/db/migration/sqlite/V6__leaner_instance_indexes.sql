-- Every registration writes a product_instance row, so each index on it costs every registration.
-- Nothing looks instances up by certificate serial (requests name the instance; revoked serials live in
-- revoked_certificate), and only reserved instances are ever looked up by reservation status.
DROP INDEX product_instance_cert;
DROP INDEX product_instance_reservation;
-- Partial: only reserved rows are in it; registered_at lets status=RESERVED pages come out in order from it.
CREATE INDEX product_instance_reserved ON product_instance (virtual_account_id, registered_at)
    WHERE reservation_status IS NOT NULL;
