-- A subscription's last delivery (GET /api/v1/rest_hooks/{event}/subscriptions, the console's
-- subscriptions page): the newest attempt of each target, found as MAX(seq) for that target, which
-- this index answers by reading one entry from its end rather than every attempt of the target.
-- New attempts go to the end of their target's range: as many hot pages as targets in use, not
-- writes all over the index (see V3).
CREATE INDEX delivery_attempt_target ON delivery_attempt (target, seq);
