-- 007_web.sql — for the web UI (#4).
--
-- Offline exactly-once: a phone that filed a report without signal sends it
-- again when it is back online, with the same client-generated key. The key
-- is unique per reporter, so the second send finds the first case instead of
-- opening another (across restarts: it is in the row).
ALTER TABLE gcase ADD COLUMN client_key TEXT;
CREATE UNIQUE INDEX gcase_client_key ON gcase(reporter_id, client_key) WHERE client_key IS NOT NULL;

-- The cockpit counts open cases of a subtree by light and level: a range of
-- this partial index holds only the open cases, however many are closed.
CREATE INDEX gcase_open_path ON gcase(place_path, due_at) WHERE closed_at IS NULL;

-- A photo sent twice to the same case (a retried upload) is one photo.
CREATE INDEX case_attachment_sha ON case_attachment(case_id, sha256);

-- The cockpit's trend of the day reads today's steps by time.
CREATE INDEX case_flow_at ON case_flow(at);
