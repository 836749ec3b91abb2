/*
 * test_place.c — unit tests for the place-tree rules in src/domain/place.c:
 * kinds and edges, subtypes and dedicated kinds, hierarchical codes at every
 * range edge, whole-place validation, move checks, recoding and path
 * containment. Pure functions, so no fixtures.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <string.h>

#include "domain/place.h"

/* ---- helpers ------------------------------------------------------------ */

static void code_ok_at(int kind, const char *subtype, const char *parent, const char *code,
                       int line)
{
    gg_error e = {0};
    int rc = gg_place_code_check(kind, subtype, parent, code, &e);
    if (rc != GG_OK)
        print_error("line %d: code %s refused: %s\n", line, code ? code : "(null)", e.message);
    assert_int_equal(rc, GG_OK);
}

/* Refused with field "code" / "invalid_code" / 422, reason containing want. */
static void code_bad_at(int kind, const char *subtype, const char *parent, const char *code,
                        const char *want, int line)
{
    gg_error e = {0};
    int rc = gg_place_code_check(kind, subtype, parent, code, &e);
    if (rc != GG_EINVAL || strstr(e.message, want) == NULL)
        print_error("line %d: code %s: rc %d, message \"%s\", wanted \"%s\"\n", line,
                    code ? code : "(null)", rc, e.message, want);
    assert_int_equal(rc, GG_EINVAL);
    assert_int_equal(e.status, 422);
    assert_string_equal(e.code, "invalid_code");
    assert_string_equal(e.field, "code");
    assert_non_null(strstr(e.message, want));
}

#define CODE_OK(k, st, p, c) code_ok_at((k), (st), (p), (c), __LINE__)
#define CODE_BAD(k, st, p, c, want) code_bad_at((k), (st), (p), (c), (want), __LINE__)

static int validate(int kind, const char *subtype, const char *dk, const char *name,
                    const char *code, int parent_kind, const char *parent_code, gg_error *e)
{
    gg_place_spec s = {kind, subtype, dk, name, code};
    memset(e, 0, sizeof *e);
    return gg_place_validate(&s, parent_kind, parent_code, e);
}

static void expect_err(int rc, const gg_error *e, int want_rc, int status, const char *code,
                       const char *field, const char *msg_part)
{
    if (rc != want_rc || (msg_part != NULL && strstr(e->message, msg_part) == NULL))
        print_error("rc %d, message \"%s\", wanted \"%s\"\n", rc, e->message,
                    msg_part ? msg_part : "");
    assert_int_equal(rc, want_rc);
    assert_int_equal(e->status, status);
    assert_string_equal(e->code, code);
    assert_string_equal(e->field, field);
    if (msg_part != NULL)
        assert_non_null(strstr(e->message, msg_part));
}

/* A string of n copies of the 3-byte character 网 (U+7F51). */
static void repeat_wang(char *buf, size_t cap, int n)
{
    size_t at = 0;
    for (int i = 0; i < n; i++) {
        assert_true(at + 4 <= cap);
        memcpy(buf + at, "\xe7\xbd\x91", 3);
        at += 3;
    }
    buf[at] = '\0';
}

/* ---- kinds, subtypes, edges --------------------------------------------- */

static void test_kind_names(void **state)
{
    static const char *names[] = {"district", "street",   "community", "grid",
                                  "compound", "building", "unit"};
    for (int k = GG_PK_DISTRICT; k < GG_PK__COUNT; k++) {
        assert_string_equal(gg_place_kind_name(k), names[k - 1]);
        assert_int_equal(gg_place_kind_parse(names[k - 1]), k);
    }
    assert_null(gg_place_kind_name(GG_PK_NONE));
    assert_null(gg_place_kind_name(GG_PK__COUNT));
    assert_null(gg_place_kind_name(-1));
    assert_int_equal(gg_place_kind_parse(NULL), GG_PK_NONE);
    assert_int_equal(gg_place_kind_parse(""), GG_PK_NONE);
    assert_int_equal(gg_place_kind_parse("room"), GG_PK_NONE);
    assert_int_equal(gg_place_kind_parse("Grid"), GG_PK_NONE);
    assert_int_equal(gg_place_kind_parse("grid "), GG_PK_NONE);
}

static void test_subtypes(void **state)
{
    assert_string_equal(gg_place_default_subtype(GG_PK_STREET), "street");
    assert_string_equal(gg_place_default_subtype(GG_PK_COMMUNITY), "community");
    assert_string_equal(gg_place_default_subtype(GG_PK_GRID), "basic");
    assert_null(gg_place_default_subtype(GG_PK_DISTRICT));
    assert_null(gg_place_default_subtype(GG_PK_COMPOUND));
    assert_null(gg_place_default_subtype(GG_PK_BUILDING));
    assert_null(gg_place_default_subtype(GG_PK_UNIT));
    assert_null(gg_place_default_subtype(GG_PK_NONE));

    assert_true(gg_place_subtype_valid(GG_PK_STREET, "street"));
    assert_true(gg_place_subtype_valid(GG_PK_STREET, "town"));
    assert_true(gg_place_subtype_valid(GG_PK_STREET, "township"));
    assert_true(gg_place_subtype_valid(GG_PK_COMMUNITY, "community"));
    assert_true(gg_place_subtype_valid(GG_PK_COMMUNITY, "village"));
    assert_true(gg_place_subtype_valid(GG_PK_GRID, "basic"));
    assert_true(gg_place_subtype_valid(GG_PK_GRID, "dedicated"));
    for (int k = GG_PK_DISTRICT; k < GG_PK__COUNT; k++)
        assert_true(gg_place_subtype_valid(k, NULL)); /* NULL: the default */

    assert_false(gg_place_subtype_valid(GG_PK_STREET, "village"));
    assert_false(gg_place_subtype_valid(GG_PK_COMMUNITY, "town"));
    assert_false(gg_place_subtype_valid(GG_PK_GRID, "micro"));
    assert_false(gg_place_subtype_valid(GG_PK_GRID, ""));
    assert_false(gg_place_subtype_valid(GG_PK_COMPOUND, "compound"));
    assert_false(gg_place_subtype_valid(GG_PK_UNIT, "basic"));
    assert_false(gg_place_subtype_valid(GG_PK_DISTRICT, "street"));
    assert_false(gg_place_subtype_valid(GG_PK_NONE, NULL));
    assert_false(gg_place_subtype_valid(99, NULL));
}

static void test_dedicated_kinds(void **state)
{
    static const char *ok[] = {"school", "hospital", "enterprise", "park",
                               "market", "government", "business_building", "other"};
    for (size_t i = 0; i < GG_ARRAY_LEN(ok); i++)
        assert_true(gg_place_dedicated_kind_valid(ok[i]));
    assert_false(gg_place_dedicated_kind_valid(NULL));
    assert_false(gg_place_dedicated_kind_valid(""));
    assert_false(gg_place_dedicated_kind_valid("School"));
    assert_false(gg_place_dedicated_kind_valid("mall"));
    assert_false(gg_place_dedicated_kind_valid("business building"));
}

static void test_child_allowed_matrix(void **state)
{
    static const int allowed[][2] = {
        {GG_PK_NONE, GG_PK_DISTRICT},    {GG_PK_DISTRICT, GG_PK_STREET},
        {GG_PK_STREET, GG_PK_COMMUNITY}, {GG_PK_COMMUNITY, GG_PK_GRID},
        {GG_PK_GRID, GG_PK_COMPOUND},    {GG_PK_GRID, GG_PK_BUILDING},
        {GG_PK_COMPOUND, GG_PK_BUILDING}, {GG_PK_BUILDING, GG_PK_UNIT},
    };
    /* Every pair in the full matrix: allowed exactly when listed above. */
    for (int p = GG_PK_NONE; p < GG_PK__COUNT; p++) {
        for (int c = GG_PK_NONE; c < GG_PK__COUNT; c++) {
            bool want = false;
            for (size_t i = 0; i < GG_ARRAY_LEN(allowed); i++)
                if (allowed[i][0] == p && allowed[i][1] == c)
                    want = true;
            if (gg_place_child_allowed(p, c) != want)
                print_error("parent %d child %d\n", p, c);
            assert_int_equal(gg_place_child_allowed(p, c), want);
        }
    }
    assert_false(gg_place_child_allowed(99, GG_PK_STREET));
    assert_false(gg_place_child_allowed(GG_PK_DISTRICT, 99));
}

static void test_seq_range(void **state)
{
    static const struct {
        int kind;
        const char *subtype;
        int digits, lo, hi;
    } rows[] = {
        {GG_PK_STREET, NULL, 3, 1, 99},          {GG_PK_STREET, "street", 3, 1, 99},
        {GG_PK_STREET, "town", 3, 100, 199},     {GG_PK_STREET, "township", 3, 200, 399},
        {GG_PK_COMMUNITY, NULL, 3, 1, 199},      {GG_PK_COMMUNITY, "village", 3, 200, 399},
        {GG_PK_GRID, NULL, 3, 1, 999},           {GG_PK_GRID, "dedicated", 3, 1, 999},
        {GG_PK_COMPOUND, NULL, 3, 1, 999},       {GG_PK_BUILDING, NULL, 3, 1, 999},
        {GG_PK_UNIT, NULL, 2, 1, 99},
    };
    for (size_t i = 0; i < GG_ARRAY_LEN(rows); i++) {
        int d = -1, lo = -1, hi = -1;
        assert_int_equal(gg_place_seq_range(rows[i].kind, rows[i].subtype, &d, &lo, &hi), GG_OK);
        assert_int_equal(d, rows[i].digits);
        assert_int_equal(lo, rows[i].lo);
        assert_int_equal(hi, rows[i].hi);
    }
    int d = 0, lo = 0, hi = 0;
    assert_int_equal(gg_place_seq_range(GG_PK_DISTRICT, NULL, &d, &lo, &hi), GG_EINVAL);
    assert_int_equal(gg_place_seq_range(GG_PK_NONE, NULL, &d, &lo, &hi), GG_EINVAL);
    assert_int_equal(gg_place_seq_range(GG_PK_STREET, "village", &d, &lo, &hi), GG_EINVAL);
    assert_int_equal(gg_place_seq_range(GG_PK_UNIT, "basic", &d, &lo, &hi), GG_EINVAL);
}

/* ---- codes -------------------------------------------------------------- */

static void test_district_codes(void **state)
{
    CODE_OK(GG_PK_DISTRICT, NULL, NULL, "630105");
    CODE_OK(GG_PK_DISTRICT, NULL, NULL, "110101");
    CODE_OK(GG_PK_DISTRICT, NULL, NULL, "469023"); /* Chengmai county, Hainan */

    CODE_BAD(GG_PK_DISTRICT, NULL, NULL, "990101", "99 is not one");
    CODE_BAD(GG_PK_DISTRICT, NULL, NULL, "100101", "province code");
    CODE_BAD(GG_PK_DISTRICT, NULL, NULL, "630100", "must not end in 00");
    CODE_BAD(GG_PK_DISTRICT, NULL, NULL, "630005", "digits 3-4");
    CODE_BAD(GG_PK_DISTRICT, NULL, NULL, "630000", "digits 3-4");
    CODE_BAD(GG_PK_DISTRICT, NULL, NULL, "63010", "exactly 6 digits");
    CODE_BAD(GG_PK_DISTRICT, NULL, NULL, "6301055", "exactly 6 digits");
    CODE_BAD(GG_PK_DISTRICT, NULL, NULL, "63a105", "exactly 6 digits");
    CODE_BAD(GG_PK_DISTRICT, NULL, NULL, " 63010", "exactly 6 digits");
    CODE_BAD(GG_PK_DISTRICT, NULL, NULL, "", "needs a code");
    CODE_BAD(GG_PK_DISTRICT, NULL, NULL, NULL, "needs a code");
}

static void test_street_codes(void **state)
{
    const char *d = "630105";
    CODE_OK(GG_PK_STREET, NULL, d, "630105001");
    CODE_OK(GG_PK_STREET, "street", d, "630105001");
    CODE_OK(GG_PK_STREET, "street", d, "630105099");
    CODE_BAD(GG_PK_STREET, "street", d, "630105000", "a street's code must end in 001-099");
    CODE_BAD(GG_PK_STREET, "street", d, "630105100", "a street's code must end in 001-099");

    CODE_OK(GG_PK_STREET, "town", d, "630105100");
    CODE_OK(GG_PK_STREET, "town", d, "630105199");
    CODE_BAD(GG_PK_STREET, "town", d, "630105050", "a town's code must end in 100-199");
    CODE_BAD(GG_PK_STREET, "town", d, "630105099", "a town's code must end in 100-199");
    CODE_BAD(GG_PK_STREET, "town", d, "630105200", "a town's code must end in 100-199");

    CODE_OK(GG_PK_STREET, "township", d, "630105200");
    CODE_OK(GG_PK_STREET, "township", d, "630105399");
    CODE_BAD(GG_PK_STREET, "township", d, "630105199", "a township's code must end in 200-399");
    CODE_BAD(GG_PK_STREET, "township", d, "630105400", "a township's code must end in 200-399");
    CODE_BAD(GG_PK_STREET, "township", d, "630105000", "200-399");
}

static void test_community_codes(void **state)
{
    const char *s = "630105001";
    CODE_OK(GG_PK_COMMUNITY, NULL, s, "630105001001");
    CODE_OK(GG_PK_COMMUNITY, "community", s, "630105001199");
    CODE_BAD(GG_PK_COMMUNITY, "community", s, "630105001000", "a community's code must end in 001-199");
    CODE_BAD(GG_PK_COMMUNITY, "community", s, "630105001200", "001-199");

    CODE_OK(GG_PK_COMMUNITY, "village", s, "630105001200");
    CODE_OK(GG_PK_COMMUNITY, "village", s, "630105001399");
    CODE_BAD(GG_PK_COMMUNITY, "village", s, "630105001199", "a village's code must end in 200-399");
    CODE_BAD(GG_PK_COMMUNITY, "village", s, "630105001400", "200-399");
}

static void test_grid_and_below_codes(void **state)
{
    const char *c = "630105001001";
    CODE_BAD(GG_PK_GRID, NULL, c, "630105001001000", "a grid's code must end in 001-999");
    CODE_OK(GG_PK_GRID, NULL, c, "630105001001001");
    CODE_OK(GG_PK_GRID, "basic", c, "630105001001999");
    CODE_OK(GG_PK_GRID, "dedicated", c, "630105001001500");
    CODE_BAD(GG_PK_GRID, "dedicated", c, "630105001001000", "001-999");

    const char *g = "630105001001001";
    CODE_OK(GG_PK_COMPOUND, NULL, g, "630105001001001001");
    CODE_OK(GG_PK_COMPOUND, NULL, g, "630105001001001999");
    CODE_BAD(GG_PK_COMPOUND, NULL, g, "630105001001001000", "a compound's code must end in 001-999");

    CODE_OK(GG_PK_BUILDING, NULL, g, "630105001001001001");             /* under a grid */
    CODE_OK(GG_PK_BUILDING, NULL, "630105001001001001", "630105001001001001999"); /* compound */
    CODE_BAD(GG_PK_BUILDING, NULL, g, "630105001001001000", "a building's code must end in 001-999");

    const char *b = "630105001001001001001";
    CODE_OK(GG_PK_UNIT, NULL, b, "63010500100100100100101");
    CODE_OK(GG_PK_UNIT, NULL, b, "63010500100100100100199");
    CODE_BAD(GG_PK_UNIT, NULL, b, "63010500100100100100100", "a unit's code must end in 01-99");
    CODE_BAD(GG_PK_UNIT, NULL, b, "630105001001001001001001", "at most 23 digits");
    CODE_BAD(GG_PK_UNIT, NULL, b, "6301050010010010010011", "exactly 2 digits");
}

static void test_code_shape_errors(void **state)
{
    const char *d = "630105";
    CODE_BAD(GG_PK_STREET, NULL, d, "630106001", "must start with the parent's code 630105");
    CODE_BAD(GG_PK_STREET, NULL, d, "63010", "must start with the parent's code 630105");
    CODE_BAD(GG_PK_COMMUNITY, NULL, "630105001", "630105002001",
             "must start with the parent's code 630105001");
    CODE_BAD(GG_PK_STREET, NULL, d, "63010501", "followed by exactly 3 digits");
    CODE_BAD(GG_PK_STREET, NULL, d, "6301050011", "followed by exactly 3 digits");
    CODE_BAD(GG_PK_STREET, NULL, d, "630105", "followed by exactly 3 digits");
    CODE_BAD(GG_PK_STREET, NULL, d, "6301050a1", "only digits");
    CODE_BAD(GG_PK_STREET, NULL, d, "630105-01", "only digits");
    CODE_BAD(GG_PK_STREET, NULL, d, "", "needs a code");
    CODE_BAD(GG_PK_STREET, NULL, d, NULL, "needs a code");
    CODE_BAD(GG_PK_STREET, NULL, d, "630105001001001001001001001001", "at most 23 digits");
    CODE_BAD(GG_PK_STREET, NULL, NULL, "630105001", "without its parent's code");
    CODE_BAD(GG_PK_STREET, NULL, "", "630105001", "parent's code is not a valid place code");
    CODE_BAD(GG_PK_STREET, NULL, "63x105", "63x105001", "parent's code is not a valid place code");
    /* A parent so long no child code could fit. */
    CODE_BAD(GG_PK_UNIT, NULL, "630105001001001001001001", "63010500100100100100100101",
             "parent's code is not a valid place code");

    gg_error e = {0};
    assert_int_equal(gg_place_code_check(GG_PK_NONE, NULL, d, "630105001", &e), GG_EINVAL);
    assert_string_equal(e.field, "kind");
    assert_string_equal(e.code, "invalid_kind");
    memset(&e, 0, sizeof e);
    assert_int_equal(gg_place_code_check(GG_PK_STREET, "village", d, "630105001", &e), GG_EINVAL);
    assert_string_equal(e.field, "subtype");
    assert_string_equal(e.code, "invalid_subtype");
    /* e may be NULL: the status still comes back. */
    assert_int_equal(gg_place_code_check(GG_PK_STREET, NULL, d, "630105000", NULL), GG_EINVAL);
}

static void test_compose(void **state)
{
    char out[GG_PLACE_CODE_MAX];
    gg_error e = {0};

    assert_int_equal(gg_place_code_compose(GG_PK_STREET, NULL, "630105", 1, out, sizeof out), GG_OK);
    assert_string_equal(out, "630105001");
    assert_int_equal(gg_place_code_compose(GG_PK_STREET, "town", "630105", 150, out, sizeof out),
                     GG_OK);
    assert_string_equal(out, "630105150");
    assert_int_equal(gg_place_code_check(GG_PK_STREET, "town", "630105", out, &e), GG_OK);
    assert_int_equal(gg_place_code_compose(GG_PK_UNIT, NULL, "630105001001001001001", 7, out,
                                           sizeof out), GG_OK);
    assert_string_equal(out, "63010500100100100100107");
    assert_int_equal(gg_place_code_check(GG_PK_UNIT, NULL, "630105001001001001001", out, &e),
                     GG_OK);

    /* Out of range for the subtype. */
    assert_int_equal(gg_place_code_compose(GG_PK_STREET, "town", "630105", 99, out, sizeof out),
                     GG_EINVAL);
    assert_string_equal(out, "");
    assert_int_equal(gg_place_code_compose(GG_PK_STREET, "township", "630105", 400, out,
                                           sizeof out), GG_EINVAL);
    assert_int_equal(gg_place_code_compose(GG_PK_GRID, NULL, "630105001001", 0, out, sizeof out),
                     GG_EINVAL);
    assert_int_equal(gg_place_code_compose(GG_PK_UNIT, NULL, "630105001001001001001", 100, out,
                                           sizeof out), GG_EINVAL);
    assert_int_equal(gg_place_code_compose(GG_PK_GRID, NULL, "630105001001", -1, out, sizeof out),
                     GG_EINVAL);

    /* Capacity: exactly enough, one short, none. */
    char small[10];
    assert_int_equal(gg_place_code_compose(GG_PK_STREET, NULL, "630105", 9, small, 10), GG_OK);
    assert_string_equal(small, "630105009");
    memset(small, 'x', sizeof small);
    assert_int_equal(gg_place_code_compose(GG_PK_STREET, NULL, "630105", 9, small, 9), GG_EINVAL);
    assert_int_equal(small[0], '\0');
    assert_int_equal(small[9], 'x');
    assert_int_equal(gg_place_code_compose(GG_PK_STREET, NULL, "630105", 9, small, 0), GG_EINVAL);
    assert_int_equal(small[0], '\0');

    /* Bad kinds and parents. */
    assert_int_equal(gg_place_code_compose(GG_PK_DISTRICT, NULL, "", 630105, out, sizeof out),
                     GG_EINVAL);
    assert_int_equal(gg_place_code_compose(GG_PK_STREET, "village", "630105", 1, out, sizeof out),
                     GG_EINVAL);
    assert_int_equal(gg_place_code_compose(GG_PK_STREET, NULL, NULL, 1, out, sizeof out),
                     GG_EINVAL);
    assert_int_equal(gg_place_code_compose(GG_PK_STREET, NULL, "6301a5", 1, out, sizeof out),
                     GG_EINVAL);
    assert_int_equal(gg_place_code_compose(GG_PK_UNIT, NULL, "630105001001001001001001", 1, out,
                                           sizeof out), GG_EINVAL);
}

/* ---- whole places ------------------------------------------------------- */

static void test_validate_each_kind(void **state)
{
    gg_error e;
    assert_int_equal(validate(GG_PK_DISTRICT, NULL, NULL, "城东区", "630102", GG_PK_NONE, NULL, &e),
                     GG_OK);
    assert_int_equal(validate(GG_PK_STREET, "town", NULL, "八一路镇", "630105100", GG_PK_DISTRICT,
                              "630105", &e), GG_OK);
    assert_int_equal(validate(GG_PK_COMMUNITY, "village", NULL, "新村", "630105001200",
                              GG_PK_STREET, "630105001", &e), GG_OK);
    assert_int_equal(validate(GG_PK_GRID, NULL, NULL, "第一网格", "630105001001001",
                              GG_PK_COMMUNITY, "630105001001", &e), GG_OK);
    assert_int_equal(validate(GG_PK_GRID, "dedicated", "school", "西宁一中网格", "630105001001002",
                              GG_PK_COMMUNITY, "630105001001", &e), GG_OK);
    assert_int_equal(validate(GG_PK_COMPOUND, NULL, NULL, "幸福小区", "630105001001001001",
                              GG_PK_GRID, "630105001001001", &e), GG_OK);
    assert_int_equal(validate(GG_PK_BUILDING, NULL, NULL, "1号楼", "630105001001001002",
                              GG_PK_GRID, "630105001001001", &e), GG_OK);
    assert_int_equal(validate(GG_PK_BUILDING, NULL, NULL, "2号楼", "630105001001001001002",
                              GG_PK_COMPOUND, "630105001001001001", &e), GG_OK);
    assert_int_equal(validate(GG_PK_UNIT, NULL, NULL, "1单元", "63010500100100100100201",
                              GG_PK_BUILDING, "630105001001001001002", &e), GG_OK);
    /* No code yet: the caller allocates it later. */
    assert_int_equal(validate(GG_PK_STREET, NULL, NULL, "东关街道", NULL, GG_PK_DISTRICT, "630105",
                              &e), GG_OK);
    assert_int_equal(validate(GG_PK_DISTRICT, NULL, NULL, "城中区", NULL, GG_PK_NONE, NULL, &e),
                     GG_OK);
}

static void test_validate_kind_and_parent(void **state)
{
    gg_error e;
    int rc = validate(GG_PK_NONE, NULL, NULL, "x", NULL, GG_PK_NONE, NULL, &e);
    expect_err(rc, &e, GG_EINVAL, 422, "invalid_kind", "kind", "kind must be one of");
    rc = validate(42, NULL, NULL, "x", NULL, GG_PK_DISTRICT, "630105", &e);
    expect_err(rc, &e, GG_EINVAL, 422, "invalid_kind", "kind", NULL);

    static const struct {
        int parent, child;
        const char *msg;
    } refused[] = {
        {GG_PK_STREET, GG_PK_GRID, "a grid cannot be placed under a street"},
        {GG_PK_NONE, GG_PK_STREET, "a street cannot be placed at the top level"},
        {GG_PK_DISTRICT, GG_PK_DISTRICT, "a district cannot be placed under a district"},
        {GG_PK_STREET, GG_PK_DISTRICT, "a district cannot be placed under a street"},
        {GG_PK_DISTRICT, GG_PK_COMMUNITY, "a community cannot be placed under a district"},
        {GG_PK_COMMUNITY, GG_PK_COMPOUND, "a compound cannot be placed under a community"},
        {GG_PK_COMMUNITY, GG_PK_BUILDING, "a building cannot be placed under a community"},
        {GG_PK_BUILDING, GG_PK_COMPOUND, "a compound cannot be placed under a building"},
        {GG_PK_COMPOUND, GG_PK_UNIT, "a unit cannot be placed under a compound"},
        {GG_PK_GRID, GG_PK_GRID, "a grid cannot be placed under a grid"},
        {GG_PK_UNIT, GG_PK_UNIT, "a unit cannot be placed under a unit"},
        {GG_PK_NONE, GG_PK_UNIT, "a unit cannot be placed at the top level"},
        {77, GG_PK_STREET, "not a known kind"},
    };
    for (size_t i = 0; i < GG_ARRAY_LEN(refused); i++) {
        rc = validate(refused[i].child, NULL, NULL, "名", NULL, refused[i].parent, "630105", &e);
        expect_err(rc, &e, GG_EINVAL, 422, "invalid_parent", "parent_id", refused[i].msg);
    }
}

static void test_validate_subtype_and_dedicated(void **state)
{
    gg_error e;
    const char *c = "630105001001";
    int rc = validate(GG_PK_STREET, "village", NULL, "名", NULL, GG_PK_DISTRICT, "630105", &e);
    expect_err(rc, &e, GG_EINVAL, 422, "invalid_subtype", "subtype", "default is street");
    rc = validate(GG_PK_COMPOUND, "basic", NULL, "名", NULL, GG_PK_GRID, "630105001001001", &e);
    expect_err(rc, &e, GG_EINVAL, 422, "invalid_subtype", "subtype", "takes no subtype");
    rc = validate(GG_PK_GRID, "", NULL, "名", NULL, GG_PK_COMMUNITY, c, &e);
    expect_err(rc, &e, GG_EINVAL, 422, "invalid_subtype", "subtype", NULL);

    /* Dedicated grid: kind required and checked. */
    rc = validate(GG_PK_GRID, "dedicated", NULL, "名", NULL, GG_PK_COMMUNITY, c, &e);
    expect_err(rc, &e, GG_EINVAL, 422, "invalid_dedicated_kind", "dedicated_kind",
               "must name what it covers");
    rc = validate(GG_PK_GRID, "dedicated", "mall", "名", NULL, GG_PK_COMMUNITY, c, &e);
    expect_err(rc, &e, GG_EINVAL, 422, "invalid_dedicated_kind", "dedicated_kind", "school");
    rc = validate(GG_PK_GRID, "dedicated", "", "名", NULL, GG_PK_COMMUNITY, c, &e);
    expect_err(rc, &e, GG_EINVAL, 422, "invalid_dedicated_kind", "dedicated_kind", NULL);
    assert_int_equal(validate(GG_PK_GRID, "dedicated", "business_building", "名", NULL,
                              GG_PK_COMMUNITY, c, &e), GG_OK);

    /* Everyone else: refused. */
    rc = validate(GG_PK_GRID, "basic", "school", "名", NULL, GG_PK_COMMUNITY, c, &e);
    expect_err(rc, &e, GG_EINVAL, 422, "invalid_dedicated_kind", "dedicated_kind",
               "only a dedicated grid");
    rc = validate(GG_PK_GRID, NULL, "school", "名", NULL, GG_PK_COMMUNITY, c, &e);
    expect_err(rc, &e, GG_EINVAL, 422, "invalid_dedicated_kind", "dedicated_kind", NULL);
    rc = validate(GG_PK_STREET, NULL, "hospital", "名", NULL, GG_PK_DISTRICT, "630105", &e);
    expect_err(rc, &e, GG_EINVAL, 422, "invalid_dedicated_kind", "dedicated_kind", NULL);
    rc = validate(GG_PK_COMPOUND, NULL, "park", "名", NULL, GG_PK_GRID, "630105001001001", &e);
    expect_err(rc, &e, GG_EINVAL, 422, "invalid_dedicated_kind", "dedicated_kind", NULL);
}

static void test_validate_names(void **state)
{
    gg_error e;
    char name[300];
    const char *d = "630105";

    repeat_wang(name, sizeof name, 64);
    assert_int_equal(strlen(name), 192);
    assert_int_equal(validate(GG_PK_STREET, NULL, NULL, name, NULL, GG_PK_DISTRICT, d, &e), GG_OK);
    repeat_wang(name, sizeof name, 65);
    int rc = validate(GG_PK_STREET, NULL, NULL, name, NULL, GG_PK_DISTRICT, d, &e);
    expect_err(rc, &e, GG_EINVAL, 422, "invalid_name", "name", "at most 64 characters");

    memset(name, 'a', 64);
    name[64] = '\0';
    assert_int_equal(validate(GG_PK_STREET, NULL, NULL, name, NULL, GG_PK_DISTRICT, d, &e), GG_OK);
    name[64] = 'a';
    name[65] = '\0';
    rc = validate(GG_PK_STREET, NULL, NULL, name, NULL, GG_PK_DISTRICT, d, &e);
    expect_err(rc, &e, GG_EINVAL, 422, "invalid_name", "name", "at most 64");

    static const char *good[] = {
        "东",                         /* one code point */
        "城中区 Chengzhong",          /* mixed scripts, inner space */
        "\xf0\x9f\x8f\xa0 家园",      /* 4-byte code point (U+1F3E0) */
        "Ünterstraße",                /* 2-byte code points */
    };
    for (size_t i = 0; i < GG_ARRAY_LEN(good); i++)
        assert_int_equal(validate(GG_PK_STREET, NULL, NULL, good[i], NULL, GG_PK_DISTRICT, d, &e),
                         GG_OK);

    static const struct {
        const char *name;
        const char *msg;
    } bad[] = {
        {"", "must not be empty"},
        {"   ", "must not be empty"},
        {"东关\n街道", "control characters"},
        {"\t东关", "control characters"},
        {"a\x7f", "control characters"},
        {"a\xc2\x85", "control characters"},          /* U+0085 NEL */
        {"\x80", "not valid UTF-8"},                  /* lone continuation */
        {"a\xc0\x80", "not valid UTF-8"},             /* overlong NUL */
        {"\xe0\x80\xaf", "not valid UTF-8"},          /* overlong '/' */
        {"\xe4\xb8", "not valid UTF-8"},              /* truncated */
        {"\xed\xa0\x80", "not valid UTF-8"},          /* surrogate */
        {"\xf4\x90\x80\x80", "not valid UTF-8"},      /* above U+10FFFF */
        {"\xf5\x80\x80\x80", "not valid UTF-8"},
        {"\xff", "not valid UTF-8"},
    };
    for (size_t i = 0; i < GG_ARRAY_LEN(bad); i++) {
        rc = validate(GG_PK_STREET, NULL, NULL, bad[i].name, NULL, GG_PK_DISTRICT, d, &e);
        expect_err(rc, &e, GG_EINVAL, 422, "invalid_name", "name", bad[i].msg);
    }
    rc = validate(GG_PK_STREET, NULL, NULL, NULL, NULL, GG_PK_DISTRICT, d, &e);
    expect_err(rc, &e, GG_EINVAL, 422, "invalid_name", "name", "must not be empty");
}

static void test_validate_code(void **state)
{
    gg_error e;
    int rc = validate(GG_PK_STREET, "town", NULL, "镇", "630105050", GG_PK_DISTRICT, "630105", &e);
    expect_err(rc, &e, GG_EINVAL, 422, "invalid_code", "code", "a town's code must end in 100-199");
    rc = validate(GG_PK_DISTRICT, NULL, NULL, "区", "630100", GG_PK_NONE, NULL, &e);
    expect_err(rc, &e, GG_EINVAL, 422, "invalid_code", "code", "prefecture");
    rc = validate(GG_PK_GRID, NULL, NULL, "网格", "630105001002001", GG_PK_COMMUNITY,
                  "630105001001", &e);
    expect_err(rc, &e, GG_EINVAL, 422, "invalid_code", "code",
               "code must start with the parent's code 630105001001");
    rc = validate(GG_PK_STREET, NULL, NULL, "街道", "630105001", GG_PK_DISTRICT, NULL, &e);
    expect_err(rc, &e, GG_EINVAL, 422, "invalid_code", "code", NULL);
}

/* ---- moves, recode, paths ----------------------------------------------- */

static void test_move_check(void **state)
{
    gg_error e = {0};
    /* Tree: district 1 → street 5 → community 23 → grid 40 → compound 41;
     *       another street 6 → community 24 (inactive: 25) → grid 50. */
    gg_place_ref grid = {40, GG_PK_GRID, "/1/5/23/40/", "630105001001001", true, 23};
    gg_place_ref compound = {41, GG_PK_COMPOUND, "/1/5/23/40/41/", "630105001001001001", true, 40};
    gg_place_ref comm23 = {23, GG_PK_COMMUNITY, "/1/5/23/", "630105001001", true, 5};
    gg_place_ref comm24 = {24, GG_PK_COMMUNITY, "/1/6/24/", "630105002001", true, 6};
    gg_place_ref comm25 = {25, GG_PK_COMMUNITY, "/1/6/25/", "630105002002", false, 6};
    gg_place_ref street5 = {5, GG_PK_STREET, "/1/5/", "630105001", true, 1};
    gg_place_ref grid50 = {50, GG_PK_GRID, "/1/6/24/50/", "630105002001001", true, 24};
    gg_place_ref comm230 = {230, GG_PK_COMMUNITY, "/1/5/230/", "630105001002", true, 5};
    gg_place_ref district1 = {1, GG_PK_DISTRICT, "/1/", "630105", true, 0};

    assert_int_equal(gg_place_move_check(&grid, &comm24, &e), GG_OK);
    /* "/1/5/230/" is not inside "/1/5/23/": a sibling whose id shares digits. */
    assert_int_equal(gg_place_move_check(&grid, &comm230, &e), GG_OK);
    /* Building from compound straight under another grid. */
    gg_place_ref bld = {60, GG_PK_BUILDING, "/1/5/23/40/41/60/", "630105001001001001001", true, 41};
    assert_int_equal(gg_place_move_check(&bld, &grid50, &e), GG_OK);
    assert_int_equal(gg_place_move_check(&bld, &grid, &e), GG_OK);

    /* Same prefix trap from the other side: "/1/5/230/77/" is not under "/1/5/23/", so the
     * refusal is about kinds, not a cycle. */
    gg_place_ref grid77 = {77, GG_PK_GRID, "/1/5/230/77/", "630105001002001", true, 230};
    int rc = gg_place_move_check(&comm23, &grid77, &e);
    expect_err(rc, &e, GG_EINVAL, 422, "invalid_parent", "parent_id",
               "a community cannot be placed under a grid");

    rc = gg_place_move_check(&grid, &grid, &e);
    expect_err(rc, &e, GG_ECONFLICT, 409, "invalid_move", "parent_id", "under itself");
    rc = gg_place_move_check(&comm23, &grid, &e);
    expect_err(rc, &e, GG_ECONFLICT, 409, "invalid_move", "parent_id", "own descendants");
    rc = gg_place_move_check(&street5, &compound, &e);
    expect_err(rc, &e, GG_ECONFLICT, 409, "invalid_move", "parent_id", "own descendants");
    rc = gg_place_move_check(&grid, &comm23, &e);
    expect_err(rc, &e, GG_ECONFLICT, 409, "no_change", "parent_id", "already under this parent");
    rc = gg_place_move_check(&grid, &street5, &e);
    expect_err(rc, &e, GG_EINVAL, 422, "invalid_parent", "parent_id",
               "a grid cannot be placed under a street");
    rc = gg_place_move_check(&compound, &comm24, &e);
    expect_err(rc, &e, GG_EINVAL, 422, "invalid_parent", "parent_id",
               "a compound cannot be placed under a community");
    rc = gg_place_move_check(&grid, &comm25, &e);
    expect_err(rc, &e, GG_ECONFLICT, 409, "invalid_move", "parent_id", "inactive");
    rc = gg_place_move_check(&comm24, &district1, &e);
    expect_err(rc, &e, GG_EINVAL, 422, "invalid_parent", "parent_id",
               "a community cannot be placed under a district");

    /* To the top level: only a district belongs there, and it already does. */
    rc = gg_place_move_check(&grid, NULL, &e);
    expect_err(rc, &e, GG_EINVAL, 422, "invalid_parent", "parent_id", "top level");
    rc = gg_place_move_check(&district1, NULL, &e);
    expect_err(rc, &e, GG_ECONFLICT, 409, "no_change", "parent_id", NULL);

    /* Without paths the cycle check cannot run: refused, never waved through. */
    gg_place_ref nopath = {70, GG_PK_COMMUNITY, NULL, "630105002003", true, 6};
    rc = gg_place_move_check(&grid, &nopath, &e);
    expect_err(rc, &e, GG_EINVAL, 422, "invalid_move", "parent_id", "path is missing");
}

static void test_recode(void **state)
{
    char out[GG_PLACE_CODE_MAX];

    assert_int_equal(gg_place_recode("630105001001001", "630105001001", "630105002003", out,
                                     sizeof out), GG_OK);
    assert_string_equal(out, "630105002003001");
    assert_int_equal(gg_place_recode("630105001001", "630105001001", "630105002003", out,
                                     sizeof out), GG_OK);
    assert_string_equal(out, "630105002003"); /* the moved node itself */
    /* Different prefix lengths (a building moving from a compound to a grid). */
    assert_int_equal(gg_place_recode("63010500100100100100101", "630105001001001001001",
                                     "630105001001002004", out, sizeof out), GG_OK);
    assert_string_equal(out, "63010500100100200401");

    assert_int_equal(gg_place_recode("630105002001", "630105001", "630105003", out, sizeof out),
                     GG_EINVAL);
    assert_string_equal(out, "");
    assert_int_equal(gg_place_recode("6301", "630105", "630106", out, sizeof out), GG_EINVAL);

    /* Capacity: exact fit, one short. */
    char small[13];
    assert_int_equal(gg_place_recode("630105001001", "630105001", "630105002", small, 13), GG_OK);
    assert_string_equal(small, "630105002001");
    memset(small, 'x', sizeof small);
    assert_int_equal(gg_place_recode("630105001001", "630105001", "630105002", small, 12),
                     GG_EINVAL);
    assert_int_equal(small[0], '\0');
    assert_int_equal(small[12], 'x');
    assert_int_equal(gg_place_recode("630105001001", "630105001", "630105002", small, 0),
                     GG_EINVAL);

    /* In place. */
    char buf[GG_PLACE_CODE_MAX] = "630105001001001";
    assert_int_equal(gg_place_recode(buf, "630105001", "630105099", buf, sizeof buf), GG_OK);
    assert_string_equal(buf, "630105099001001");

    assert_int_equal(gg_place_recode(NULL, "6", "7", out, sizeof out), GG_EINVAL);
    assert_int_equal(gg_place_recode("6", NULL, "7", out, sizeof out), GG_EINVAL);
    assert_int_equal(gg_place_recode("6", "6", NULL, out, sizeof out), GG_EINVAL);
}

static void test_path_within(void **state)
{
    assert_true(gg_path_within("/1/5/23/", "/1/5/"));
    assert_true(gg_path_within("/1/5/", "/1/5/"));
    assert_true(gg_path_within("/1/5/23/40/41/", "/1/"));
    assert_false(gg_path_within("/1/50/", "/1/5/"));
    assert_false(gg_path_within("/1/5/", "/1/5/23/"));
    assert_false(gg_path_within("/2/5/", "/1/5/"));
    assert_false(gg_path_within("/11/", "/1/"));
    /* A root written without the trailing slash still means whole segments. */
    assert_true(gg_path_within("/1/5/23/", "/1/5"));
    assert_true(gg_path_within("/1/5", "/1/5"));
    assert_false(gg_path_within("/1/50/", "/1/5"));
    assert_false(gg_path_within(NULL, "/1/"));
    assert_false(gg_path_within("/1/", NULL));
    assert_false(gg_path_within("/1/", ""));
    assert_false(gg_path_within("", "/1/"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_kind_names),
        cmocka_unit_test(test_subtypes),
        cmocka_unit_test(test_dedicated_kinds),
        cmocka_unit_test(test_child_allowed_matrix),
        cmocka_unit_test(test_seq_range),
        cmocka_unit_test(test_district_codes),
        cmocka_unit_test(test_street_codes),
        cmocka_unit_test(test_community_codes),
        cmocka_unit_test(test_grid_and_below_codes),
        cmocka_unit_test(test_code_shape_errors),
        cmocka_unit_test(test_compose),
        cmocka_unit_test(test_validate_each_kind),
        cmocka_unit_test(test_validate_kind_and_parent),
        cmocka_unit_test(test_validate_subtype_and_dedicated),
        cmocka_unit_test(test_validate_names),
        cmocka_unit_test(test_validate_code),
        cmocka_unit_test(test_move_check),
        cmocka_unit_test(test_recode),
        cmocka_unit_test(test_path_within),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
