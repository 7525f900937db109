-- Overage is served in the order of first authorization, each usage row taking the next number of its
-- pool's queue: the PostgreSQL twin of sqlite/V3__usage_queue_order.sql.
ALTER TABLE instance_usage ADD COLUMN queue_position BIGINT NOT NULL DEFAULT 0;
UPDATE instance_usage SET queue_position = first_authorized_at * 1000 + (instance_id % 1000);
DROP INDEX instance_usage_rank;
CREATE INDEX instance_usage_queue ON instance_usage (virtual_account_id, entitlement_tag, queue_position);
