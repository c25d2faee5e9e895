-- A subscription's CloudEvents HTTP binding (PRODUCT.md §6): json (the REST Hooks shape Zapier expects),
-- structured or binary. Existing rows, and rows an older instance inserts during a rolling upgrade,
-- get json: what they were delivered as before this column existed.
ALTER TABLE subscription ADD COLUMN cloudevents VARCHAR(16) DEFAULT 'json' NOT NULL;
