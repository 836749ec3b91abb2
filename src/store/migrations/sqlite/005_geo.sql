-- 005_geo.sql — the grid map: a boundary per place (WGS 84), an R*Tree over
-- their bounding boxes for "which places meet this box / hold this point",
-- and the points of interest drawn on the map.

-- One boundary per place. geojson is the geometry (Polygon or MultiPolygon,
-- 7 decimals: re-parses bit for bit); wkb is the same shape for GEOS (the
-- point lookups load it without parsing JSON). The bbox and centroid are
-- kept for the R*Tree and for map labels and aggregates.
CREATE TABLE place_boundary (
  place_id    INTEGER PRIMARY KEY REFERENCES place(id),
  geojson     TEXT NOT NULL,
  wkb         BLOB NOT NULL,
  min_lon     REAL NOT NULL,
  min_lat     REAL NOT NULL,
  max_lon     REAL NOT NULL,
  max_lat     REAL NOT NULL,
  area_m2     REAL NOT NULL,
  centroid_lon REAL NOT NULL,
  centroid_lat REAL NOT NULL,
  vertices    INTEGER NOT NULL,
  version     INTEGER NOT NULL DEFAULT 1,
  updated_at  INTEGER NOT NULL,
  updated_by  INTEGER REFERENCES account(id)
);

-- id = place id. The R*Tree stores 32-bit floats rounded outwards, so it is
-- a prefilter: GEOS decides. It carries the boundary's version (auxiliary
-- column) so that a point lookup reads the R*Tree and the place row only,
-- never the boundary's large row (the geometry cache keys on the version).
CREATE VIRTUAL TABLE place_boundary_rtree USING rtree(id, min_lon, max_lon, min_lat, max_lat,
                                                      +version INTEGER);

-- Service centres (党群服务中心), party organisations (党组织) and
-- volunteers on duty, each hanging on a place (scope) at a WGS 84 point.
CREATE TABLE map_poi (
  id          INTEGER PRIMARY KEY,
  kind        TEXT NOT NULL CHECK (kind IN ('service_centre', 'party_org', 'volunteer')),
  place_id    INTEGER NOT NULL REFERENCES place(id),
  place_path  TEXT NOT NULL,
  name        TEXT NOT NULL,
  lon         REAL NOT NULL,
  lat         REAL NOT NULL,
  phone       TEXT,
  hours       TEXT,
  account_id  INTEGER REFERENCES account(id),
  duty_from   INTEGER,            -- volunteers: the duty window (µs), NULL otherwise
  duty_to     INTEGER,
  created_at  INTEGER NOT NULL
);
CREATE INDEX map_poi_kind_lon ON map_poi(kind, lon, lat);
CREATE INDEX map_poi_path ON map_poi(place_path);

-- Open cases by position, for the map's case layer.
CREATE INDEX gcase_open_lon ON gcase(lon, lat) WHERE closed_at IS NULL AND lon IS NOT NULL;
