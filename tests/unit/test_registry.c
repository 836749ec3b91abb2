/*
 * test_registry.c — unit tests for the registry (issue 5): field
 * validation of residents and organisations (every kind of document, GB
 * 32100 credit codes checked against weights written out here, phones,
 * dates), the code-word/label tables, and the store: upsert by blind index
 * (the same record again changes nothing), sealed round trip, masks, and no
 * plaintext ID number or phone anywhere in the database files.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/sealed.h"
#include "core/timeutil.h"
#include "domain/place.h"
#include "domain/registry.h"
#include "store/store.h"

static int64_t today(void)
{
    return gg_days_from_civil(2026, 11, 21);
}

/* An 18-digit number from 17 digits, with its check digit computed here by
 * ISO 7064 MOD 11-2 (weights written out), not by the module. */
static void make_id(const char *d17, char out[19])
{
    static const int w[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
    static const char c[11] = "10X98765432";
    int s = 0;
    for (int i = 0; i < 17; i++) s += (d17[i] - '0') * w[i];
    memcpy(out, d17, 17);
    out[17] = c[s % 11];
    out[18] = 0;
}

static gg_resident base(char *id)
{
    make_id("63010519800101001", id); /* odd sequence: male */
    return (gg_resident){.residence = GG_RES_REGISTERED, .name = "张三", .id_type = GG_IDT_RESIDENT_ID,
                         .id_number = id, .phone = "138 1234 5678", .place_id = 1};
}

static void test_resident_valid(void **state)
{
    char id[19];
    gg_resident r = base(id);
    gg_error e = {0};
    assert_int_equal(gg_resident_validate(&r, today(), &e), GG_OK);
    assert_string_equal(r.id_norm, id);
    assert_int_equal(r.sex, GG_SEX_MALE);
    assert_string_equal(r.birth_date, "1980-01-01");
    assert_string_equal(r.phone_norm, "13812345678");
    assert_string_equal(r.phone_mask, "138****5678");
    assert_int_equal(strncmp(r.id_mask, "630105********", 14), 0);
    assert_string_equal(r.id_mask + 14, id + 14);
}

static void test_resident_invalid(void **state)
{
    char id[19], bad[19];
    gg_error e = {0};
    gg_resident r = base(id);
    memcpy(bad, id, 19);
    bad[17] = bad[17] == '0' ? '1' : '0';
    r.id_number = bad;
    assert_int_equal(gg_resident_validate(&r, today(), &e), GG_EINVAL);
    assert_string_equal(e.field, "id_number");
    assert_int_equal(e.status, 422);

    r = base(id);
    r.id_number = "6.30105E+17";
    e = (gg_error){0};
    assert_int_equal(gg_resident_validate(&r, today(), &e), GG_EINVAL);
    assert_string_equal(e.code, "id_number_mangled");

    r = base(id);
    make_id("63010520991231001", bad); /* birth in the future */
    r.id_number = bad;
    assert_int_equal(gg_resident_validate(&r, today(), &e), GG_EINVAL);
    assert_string_equal(e.field, "id_number");

    r = base(id);
    make_id("63010519800230001", bad); /* 30 February */
    r.id_number = bad;
    assert_int_equal(gg_resident_validate(&r, today(), &e), GG_EINVAL);

    r = base(id);
    r.sex = GG_SEX_FEMALE; /* the number says male */
    assert_int_equal(gg_resident_validate(&r, today(), &e), GG_EINVAL);
    assert_string_equal(e.field, "sex");

    r = base(id);
    memcpy(r.birth_date, "1980-01-02", 11);
    assert_int_equal(gg_resident_validate(&r, today(), &e), GG_EINVAL);
    assert_string_equal(e.field, "birth_date");

    r = base(id);
    r.phone = "1381234567"; /* ten digits */
    assert_int_equal(gg_resident_validate(&r, today(), &e), GG_EINVAL);
    assert_string_equal(e.field, "phone");

    r = base(id);
    r.name = "";
    assert_int_equal(gg_resident_validate(&r, today(), &e), GG_EINVAL);
    assert_string_equal(e.field, "name");

    r = base(id);
    r.residence = 0;
    assert_int_equal(gg_resident_validate(&r, today(), &e), GG_EINVAL);
    assert_string_equal(e.field, "residence");

    r = base(id);
    r.ethnicity = "火星族";
    assert_int_equal(gg_resident_validate(&r, today(), &e), GG_EINVAL);
    assert_string_equal(e.field, "ethnicity");
}

static void test_legacy_and_permits(void **state)
{
    gg_error e = {0};
    char id[19];
    gg_resident r = base(id);
    r.id_number = "630105800101001"; /* 15 digits, 1980-01-01, male */
    assert_int_equal(gg_resident_validate(&r, today(), &e), GG_OK);
    assert_int_equal(strlen(r.id_norm), 18);
    assert_int_equal(strncmp(r.id_norm, "630105198001010", 15), 0);

    char hk[19], tw[19];
    make_id("81000019900505002", hk); /* Hong Kong residence permit, female */
    r = base(id);
    r.id_type = GG_IDT_HKMO_PERMIT;
    r.id_number = hk;
    assert_int_equal(gg_resident_validate(&r, today(), &e), GG_OK);
    assert_int_equal(r.sex, GG_SEX_FEMALE);
    r = base(id);
    r.id_type = GG_IDT_HKMO_PERMIT; /* a mainland number is not a permit */
    assert_int_equal(gg_resident_validate(&r, today(), &e), GG_EINVAL);

    make_id("83000019851111003", tw);
    r = base(id);
    r.id_type = GG_IDT_TW_PERMIT;
    r.id_number = tw;
    assert_int_equal(gg_resident_validate(&r, today(), &e), GG_OK);
    assert_string_equal(r.birth_date, "1985-11-11");
    tw[17] = tw[17] == '1' ? '2' : '1';
    assert_int_equal(gg_resident_validate(&r, today(), &e), GG_EINVAL);

    static const struct { int type; const char *num; int ok; } docs[] = {
        {GG_IDT_HKMO_PASS, "H12345678", 1},   {GG_IDT_HKMO_PASS, "m1234567890", 1},
        {GG_IDT_HKMO_PASS, "X12345678", 0},   {GG_IDT_HKMO_PASS, "H1234567", 0},
        {GG_IDT_TW_PASS, "12345678", 1},      {GG_IDT_TW_PASS, "1234567A", 0},
        {GG_IDT_PASSPORT, "E12345678", 1},    {GG_IDT_PASSPORT, "E1", 0},
        {GG_IDT_PASSPORT, "E1234#678", 0},    {GG_IDT_FOREIGN_PR, "USA123456789012", 1},
        {GG_IDT_FOREIGN_PR, "USA1234", 0},    {GG_IDT_OTHER, "ABC-123", 1},
    };
    for (size_t i = 0; i < sizeof docs / sizeof docs[0]; i++) {
        r = base(id);
        r.id_type = docs[i].type;
        r.id_number = docs[i].num;
        memcpy(r.birth_date, "1970-06-01", 11);
        e = (gg_error){0};
        int rc = gg_resident_validate(&r, today(), &e);
        if (docs[i].ok != (rc == GG_OK)) fail_msg("document %s: rc %d (%s)", docs[i].num, rc, e.message);
        if (!docs[i].ok) assert_string_equal(e.field, "id_number");
    }
}

/* GB 32100 check character with the weights 3^i mod 31 written out. */
static char credit_check(const char *s17)
{
    static const char cs[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";
    static const int w[17] = {1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28};
    int s = 0;
    for (int i = 0; i < 17; i++) s += (int)(strchr(cs, s17[i]) - cs) * w[i];
    return cs[(31 - s % 31) % 31];
}

static void test_credit_code(void **state)
{
    char code[19], out[19];
    gg_error e = {0};
    memcpy(code, "91630105MA7BQ1234", 17);
    code[17] = credit_check(code);
    code[18] = 0;
    assert_int_equal(gg_credit_code_check(code, 18, out, &e), GG_OK);
    assert_string_equal(out, code);
    char lower[19];
    for (int i = 0; i < 19; i++) lower[i] = (char)(code[i] >= 'A' && code[i] <= 'Z' ? code[i] + 32 : code[i]);
    assert_int_equal(gg_credit_code_check(lower, 18, out, &e), GG_OK);
    assert_string_equal(out, code);
    char bad[19];
    memcpy(bad, code, 19);
    bad[17] = bad[17] == '0' ? '1' : '0';
    assert_int_equal(gg_credit_code_check(bad, 18, out, &e), GG_EINVAL);
    assert_string_equal(e.field, "credit_code");
    assert_int_equal(gg_credit_code_check("91630105MA7BQ123", 16, out, &e), GG_EINVAL);
    memcpy(bad, code, 19);
    bad[10] = 'I'; /* I is not in the alphabet */
    assert_int_equal(gg_credit_code_check(bad, 18, out, &e), GG_EINVAL);
    memcpy(bad, "91ABCDEFMA7BQ1234", 17); /* region not digits */
    bad[17] = credit_check(bad);
    assert_int_equal(gg_credit_code_check(bad, 18, out, &e), GG_EINVAL);

    gg_org o = {.kind = GG_OK_ENTERPRISE, .name = "城北物业", .place_id = 1};
    assert_int_equal(gg_org_validate(&o, &e), GG_EINVAL); /* enterprise without code */
    assert_string_equal(e.field, "credit_code");
    o.credit_code = code;
    o.contact_phone = "0971-5201234";
    assert_int_equal(gg_org_validate(&o, &e), GG_OK);
    assert_string_equal(o.phone_mask, "0971-***1234");
}

static void test_dates_and_tables(void **state)
{
    gg_error e = {0};
    char out[11];
    int64_t d;
    static const char *const good[] = {"1980-01-02", "1980/1/2", "1980.01.02", "19800102"};
    for (size_t i = 0; i < 4; i++) {
        assert_int_equal(gg_reg_date_parse(good[i], strlen(good[i]), today(), "birth_date", &d, out, &e), 0);
        assert_string_equal(out, "1980-01-02");
    }
    static const char *const bad[] = {"1980-13-01", "1899-12-31", "2030-01-01", "abc", "1980-02-30", "80-1-2"};
    for (size_t i = 0; i < 6; i++)
        assert_int_equal(gg_reg_date_parse(bad[i], strlen(bad[i]), today(), "birth_date", &d, out, &e), GG_EINVAL);

    assert_int_equal(gg_reg_parse(GG_RT_RESIDENCE, "户籍", strlen("户籍")), GG_RES_REGISTERED);
    assert_int_equal(gg_reg_parse(GG_RT_RESIDENCE, " Floating ", 10), GG_RES_FLOATING);
    assert_int_equal(gg_reg_parse(GG_RT_RESIDENCE, "留守", strlen("留守")), GG_RES_LEFT_BEHIND);
    assert_int_equal(gg_reg_parse(GG_RT_POLITICAL, "党员", strlen("党员")), GG_POL_CPC_MEMBER);
    assert_int_equal(gg_reg_parse(GG_RT_TAG, "低保", strlen("低保")), GG_TAG_DIBAO);
    assert_int_equal(gg_reg_parse(GG_RT_TAG, "nonsense", 8), 0);
    assert_string_equal(gg_reg_label(GG_RT_HOUSE_USE, GG_HU_RENTED), "出租");
    assert_string_equal(gg_reg_code(GG_RT_ID_TYPE, GG_IDT_RESIDENT_ID), "resident_id");
    assert_true(gg_political_is_party_member(GG_POL_CPC_PROBATIONARY));
    for (int t = 1; t < GG_TAG__COUNT; t++) assert_non_null(gg_tag_def_get(t));
    char eth[32];
    assert_int_equal(gg_ethnicity_parse("回", strlen("回"), eth, sizeof eth), 0);
    assert_string_equal(eth, "回族");
}

/* ---- store ---------------------------------------------------------------- */

typedef struct store_fx {
    char dir[64], db[128], grid_path[64];
    gg_store *s;
    gg_place grid;
    const gg_keys *k;
} store_fx;

static int add_place(gg_conn *w, void *arg, gg_error *e)
{
    store_fx *f = arg;
    gg_place d = {.kind = GG_PK_DISTRICT, .code = "630105", .name = "城北区"};
    int rc = gg_place_insert(w, &d, 0, e);
    char dp[16];
    snprintf(dp, sizeof dp, "/%lld/", (long long)d.id);
    d.path = dp;
    gg_place st = {.parent_id = d.id, .kind = GG_PK_STREET, .subtype = "street", .code = "630105001",
                   .name = "街道", .path = d.path, .depth = 1};
    if (!rc) rc = gg_place_insert(w, &st, 0, e);
    char sp[32];
    snprintf(sp, sizeof sp, "%s%lld/", dp, (long long)st.id);
    gg_place cm = {.parent_id = st.id, .kind = GG_PK_COMMUNITY, .subtype = "community",
                   .code = "630105001001", .name = "社区", .path = sp, .depth = 2};
    if (!rc) rc = gg_place_insert(w, &cm, 0, e);
    char cp[48];
    snprintf(cp, sizeof cp, "%s%lld/", sp, (long long)cm.id);
    f->grid = (gg_place){.parent_id = cm.id, .kind = GG_PK_GRID, .subtype = "basic",
                         .code = "630105001001001", .name = "网格", .path = cp, .depth = 3};
    if (!rc) rc = gg_place_insert(w, &f->grid, 0, e);
    snprintf(f->grid_path, sizeof f->grid_path, "%s%lld/", cp, (long long)f->grid.id);
    f->grid.path = f->grid_path;
    return rc;
}

static int store_setup(void **state)
{
    store_fx *f = calloc(1, sizeof *f);
    snprintf(f->dir, sizeof f->dir, "/tmp/gg_registry_XXXXXX");
    assert_non_null(mkdtemp(f->dir));
    snprintf(f->db, sizeof f->db, "%s/test.db", f->dir);
    gg_error e = {0};
    gg_store_opts o = {.migrate = true};
    assert_int_equal(gg_store_open(f->db, &o, &f->s, &e), 0);
    assert_int_equal(gg_store_write_sync(f->s, add_place, f, &e), 0);
    assert_int_equal(gg_store_keys(f->s, &f->k, &e), 0);
    *state = f;
    return 0;
}

static int store_teardown(void **state)
{
    store_fx *f = *state;
    if (f->s) gg_store_close(f->s);
    char cmd[160];
    snprintf(cmd, sizeof cmd, "rm -rf %s", f->dir);
    assert_int_equal(system(cmd), 0);
    free(f);
    return 0;
}

typedef struct upsert_job {
    store_fx *f;
    gg_resident r;
    int64_t id;
    bool changed;
} upsert_job;

static int upsert_fn(gg_conn *w, void *arg, gg_error *e)
{
    upsert_job *j = arg;
    return gg_resident_upsert(w, j->f->k, &j->r, 0, &j->id, &j->changed, e);
}

static bool file_has(const char *path, const char *needle)
{
    FILE *fp = fopen(path, "rb");
    if (!fp) return false;
    static char buf[8 << 20];
    size_t n = fread(buf, 1, sizeof buf, fp);
    fclose(fp);
    return memmem(buf, n, needle, strlen(needle)) != NULL;
}

static void test_store_round_trip(void **state)
{
    store_fx *f = *state;
    char id[19];
    gg_error e = {0};
    upsert_job j = {.f = f, .r = base(id)};
    j.r.place_id = f->grid.id;
    j.r.room = "1-101";
    j.r.household_no = "H0001";
    j.r.relation = GG_REL_HEAD;
    j.r.tags = GG_TAG_BIT(GG_TAG_DIBAO);
    j.r.tags_given = true;
    assert_int_equal(gg_resident_validate(&j.r, today(), &e), 0);
    assert_int_equal(gg_store_write_sync(f->s, upsert_fn, &j, &e), 0);
    assert_true(j.changed);
    int64_t first = j.id;
    /* the same record again: nothing changes */
    assert_int_equal(gg_store_write_sync(f->s, upsert_fn, &j, &e), 0);
    assert_false(j.changed);
    assert_int_equal(j.id, first);
    gg_conn *c = gg_store_reader(f->s);
    gg_pool *p = gg_pool_new(1 << 20);
    gg_resident got;
    assert_int_equal(gg_resident_get(c, p, f->k, first, false, &got), 0);
    assert_int_equal(got.version, 1);
    assert_string_equal(got.id_number, got.id_mask);
    assert_string_equal(got.phone, "138****5678");
    assert_true(got.tags & GG_TAG_BIT(GG_TAG_DIBAO));
    assert_string_equal(got.household_no, "H0001");
    assert_int_equal(gg_resident_get(c, p, f->k, first, true, &got), 0);
    assert_string_equal(got.id_number, id);
    assert_string_equal(got.phone, "13812345678");
    /* a changed phone is a change */
    j.r.phone = "13900001111";
    assert_int_equal(gg_resident_validate(&j.r, today(), &e), 0);
    assert_int_equal(gg_store_write_sync(f->s, upsert_fn, &j, &e), 0);
    assert_true(j.changed);
    assert_int_equal(gg_resident_get(c, p, f->k, first, false, &got), 0);
    assert_int_equal(got.version, 2);
    assert_int_equal(gg_resident_find(c, f->k, GG_IDT_RESIDENT_ID, id), first);
    /* the 15-digit form of the same person finds the same row */
    gg_household hh;
    assert_int_equal(gg_household_get(c, p, got.household_id, &hh), 0);
    assert_int_equal(hh.head_id, first);
    gg_awareness aw;
    assert_int_equal(gg_awareness_get(c, f->grid.path, 0, &aw), 0);
    assert_int_equal(aw.residents, 1);
    assert_int_equal(aw.houses, 1);
    gg_pool_free(p);
    gg_store_close(f->s);
    f->s = NULL;
    /* a sealed value moved to another column does not open there */
    sqlite3 *db;
    assert_int_equal(sqlite3_open(f->db, &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db, "UPDATE resident SET id_sealed = phone_sealed", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
    gg_store_opts o = {.migrate = false};
    assert_int_equal(gg_store_open(f->db, &o, &f->s, &e), 0);
    p = gg_pool_new(1 << 20);
    c = gg_store_reader(f->s);
    assert_int_equal(gg_resident_get(c, p, f->k, first, true, &got), GG_EIO);
    assert_int_equal(gg_resident_get(c, p, f->k, first, false, &got), 0); /* the mask still reads */
    gg_pool_free(p);
    gg_store_close(f->s);
    f->s = NULL;
    char wal[160];
    snprintf(wal, sizeof wal, "%s-wal", f->db);
    assert_false(file_has(f->db, id));
    assert_false(file_has(wal, id));
    assert_false(file_has(f->db, "13900001111"));
    assert_false(file_has(f->db, "13812345678"));
    assert_false(file_has(wal, "13900001111"));
    assert_true(file_has(f->db, "139****1111") || file_has(wal, "139****1111"));
    /* the key file sits beside the database, owner-only */
    char key[160];
    snprintf(key, sizeof key, "%s/test.key", f->dir); /* test.db -> test.key */
    struct stat sb;
    assert_int_equal(stat(key, &sb), 0);
    assert_int_equal(sb.st_mode & 0777, 0600);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_resident_valid),
        cmocka_unit_test(test_resident_invalid),
        cmocka_unit_test(test_legacy_and_permits),
        cmocka_unit_test(test_credit_code),
        cmocka_unit_test(test_dates_and_tables),
        cmocka_unit_test_setup_teardown(test_store_round_trip, store_setup, store_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
