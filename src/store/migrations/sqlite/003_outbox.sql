-- 003_outbox.sql — webhook subscriptions and the transactional outbox.
-- A case step writes one outbox row per matching active webhook in the same
-- transaction as the step itself (store/sqlite/outbox.c), so a notification
-- exists exactly when the step does. The delivery worker (notify/webhook.c)
-- posts pending rows and records the outcome; rows are never deleted, a row
-- that ran out of attempts stays as 'dead' for inspection.
-- Times are UTC microseconds.

CREATE TABLE webhook (
  id          INTEGER PRIMARY KEY,
  url         TEXT NOT NULL CHECK (url LIKE 'http://%' OR url LIKE 'https://%'),
  secret      TEXT NOT NULL,                -- HMAC-SHA256 key of X-Gridgov-Signature
  events      TEXT NOT NULL DEFAULT 'case.*', -- GLOB pattern over event names
  active      INTEGER NOT NULL DEFAULT 1,
  created_at  INTEGER NOT NULL
);

CREATE TABLE outbox (
  id               INTEGER PRIMARY KEY,     -- X-Gridgov-Delivery: receivers deduplicate on it
  event            TEXT NOT NULL,           -- 'case.<action>'
  case_id          INTEGER NOT NULL REFERENCES gcase(id),
  webhook_id       INTEGER NOT NULL REFERENCES webhook(id),
  payload          TEXT NOT NULL,           -- the JSON body, fixed at enqueue time
  state            TEXT NOT NULL DEFAULT 'pending'
                   CHECK (state IN ('pending', 'delivered', 'dead')),
  created_at       INTEGER NOT NULL,
  attempts         INTEGER NOT NULL DEFAULT 0,
  next_attempt_at  INTEGER NOT NULL,
  delivered_at     INTEGER,
  last_error       TEXT,
  region           TEXT NOT NULL
);
-- Due for delivery: only pending rows are indexed, so the index stays as
-- small as the backlog.
CREATE INDEX outbox_due ON outbox(next_attempt_at) WHERE state = 'pending';
-- A case's notifications go out in order: the head of each (webhook, case) queue.
CREATE INDEX outbox_queue ON outbox(webhook_id, case_id, id) WHERE state = 'pending';
