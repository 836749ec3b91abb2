"""docs/openapi.json against the code: every route of the router is documented
and nothing else is, roles and scope rules agree with `gridgov routes`, every
error response has the Error shape (or ErrorWithAllowedActions, the case
workflow's refusals: Error plus the actions allowed now), the case engine's
enums are the workflow tables' names, and live responses of the demo server
validate against the documented schemas (a small validator for the subset of
JSON Schema the document uses for responses)."""
import json
import os
import re
import subprocess
import unittest
from urllib.parse import quote

from gg import BIN, Server

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
DOC_PATH = os.path.join(ROOT, "docs", "openapi.json")
WORKFLOW_TABLES = os.path.join(ROOT, "src", "domain", "workflow_tables.c")
METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
ROLES = ("admin", "command", "community", "gridworker", "department", "member", "resident")


def load_doc():
    with open(DOC_PATH, encoding="utf-8") as f:
        return json.load(f)


def router_routes():
    """{(METHOD, "/path/{param}"): (roles, public, loopback, scope rule, flags)} from the binary."""
    out = subprocess.run([BIN, "routes"], check=True, capture_output=True, text=True).stdout
    routes = {}
    for line in out.splitlines():
        if not line.strip():
            continue
        method, pattern, roles, scope, flags = line.split("\t")
        path = re.sub(r":([A-Za-z_][A-Za-z0-9_]*)", r"{\1}", pattern)
        words = roles.split(",") if roles else []
        key = (method, path)
        assert key not in routes, f"router lists {key} twice"
        routes[key] = (sorted(w for w in words if w in ROLES), "public" in words,
                       "loopback" in words, scope, set(flags.split(",")) - {"-"})
        unknown = [w for w in words if w not in ROLES + ("public", "loopback")]
        assert not unknown, f"{key}: unknown words in the roles column: {unknown}"
    return routes


def workflow_names():
    """The API names of kinds, states, actions and stages, read from the name
    tables of src/domain/workflow_tables.c (the engine's own source of them)."""
    with open(WORKFLOW_TABLES, encoding="utf-8") as f:
        text = f.read()

    def table(start, pattern):
        i = text.index(start)
        return re.findall(pattern, text[i:text.index("};", i)])

    return {
        "kind": table("kind_names[", r'\[GG_WF_KIND_\w+\] = \{"(\w+)"'),
        "state": table("state_names[", r'\[GG_WF_S_\w+\] = "(\w+)"'),
        "action": table("action_names[", r'\[GG_WF_A_\w+\] = \{"(\w+)"'),
        "stage": table("stage_names[", r'\[GG_WF_STAGE_\w+\] = \{"(\w+)"'),
        "subtype": table("} subtypes[] = {", r'\{GG_WF_KIND_\w+, "(\w+)"'),
    }


def doc_operations(doc):
    for path, item in doc["paths"].items():
        for method, op in item.items():
            if method in METHODS:
                yield method.upper(), path, op


class Resolver:
    def __init__(self, doc):
        self.doc = doc

    def ref(self, node):
        """Follow $ref (local only) until a node without one."""
        seen = set()
        while isinstance(node, dict) and "$ref" in node:
            r = node["$ref"]
            if not r.startswith("#/") or r in seen:
                raise AssertionError(f"unsupported or circular $ref {r}")
            seen.add(r)
            node = self.doc
            for part in r[2:].split("/"):
                node = node[part.replace("~1", "/").replace("~0", "~")]
        return node


# ---- a validator for the subset of OpenAPI 3.0 schemas used by responses --------

SUPPORTED = {"type", "required", "properties", "additionalProperties", "items", "nullable",
             "enum", "pattern", "minLength", "maxLength", "minimum", "maximum", "maxItems",
             "format", "$ref", "description", "default", "example"}
DATE_TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$")
TYPES = {
    "string": lambda v: isinstance(v, str),
    "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "number": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
    "boolean": lambda v: isinstance(v, bool),
    "array": lambda v: isinstance(v, list),
    "object": lambda v: isinstance(v, dict),
}


def validate(res, schema, value, where="$"):
    """A list of the ways value breaks schema (empty: valid)."""
    schema = res.ref(schema)
    extra = set(schema) - SUPPORTED
    if extra:
        return [f"{where}: schema uses keywords this validator does not know: {sorted(extra)}"]
    if value is None:
        if schema.get("nullable"):
            return [] if "enum" not in schema or None in schema["enum"] else \
                [f"{where}: null is not in the enum"]
        return [f"{where}: null where the schema is not nullable"]
    errs = []
    t = schema.get("type")
    if t is not None and not TYPES[t](value):
        return [f"{where}: expected {t}, got {type(value).__name__} {value!r:.60}"]
    if "enum" in schema and value not in schema["enum"]:
        errs.append(f"{where}: {value!r} not in {schema['enum']}")
    if isinstance(value, str):
        if "pattern" in schema and not re.search(schema["pattern"], value):
            errs.append(f"{where}: {value!r} does not match {schema['pattern']}")
        if len(value) < schema.get("minLength", 0):
            errs.append(f"{where}: shorter than {schema['minLength']}")
        if "maxLength" in schema and len(value) > schema["maxLength"]:
            errs.append(f"{where}: longer than {schema['maxLength']}")
        if schema.get("format") == "date-time" and not DATE_TIME.match(value):
            errs.append(f"{where}: {value!r} is not an ISO 8601 date-time with offset")
    if TYPES["number"](value):
        if "minimum" in schema and value < schema["minimum"]:
            errs.append(f"{where}: {value} < minimum {schema['minimum']}")
        if "maximum" in schema and value > schema["maximum"]:
            errs.append(f"{where}: {value} > maximum {schema['maximum']}")
    if isinstance(value, list):
        if "maxItems" in schema and len(value) > schema["maxItems"]:
            errs.append(f"{where}: more than {schema['maxItems']} items")
        if "items" in schema:
            for i, v in enumerate(value):
                errs += validate(res, schema["items"], v, f"{where}[{i}]")
    if isinstance(value, dict):
        props = schema.get("properties", {})
        for k in schema.get("required", []):
            if k not in value:
                errs.append(f"{where}: missing required {k!r}")
        for k, v in value.items():
            if k in props:
                errs += validate(res, props[k], v, f"{where}.{k}")
            elif schema.get("additionalProperties", True) is False:
                errs.append(f"{where}: property {k!r} is not in the schema")
            elif isinstance(schema.get("additionalProperties"), dict):
                errs += validate(res, schema["additionalProperties"], v, f"{where}.{k}")
    return errs


class ValidatorSelfTest(unittest.TestCase):
    """The validator must be able to fail, or the live checks prove nothing."""

    def test_validator_catches_what_it_claims(self):
        res = Resolver({"components": {"schemas": {"P": {
            "type": "object", "additionalProperties": False, "required": ["id", "k"],
            "properties": {"id": {"type": "string"},
                           "k": {"type": "string", "enum": ["a", None], "nullable": True},
                           "xs": {"type": "array", "items": {"type": "integer"}}}}}}})
        p = {"$ref": "#/components/schemas/P"}
        self.assertEqual(validate(res, p, {"id": "1", "k": None, "xs": [1]}), [])
        for bad in ({"id": "1"}, {"id": 1, "k": "a"}, {"id": "1", "k": "b"},
                    {"id": "1", "k": "a", "z": 0}, {"id": "1", "k": "a", "xs": ["1"]},
                    {"id": None, "k": "a"}, [], {"id": "1", "k": "a", "xs": [True]}):
            self.assertNotEqual(validate(res, p, bad), [], bad)


class DocMatchesRouter(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.doc = load_doc()
        cls.res = Resolver(cls.doc)
        cls.routes = router_routes()
        cls.ops = {(m, p): op for m, p, op in doc_operations(cls.doc)}

    def test_document_header(self):
        self.assertEqual(self.doc["openapi"], "3.0.3")
        schemes = self.doc["components"]["securitySchemes"]
        self.assertEqual((schemes["cookieSession"]["in"], schemes["cookieSession"]["name"]),
                         ("cookie", "gg_session"))
        self.assertEqual((schemes["csrfToken"]["in"], schemes["csrfToken"]["name"]),
                         ("header", "X-CSRF-Token"))
        self.assertEqual(schemes["apiKey"]["scheme"], "bearer")

    def test_every_route_is_documented(self):
        missing = sorted(set(self.routes) - set(self.ops))
        self.assertEqual(missing, [], "routes in src/api/routes.c missing from docs/openapi.json")

    def test_every_documented_route_exists(self):
        extra = sorted(set(self.ops) - set(self.routes))
        self.assertEqual(extra, [], "docs/openapi.json documents routes the router lacks")

    def test_roles_and_scope_match_the_router(self):
        for key, (roles, public, loopback, scope, flags) in self.routes.items():
            op = self.ops.get(key)
            if op is None:
                continue  # reported by test_every_route_is_documented
            with self.subTest(route=key):
                self.assertIn("x-gridgov-roles", op)
                self.assertEqual(sorted(op["x-gridgov-roles"]), roles)
                self.assertEqual(bool(op.get("x-gridgov-public")), public)
                self.assertEqual(bool(op.get("x-gridgov-loopback")), loopback)
                self.assertEqual(op.get("x-gridgov-scope"), scope)
                self.assertIn(scope, op.get("description", ""))
                # a cookie-authenticated write needs the CSRF token unless the router exempts it
                method = key[0]
                cookie_reqs = [r for r in op.get("security", []) if "cookieSession" in r]
                if method != "GET" and not public and cookie_reqs:
                    self.assertEqual(all("csrfToken" in r for r in cookie_reqs),
                                     "no_csrf" not in flags)
                # raw routes answer something else (text, images), the rest JSON
                ok = op["responses"].get("200") or op["responses"].get("201") or {}
                if "content" in ok:
                    self.assertEqual("application/json" not in ok["content"], "raw" in flags)

    def test_path_parameters_are_declared(self):
        for (method, path), op in self.ops.items():
            with self.subTest(route=(method, path)):
                declared = {self.res.ref(p)["name"] for p in op.get("parameters", [])
                            if self.res.ref(p)["in"] == "path"}
                self.assertEqual(declared, set(re.findall(r"{(\w+)}", path)))
                for p in op.get("parameters", []):
                    p = self.res.ref(p)
                    if p["in"] == "path":
                        self.assertEqual(self.res.ref(p["schema"])["type"], "string")

    def test_error_with_allowed_actions_extends_error(self):
        """ErrorWithAllowedActions is Error (its `error` object by $ref, unchanged)
        plus an optional allowed_actions list: a client that reads Error reads it."""
        schemas = self.doc["components"]["schemas"]
        ext = schemas["ErrorWithAllowedActions"]
        self.assertEqual(ext["type"], "object")
        self.assertIs(ext["additionalProperties"], False)
        self.assertEqual(ext["required"], schemas["Error"]["required"])
        self.assertEqual(set(ext["properties"]), set(schemas["Error"]["properties"]) | {"allowed_actions"})
        for name in schemas["Error"]["properties"]:
            self.assertIs(self.res.ref(ext["properties"][name]), schemas["Error"]["properties"][name])
        allowed = ext["properties"]["allowed_actions"]
        self.assertEqual(allowed["type"], "array")
        self.assertIs(self.res.ref(allowed["items"]), schemas["AllowedAction"])
        # the only users: the action route (its workflow refusals)
        users = sorted((m, p, code) for (m, p), op in self.ops.items()
                       for code, r in op["responses"].items()
                       if self.res.ref(self.res.ref(r).get("content", {}).get("application/json", {})
                                       .get("schema", {})) is ext)
        self.assertEqual(users, [("POST", "/api/v1/cases/{id}/actions/{action}", c) for c in ("403", "409", "422")])

    def test_error_responses_use_the_error_schema(self):
        error = self.doc["components"]["schemas"]["Error"]
        extended = self.doc["components"]["schemas"]["ErrorWithAllowedActions"]
        for (method, path), op in self.ops.items():
            with self.subTest(route=(method, path)):
                rs = op.get("responses")
                self.assertTrue(rs, "no responses")
                self.assertTrue(any(c.startswith("2") for c in rs), "no success response")
                errors = [c for c in rs if c[0] in "45"]
                self.assertTrue(any(c.startswith("4") for c in errors), "no 4xx response")
                for code in errors:
                    r = self.res.ref(rs[code])
                    schema = r.get("content", {}).get("application/json", {}).get("schema")
                    self.assertIsNotNone(schema, f"{code} has no application/json schema")
                    self.assertTrue(self.res.ref(schema) is error or self.res.ref(schema) is extended,
                                    f"{code} is neither the Error schema nor ErrorWithAllowedActions")

    def test_case_enums_are_the_workflow_tables_names(self):
        names = workflow_names()
        schemas = self.doc["components"]["schemas"]
        params = self.doc["components"]["parameters"]

        def enum(node):
            return [v for v in self.res.ref(node)["enum"] if v is not None]

        case = schemas["Case"]["properties"]
        self.assertEqual(enum(case["kind"]), names["kind"])
        self.assertEqual(enum(case["state"]), names["state"])
        self.assertEqual(enum(case["stage"]), names["stage"])
        self.assertEqual(enum(case["subtype"]), names["subtype"])
        self.assertEqual(enum(schemas["AllowedAction"]["properties"]["action"]), names["action"])
        flow = schemas["FlowEntry"]["properties"]
        self.assertEqual(enum(flow["action"]), ["open"] + names["action"])
        self.assertEqual(enum(flow["from_state"]), names["state"])
        self.assertEqual(enum(flow["to_state"]), names["state"])
        self.assertEqual(enum(params["CaseAction"]["schema"]), names["action"])
        self.assertEqual(enum(params["CaseState"]["schema"]), names["state"])
        for p in ("CaseKind", "CategoryKind", "MetricsKind"):
            self.assertEqual(enum(params[p]["schema"]), names["kind"], p)
        for s in ("CaseOpenRequest", "Category", "CategoryCreateRequest"):
            self.assertEqual(enum(schemas[s]["properties"]["kind"]), names["kind"], s)
        self.assertEqual(enum(schemas["CaseOpenRequest"]["properties"]["subtype"]), names["subtype"])

    def test_request_bodies_are_closed_objects(self):
        for (method, path), op in self.ops.items():
            if "requestBody" not in op:
                continue
            with self.subTest(route=(method, path)):
                rs = op["responses"]
                for code in ("400", "413", "415", "422"):
                    self.assertIn(code, rs)
                body = self.res.ref(op["requestBody"])
                # one JSON object, or a form (photo uploads), with its parts listed
                [(ctype, media)] = body["content"].items()
                self.assertIn(ctype, ("application/json", "multipart/form-data"))
                schema = self.res.ref(media["schema"])
                self.assertEqual(schema["type"], "object")
                self.assertIs(schema["additionalProperties"], False)

    def test_list_operations_take_limit_and_cursor(self):
        for (method, path), op in self.ops.items():
            names = {self.res.ref(p)["name"]: self.res.ref(p)
                     for p in op.get("parameters", []) if self.res.ref(p)["in"] == "query"}
            if "limit" not in names:
                continue
            with self.subTest(route=(method, path)):
                lim = self.res.ref(names["limit"]["schema"])
                self.assertEqual((lim["minimum"], lim["maximum"]), (1, 200))
                self.assertIn("cursor", names)
                self.assertIn("400", op["responses"])


class LiveResponses(unittest.TestCase):
    """Responses of the demo server validate against the documented 200 schemas."""

    @classmethod
    def setUpClass(cls):
        cls.doc = load_doc()
        cls.res = Resolver(cls.doc)
        cls.srv = Server()
        try:
            cls.admin = cls.srv.login("admin")
        except Exception:
            cls.srv.cleanup()
            raise

    @classmethod
    def tearDownClass(cls):
        cls.admin.close()
        cls.srv.cleanup()

    def check(self, session, method, template, url, status=200, body=None):
        st, body = session.request(method, url, body)
        self.assertEqual(st, status, body)
        op = self.doc["paths"][template][method.lower()]
        resp = self.res.ref(op["responses"][str(status)])
        schema = resp["content"]["application/json"]["schema"]
        errs = validate(self.res, schema, body)
        self.assertEqual(errs, [], f"{method} {url}")
        return body

    def test_places(self):
        roots = self.check(self.admin, "GET", "/api/v1/places", "/api/v1/places")
        self.assertTrue(roots["items"])
        pid = roots["items"][0]["id"]
        self.check(self.admin, "GET", "/api/v1/places/{id}", f"/api/v1/places/{pid}")
        page = self.check(self.admin, "GET", "/api/v1/places/{id}/subtree",
                          f"/api/v1/places/{pid}/subtree?limit=50")
        self.assertIsNotNone(page["next_cursor"])
        # a page with a cursor and the grids' subtypes and dedicated kinds
        self.check(self.admin, "GET", "/api/v1/places/{id}/subtree",
                   f"/api/v1/places/{pid}/subtree?kind=grid&limit=200&cursor={page['next_cursor']}")
        self.check(self.admin, "GET", "/api/v1/places/{id}/children",
                   f"/api/v1/places/{pid}/children")

    def test_places_of_a_scoped_caller(self):
        s = self.srv.login("grid001")
        try:
            roots = self.check(s, "GET", "/api/v1/places", "/api/v1/places")
            self.assertTrue(roots["items"])
            self.check(s, "GET", "/api/v1/places/{id}", f"/api/v1/places/{roots['items'][0]['id']}")
        finally:
            s.close()

    def test_session(self):
        me = self.check(self.admin, "GET", "/api/v1/session", "/api/v1/session")
        self.assertEqual(me["user"]["username"], "admin")

    def test_accounts(self):
        page = self.check(self.admin, "GET", "/api/v1/accounts", "/api/v1/accounts?limit=200")
        self.assertTrue(page["items"])
        self.check(self.admin, "GET", "/api/v1/accounts/{id}",
                   f"/api/v1/accounts/{page['items'][-1]['id']}")

    def test_cases(self):
        """A case filed by a resident, read, listed, acted on and refused; its
        flow; the metrics, categories and calendar (configuration writes too)."""
        res = self.srv.login("resident1")
        grid = self.srv.login("grid001")
        try:
            st, me = res.get("/api/v1/session")
            self.assertEqual(st, 200, me)
            place = me["user"]["place_ids"][0]
            cats = self.check(res, "GET", "/api/v1/categories", "/api/v1/categories")
            self.assertEqual({c["kind"] for c in cats["items"]},
                             {"event", "hotline", "whistle", "service", "dispute"})
            events = self.check(res, "GET", "/api/v1/categories", "/api/v1/categories?kind=event")
            [cat] = [c["id"] for c in events["items"] if c["code"] == "city_appearance"]
            case = self.check(res, "POST", "/api/v1/cases", "/api/v1/cases", 201,
                              {"kind": "event", "category_id": cat, "place_id": place,
                               "title": "小区门口垃圾堆积", "description": "三天没人清理",
                               "address": "1号楼南侧", "lat": 36.64, "lon": 101.77, "urgency": "urgent"})
            self.assertEqual((case["state"], case["reporter_id"], case["location"]["lat"]),
                             ("reported", me["user"]["id"], 36.64))
            self.assertEqual(res.last_headers.get("location"), f"/api/v1/cases/{case['id']}")
            cid = case["id"]
            # one without a location, as a grid worker sees it (allowed_actions, suggested unit)
            self.check(res, "POST", "/api/v1/cases", "/api/v1/cases", 201,
                       {"kind": "event", "category_id": cat, "place_id": place, "title": "路灯不亮"})
            got = self.check(grid, "GET", "/api/v1/cases/{id}", f"/api/v1/cases/{cid}")
            self.assertIn("accept", [a["action"] for a in got["allowed_actions"]])
            acted = self.check(grid, "POST", "/api/v1/cases/{id}/actions/{action}",
                               f"/api/v1/cases/{cid}/actions/accept", 200, {"note": "已受理", "version": 1})
            self.assertEqual((acted["state"], acted["version"]), ("accepted", 2))
            self.assertIsNotNone(acted["suggested_unit_id"])  # dispatch is allowed now
            # the workflow's refusals carry the actions allowed now
            refused = self.check(res, "POST", "/api/v1/cases/{id}/actions/{action}",
                                 f"/api/v1/cases/{cid}/actions/close", 409)
            self.assertEqual(refused["error"]["code"], "illegal_action")
            self.assertIn("allowed_actions", refused)
            refused = self.check(res, "POST", "/api/v1/cases/{id}/actions/{action}",
                                 f"/api/v1/cases/{cid}/actions/dispatch", 403, {"target_unit_id": "1"})
            self.assertEqual(refused["error"]["code"], "forbidden")
            self.assertIn("allowed_actions", refused)
            stale = self.check(grid, "POST", "/api/v1/cases/{id}/actions/{action}",
                               f"/api/v1/cases/{cid}/actions/dispatch", 409,
                               {"target_unit_id": acted["suggested_unit_id"], "version": 1})
            self.assertEqual(stale["error"]["code"], "stale_version")
            self.check(grid, "POST", "/api/v1/cases/{id}/actions/{action}",
                       f"/api/v1/cases/{cid}/actions/dispatch", 422)  # target_required
            self.check(res, "GET", "/api/v1/cases/{id}", f"/api/v1/cases/{cid}")
            # a photo: upload (multipart), list, fetch
            png = b"\x89PNG\r\n\x1a\n" + bytes(range(256))
            form = (b"--gg\r\nContent-Disposition: form-data; name=\"phase\"\r\n\r\nbefore\r\n"
                    b"--gg\r\nContent-Disposition: form-data; name=\"file\"; filename=\"\xe7\x8e\xb0\xe5\x9c\xba.png\"\r\n"
                    b"Content-Type: application/octet-stream\r\n\r\n" + png + b"\r\n--gg--\r\n")
            st, att = res.request("POST", f"/api/v1/cases/{cid}/attachments", raw=form,
                                  headers={"Content-Type": "multipart/form-data; boundary=gg"})
            self.assertEqual(st, 201, att)
            op = self.doc["paths"]["/api/v1/cases/{id}/attachments"]["post"]
            self.assertEqual(validate(self.res, self.res.ref(op["responses"]["201"])["content"]["application/json"]["schema"], att), [])
            self.assertEqual((att["mime"], att["phase"], att["name"], att["size"]), ("image/png", "before", "现场.png", len(png)))
            photos = self.check(grid, "GET", "/api/v1/cases/{id}/attachments", f"/api/v1/cases/{cid}/attachments")
            self.assertEqual([a["id"] for a in photos["items"]], [att["id"]])
            st, _ = grid.get(f"/api/v1/cases/{cid}/attachments/{att['id']}")
            self.assertEqual(st, 200)
            served = self.doc["paths"]["/api/v1/cases/{id}/attachments/{att_id}"]["get"]["responses"]["200"]
            self.assertIn(grid.last_headers["content-type"], served["content"])
            self.check(grid, "GET", "/api/v1/cases/{id}/attachments/{att_id}",
                       f"/api/v1/cases/{cid}/attachments/999999999", 404)
            flow = self.check(res, "GET", "/api/v1/cases/{id}/flow", f"/api/v1/cases/{cid}/flow")
            self.assertEqual([f["action"] for f in flow["items"]], ["open", "accept"])
            mine = self.check(res, "GET", "/api/v1/cases", "/api/v1/cases?mine=reported&limit=1")
            self.assertIsNotNone(mine["next_cursor"])
            self.check(res, "GET", "/api/v1/cases", f"/api/v1/cases?limit=1&cursor={mine['next_cursor']}")
            self.check(res, "GET", "/api/v1/cases", "/api/v1/cases?nearby=true")
            page = self.check(self.admin, "GET", "/api/v1/cases",
                              f"/api/v1/cases?place_id={place}&kind=event&state=accepted&open=true&q={quote('垃圾')}")
            self.assertEqual([c["id"] for c in page["items"]], [cid])
            self.check(self.admin, "GET", "/api/v1/cases", "/api/v1/cases?kind=event&state=nope", 400)
            self.check(self.admin, "GET", "/api/v1/cases/{id}", "/api/v1/cases/999999999", 404)
            metrics = self.check(self.admin, "GET", "/api/v1/case-metrics",
                                 f"/api/v1/case-metrics?place_id={place}&from=2000-01-01&to=2009-12-31")
            self.assertEqual(metrics["counts"]["reported"], 0)
            self.assertIsNone(metrics["rates"]["response_rate"])
            metrics = self.check(grid, "GET", "/api/v1/case-metrics",
                                 f"/api/v1/case-metrics?place_id={place}&from=2020-01-01&to=2029-12-31"
                                 "&kind=event&weights=40,30,30")
            self.assertGreaterEqual(metrics["counts"]["reported"], 2)
            self.check(grid, "GET", "/api/v1/case-metrics",
                       f"/api/v1/case-metrics?place_id={place}&from=2020-01-01&to=2029-12-31&weights=50,50,1", 400)
            self.check(res, "GET", "/api/v1/calendar", "/api/v1/calendar")
            cal = self.check(self.admin, "PUT", "/api/v1/calendar/{day}", "/api/v1/calendar/2099-01-05", 200,
                             {"kind": "off"})
            self.assertIn({"day": "2099-01-05", "kind": "off"}, cal["edits"])
            cal = self.check(self.admin, "PUT", "/api/v1/calendar/{day}", "/api/v1/calendar/2099-01-05", 200,
                             {"kind": "normal"})
            self.assertNotIn("2099-01-05", [e["day"] for e in cal["edits"]])
            self.check(self.admin, "POST", "/api/v1/categories", "/api/v1/categories", 201,
                       {"kind": "dispute", "code": "openapi_live", "name": "接口测试纠纷", "limit_amount": 10,
                        "limit_unit": "work_days", "stage_amount": 3, "stage_unit": "natural_days"})
            self.check(self.admin, "POST", "/api/v1/categories", "/api/v1/categories", 409,
                       {"kind": "dispute", "code": "openapi_live", "name": "接口测试纠纷", "limit_amount": 10,
                        "limit_unit": "work_days", "stage_amount": 3, "stage_unit": "natural_days"})
        finally:
            res.close()
            grid.close()

    def test_errors(self):
        self.check(self.admin, "GET", "/api/v1/places/{id}", "/api/v1/places/999999999", 404)
        self.check(self.admin, "GET", "/api/v1/places", "/api/v1/places?limit=0", 400)
        anon = self.srv.anon()
        try:
            self.check(anon, "GET", "/api/v1/session", "/api/v1/session", 401)
        finally:
            anon.close()


if __name__ == "__main__":
    unittest.main()
