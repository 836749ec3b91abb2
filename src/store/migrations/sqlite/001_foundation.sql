-- 001_foundation.sql — places, units, accounts, sessions, API keys, audit.
-- Times are UTC microseconds since the epoch. Every table carries region
-- (the district code) so the data can be distributed by region later.

CREATE TABLE place (
  id             INTEGER PRIMARY KEY,
  parent_id      INTEGER REFERENCES place(id),
  kind           TEXT NOT NULL,
  subtype        TEXT,
  dedicated_kind TEXT,
  code           TEXT NOT NULL UNIQUE,
  name           TEXT NOT NULL,
  path           TEXT NOT NULL UNIQUE,  -- materialized id path '/1/5/23/': subtree = range scan
  depth          INTEGER NOT NULL,
  region         TEXT NOT NULL,
  active         INTEGER NOT NULL DEFAULT 1,
  version        INTEGER NOT NULL DEFAULT 1,
  created_at     INTEGER NOT NULL,
  updated_at     INTEGER NOT NULL
);
CREATE INDEX place_parent_code ON place(parent_id, code);
CREATE INDEX place_kind_path ON place(kind, path);

-- Every change of a place's position, code, name or state; places that have
-- history are never deleted.
CREATE TABLE place_history (
  id          INTEGER PRIMARY KEY,
  place_id    INTEGER NOT NULL REFERENCES place(id),
  at          INTEGER NOT NULL,
  actor_id    INTEGER,
  action      TEXT NOT NULL,            -- create, update, move, deactivate, activate
  old_parent  INTEGER,
  new_parent  INTEGER,
  old_code    TEXT,
  new_code    TEXT,
  old_name    TEXT,
  new_name    TEXT,
  region      TEXT NOT NULL
);
CREATE INDEX place_history_place ON place_history(place_id, id);

CREATE TABLE unit (
  id          INTEGER PRIMARY KEY,
  name        TEXT NOT NULL,
  kind        TEXT NOT NULL,            -- department, street_office, company, property, social_org, other
  place_id    INTEGER NOT NULL REFERENCES place(id),
  region      TEXT NOT NULL,
  active      INTEGER NOT NULL DEFAULT 1,
  created_at  INTEGER NOT NULL,
  updated_at  INTEGER NOT NULL,
  UNIQUE (place_id, name)
);

CREATE TABLE account (
  id                  INTEGER PRIMARY KEY,
  username            TEXT NOT NULL UNIQUE COLLATE NOCASE,
  display_name        TEXT NOT NULL,
  role                TEXT NOT NULL,
  unit_id             INTEGER REFERENCES unit(id),
  password_hash       TEXT,
  global_scope        INTEGER NOT NULL DEFAULT 0,
  active              INTEGER NOT NULL DEFAULT 1,
  failed_logins       INTEGER NOT NULL DEFAULT 0,
  locked_until        INTEGER NOT NULL DEFAULT 0,
  password_changed_at INTEGER,
  region              TEXT,
  created_at          INTEGER NOT NULL,
  updated_at          INTEGER NOT NULL
);

CREATE TABLE account_place (
  account_id  INTEGER NOT NULL REFERENCES account(id),
  place_id    INTEGER NOT NULL REFERENCES place(id),
  PRIMARY KEY (account_id, place_id)
) WITHOUT ROWID;
CREATE INDEX account_place_place ON account_place(place_id);

CREATE TABLE session (
  token_hash    BLOB PRIMARY KEY,        -- BLAKE2b-256 of the cookie token; the token itself is never stored
  account_id    INTEGER NOT NULL REFERENCES account(id),
  csrf          TEXT NOT NULL,
  created_at    INTEGER NOT NULL,
  last_seen_at  INTEGER NOT NULL,
  expires_at    INTEGER NOT NULL,
  ip            TEXT,
  user_agent    TEXT
) WITHOUT ROWID;
CREATE INDEX session_account ON session(account_id);
CREATE INDEX session_expires ON session(expires_at);

CREATE TABLE api_key (
  id            INTEGER PRIMARY KEY,
  account_id    INTEGER NOT NULL REFERENCES account(id),
  name          TEXT NOT NULL,
  prefix        TEXT NOT NULL,           -- first characters, to recognise a key in lists
  key_hash      BLOB NOT NULL UNIQUE,
  created_at    INTEGER NOT NULL,
  last_used_at  INTEGER,
  revoked_at    INTEGER
);

CREATE TABLE audit (
  id           INTEGER PRIMARY KEY,
  at           INTEGER NOT NULL,
  account_id   INTEGER,
  action       TEXT NOT NULL,
  object_type  TEXT,
  object_id    INTEGER,
  ip           TEXT,
  detail       TEXT
);
CREATE INDEX audit_at ON audit(at);
CREATE INDEX audit_account ON audit(account_id, at);
