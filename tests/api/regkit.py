"""What the registry tests (test_registry.py, test_privacy.py, the registry rows
of test_authz.py) share: valid ID numbers and credit codes computed here (not
by the server), places of the demo city by code, residents made for a test."""
import itertools

_W = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
_C = "10X98765432"
_CREDIT = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_seq = itertools.count(1)


def with_check_digit(d17):
    """The first 17 characters of an ID number and its GB 11643 check character."""
    return d17 + _C[sum(int(c) * w for c, w in zip(d17, _W)) % 11]


def id_number(region="630105", birth="19800101", seq=None, male=True):
    """A valid GB 11643 number. Sequences 900-999 (seq 450-499): the demo
    city never gets that far on one day, so these never collide with it."""
    n = 450 + (next(_seq) % 49 if seq is None else seq)
    s = n * 2 + (1 if male else 0)
    return with_check_digit(f"{region}{birth}{s % 1000:03d}")


def credit_code(body="91630105MA7BQ1234"):
    s = sum(_CREDIT.index(c) * pow(3, i, 31) for i, c in enumerate(body))
    return body + _CREDIT[(31 - s % 31) % 31]


def child(session, parent, code):
    st, page = session.get(f"/api/v1/places/{parent}/children?limit=200")
    assert st == 200, page
    [pid] = [p["id"] for p in page["items"] if p["code"] == code]
    return pid


def place_by_code(session, code):
    """The id of the demo city's place with this code (walked from the district)."""
    st, roots = session.get("/api/v1/places")
    assert st == 200, roots
    [pid] = [p["id"] for p in roots["items"] if p["code"] == code[:6]]
    for n in range(9, len(code) + 1, 3):
        pid = child(session, pid, code[:n])
    return pid


_birth = itertools.count(1)


def unique_birth():
    """A birth date no demo resident shares a sequence with (year 1931)."""
    k = next(_birth)
    return f"1931{1 + k // 28 % 12:02d}{1 + k % 28:02d}"


def new_resident(session, place_id, **over):
    body = {"residence": "户籍", "name": "测试居民", "id_number": id_number(birth=unique_birth()),
            "phone": "13912345678", "place_id": place_id}
    body.update(over)
    st, res = session.post("/api/v1/residents", body)
    assert st == 201, (st, res)
    return res


# ---- builders for the registry rows of test_authz.py's MATRIX ------------------------
# Objects are made by the fixture's global administrator at the place the
# matrix names (a grid), once per place, or fresh per call for deletes.

def _cache(fx, name):
    if not hasattr(fx, "_reg"):
        fx._reg = {}
    return fx._reg.setdefault(name, {})


def resident_at(fx, p, fresh=False):
    if fresh:   # for deletes: never the cached one
        return new_resident(fx.admin, p, name="矩阵居民")["id"]
    c = _cache(fx, "resident")
    if p not in c:
        c[p] = new_resident(fx.admin, p, name="矩阵居民")["id"]
    return c[p]


def _made(fx, kind, p, path, body):
    c = _cache(fx, kind)
    if p not in c:
        st, obj = fx.admin.post(path, body)
        assert st == 201, (st, obj)
        c[p] = obj["id"]
    return c[p]


def household_at(fx, p):
    return _made(fx, "household", p, "/api/v1/households", {"place_id": p, "number": fx.uniq("矩阵户")})


def house_at(fx, p):
    return _made(fx, "house", p, "/api/v1/houses", {"place_id": p, "room": fx.uniq("R")[:16]})


def org_at(fx, p):
    return _made(fx, "org", p, "/api/v1/organisations", {"place_id": p, "kind": "social_org", "name": fx.uniq("矩阵协会")})


def resident_body(fx, p):
    return {"residence": "户籍", "name": "矩阵新居民", "id_number": id_number(birth=unique_birth()), "place_id": p}

