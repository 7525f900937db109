-- The PostgreSQL twin of sqlite/V12__instance_list_at_scale.sql. SQLite, the one-machine default, gets the tallies
-- and the trigram index that let its device list jump to a page of a million instances; PostgreSQL keeps counting
-- and skipping rows with its planner (its nodes would otherwise all update the same tally rows), and only gets
-- the list's whole order in one index: registered_at and then id, both descending, so no page sorts its ties.
CREATE INDEX product_instance_list ON product_instance (virtual_account_id, registered_at DESC, id DESC);
DROP INDEX product_instance_va;
