-- 002_cases.sql — the case engine: categories with time limits, the dispatch
-- catalogue, the editable working calendar, cases with their clocks, the
-- append-only flow log, per-day rollups for metrics, Chinese full-text search.
-- Times are UTC microseconds; days are local (display zone) days since 1970.

CREATE TABLE category (
  id            INTEGER PRIMARY KEY,
  kind          TEXT NOT NULL,             -- event, hotline, whistle, service, dispute
  code          TEXT NOT NULL,
  name          TEXT NOT NULL,
  limit_amount  INTEGER NOT NULL,          -- overall time limit
  limit_unit    TEXT NOT NULL,             -- work_hours, work_days, natural_hours, natural_days
  stage_amount  INTEGER NOT NULL,          -- limit of each stage
  stage_unit    TEXT NOT NULL,
  active        INTEGER NOT NULL DEFAULT 1,
  created_at    INTEGER NOT NULL,
  UNIQUE (kind, code)
);

-- 派单目录: which unit answers for a category under a place (the nearest rule up the tree wins).
CREATE TABLE dispatch_rule (
  id           INTEGER PRIMARY KEY,
  category_id  INTEGER NOT NULL REFERENCES category(id),
  place_id     INTEGER NOT NULL REFERENCES place(id),
  unit_id      INTEGER NOT NULL REFERENCES unit(id),
  region       TEXT NOT NULL,
  UNIQUE (category_id, place_id)
);

-- Special days of the working calendar: official holidays ('off') and adjusted workdays ('work').
CREATE TABLE calendar_day (
  day   TEXT PRIMARY KEY,                  -- YYYY-MM-DD
  kind  TEXT NOT NULL CHECK (kind IN ('off', 'work'))
) WITHOUT ROWID;

CREATE TABLE gcase (
  id                  INTEGER PRIMARY KEY,
  kind                TEXT NOT NULL,
  subtype             TEXT,
  state               TEXT NOT NULL,
  category_id         INTEGER NOT NULL REFERENCES category(id),
  place_id            INTEGER NOT NULL REFERENCES place(id),   -- its grid (or the level it was filed at)
  place_path          TEXT NOT NULL,                           -- scope checks and subtree filters
  title               TEXT NOT NULL,
  description         TEXT NOT NULL DEFAULT '',
  address             TEXT NOT NULL DEFAULT '',
  lat                 REAL,
  lon                 REAL,
  urgency             TEXT NOT NULL DEFAULT 'normal',          -- normal 一般, urgent 紧急, critical 特急
  reporter_id         INTEGER REFERENCES account(id),
  source              TEXT NOT NULL DEFAULT 'web',
  -- who holds it: a place (the level), optionally narrowed to a unit or a person
  owner_place_id      INTEGER NOT NULL REFERENCES place(id),
  owner_unit_id       INTEGER REFERENCES unit(id),
  owner_user_id       INTEGER REFERENCES account(id),
  dispatcher_place_id INTEGER REFERENCES place(id),
  dispatcher_unit_id  INTEGER REFERENCES unit(id),
  -- clocks (see domain/calendar.h gg_clock): overall and current stage
  o_started INTEGER, o_run_from INTEGER, o_acc INTEGER, o_paused INTEGER, o_limit INTEGER,
  o_ext INTEGER, o_natural INTEGER,
  s_started INTEGER, s_run_from INTEGER, s_acc INTEGER, s_paused INTEGER, s_limit INTEGER,
  s_ext INTEGER, s_natural INTEGER,
  stage               TEXT,
  due_at              INTEGER,           -- projected overall deadline (queues: due soon, overdue)
  stage_due_at        INTEGER,
  overdue             INTEGER NOT NULL DEFAULT 0,
  extension_pending   INTEGER NOT NULL DEFAULT 0,
  extension_amount    INTEGER,
  urge_count          INTEGER NOT NULL DEFAULT 0,
  supervised          INTEGER NOT NULL DEFAULT 0,
  support_count       INTEGER NOT NULL DEFAULT 0,
  return_count        INTEGER NOT NULL DEFAULT 0,
  rework_count        INTEGER NOT NULL DEFAULT 0,
  rating              INTEGER,
  responded_at        INTEGER,
  dispatched_at       INTEGER,
  closed_at           INTEGER,
  close_count         INTEGER NOT NULL DEFAULT 0,  -- closings so far: metrics count a case's first only
  version             INTEGER NOT NULL DEFAULT 1,
  created_at          INTEGER NOT NULL,
  updated_at          INTEGER NOT NULL,
  region              TEXT NOT NULL
);
CREATE INDEX gcase_path ON gcase(place_path, id);
CREATE INDEX gcase_state ON gcase(kind, state, id);
CREATE INDEX gcase_due ON gcase(due_at) WHERE closed_at IS NULL;
CREATE INDEX gcase_owner_unit ON gcase(owner_unit_id, id) WHERE owner_unit_id IS NOT NULL;
CREATE INDEX gcase_owner_user ON gcase(owner_user_id, id) WHERE owner_user_id IS NOT NULL;
CREATE INDEX gcase_reporter ON gcase(reporter_id, id);

-- Append-only: who did what, from which state to which, when. Never updated, never deleted.
CREATE TABLE case_flow (
  id          INTEGER PRIMARY KEY,
  case_id     INTEGER NOT NULL REFERENCES gcase(id),
  at          INTEGER NOT NULL,
  actor_id    INTEGER REFERENCES account(id),
  action      TEXT NOT NULL,
  from_state  TEXT,
  to_state    TEXT NOT NULL,
  note        TEXT,
  target_unit_id  INTEGER,
  target_user_id  INTEGER,
  target_place_id INTEGER,
  rating      INTEGER,
  flags       INTEGER NOT NULL DEFAULT 0,  -- GG_WF_F_* of the transition, for recounts
  due_at      INTEGER,                     -- the overall deadline after the step
  rollup_day  INTEGER,                     -- the local day the step's counters went to
  region      TEXT NOT NULL
);
CREATE INDEX case_flow_case ON case_flow(case_id, id);
CREATE TRIGGER case_flow_no_update BEFORE UPDATE ON case_flow
  BEGIN SELECT RAISE(ABORT, 'the flow log is append-only'); END;
CREATE TRIGGER case_flow_no_delete BEFORE DELETE ON case_flow
  BEGIN SELECT RAISE(ABORT, 'the flow log is append-only'); END;

-- Whistle: the departments summoned, their report-in and the street's rating of each.
CREATE TABLE case_unit (
  case_id      INTEGER NOT NULL REFERENCES gcase(id),
  unit_id      INTEGER NOT NULL REFERENCES unit(id),
  summoned_at  INTEGER NOT NULL,
  reported_at  INTEGER,
  rating       INTEGER,
  PRIMARY KEY (case_id, unit_id)
) WITHOUT ROWID;

-- "+1": one per resident per case.
CREATE TABLE case_support (
  case_id     INTEGER NOT NULL REFERENCES gcase(id),
  account_id  INTEGER NOT NULL REFERENCES account(id),
  at          INTEGER NOT NULL,
  PRIMARY KEY (case_id, account_id)
) WITHOUT ROWID;

-- Per local day, grid-level place, kind and category: counters kept in the
-- same transaction as each action. Metrics for a subtree sum a path range.
CREATE TABLE case_rollup (
  place_path      TEXT NOT NULL,
  day             INTEGER NOT NULL,
  kind            TEXT NOT NULL,
  category_id     INTEGER NOT NULL,
  reported        INTEGER NOT NULL DEFAULT 0,
  responded       INTEGER NOT NULL DEFAULT 0,
  dispatched      INTEGER NOT NULL DEFAULT 0,
  signed_24h      INTEGER NOT NULL DEFAULT 0,
  due             INTEGER NOT NULL DEFAULT 0,
  closed          INTEGER NOT NULL DEFAULT 0,
  closed_on_time  INTEGER NOT NULL DEFAULT 0,
  closed_7d       INTEGER NOT NULL DEFAULT 0,
  returned        INTEGER NOT NULL DEFAULT 0,
  reworked        INTEGER NOT NULL DEFAULT 0,
  rated           INTEGER NOT NULL DEFAULT 0,
  satisfied       INTEGER NOT NULL DEFAULT 0,
  region          TEXT NOT NULL,
  PRIMARY KEY (place_path, day, kind, category_id)
) WITHOUT ROWID;
CREATE INDEX case_rollup_day ON case_rollup(day, place_path);

-- Chinese full-text search: trigram tokens; rowid = gcase.id. Terms shorter
-- than three characters fall back to LIKE over the same columns.
CREATE VIRTUAL TABLE case_fts USING fts5(title, description, address, tokenize = 'trigram');
