-- Which instance runs the retention purge (§10). Every instance on a shared database could purge, and the
-- deletes are harmless twice, but two purges walking the same rows would only contend for their locks:
-- one instance holds the lease and renews it each run; another takes it over once it expires (its holder
-- stopped or died) or is handed back (a clean stop). Times are epoch milliseconds of the instances' clocks.
CREATE TABLE lease (
    name        VARCHAR(64)  PRIMARY KEY,
    holder      VARCHAR(256),
    expires_at  BIGINT       NOT NULL
);
INSERT INTO lease (name, holder, expires_at) VALUES ('retention-purge', NULL, 0);
