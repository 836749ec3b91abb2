/*
 * place.c — the rules of the place tree (see place.h for the contract).
 *
 * Pure decisions over plain values: which kinds exist, which may hang under
 * which, what subtypes and dedicated kinds they carry, what a valid
 * hierarchical code looks like, and whether a move keeps the tree a tree.
 * No I/O, no SQL, no allocation. Every rule lives in a table below; the
 * functions only walk the tables. Every refusal fills the caller's gg_error
 * with an HTTP status, a stable code word, the offending field and a reason
 * a clerk can act on.
 */
#include "domain/place.h"

#include "core/str.h"

#include <assert.h>
#include <string.h>

#define NAME_MAX_CP 64

/* Kind names, indexed by enum gg_place_kind. */
static const char *const kind_names[GG_PK__COUNT] = {
    [GG_PK_NONE] = NULL,
    [GG_PK_DISTRICT] = "district",
    [GG_PK_STREET] = "street",
    [GG_PK_COMMUNITY] = "community",
    [GG_PK_GRID] = "grid",
    [GG_PK_COMPOUND] = "compound",
    [GG_PK_BUILDING] = "building",
    [GG_PK_UNIT] = "unit",
};

/* Digits a child of each kind appends to its parent's code (0: not a child). */
static const int kind_digits[GG_PK__COUNT] = {
    [GG_PK_STREET] = 3, [GG_PK_COMMUNITY] = 3, [GG_PK_GRID] = 3,
    [GG_PK_COMPOUND] = 3, [GG_PK_BUILDING] = 3, [GG_PK_UNIT] = 2,
};

/* The only parent → child edges of the tree. GG_PK_NONE is the root. */
static const struct edge {
    int parent;
    int child;
} edges[] = {
    {GG_PK_NONE, GG_PK_DISTRICT},    {GG_PK_DISTRICT, GG_PK_STREET},
    {GG_PK_STREET, GG_PK_COMMUNITY}, {GG_PK_COMMUNITY, GG_PK_GRID},
    {GG_PK_GRID, GG_PK_COMPOUND},    {GG_PK_GRID, GG_PK_BUILDING},
    {GG_PK_COMPOUND, GG_PK_BUILDING}, {GG_PK_BUILDING, GG_PK_UNIT},
};

/*
 * Sequence rules: the range of the digits a child appends, per kind and
 * subtype. subtype NULL means the kind carries no subtype. The first row of
 * a kind with a subtype is its default. label names the place in messages.
 */
static const struct seq_rule {
    int kind;
    const char *subtype;
    const char *label;
    int lo;
    int hi;
} seq_rules[] = {
    {GG_PK_STREET, "street", "street", 1, 99},
    {GG_PK_STREET, "town", "town", 100, 199},
    {GG_PK_STREET, "township", "township", 200, 399},
    {GG_PK_COMMUNITY, "community", "community", 1, 199},
    {GG_PK_COMMUNITY, "village", "village", 200, 399},
    {GG_PK_GRID, "basic", "grid", 1, 999},
    {GG_PK_GRID, "dedicated", "grid", 1, 999},
    {GG_PK_COMPOUND, NULL, "compound", 1, 999},
    {GG_PK_BUILDING, NULL, "building", 1, 999},
    {GG_PK_UNIT, NULL, "unit", 1, 99},
};

static const char *const dedicated_kinds[] = {
    "school", "hospital", "enterprise", "park", "market", "government", "business_building", "other",
};
#define DEDICATED_LIST \
    "school, hospital, enterprise, park, market, government, business_building, other"

/* GB/T 2260 province-level prefixes (mainland, Taiwan, Hong Kong, Macao). */
static const int province_codes[] = {
    11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42,
    43, 44, 45, 46, 50, 51, 52, 53, 54, 61, 62, 63, 64, 65, 71, 81, 82,
};

/* ---- small helpers ------------------------------------------------------ */

static bool kind_known(int kind)
{
    return kind > GG_PK_NONE && kind < GG_PK__COUNT;
}

/* strlen that stops looking at max: returns max if s is at least that long. */
static size_t len_upto(const char *s, size_t max)
{
    size_t n = 0;
    while (n < max && s[n] != '\0')
        n++;
    return n;
}

/* The sequence rule for kind/subtype; subtype NULL selects the default. */
static const struct seq_rule *find_rule(int kind, const char *subtype)
{
    for (size_t i = 0; i < GG_ARRAY_LEN(seq_rules); i++) {
        const struct seq_rule *r = &seq_rules[i];
        if (r->kind != kind)
            continue;
        if (subtype == NULL)
            return r;
        if (r->subtype != NULL && strcmp(r->subtype, subtype) == 0)
            return r;
    }
    return NULL;
}

/*
 * Count the code points of a NUL-terminated UTF-8 name, looking at no more
 * than max+1 of them. Returns the count (max+1 means "too long"), -1 for
 * invalid UTF-8 (overlongs, surrogates, > U+10FFFF, truncation), -2 for a
 * control character (C0, DEL, C1).
 */
static int utf8_count(const char *z, int max)
{
    const unsigned char *s = (const unsigned char *)z;
    int count = 0;

    while (*s != 0 && count <= max) {
        unsigned c = s[0], cp, need, lo2 = 0x80, hi2 = 0xBF;
        if (c < 0x80) {
            cp = c;
            need = 0;
        } else if (c >= 0xC2 && c <= 0xDF) {
            cp = c & 0x1F;
            need = 1;
        } else if (c >= 0xE0 && c <= 0xEF) {
            cp = c & 0x0F;
            need = 2;
            if (c == 0xE0)
                lo2 = 0xA0; /* overlong */
            if (c == 0xED)
                hi2 = 0x9F; /* surrogates */
        } else if (c >= 0xF0 && c <= 0xF4) {
            cp = c & 0x07;
            need = 3;
            if (c == 0xF0)
                lo2 = 0x90; /* overlong */
            if (c == 0xF4)
                hi2 = 0x8F; /* above U+10FFFF */
        } else {
            return -1;
        }
        for (unsigned i = 1; i <= need; i++) {
            unsigned b = s[i]; /* a NUL here fails the range test: no overrun */
            if (b < (i == 1 ? lo2 : 0x80) || b > (i == 1 ? hi2 : 0xBF))
                return -1;
            cp = (cp << 6) | (b & 0x3F);
        }
        if (cp < 0x20 || (cp >= 0x7F && cp <= 0x9F))
            return -2;
        s += need + 1;
        count++;
    }
    return count;
}

/* Every code refusal shares status, word and field; only the reason differs. */
#define FAIL_CODE(e, ...) gg_fail((e), GG_EINVAL, 422, "invalid_code", "code", __VA_ARGS__)

/* ---- kinds, subtypes, edges --------------------------------------------- */

const char *gg_place_kind_name(int kind)
{
    return kind_known(kind) ? kind_names[kind] : NULL;
}

int gg_place_kind_parse(const char *name)
{
    if (name == NULL)
        return GG_PK_NONE;
    for (int k = GG_PK_DISTRICT; k < GG_PK__COUNT; k++)
        if (strcmp(kind_names[k], name) == 0)
            return k;
    return GG_PK_NONE;
}

const char *gg_place_default_subtype(int kind)
{
    const struct seq_rule *r = find_rule(kind, NULL);
    return r != NULL ? r->subtype : NULL;
}

/* NULL always stands for the default (or for "none" on kinds without one). */
bool gg_place_subtype_valid(int kind, const char *subtype)
{
    if (!kind_known(kind))
        return false;
    if (subtype == NULL)
        return true;
    const struct seq_rule *r = find_rule(kind, subtype);
    return r != NULL && r->subtype != NULL;
}

bool gg_place_dedicated_kind_valid(const char *dk)
{
    if (dk == NULL)
        return false;
    for (size_t i = 0; i < GG_ARRAY_LEN(dedicated_kinds); i++)
        if (strcmp(dedicated_kinds[i], dk) == 0)
            return true;
    return false;
}

bool gg_place_child_allowed(int parent_kind, int child_kind)
{
    for (size_t i = 0; i < GG_ARRAY_LEN(edges); i++)
        if (edges[i].parent == parent_kind && edges[i].child == child_kind)
            return true;
    return false;
}

/* Districts are never children, so they have no sequence range. */
int gg_place_seq_range(int kind, const char *subtype, int *digits, int *lo, int *hi)
{
    if (!kind_known(kind) || kind_digits[kind] == 0)
        return GG_EINVAL;
    const struct seq_rule *r = find_rule(kind, subtype);
    if (r == NULL || (subtype != NULL && r->subtype == NULL))
        return GG_EINVAL;
    if (digits != NULL)
        *digits = kind_digits[kind];
    if (lo != NULL)
        *lo = r->lo;
    if (hi != NULL)
        *hi = r->hi;
    return GG_OK;
}

/* ---- codes -------------------------------------------------------------- */

bool gg_place_province_known(int p)
{
    for (size_t i = 0; i < GG_ARRAY_LEN(province_codes); i++)
        if (province_codes[i] == p)
            return true;
    return false;
}

static int district_code_check(const char *code, gg_error *e)
{
    size_t n = len_upto(code, 7);

    if (n != 6 || !gg_all_digits(code, n))
        return FAIL_CODE(e, "a district's code must be exactly 6 digits (GB/T 2260)");
    if (!gg_place_province_known(gg_digits_value(code, 2)))
        return FAIL_CODE(e, "a district's code must begin with a GB/T 2260 province code; "
                            "%.2s is not one", code);
    if (code[2] == '0' && code[3] == '0')
        return FAIL_CODE(e, "a district's code must not have 00 in digits 3-4: "
                            "that names a province, not a district or county");
    if (code[4] == '0' && code[5] == '0')
        return FAIL_CODE(e, "a district's code must not end in 00: "
                            "that names a prefecture, not a district or county");
    return GG_OK;
}

int gg_place_code_check(int kind, const char *subtype, const char *parent_code,
                        const char *code, gg_error *e)
{
    const char *kname = gg_place_kind_name(kind);
    int digits = 0, lo = 0, hi = 0;

    if (kname == NULL)
        return gg_fail(e, GG_EINVAL, 422, "invalid_kind", "kind", "unknown kind of place");
    if (code == NULL || code[0] == '\0')
        return FAIL_CODE(e, "a %s needs a code", kname);
    if (kind == GG_PK_DISTRICT)
        return district_code_check(code, e);
    if (gg_place_seq_range(kind, subtype, &digits, &lo, &hi) != GG_OK)
        return gg_fail(e, GG_EINVAL, 422, "invalid_subtype", "subtype",
                       "not a valid subtype for a %s", kname);
    const struct seq_rule *r = find_rule(kind, subtype);

    if (parent_code == NULL)
        return FAIL_CODE(e, "a %s's code cannot be checked without its parent's code", kname);
    /* Bounded: pn < GG_PLACE_CODE_MAX, so %s below never prints more than 23 bytes. */
    size_t pn = len_upto(parent_code, GG_PLACE_CODE_MAX);
    if (pn == 0 || pn + (size_t)digits > GG_PLACE_CODE_MAX - 1 || !gg_all_digits(parent_code, pn))
        return FAIL_CODE(e, "the parent's code is not a valid place code");

    size_t n = len_upto(code, GG_PLACE_CODE_MAX);
    if (n == GG_PLACE_CODE_MAX)
        return FAIL_CODE(e, "code must be at most %d digits long", GG_PLACE_CODE_MAX - 1);
    if (!gg_all_digits(code, n))
        return FAIL_CODE(e, "code must contain only digits");
    if (n < pn || memcmp(code, parent_code, pn) != 0)
        return FAIL_CODE(e, "code must start with the parent's code %s", parent_code);
    if (n != pn + (size_t)digits)
        return FAIL_CODE(e, "a %s's code must be the parent's code %s followed by exactly %d digits",
                         r->label, parent_code, digits);
    int seq = gg_digits_value(code + pn, (size_t)digits);
    if (seq < lo || seq > hi)
        return FAIL_CODE(e, "a %s's code must end in %0*d-%0*d", r->label, digits, lo, digits, hi);
    return GG_OK;
}

int gg_place_code_compose(int kind, const char *subtype, const char *parent_code, int seq,
                          char *out, size_t cap)
{
    int digits = 0, lo = 0, hi = 0;

    if (out != NULL && cap > 0)
        out[0] = '\0';
    if (out == NULL || parent_code == NULL)
        return GG_EINVAL;
    if (gg_place_seq_range(kind, subtype, &digits, &lo, &hi) != GG_OK || seq < lo || seq > hi)
        return GG_EINVAL;
    size_t pn = len_upto(parent_code, GG_PLACE_CODE_MAX);
    size_t total = pn + (size_t)digits;
    if (pn == 0 || !gg_all_digits(parent_code, pn) || total > GG_PLACE_CODE_MAX - 1 || total >= cap)
        return GG_EINVAL;

    memcpy(out, parent_code, pn);
    for (int i = digits - 1, v = seq; i >= 0; i--, v /= 10)
        out[pn + (size_t)i] = (char)('0' + v % 10);
    out[total] = '\0';
    return GG_OK;
}

/* ---- whole places ------------------------------------------------------- */

static int parent_check(int parent_kind, int kind, gg_error *e)
{
    const char *child = gg_place_kind_name(kind);
    const char *parent = gg_place_kind_name(parent_kind);

    if (gg_place_child_allowed(parent_kind, kind))
        return GG_OK;
    if (parent_kind == GG_PK_NONE)
        return gg_fail(e, GG_EINVAL, 422, "invalid_parent", "parent_id",
                       "a %s cannot be placed at the top level; only a district can", child);
    if (parent == NULL)
        return gg_fail(e, GG_EINVAL, 422, "invalid_parent", "parent_id",
                       "the parent is not a known kind of place");
    if (kind == GG_PK_DISTRICT)
        return gg_fail(e, GG_EINVAL, 422, "invalid_parent", "parent_id",
                       "a district cannot be placed under a %s; districts sit at the top level",
                       parent);
    return gg_fail(e, GG_EINVAL, 422, "invalid_parent", "parent_id",
                   "a %s cannot be placed under a %s", child, parent);
}

static int dedicated_check(int kind, const char *subtype, const char *dk, gg_error *e)
{
    bool dedicated = kind == GG_PK_GRID && subtype != NULL && strcmp(subtype, "dedicated") == 0;

    if (!dedicated && dk != NULL)
        return gg_fail(e, GG_EINVAL, 422, "invalid_dedicated_kind", "dedicated_kind",
                       "only a dedicated grid names a dedicated kind");
    if (dedicated && dk == NULL)
        return gg_fail(e, GG_EINVAL, 422, "invalid_dedicated_kind", "dedicated_kind",
                       "a dedicated grid must name what it covers: one of " DEDICATED_LIST);
    if (dedicated && !gg_place_dedicated_kind_valid(dk))
        return gg_fail(e, GG_EINVAL, 422, "invalid_dedicated_kind", "dedicated_kind",
                       "dedicated_kind must be one of " DEDICATED_LIST);
    return GG_OK;
}

static int name_check(const char *name, gg_error *e)
{
    if (name == NULL)
        return gg_fail(e, GG_EINVAL, 422, "invalid_name", "name", "name must not be empty");
    int n = utf8_count(name, NAME_MAX_CP);
    if (n == -1)
        return gg_fail(e, GG_EINVAL, 422, "invalid_name", "name", "name is not valid UTF-8");
    if (n == -2)
        return gg_fail(e, GG_EINVAL, 422, "invalid_name", "name",
                       "name must not contain control characters such as line breaks or tabs");
    if (n > NAME_MAX_CP)
        return gg_fail(e, GG_EINVAL, 422, "invalid_name", "name",
                       "name must be at most %d characters", NAME_MAX_CP);
    /* A name of nothing but ASCII spaces is as empty as "". */
    size_t i = 0;
    while (name[i] == ' ')
        i++;
    if (name[i] == '\0')
        return gg_fail(e, GG_EINVAL, 422, "invalid_name", "name", "name must not be empty");
    return GG_OK;
}

int gg_place_validate(const gg_place_spec *s, int parent_kind, const char *parent_code,
                      gg_error *e)
{
    int rc;

    assert(s != NULL);
    const char *kname = gg_place_kind_name(s->kind);
    if (kname == NULL) {
        rc = gg_fail(e, GG_EINVAL, 422, "invalid_kind", "kind",
                     "kind must be one of district, street, community, grid, compound, "
                     "building, unit");
        goto fail;
    }
    if ((rc = parent_check(parent_kind, s->kind, e)) != GG_OK)
        goto fail;
    if (!gg_place_subtype_valid(s->kind, s->subtype)) {
        const char *def = gg_place_default_subtype(s->kind);
        if (def == NULL)
            rc = gg_fail(e, GG_EINVAL, 422, "invalid_subtype", "subtype",
                         "a %s takes no subtype", kname);
        else
            rc = gg_fail(e, GG_EINVAL, 422, "invalid_subtype", "subtype",
                         "not a valid subtype for a %s (the default is %s)", kname, def);
        goto fail;
    }
    if ((rc = dedicated_check(s->kind, s->subtype, s->dedicated_kind, e)) != GG_OK)
        goto fail;
    if ((rc = name_check(s->name, e)) != GG_OK)
        goto fail;
    if (s->code != NULL &&
        (rc = gg_place_code_check(s->kind, s->subtype, parent_code, s->code, e)) != GG_OK)
        goto fail;
    return GG_OK;
fail:
    return rc;
}

/* ---- moves and paths ---------------------------------------------------- */

/* new_parent NULL means "to the top level", which only a district may reach. */
int gg_place_move_check(const gg_place_ref *node, const gg_place_ref *new_parent, gg_error *e)
{
    assert(node != NULL);
    int parent_kind = new_parent != NULL ? new_parent->kind : GG_PK_NONE;

    if (new_parent == NULL && node->kind == GG_PK_DISTRICT)
        return gg_fail(e, GG_ECONFLICT, 409, "no_change", "parent_id",
                       "the place is already at the top level");
    if (new_parent != NULL) {
        if (new_parent->id == node->id)
            return gg_fail(e, GG_ECONFLICT, 409, "invalid_move", "parent_id",
                           "a place cannot be moved under itself");
        if (node->path == NULL || node->path[0] == '\0' || new_parent->path == NULL ||
            new_parent->path[0] == '\0')
            return gg_fail(e, GG_EINVAL, 422, "invalid_move", "parent_id",
                           "the move cannot be checked: a place path is missing");
        if (gg_path_within(new_parent->path, node->path))
            return gg_fail(e, GG_ECONFLICT, 409, "invalid_move", "parent_id",
                           "a place cannot be moved under one of its own descendants");
        if (node->parent_id == new_parent->id)
            return gg_fail(e, GG_ECONFLICT, 409, "no_change", "parent_id",
                           "the place is already under this parent");
    }
    int rc = parent_check(parent_kind, node->kind, e);
    if (rc != GG_OK)
        return rc;
    if (new_parent != NULL && !new_parent->active)
        return gg_fail(e, GG_ECONFLICT, 409, "invalid_move", "parent_id",
                       "a place cannot be moved under an inactive place");
    return GG_OK;
}

/* out may be the same buffer as code; new_prefix must not overlap out. */
int gg_place_recode(const char *code, const char *old_prefix, const char *new_prefix,
                    char *out, size_t cap)
{
    if (code == NULL || old_prefix == NULL || new_prefix == NULL || out == NULL || cap == 0)
        return GG_EINVAL;
    size_t on = strlen(old_prefix), nn = strlen(new_prefix), cn = strlen(code);
    if (cn < on || memcmp(code, old_prefix, on) != 0 || nn + (cn - on) >= cap) {
        if (out != code)
            out[0] = '\0';
        return GG_EINVAL;
    }
    memmove(out + nn, code + on, cn - on + 1);
    memmove(out, new_prefix, nn);
    return GG_OK;
}

/*
 * A path is within root when root is a prefix ending on a segment boundary:
 * "/1/5/23/" and "/1/5/" are within "/1/5/", "/1/50/" is not. A root given
 * without its trailing slash is treated the same way.
 */
bool gg_path_within(const char *path, const char *root_path)
{
    if (path == NULL || root_path == NULL || root_path[0] == '\0')
        return false;
    size_t rn = strlen(root_path);
    if (strncmp(path, root_path, rn) != 0)
        return false;
    return root_path[rn - 1] == '/' || path[rn] == '/' || path[rn] == '\0';
}
