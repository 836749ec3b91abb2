-- 006_registry.sql — the registry (issue 5): residents, households, houses,
-- organisations, facilities, key groups with their GB/T 31000 extra fields,
-- visits (走访), the reveal permission and its audit.
--
-- Privacy: ID numbers and phones are never stored in the clear. Each sits in
-- three columns: *_sealed (XChaCha20-Poly1305, base64url, the column name as
-- associated data, key in a file outside the database), *_blind (keyed
-- BLAKE2b-256 of the normalised value: exact lookup and upsert) and *_mask
-- (what every list shows).
--
-- Scope: every row carries place_id and the place's materialized path, so a
-- subtree is a range scan on (place_path, id) as for cases.

ALTER TABLE account ADD COLUMN can_reveal INTEGER NOT NULL DEFAULT 0;

-- Rooms: a flat, shop or other unit of housing under a compound, building or
-- unit of the place tree.
CREATE TABLE house (
  id           INTEGER PRIMARY KEY,
  place_id     INTEGER NOT NULL REFERENCES place(id),
  place_path   TEXT NOT NULL,
  room         TEXT NOT NULL,
  use          TEXT NOT NULL,             -- owner_occupied, rented, vacant, shop
  area         REAL,
  owner_name   TEXT,
  verified_at  INTEGER NOT NULL,          -- last time a grid worker confirmed it (知晓率)
  region       TEXT NOT NULL,
  version      INTEGER NOT NULL DEFAULT 1,
  created_at   INTEGER NOT NULL,
  updated_at   INTEGER NOT NULL,
  UNIQUE (place_id, room)
);
CREATE INDEX house_path ON house(place_path, id);
CREATE INDEX house_verified ON house(place_path, verified_at);

CREATE TABLE household (
  id           INTEGER PRIMARY KEY,
  place_id     INTEGER NOT NULL REFERENCES place(id),
  place_path   TEXT NOT NULL,
  house_id     INTEGER REFERENCES house(id),
  number       TEXT NOT NULL,             -- 户号
  head_id      INTEGER,                   -- resident (no FK: the head is written after the household)
  address      TEXT,
  region       TEXT NOT NULL,
  version      INTEGER NOT NULL DEFAULT 1,
  created_at   INTEGER NOT NULL,
  updated_at   INTEGER NOT NULL,
  UNIQUE (region, number)
);
CREATE INDEX household_path ON household(place_path, id);

CREATE TABLE resident (
  id                  INTEGER PRIMARY KEY,
  residence           INTEGER NOT NULL,   -- enum gg_residence
  name                TEXT NOT NULL,
  sex                 INTEGER NOT NULL DEFAULT 0,
  birth_date          TEXT,               -- YYYY-MM-DD
  ethnicity           TEXT,
  id_type             INTEGER NOT NULL,   -- enum gg_id_type
  id_blind            BLOB NOT NULL UNIQUE, -- blind index of "<id_type code>:<number>"
  id_sealed           TEXT NOT NULL,
  id_mask             TEXT NOT NULL,
  phone_blind         BLOB,
  phone_sealed        TEXT,
  phone_mask          TEXT,
  education           INTEGER NOT NULL DEFAULT 0,
  political           INTEGER NOT NULL DEFAULT 0,
  employer            TEXT,
  registered_address  TEXT,
  current_address     TEXT,
  place_id            INTEGER NOT NULL REFERENCES place(id),
  place_path          TEXT NOT NULL,
  house_id            INTEGER REFERENCES house(id),
  household_id        INTEGER REFERENCES household(id),
  relation            INTEGER NOT NULL DEFAULT 0,
  tags                INTEGER NOT NULL DEFAULT 0, -- bit set mirroring resident_tag, for filters
  note                TEXT,
  verified_at         INTEGER NOT NULL,
  region              TEXT NOT NULL,
  version             INTEGER NOT NULL DEFAULT 1,
  created_at          INTEGER NOT NULL,
  updated_at          INTEGER NOT NULL
);
CREATE INDEX resident_path ON resident(place_path, id);
CREATE INDEX resident_verified ON resident(place_path, verified_at); -- 知晓率 from the index alone
CREATE INDEX resident_name ON resident(name);   -- name prefix search
CREATE INDEX resident_household ON resident(household_id) WHERE household_id IS NOT NULL;
CREATE INDEX resident_house ON resident(house_id) WHERE house_id IS NOT NULL;
CREATE INDEX resident_phone ON resident(phone_blind) WHERE phone_blind IS NOT NULL;

-- Key groups of a resident: level of attention and the visit schedule.
-- next_due = (last visit, or since) + the interval of (tag, level).
CREATE TABLE resident_tag (
  resident_id  INTEGER NOT NULL REFERENCES resident(id) ON DELETE CASCADE,
  tag          INTEGER NOT NULL,          -- enum gg_tag
  level        INTEGER NOT NULL,          -- enum gg_level
  since        INTEGER NOT NULL,
  next_due     INTEGER,                   -- NULL: no schedule
  place_path   TEXT NOT NULL,
  PRIMARY KEY (resident_id, tag)
) WITHOUT ROWID;
CREATE INDEX resident_tag_path ON resident_tag(place_path, tag);
CREATE INDEX resident_tag_due ON resident_tag(next_due) WHERE next_due IS NOT NULL;

-- GB/T 31000 special groups (特殊人群, 重点青少年): their own fields.
CREATE TABLE sg_released (        -- 刑满释放人员
  resident_id  INTEGER PRIMARY KEY REFERENCES resident(id) ON DELETE CASCADE,
  crime        TEXT,               -- 原罪名
  sentence     TEXT,               -- 原判刑期
  prison       TEXT,               -- 服刑场所
  released_on  TEXT,               -- 释放日期
  risk         TEXT,               -- 危险性评估类型
  placement    TEXT,               -- 安置情况
  recidivist   INTEGER             -- 是否累犯
);
CREATE TABLE sg_correction (      -- 社区矫正人员
  resident_id     INTEGER PRIMARY KEY REFERENCES resident(id) ON DELETE CASCADE,
  correction_no   TEXT,            -- 社区矫正人员编号
  correction_type TEXT,            -- 矫正类别: 管制 缓刑 假释 暂予监外执行
  crime           TEXT,            -- 具体罪名
  start_on        TEXT,            -- 矫正开始日期
  end_on          TEXT,            -- 矫正结束日期
  group_formed    INTEGER          -- 是否建立矫正小组
);
CREATE TABLE sg_mental (          -- 严重精神障碍患者
  resident_id      INTEGER PRIMARY KEY REFERENCES resident(id) ON DELETE CASCADE,
  diagnosis        TEXT,           -- 目前诊断类型
  first_onset      TEXT,           -- 初次发病日期
  risk_level       INTEGER,        -- 目前危险性评估等级 0-5
  guardian_name    TEXT,           -- 监护人姓名
  treatment        TEXT,           -- 治疗情况
  incident_history INTEGER         -- 有无肇事肇祸史
);
CREATE TABLE sg_drug (            -- 吸毒人员
  resident_id      INTEGER PRIMARY KEY REFERENCES resident(id) ON DELETE CASCADE,
  first_found      TEXT,           -- 初次发现日期
  control_status   TEXT,           -- 管控情况: 社区戒毒 社区康复 强制隔离戒毒 …
  drug_kind        TEXT,           -- 滥用毒品种类
  criminal_history INTEGER,        -- 有无犯罪史
  helper           TEXT            -- 帮扶人
);
CREATE TABLE sg_aids_risk (       -- 艾滋病危险人员
  resident_id      INTEGER PRIMARY KEY REFERENCES resident(id) ON DELETE CASCADE,
  infection_route  TEXT,           -- 感染途径
  criminal_history INTEGER,        -- 有无违法犯罪史
  attention_type   TEXT,           -- 关注类型
  treatment        TEXT            -- 收治情况
);
CREATE TABLE sg_key_youth (       -- 重点青少年
  resident_id   INTEGER PRIMARY KEY REFERENCES resident(id) ON DELETE CASCADE,
  youth_type    TEXT,              -- 人员类型: 闲散 不良行为 流浪乞讨 服刑在教人员未成年子女 …
  guardian_name TEXT,              -- 监护人姓名
  family        TEXT,              -- 家庭情况
  offended      INTEGER,           -- 是否违法犯罪
  help          TEXT               -- 帮扶情况
);

CREATE TABLE visit (
  id           INTEGER PRIMARY KEY,
  resident_id  INTEGER NOT NULL REFERENCES resident(id) ON DELETE CASCADE,
  visitor_id   INTEGER REFERENCES account(id),
  at           INTEGER NOT NULL,
  method       TEXT NOT NULL,             -- home, phone, other
  note         TEXT,
  place_path   TEXT NOT NULL,
  region       TEXT NOT NULL
);
CREATE INDEX visit_resident ON visit(resident_id, id);

CREATE TABLE org (
  id            INTEGER PRIMARY KEY,
  place_id      INTEGER NOT NULL REFERENCES place(id),
  place_path    TEXT NOT NULL,
  kind          INTEGER NOT NULL,         -- enum gg_org_kind
  name          TEXT NOT NULL,
  credit_code   TEXT UNIQUE,              -- 统一社会信用代码 (public by law: not sealed)
  legal_person  TEXT,
  address       TEXT,
  phone_blind   BLOB,
  phone_sealed  TEXT,
  phone_mask    TEXT,
  employees     INTEGER NOT NULL DEFAULT 0,
  region        TEXT NOT NULL,
  version       INTEGER NOT NULL DEFAULT 1,
  created_at    INTEGER NOT NULL,
  updated_at    INTEGER NOT NULL,
  UNIQUE (place_id, name)
);
CREATE INDEX org_path ON org(place_path, id);

CREATE TABLE facility (
  id          INTEGER PRIMARY KEY,
  place_id    INTEGER NOT NULL REFERENCES place(id),
  place_path  TEXT NOT NULL,
  kind        TEXT NOT NULL,              -- activity_room, fire_hydrant, camera, aed, …
  name        TEXT NOT NULL,
  address     TEXT,
  region      TEXT NOT NULL,
  created_at  INTEGER NOT NULL,
  UNIQUE (place_id, name)
);
CREATE INDEX facility_path ON facility(place_path, id);

-- Every showing of a sealed value in the clear: who, when, which record and
-- field, why, from where.
CREATE TABLE reveal_audit (
  id           INTEGER PRIMARY KEY,
  at           INTEGER NOT NULL,
  actor_id     INTEGER NOT NULL REFERENCES account(id),
  record_type  TEXT NOT NULL,             -- resident, org, export
  record_id    INTEGER NOT NULL,
  field        TEXT NOT NULL,             -- id_number, phone, contact_phone, all
  purpose      TEXT NOT NULL,
  ip           TEXT
);
CREATE INDEX reveal_audit_at ON reveal_audit(at);
CREATE INDEX reveal_audit_actor ON reveal_audit(actor_id, id);
CREATE INDEX reveal_audit_record ON reveal_audit(record_type, record_id, id);
