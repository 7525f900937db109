-- The simulated clock's distance from the wall clock (SPEC section 9): stored, so that it survives a restart
-- and every node reads the same time. One row; no row means the wall clock.
CREATE TABLE simulated_clock (
    id        INTEGER PRIMARY KEY CHECK (id = 1),
    offset_ms BIGINT NOT NULL
);
