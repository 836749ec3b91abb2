"""The authorization matrix: every route of the route table (`gridgov routes`),
called by every role and by an anonymous client, on an object inside the
caller's scope and on one outside it.

    anonymous            401 unauthenticated (public and loopback routes: served)
    role not listed      403 forbidden, in scope or not
    listed, in scope     served: 2xx (or the validation error the entry names)
    listed, out of scope 403 out_of_scope

MATRIX below says how to call each route. A route in the table without an
entry here fails test_every_route_has_an_entry: a new route needs its row.

The out-of-scope objects are chosen to be near misses: the sibling whose id
begins with the caller's own place id (grid 4 vs grid 44, community 3 vs 327),
so that a scope check comparing path prefixes without the closing '/' fails.
Writes act on objects made fresh for each call, so the order does not matter.

Some routes let every role in and leave a decision by role to the handler or
to the case workflow (who may open which kind of case; which action a caller
may take). Their entries say so (Entry.handler): an in-scope call that the
handler refuses must be refused exactly as documented there, and such a
refusal is told apart from the route's own: the route's 403 forbidden /
out_of_scope is a bare Error, a workflow refusal also lists allowed_actions.
"""
import itertools
import subprocess
import unittest

from gg import BIN, DEMO_PASSWORD, ROLE_USERS, Server, Session, error_of

SCOPED_ADMIN = "matrix.admin"     # an administrator over street 1 (小桥大街街道), made here
PASSWORD = "matrix-password-2026"
UNSCOPED_RULES = {"none", "self", "caller's scope roots", "filtered to caller's scope",
                  "global administrator"}


def global_only(fx, role, path, body):
    """Settings for the whole city: an administrator over one street is refused."""
    return Refused(403, "out_of_scope") if fx.who == SCOPED_ADMIN else None


def route_table():
    out = subprocess.run([BIN, "routes"], check=True, capture_output=True, text=True).stdout
    rows = {}
    for line in out.splitlines():
        if not line.strip():
            continue
        # method, pattern, roles, scope rule (and, after them, columns this test does not use)
        method, pattern, roles, rule = line.split("\t")[:4]
        rows[(method, pattern)] = (set(roles.split(",")), rule)
    return rows


class Entry:
    """How to call one route.

    build(fx, place) -> (path, body): a valid request whose object lies at (or
        is) place, for the caller's in-scope and out-of-scope place alike.
    extra_out(fx, in_place, out_place) -> [(path, body)]: more requests that
        must be out of scope (a second scope reference, e.g. in the body).
    extra_in(fx, in_place) -> [(path, body)]: more requests that are in scope.
    ok: the statuses that count as served for an in-scope call.
    fresh_session: call on a new session of the caller (the call ends or
        replaces the session it is made on).
    handler(fx, role, path, body) -> Refused or None: for a role the route
        lets in, the refusal the handler itself gives to this in-scope call
        (None: served).

    build, extra_in and extra_out may look at fx.who (the caller: a role,
    'anonymous' or SCOPED_ADMIN) where what is in scope depends on the role.
    """

    def __init__(self, build, scoped, extra_out=None, extra_in=None, ok=None, fresh_session=False,
                 handler=None):
        self.build, self.scoped = build, scoped
        self.extra_out, self.extra_in = extra_out, extra_in
        self.ok = ok
        self.fresh_session = fresh_session
        self.handler = handler


class Refused:
    """A refusal by the handler (not by the route table): status, code, the
    field named, and whether it is the case workflow's (with allowed_actions)."""

    def __init__(self, status, code, field=None, workflow=False):
        self.status, self.code, self.field, self.workflow = status, code, field, workflow

    def __repr__(self):
        return f"Refused({self.status}, {self.code!r}, field={self.field!r}, workflow={self.workflow})"


def fixed(path, body=None):
    return Entry(lambda fx, p: (path, body), scoped=False)


def place_route(suffix):
    return Entry(lambda fx, p: (f"/api/v1/places/{p}{suffix}", None), scoped=True)


def login_body(fx, p):
    if fx.username == SCOPED_ADMIN:
        return "/api/v1/session", {"username": SCOPED_ADMIN, "password": PASSWORD}
    return "/api/v1/session", {"username": fx.username or "resident1", "password": DEMO_PASSWORD}


def place_create(fx, p):
    return "/api/v1/places", {"parent_id": p, "kind": "compound", "name": fx.uniq("小区")}


def district_create(fx, in_p, out_p):
    # no parent: a new top-level place, which only a global scope covers
    return [("/api/v1/places", {"kind": "district", "code": "630199", "name": fx.uniq("区")})]


def place_move(fx, p):
    node = fx.fresh_place(fx.fresh_place(p), "building")
    return f"/api/v1/places/{node}/move", {"parent_id": fx.fresh_place(p)}


def place_move_out(fx, in_p, out_p):
    node = fx.fresh_place(fx.fresh_place(in_p), "building")
    return [(f"/api/v1/places/{node}/move", {"parent_id": fx.fresh_place(out_p)})]


def place_activate(fx, p):
    pid = fx.fresh_place(p)
    st, body = fx.admin.post(f"/api/v1/places/{pid}/deactivate")
    assert st == 200, (st, body)
    return f"/api/v1/places/{pid}/activate", None


def account_create(fx, p):
    return "/api/v1/accounts", {"username": fx.uniq("matrix.new."), "display_name": "矩阵新用户",
                                "role": "gridworker", "password": PASSWORD, "place_ids": [p]}


def account_update_out(fx, in_p, out_p):
    return [(f"/api/v1/accounts/{fx.acct_at[in_p]}", {"place_ids": [out_p]}),
            (f"/api/v1/accounts/{fx.acct_at[in_p]}", {"place_ids": [in_p, out_p]})]


def dept_account(fx, p):
    # an account without places lies where its unit is
    return [(f"/api/v1/accounts/{fx.dept_at[p]}", None)]


def key_revoke(fx, p):
    acct = fx.acct_at[p]
    st, key = fx.admin.post(f"/api/v1/accounts/{acct}/api-keys", {"name": "to revoke"})
    assert st == 201, (st, key)
    return f"/api/v1/accounts/{acct}/api-keys/{key['id']}", None


# ---- the case engine ----
#
# Cases are opened by a grid worker account of the place ("matrix.opener.<place>",
# made in the fixture and used for nothing else). Reads use cases opened once in
# the fixture; actions act on a case opened fresh for each call.

# Who may open which kind (gg_case_may_open, checked by POST /api/v1/cases after
# the scope rule): administrators and department handlers open none.
OPENERS = {
    "event": {"command", "community", "gridworker", "member", "resident"},
    "whistle": {"command", "community"},
}

# The action each caller takes on a fresh event case (state reported, filed by
# someone else): staff accept it (受理); members and residents "+1" it (附议).
# Administrators and department handlers have no action on it: the workflow
# refuses them with 403 forbidden and the actions allowed now (none).
ACT_AS = {"admin": "accept", "command": "accept", "community": "accept", "gridworker": "accept",
          "department": "accept", "member": "support", "resident": "support"}


def case_open(fx, p):
    return "/api/v1/cases", {"kind": "event", "category_id": fx.event_cat, "place_id": p,
                             "title": fx.uniq("矩阵事件")}


def whistle_open(fx, p):
    return [("/api/v1/cases", {"kind": "whistle", "subtype": "key_work", "category_id": fx.whistle_cat,
                               "place_id": p, "title": fx.uniq("矩阵吹哨"),
                               "summon_unit_ids": [fx.unit_at[fx.grid_in]]})]


def case_open_refused(fx, role, path, body):
    if role not in OPENERS[body["kind"]]:
        return Refused(403, "forbidden", field="kind")
    return None


class Multipart:
    """A multipart/form-data request body (photo uploads)."""

    def __init__(self, parts):
        b = "matrixboundary"
        out = b""
        for name, filename, data in parts:
            disp = f'form-data; name="{name}"' + (f'; filename="{filename}"' if filename else "")
            out += f"--{b}\r\nContent-Disposition: {disp}\r\n\r\n".encode() + data + b"\r\n"
        self.data = out + f"--{b}--\r\n".encode()
        self.ctype = f"multipart/form-data; boundary={b}"

    def __repr__(self):
        return f"Multipart({len(self.data)} bytes)"


PHOTO = Multipart([("phase", None, b"before"), ("file", "photo.png", b"\x89PNG\r\n\x1a\n" + bytes(200))])


def photo_path(fx, case, suffix):
    """suffix may name the case's fixture photo: '/attachments/{photo}'."""
    return f"/api/v1/cases/{case}" + suffix.replace("{photo}", str(fx.photo_of.get(case)))


def case_visible_in(suffix, body=None):
    """More cases the caller sees although the plain rule (its scope covers the
    case's place) would not say so, or would not say so alone."""
    def extra(fx, in_p):
        if fx.who == "department":
            # outside its scope, but dispatched to its unit
            return [(photo_path(fx, fx.dispatched_to_dept, suffix), body)]
        if fx.who in ("member", "resident"):
            # closed, but filed by the caller
            return [(photo_path(fx, fx.own_closed[fx.who], suffix), body)]
        return []
    return extra


def case_visible_out(suffix, body=None):
    def extra(fx, in_p, out_p):
        if fx.who in ("member", "resident"):
            # inside their scope, but closed and filed by someone else
            return [(photo_path(fx, fx.closed_at[in_p], suffix), body)]
        return []
    return extra


def case_read(suffix):
    return Entry(lambda fx, p: (photo_path(fx, fx.case_at[p], suffix), None), scoped=True,
                 extra_in=case_visible_in(suffix), extra_out=case_visible_out(suffix))


def case_act(fx, p):
    return f"/api/v1/cases/{fx.fresh_case(p)}/actions/{ACT_AS.get(fx.role, 'accept')}", None


def case_act_illegal(fx, in_p):
    # close does not apply to a reported event, whoever asks
    return [(f"/api/v1/cases/{fx.fresh_case(in_p)}/actions/close", {"note": "矩阵"})]


def case_act_refused(fx, role, path, body):
    action = path.rsplit("/", 1)[1]
    if action == "close":
        return Refused(409, "illegal_action", workflow=True)
    if role in ("admin", "department"):
        return Refused(403, "forbidden", workflow=True)
    return None


def case_list_extra(fx, in_p):
    calls = [(f"/api/v1/cases?place_id={in_p}", None), ("/api/v1/cases?nearby=true", None),
             ("/api/v1/cases?mine=reported", None), ("/api/v1/cases?mine=owned&open=true", None)]
    if fx.out_place.get(fx.who):
        # the list's scope is the caller's; a place_id outside it is refused by the handler
        calls.append((f"/api/v1/cases?place_id={fx.out_place[fx.who]}", None))
    return calls


def case_list_refused(fx, role, path, body):
    out = fx.out_place.get(fx.who)
    if out and path.endswith(f"place_id={out}"):
        return Refused(403, "out_of_scope", field="place_id")
    return None


def category_create(fx, p):
    return "/api/v1/categories", {"kind": "event", "code": fx.uniq("matrix_"), "name": fx.uniq("矩阵分类"),
                                  "limit_amount": 3, "limit_unit": "work_days",
                                  "stage_amount": 1, "stage_unit": "work_days"}


MATRIX = {
    ("GET", "/healthz"): fixed("/healthz"),
    ("GET", "/metrics"): fixed("/metrics"),
    ("GET", "/api/v1/version"): fixed("/api/v1/version"),
    ("GET", "/api/v1/roles"): fixed("/api/v1/roles"),

    ("POST", "/api/v1/session"): Entry(login_body, scoped=False, fresh_session=True),
    ("GET", "/api/v1/session"): fixed("/api/v1/session"),
    ("DELETE", "/api/v1/session"): Entry(lambda fx, p: ("/api/v1/session", None), scoped=False,
                                         fresh_session=True),
    # a wrong current password: proves the call got past authorization without
    # changing the password (which would end the caller's other sessions)
    ("POST", "/api/v1/session/password"): Entry(
        lambda fx, p: ("/api/v1/session/password",
                       {"current_password": "not-the-password", "new_password": PASSWORD}),
        scoped=False, ok={422}),

    ("GET", "/api/v1/places"): fixed("/api/v1/places"),
    ("POST", "/api/v1/places"): Entry(place_create, scoped=True, extra_out=district_create),
    ("GET", "/api/v1/places/:id"): place_route(""),
    ("PATCH", "/api/v1/places/:id"): Entry(
        lambda fx, p: (f"/api/v1/places/{fx.fresh_place(p)}", {"name": fx.uniq("改名小区")}), scoped=True),
    ("GET", "/api/v1/places/:id/children"): place_route("/children"),
    ("GET", "/api/v1/places/:id/subtree"): place_route("/subtree"),
    ("GET", "/api/v1/places/:id/history"): place_route("/history"),
    ("POST", "/api/v1/places/:id/move"): Entry(place_move, scoped=True, extra_out=place_move_out),
    ("POST", "/api/v1/places/:id/deactivate"): Entry(
        lambda fx, p: (f"/api/v1/places/{fx.fresh_place(p)}/deactivate", None), scoped=True),
    ("POST", "/api/v1/places/:id/activate"): Entry(place_activate, scoped=True),

    ("GET", "/api/v1/units"): fixed("/api/v1/units"),
    ("POST", "/api/v1/units"): Entry(
        lambda fx, p: ("/api/v1/units", {"name": fx.uniq("矩阵单位"), "kind": "other", "place_id": p}),
        scoped=True),
    ("GET", "/api/v1/units/:id"): Entry(lambda fx, p: (f"/api/v1/units/{fx.unit_at[p]}", None), scoped=True),
    ("PATCH", "/api/v1/units/:id"): Entry(
        lambda fx, p: (f"/api/v1/units/{fx.unit_at[p]}", {"name": fx.uniq("改名单位")}), scoped=True),

    ("GET", "/api/v1/accounts"): fixed("/api/v1/accounts"),
    ("POST", "/api/v1/accounts"): Entry(account_create, scoped=True),
    ("GET", "/api/v1/accounts/:id"): Entry(
        lambda fx, p: (f"/api/v1/accounts/{fx.acct_at[p]}", None), scoped=True,
        extra_out=lambda fx, i, o: dept_account(fx, o), extra_in=dept_account),
    ("PATCH", "/api/v1/accounts/:id"): Entry(
        lambda fx, p: (f"/api/v1/accounts/{fx.acct_at[p]}", {"display_name": fx.uniq("改名")}),
        scoped=True, extra_out=account_update_out),
    ("POST", "/api/v1/accounts/:id/password"): Entry(
        lambda fx, p: (f"/api/v1/accounts/{fx.acct_at[p]}/password", {"password": PASSWORD}), scoped=True),
    ("GET", "/api/v1/accounts/:id/api-keys"): Entry(
        lambda fx, p: (f"/api/v1/accounts/{fx.acct_at[p]}/api-keys", None), scoped=True),
    ("POST", "/api/v1/accounts/:id/api-keys"): Entry(
        lambda fx, p: (f"/api/v1/accounts/{fx.acct_at[p]}/api-keys", {"name": "matrix"}), scoped=True),
    ("DELETE", "/api/v1/accounts/:id/api-keys/:key_id"): Entry(key_revoke, scoped=True),

    # every role may ask; the handler refuses its own scope's place_id filter
    # outside the caller's scope (403 out_of_scope, field place_id)
    ("GET", "/api/v1/cases"): Entry(lambda fx, p: ("/api/v1/cases", None), scoped=False,
                                    extra_in=case_list_extra, handler=case_list_refused),
    # every role passes the route; who opens which kind is the handler's (OPENERS)
    ("POST", "/api/v1/cases"): Entry(case_open, scoped=True, extra_in=whistle_open,
                                     handler=case_open_refused),
    ("GET", "/api/v1/cases/:id"): case_read(""),
    ("GET", "/api/v1/cases/:id/flow"): case_read("/flow"),
    # every role that sees the case may ask; the workflow decides (ACT_AS)
    ("POST", "/api/v1/cases/:id/actions/:action"): Entry(
        case_act, scoped=True, extra_in=case_act_illegal, handler=case_act_refused,
        extra_out=case_visible_out("/actions/urge")),
    ("GET", "/api/v1/cases/:id/attachments"): case_read("/attachments"),
    # anyone who sees the case may add a photo (a fresh case per call)
    ("POST", "/api/v1/cases/:id/attachments"): Entry(
        lambda fx, p: (f"/api/v1/cases/{fx.fresh_case(p)}/attachments", PHOTO), scoped=True,
        extra_in=case_visible_in("/attachments", PHOTO), extra_out=case_visible_out("/attachments", PHOTO)),
    ("GET", "/api/v1/cases/:id/attachments/:att_id"): case_read("/attachments/{photo}"),
    ("GET", "/api/v1/case-metrics"): Entry(
        lambda fx, p: (f"/api/v1/case-metrics?place_id={p}&from=2026-01-01&to=2026-12-31", None),
        scoped=True),
    ("GET", "/api/v1/categories"): fixed("/api/v1/categories"),
    ("POST", "/api/v1/categories"): Entry(category_create, scoped=False, handler=global_only),
    ("PUT", "/api/v1/dispatch-rules"): Entry(
        lambda fx, p: ("/api/v1/dispatch-rules", {"category_id": fx.rule_cat, "place_id": p,
                                                  "unit_id": fx.unit_at[p]}), scoped=True),
    ("GET", "/api/v1/calendar"): fixed("/api/v1/calendar"),
    # a day far away, set to what it already is after the first call: idempotent
    ("PUT", "/api/v1/calendar/:day"): Entry(lambda fx, p: ("/api/v1/calendar/2099-01-03", {"kind": "off"}),
                                            scoped=False, handler=global_only),

    # grid map (#6)
    # PUT puts back the place's own boundary (valid, inside its parent, no
    # overlap); a place without one (the other district's grid) gets a square.
    # (The helpers are inline so that these lines stay under the marker.)
    ("PUT", "/api/v1/places/:id/boundary"): Entry(
        lambda fx, p: (f"/api/v1/places/{p}/boundary", (lambda r: r[1]["geometry"] if r[0] == 200 else {
            "type": "Polygon", "coordinates": [[[100.0, 30.0], [100.001, 30.0], [100.001, 30.001],
                                                [100.0, 30.001], [100.0, 30.0]]]})(
            fx.admin.get(f"/api/v1/places/{p}/boundary"))), scoped=True),
    ("GET", "/api/v1/places/:id/boundary"): place_route("/boundary"),
    ("POST", "/api/v1/boundaries/import"): Entry(
        lambda fx, p: ("/api/v1/boundaries/import", {"type": "FeatureCollection", "features": [
            {"type": "Feature", "properties": {"id": p},
             "geometry": MATRIX[("PUT", "/api/v1/places/:id/boundary")].build(fx, p)[1]}]}),
        scoped=True),
    ("GET", "/api/v1/boundaries/export"): Entry(
        lambda fx, p: (f"/api/v1/boundaries/export?place_id={p}", None), scoped=True),
    ("GET", "/api/v1/map/boundaries"): fixed("/api/v1/map/boundaries?level=grid&bbox=101.6,36.5,101.9,36.8"),
    # a point inside grid_in (its label point); the handler checks the grid
    # found against the caller's scope
    ("GET", "/api/v1/map/locate"): Entry(
        lambda fx, p: (lambda c: (f"/api/v1/map/locate?lat={c[1]}&lon={c[0]}", None))(
            fx.admin.get(f"/api/v1/places/{fx.grid_in}/boundary")[1]["properties"]["centroid"]),
        scoped=False),
    ("GET", "/api/v1/map/layers/cases"): fixed("/api/v1/map/layers/cases?bbox=101.6,36.5,101.9,36.8&zoom=12"),
    ("GET", "/api/v1/map/layers/key-groups"): fixed("/api/v1/map/layers/key-groups?bbox=101.6,36.5,101.9,36.8&zoom=12"),
    ("GET", "/api/v1/map/layers/pois"): fixed("/api/v1/map/layers/pois?bbox=101.6,36.5,101.9,36.8&zoom=12"),
    ("GET", "/api/v1/map/nearest-centre"): fixed("/api/v1/map/nearest-centre?lat=36.66&lon=101.76"),
    ("GET", "/api/v1/map/heat"): Entry(lambda fx, p: (f"/api/v1/map/heat?place_id={p}", None), scoped=True),

    # registry (#5)
    # residents, households, houses, organisations, key groups, visits (registry*.c); __import__('regkit').py builds
    ("GET", "/api/v1/residents"): fixed("/api/v1/residents"),
    ("POST", "/api/v1/residents"): Entry(lambda fx, p: ("/api/v1/residents", __import__('regkit').resident_body(fx, p)), scoped=True),
    ("GET", "/api/v1/residents/:id"): Entry(lambda fx, p: (f"/api/v1/residents/{__import__('regkit').resident_at(fx, p)}", None), scoped=True),
    ("PATCH", "/api/v1/residents/:id"): Entry(
        lambda fx, p: (f"/api/v1/residents/{__import__('regkit').resident_at(fx, p)}", {"note": fx.uniq("矩阵")}), scoped=True),
    ("DELETE", "/api/v1/residents/:id"): Entry(
        lambda fx, p: (f"/api/v1/residents/{__import__('regkit').resident_at(fx, p, fresh=True)}", None), scoped=True),
    ("POST", "/api/v1/residents/:id/reveal"): Entry(
        lambda fx, p: (f"/api/v1/residents/{__import__('regkit').resident_at(fx, p)}/reveal", {"field": "id_number", "purpose": "矩阵核查"}),
        scoped=True, handler=lambda fx, role, path, body: None if fx.who == "admin" else Refused(403, "reveal_not_allowed")),
    ("GET", "/api/v1/residents/:id/tags"): Entry(lambda fx, p: (f"/api/v1/residents/{__import__('regkit').resident_at(fx, p)}/tags", None), scoped=True),
    ("PUT", "/api/v1/residents/:id/tags/:tag"): Entry(
        lambda fx, p: (f"/api/v1/residents/{__import__('regkit').resident_at(fx, p)}/tags/dibao", {"level": "attention"}), scoped=True),
    ("DELETE", "/api/v1/residents/:id/tags/:tag"): Entry(
        lambda fx, p: (f"/api/v1/residents/{__import__('regkit').resident_at(fx, p)}/tags/dibao", None), scoped=True),
    ("GET", "/api/v1/residents/:id/visits"): Entry(lambda fx, p: (f"/api/v1/residents/{__import__('regkit').resident_at(fx, p)}/visits", None), scoped=True),
    ("POST", "/api/v1/residents/:id/visits"): Entry(
        lambda fx, p: (f"/api/v1/residents/{__import__('regkit').resident_at(fx, p)}/visits", {"method": "home"}), scoped=True),
    ("GET", "/api/v1/households"): fixed("/api/v1/households"),
    ("POST", "/api/v1/households"): Entry(lambda fx, p: ("/api/v1/households", {"place_id": p, "number": fx.uniq("矩阵户")}), scoped=True),
    ("GET", "/api/v1/households/:id"): Entry(lambda fx, p: (f"/api/v1/households/{__import__('regkit').household_at(fx, p)}", None), scoped=True),
    ("PATCH", "/api/v1/households/:id"): Entry(
        lambda fx, p: (f"/api/v1/households/{__import__('regkit').household_at(fx, p)}", {"address": fx.uniq("矩阵地址")}), scoped=True),
    ("GET", "/api/v1/houses"): fixed("/api/v1/houses"),
    ("POST", "/api/v1/houses"): Entry(lambda fx, p: ("/api/v1/houses", {"place_id": p, "room": fx.uniq("R")[:16]}), scoped=True),
    ("GET", "/api/v1/houses/:id"): Entry(lambda fx, p: (f"/api/v1/houses/{__import__('regkit').house_at(fx, p)}", None), scoped=True),
    ("PATCH", "/api/v1/houses/:id"): Entry(lambda fx, p: (f"/api/v1/houses/{__import__('regkit').house_at(fx, p)}", {"use": "rented"}), scoped=True),
    ("GET", "/api/v1/organisations"): fixed("/api/v1/organisations"),
    ("POST", "/api/v1/organisations"): Entry(
        lambda fx, p: ("/api/v1/organisations", {"place_id": p, "kind": "social_org", "name": fx.uniq("矩阵协会")}), scoped=True),
    ("GET", "/api/v1/organisations/:id"): Entry(lambda fx, p: (f"/api/v1/organisations/{__import__('regkit').org_at(fx, p)}", None), scoped=True),
    ("PATCH", "/api/v1/organisations/:id"): Entry(
        lambda fx, p: (f"/api/v1/organisations/{__import__('regkit').org_at(fx, p)}", {"employees": 5}), scoped=True),
    ("GET", "/api/v1/facilities"): fixed("/api/v1/facilities"),
    ("POST", "/api/v1/facilities"): Entry(
        lambda fx, p: ("/api/v1/facilities", {"place_id": p, "kind": "fire_hydrant", "name": fx.uniq("矩阵消防栓")}), scoped=True),
    ("GET", "/api/v1/registry/key-groups"): fixed("/api/v1/registry/key-groups"),
    ("GET", "/api/v1/registry/due-visits"): Entry(lambda fx, p: (f"/api/v1/registry/due-visits?place_id={p}", None), scoped=True),
    ("GET", "/api/v1/registry/awareness"): Entry(lambda fx, p: (f"/api/v1/registry/awareness?place_id={p}", None), scoped=True),
    ("GET", "/api/v1/registry/key-group-counts"): Entry(
        lambda fx, p: (f"/api/v1/registry/key-group-counts?place_id={p}", None), scoped=True),
    ("GET", "/api/v1/audit"): Entry(lambda fx, p: ("/api/v1/audit", None), scoped=False, handler=global_only),
    ("PUT", "/api/v1/accounts/:id/can-reveal"): Entry(
        lambda fx, p: (f"/api/v1/accounts/{fx.acct_at[p]}/can-reveal", {"can_reveal": False}), scoped=True),
    # import/export (registry_io.c): an import made by the global admin at the place, one per call
    ("POST", "/api/v1/imports"): Entry(
        lambda fx, p: (f"/api/v1/imports?place_id={p}",
                       Multipart([("file", "r.csv", "姓名,身份证号\r\n矩阵,11010519491231002X\r\n".encode())])),
        scoped=True),
    ("GET", "/api/v1/imports/:id"): Entry(
        lambda fx, p: ("/api/v1/imports/" + fx.admin.request(
            "POST", f"/api/v1/imports?place_id={p}", raw="姓名,身份证号\r\n矩阵,11010519491231002X\r\n".encode(),
            headers={"Content-Type": "text/csv"})[1]["id"], None), scoped=True),
    ("POST", "/api/v1/imports/:id/run"): Entry(
        lambda fx, p: ("/api/v1/imports/" + fx.admin.request(
            "POST", f"/api/v1/imports?place_id={p}", raw="姓名,身份证号\r\n".encode(),
            headers={"Content-Type": "text/csv"})[1]["id"] + "/run", {"mode": "keep_good"}), scoped=True),
    ("GET", "/api/v1/imports/:id/errors"): Entry(
        lambda fx, p: ("/api/v1/imports/" + fx.admin.request(
            "POST", f"/api/v1/imports?place_id={p}", raw="姓名,身份证号\r\n".encode(),
            headers={"Content-Type": "text/csv"})[1]["id"] + "/errors", None), scoped=True),
    ("GET", "/api/v1/residents/export"): Entry(
        lambda fx, p: (f"/api/v1/residents/export?place_id={p}&format=csv", None), scoped=True),

    # web UI (#4)
    # every role may listen; each stream carries only the cases its caller may see
    ("GET", "/api/v1/events"): fixed("/api/v1/events?once=true"),
    ("GET", "/api/v1/cockpit"): Entry(
        lambda fx, p: (f"/api/v1/cockpit?place_id={p}", None), scoped=True),

}


class Fixture:
    """The demo city plus what the matrix needs, made by the global admin."""

    def __init__(self, srv):
        self.srv = srv
        self.admin = srv.login("admin")
        self.counter = itertools.count(1)
        self.username = None
        a = self.admin
        st, roots = a.get("/api/v1/places")
        assert st == 200, roots
        [district] = [p["id"] for p in roots["items"] if p["code"] == "630105"]
        street1 = self.child(district, "630105001")
        community1 = self.child(street1, "630105001001")
        self.grid_in = self.child(community1, "630105001001001")
        self.street1 = street1
        # a second district, outside every scope but the global one
        st, d2 = a.post("/api/v1/places", {"kind": "district", "code": "630104", "name": "城中区"})
        assert st == 201, d2
        grid_d2 = self.fresh_place(self.fresh_place(self.fresh_place(d2["id"], "street"), "community"), "grid")
        near_grid = self.near_sibling(self.grid_in)                     # grid 44
        near_community_grid = self.first_child(self.near_sibling(community1))  # a grid of community 327
        other_street_grid = self.first_child(self.first_child(self.near_sibling(street1)))
        # where each caller's scope ends; None: a global scope has no outside
        self.out_place = {
            "anonymous": grid_d2,
            "admin": None,
            "command": grid_d2,
            "department": grid_d2,           # dept1's unit sits on the district
            "community": near_community_grid,
            "gridworker": near_grid,
            "member": near_grid,
            "resident": near_grid,
            SCOPED_ADMIN: other_street_grid,
        }
        st, body = a.post("/api/v1/accounts", {"username": SCOPED_ADMIN, "display_name": "街道管理员",
                                               "role": "admin", "password": PASSWORD, "place_ids": [street1]})
        assert st == 201, body
        self.unit_at, self.acct_at, self.dept_at = {}, {}, {}
        for p in {self.grid_in, grid_d2, near_grid, near_community_grid, other_street_grid}:
            st, u = a.post("/api/v1/units", {"name": f"矩阵单位{p}", "kind": "other", "place_id": p})
            assert st == 201, u
            self.unit_at[p] = u["id"]
            self.acct_at[p] = self.account(f"matrix.acct.{p}", "gridworker", place_ids=[p])
            self.dept_at[p] = self.account(f"matrix.dept.{p}", "department", unit_id=u["id"])
        self.sessions = {}
        self.who = self.role = None
        self.cases()

    def cases(self):
        """The case engine's objects: categories, a case at every place of the
        matrix, closed ones at grid_in, one dispatched to dept1's unit."""
        a = self.admin
        st, cats = a.get("/api/v1/categories")
        assert st == 200, cats
        code = {(c["kind"], c["code"]): c["id"] for c in cats["items"]}
        self.event_cat = code[("event", "city_appearance")]
        self.whistle_cat = code[("whistle", "whistle")]
        st, cat = a.post("/api/v1/categories", {"kind": "event", "code": "matrix_rules", "name": "矩阵派单",
                                                "limit_amount": 3, "limit_unit": "work_days",
                                                "stage_amount": 1, "stage_unit": "work_days"})
        assert st == 201, cat
        self.rule_cat = cat["id"]
        self.openers = {}
        for p in self.unit_at:
            self.account(f"matrix.opener.{p}", "gridworker", place_ids=[p])
        self.case_at = {p: self.fresh_case(p) for p in self.unit_at}
        # closed (cancelled) cases at grid_in: one filed by the opener, one by each of member1, resident1
        self.closed_at = {self.grid_in: self.fresh_case(self.grid_in, cancel=True)}
        self.own_closed = {}
        for who in ("member", "resident"):
            s = self.session(who)
            st, k = s.post("/api/v1/cases", {"kind": "event", "category_id": self.event_cat,
                                             "place_id": self.grid_in, "title": f"矩阵{who}"})
            assert st == 201, k
            st, k = s.post(f"/api/v1/cases/{k['id']}/actions/cancel", {"note": "矩阵"})
            assert st == 200 and k["closed_at"], k
            self.own_closed[who] = k["id"]
        # outside dept1's scope (the other district), dispatched to dept1's unit
        st, me = self.session("department").get("/api/v1/session")
        assert st == 200 and me["user"]["unit_id"], me
        out = self.out_place["department"]
        cid = self.fresh_case(out)
        for action, body in (("accept", None), ("dispatch", {"target_unit_id": me["user"]["unit_id"]})):
            st, k = self.opener(out).post(f"/api/v1/cases/{cid}/actions/{action}", body)
            assert st == 200, k
        assert k["owner"]["unit_id"] == me["user"]["unit_id"], k
        self.dispatched_to_dept = cid
        # a photo on each of them, uploaded by the opener of the place (or the reporter)
        self.photo_of = {}
        uploads = [(self.opener(p), c) for p, c in self.case_at.items()]
        uploads += [(self.opener(self.grid_in), self.closed_at[self.grid_in]), (self.opener(out), cid)]
        uploads += [(self.session(who), c) for who, c in self.own_closed.items()]
        for s, c in uploads:
            st, att = s.request("POST", f"/api/v1/cases/{c}/attachments", raw=PHOTO.data,
                                headers={"Content-Type": PHOTO.ctype})
            assert st == 201, att
            self.photo_of[c] = att["id"]

    def opener(self, p):
        if p not in self.openers:
            self.openers[p] = self.srv.login(f"matrix.opener.{p}", PASSWORD)
        return self.openers[p]

    def fresh_case(self, p, cancel=False):
        """A new event case at place p (state reported), filed by p's opener."""
        s = self.opener(p)
        st, k = s.post("/api/v1/cases", {"kind": "event", "category_id": self.event_cat, "place_id": p,
                                         "title": self.uniq("矩阵案件")})
        assert st == 201, k
        if cancel:
            st, k = s.post(f"/api/v1/cases/{k['id']}/actions/cancel", {"note": "矩阵"})
            assert st == 200 and k["closed_at"], k
        return k["id"]

    def account(self, username, role, **kw):
        body = {"username": username, "display_name": username, "role": role, "password": PASSWORD}
        body.update(kw)
        st, acc = self.admin.post("/api/v1/accounts", body)
        assert st == 201, acc
        return acc["id"]

    def uniq(self, prefix):
        return f"{prefix}{next(self.counter)}"

    def child(self, parent, code):
        st, kids = self.admin.get(f"/api/v1/places/{parent}/children?limit=200")
        assert st == 200, kids
        [pid] = [p["id"] for p in kids["items"] if p["code"] == code]
        return pid

    def first_child(self, parent):
        st, kids = self.admin.get(f"/api/v1/places/{parent}/children?limit=1")
        assert st == 200 and kids["items"], kids
        return kids["items"][0]["id"]

    def near_sibling(self, pid):
        """A sibling of pid, preferably one whose id begins with pid's."""
        st, me = self.admin.get(f"/api/v1/places/{pid}")
        assert st == 200, me
        st, kids = self.admin.get(f"/api/v1/places/{me['parent_id']}/children?limit=200")
        others = [p["id"] for p in kids["items"] if p["id"] != pid]
        near = [o for o in others if o.startswith(pid)]
        return (near or others)[0]

    def fresh_place(self, parent, kind="compound"):
        st, p = self.admin.post("/api/v1/places", {"parent_id": parent, "kind": kind, "name": self.uniq(kind)})
        assert st == 201, p
        return p["id"]

    def session(self, who, fresh=False):
        """who: 'anonymous', a role of ROLE_USERS, or SCOPED_ADMIN."""
        if who == "anonymous":
            return Session(self.srv)
        user = SCOPED_ADMIN if who == SCOPED_ADMIN else ROLE_USERS[who]
        pw = PASSWORD if who == SCOPED_ADMIN else DEMO_PASSWORD
        if fresh:
            return self.srv.login(user, pw)
        if who not in self.sessions:
            self.sessions[who] = self.srv.login(user, pw)
        return self.sessions[who]


CALLERS = ["anonymous", *ROLE_USERS, SCOPED_ADMIN]


class Matrix(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.table = route_table()
        cls.srv = Server()
        cls.fx = Fixture(cls.srv)

    @classmethod
    def tearDownClass(cls):
        cls.srv.cleanup()

    def test_every_route_has_an_entry(self):
        missing = sorted(set(self.table) - set(MATRIX))
        self.assertEqual(missing, [], "routes without a row in MATRIX (tests/api/test_authz.py)")
        gone = sorted(set(MATRIX) - set(self.table))
        self.assertEqual(gone, [], "MATRIX rows for routes the server no longer has")

    def test_callers_are_who_we_think(self):
        fx = self.fx
        for who in CALLERS[1:]:
            st, me = fx.session(who).get("/api/v1/session")
            self.assertEqual(st, 200, me)
            self.assertEqual(me["user"]["role"], "admin" if who == SCOPED_ADMIN else who)
            self.assertEqual(me["user"]["global_scope"], who == "admin")

    def check_route(self, key):
        self.assertIn(key, self.table, f"{key} is in MATRIX but not in the route table")
        method, pattern = key
        roles, rule = self.table[key]
        entry = MATRIX[key]
        self.assertEqual(entry.scoped, rule not in UNSCOPED_RULES,
                         f"MATRIX says scoped={entry.scoped} but the route's rule is {rule!r}")
        public = "public" in roles
        loopback = "loopback" in roles  # the tests always call from 127.0.0.1
        fx = self.fx
        for who in CALLERS:
            role = "admin" if who == SCOPED_ADMIN else who
            fx.who, fx.role = who, role
            fx.username = None if who == "anonymous" else (SCOPED_ADMIN if who == SCOPED_ADMIN else ROLE_USERS[who])
            out_p = fx.out_place[who]
            calls = [("in", *entry.build(fx, fx.grid_in))]
            if entry.extra_in:
                calls += [("in", *c) for c in entry.extra_in(fx, fx.grid_in)]
            if entry.scoped and out_p is not None:
                calls.append(("out", *entry.build(fx, out_p)))
                if entry.extra_out:
                    calls += [("out", *c) for c in entry.extra_out(fx, fx.grid_in, out_p)]
            for where, path, body in calls:
                s = fx.session(who, fresh=entry.fresh_session)
                if isinstance(body, Multipart):
                    st, resp = s.request(method, path, raw=body.data, headers={"Content-Type": body.ctype})
                else:
                    st, resp = s.request(method, path, body)
                with self.subTest(caller=who, where=where, path=path, body=body):
                    if public or loopback:
                        self.assert_served(entry, st, resp)
                    elif who == "anonymous":
                        self.assert_error(st, resp, 401, "unauthenticated")
                    elif role not in roles:
                        self.assert_error(st, resp, 403, "forbidden")
                    elif where == "in":
                        refused = entry.handler(fx, role, path, body) if entry.handler else None
                        if refused:
                            self.assert_refused(st, resp, refused)
                        else:
                            self.assert_served(entry, st, resp)
                    else:
                        self.assert_error(st, resp, 403, "out_of_scope")

    def assert_served(self, entry, st, resp):
        if entry.ok:
            self.assertIn(st, entry.ok, resp)
        else:
            self.assertTrue(200 <= st < 300, f"{st} {resp}")

    def assert_error(self, st, resp, status, code):
        """The route's own refusal: a bare Error (error_of checks the shape, so
        a workflow refusal, which adds allowed_actions, does not pass)."""
        self.assertEqual(st, status, resp)
        self.assertEqual(error_of(resp)["code"], code, resp)

    def assert_refused(self, st, resp, want):
        self.assertEqual(st, want.status, f"{want}: {resp}")
        self.assertEqual(resp["error"]["code"], want.code, resp)
        if want.field is not None:
            self.assertEqual(resp["error"]["field"], want.field, resp)
        if want.workflow:
            self.assertEqual(set(resp), {"error", "allowed_actions"}, resp)
            self.assertIsInstance(resp["allowed_actions"], list, resp)
        else:
            error_of(resp)


def _name(key):
    method, pattern = key
    slug = pattern.strip("/").replace("/", "_").replace(":", "").replace("-", "_") or "root"
    return f"test_route_{method}_{slug}"


for _key in MATRIX:
    setattr(Matrix, _name(_key), lambda self, k=_key: self.check_route(k))


class ScopedLists(unittest.TestCase):
    """List endpoints return exactly the caller's in-scope objects."""

    @classmethod
    def setUpClass(cls):
        cls.srv = Server()
        cls.fx = fx = Fixture(cls.srv)
        # an account reaching outside street 1 (one place in, one out) and one
        # whose unit lies outside
        outside = fx.out_place[SCOPED_ADMIN]
        fx.account("matrix.span", "gridworker", place_ids=[fx.grid_in, outside])
        fx.account("matrix.span.dept", "department", unit_id=fx.unit_at[outside], place_ids=[fx.grid_in])

    @classmethod
    def tearDownClass(cls):
        cls.srv.cleanup()

    def all_items(self, s, path):
        items, cursor = [], ""
        while True:
            sep = "&" if "?" in path else "?"
            st, page = s.get(f"{path}{sep}limit=50{cursor}")
            self.assertEqual(st, 200, page)
            items += page["items"]
            if not page["next_cursor"]:
                return items
            cursor = "&cursor=" + page["next_cursor"]

    def subtree_ids(self, root):
        ids = {p["id"] for p in self.all_items(self.fx.admin, f"/api/v1/places/{root}/subtree?include_inactive=true")}
        return ids | {root}

    def check_lists(self, user, root, lists):
        fx = self.fx
        inside = self.subtree_ids(root)
        s = self.srv.login(user)
        units_all = self.all_items(fx.admin, "/api/v1/units")
        unit_place = {u["id"]: u["place_id"] for u in units_all}

        def unit_in(u):
            return u["place_id"] in inside

        def account_in(a):
            if a["global_scope"]:
                return False
            if a["place_ids"]:
                return all(p in inside for p in a["place_ids"])
            return a["unit_id"] is not None and unit_place[a["unit_id"]] in inside

        if "places" in lists:
            roots = self.all_items(s, "/api/v1/places")
            self.assertEqual([p["id"] for p in roots], [root])
        if "units" in lists:
            got = self.all_items(s, "/api/v1/units")
            for u in got:
                self.assertTrue(unit_in(u), f"{user} sees unit {u} outside its scope")
            want = [u["id"] for u in units_all if unit_in(u)]
            self.assertEqual([u["id"] for u in got], want)
            self.assertTrue(want)
        if "accounts" in lists:
            got = self.all_items(s, "/api/v1/accounts")
            for acc in got:
                self.assertTrue(account_in(acc), f"{user} sees account {acc} outside its scope")
                # whatever the list shows, the account's own URL shows too
                st, body = s.get(f"/api/v1/accounts/{acc['id']}")
                self.assertEqual(st, 200, body)
            want = [acc["id"] for acc in self.all_items(fx.admin, "/api/v1/accounts") if account_in(acc)]
            self.assertEqual([acc["id"] for acc in got], want)
            names = {acc["username"] for acc in got}
            self.assertIn("street1", names)
            self.assertIn("grid001", names)
            self.assertIn(f"matrix.dept.{fx.grid_in}", names)
            self.assertNotIn("matrix.span", names)
            self.assertNotIn("admin", names)
            self.assertNotIn("dept1", names)

    def test_street_command_lists(self):
        self.check_lists("street1", self.fx.street1, {"places", "units", "accounts"})

    def test_district_command_lists(self):
        st, me = self.fx.admin.get("/api/v1/places")
        district = [p["id"] for p in me["items"] if p["code"] == "630105"][0]
        inside = self.subtree_ids(district)
        s = self.srv.login("command")
        for u in self.all_items(s, "/api/v1/units"):
            self.assertIn(u["place_id"], inside, u)
        for acc in self.all_items(s, "/api/v1/accounts"):
            self.assertFalse(acc["global_scope"], acc)
            self.assertTrue(acc["place_ids"] or acc["unit_id"], acc)
            for p in acc["place_ids"]:
                self.assertIn(p, inside, acc)

    def test_community_and_grid_lists(self):
        st, me = self.srv.login("community01").get("/api/v1/session")
        self.check_lists("community01", me["user"]["place_ids"][0], {"places", "units"})
        self.check_lists("grid001", self.fx.grid_in, {"places", "units"})

    def check_case_list(self, user, root, path="/api/v1/cases", keep=lambda c: True):
        """user's case list is exactly the cases under root that keep() holds,
        newest first, and each of them opens at its own URL for user."""
        fx = self.fx
        inside = self.subtree_ids(root)
        s = self.srv.login(user)
        got = [c["id"] for c in self.all_items(s, path)]
        want = [c["id"] for c in self.all_items(fx.admin, "/api/v1/cases")
                if c["place_id"] in inside and keep(c)]
        self.assertTrue(want, f"no case for {user} to see: the fixture should have made some")
        self.assertEqual(got, want, f"{user}: {path}")
        for cid in got:
            st, body = s.get(f"/api/v1/cases/{cid}")
            self.assertEqual(st, 200, body)
        return s

    def test_case_lists(self):
        # staff: every case under their scope, open or closed
        fx = self.fx
        self.check_case_list("street1", fx.street1)
        self.check_case_list("grid001", fx.grid_in)
        st, me = self.srv.login("community01").get("/api/v1/session")
        self.check_case_list("community01", me["user"]["place_ids"][0])
        # dept1: its unit's place (the district). (The case dispatched to its unit
        # from the other district opens at its URL, see MATRIX, but the list keeps
        # to the scope: "filtered to caller's scope".)
        st, unit = fx.admin.get("/api/v1/units/1")
        self.check_case_list("dept1", unit["place_id"])
        # resident1: its own reports; with nearby=true the open cases around it
        st, me = self.srv.login("resident1").get("/api/v1/session")
        mine = me["user"]["id"]
        self.check_case_list("resident1", fx.grid_in, keep=lambda c: c["reporter_id"] == mine)
        self.check_case_list("resident1", fx.grid_in, "/api/v1/cases?nearby=true",
                             keep=lambda c: c["closed_at"] is None)

    def test_department_lists(self):
        # dept1 has no places: its unit's place (the district) is its scope
        st, unit = self.fx.admin.get("/api/v1/units/1")
        self.assertEqual(st, 200, unit)
        self.check_lists("dept1", unit["place_id"], {"places", "units"})


if __name__ == "__main__":
    unittest.main()
