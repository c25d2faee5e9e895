-- Ingest (issue 19): every secondary index of the event log is a B-tree insert per routed event, and
-- H2 rewrites each page it touches. V10's two learner-key indexes (bucket, seq, key), written at 64
-- places each, served only erasures, which are rare and may take a scan; V6's (seq, id) served only
-- the Idempotent Receiver's seed. One append-only index now serves both: arrival order with the id
-- and the two learner keys, so the seed reads (seq, id) from it and an erasure finds a learner's rows
-- by scanning it alone, never the rows with their canonical bodies (LearnerRecords#find). The key
-- buckets are no longer written; the columns stay, so an older instance can still insert during a
-- rolling upgrade.
DROP INDEX event_log_by_email;
DROP INDEX event_log_by_learner;
DROP INDEX event_log_recent_ids;
CREATE INDEX event_log_arrivals ON event_log (seq, id, email_key, learner_key);
