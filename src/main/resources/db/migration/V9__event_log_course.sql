-- The console and the admin API find a course's events, newest first: the course id of each routed
-- event, and an index that gives them in that order. Course ids longer than 256 characters are not
-- recorded (no vendor sends one; the column must never refuse an event's row). Rows recorded before
-- this version have none, and are not found by course.
ALTER TABLE event_log ADD COLUMN course_id VARCHAR(256);
CREATE INDEX event_log_by_course ON event_log (course_id, seq);
