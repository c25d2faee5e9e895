-- The newest ids in arrival order, apart from the rows: the Idempotent Receiver seeds its window from
-- this index alone (EventLog#recentIds) instead of reading 100,000 whole rows with their canonical
-- bodies (about 90 MB). Rows arrive in seq order, so each insert appends to its end.
CREATE INDEX event_log_recent_ids ON event_log (seq, id);
