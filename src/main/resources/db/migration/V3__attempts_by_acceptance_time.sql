-- Attempts are looked up through the time their event was accepted (epoch millis, carried with every
-- delivery) instead of by event id alone. Event ids are random, so an index led by them took each new
-- attempt to a random page, and every batch rewrote pages all over the index once it outgrew the
-- cache; an index led by acceptance time grows at its end. GET /api/v1/events/{id} finds the event by
-- id (one random lookup), then its attempts by (accepted_at, id).
ALTER TABLE event ADD COLUMN accepted_at BIGINT;
ALTER TABLE delivery_attempt ADD COLUMN event_accepted_at BIGINT;
ALTER TABLE dead_letter ADD COLUMN event_accepted_at BIGINT;

-- Rows written before: the routing time stands in for the acceptance time (they are milliseconds apart).
UPDATE event SET accepted_at = CAST(EXTRACT(EPOCH FROM routed_at) * 1000 AS BIGINT);
UPDATE dead_letter SET event_accepted_at = COALESCE(
    (SELECT MIN(e.accepted_at) FROM event e WHERE e.id = dead_letter.event_id),
    CAST(EXTRACT(EPOCH FROM dead_at) * 1000 AS BIGINT));
UPDATE delivery_attempt SET event_accepted_at = COALESCE(
    (SELECT MIN(e.accepted_at) FROM event e WHERE e.id = delivery_attempt.event_id),
    (SELECT MIN(d.event_accepted_at) FROM dead_letter d WHERE d.event_id = delivery_attempt.event_id));

DROP INDEX delivery_attempt_event;
CREATE INDEX delivery_attempt_event ON delivery_attempt (event_accepted_at, event_id);
