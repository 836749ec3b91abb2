-- 004_attachments.sql — photos of a case (before/after), stored on disk by
-- their SHA-256 (content-addressed: the same photo twice is one file).

CREATE TABLE attachment (
  sha256      TEXT PRIMARY KEY,
  mime        TEXT NOT NULL,
  size        INTEGER NOT NULL,
  created_at  INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE case_attachment (
  id           INTEGER PRIMARY KEY,
  case_id      INTEGER NOT NULL REFERENCES gcase(id),
  sha256       TEXT NOT NULL REFERENCES attachment(sha256),
  phase        TEXT NOT NULL CHECK (phase IN ('before', 'after', 'other')),
  name         TEXT,
  uploaded_by  INTEGER REFERENCES account(id),
  at           INTEGER NOT NULL,
  region       TEXT NOT NULL
);
CREATE INDEX case_attachment_case ON case_attachment(case_id, id);
