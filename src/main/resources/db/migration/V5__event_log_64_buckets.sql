-- The event log's lookup index is led by 64 buckets of the id instead of V4's 1,024 (EventLog#idBucket):
-- the top 6 bits of the id key instead of the top 10, so the bucket a row has becomes its bucket / 16.
UPDATE event_log SET id_bucket = id_bucket / 16;
