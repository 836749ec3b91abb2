/*
 * test_json.c — unit tests for src/json: the streaming writer (escaping,
 * commas, nesting, sticky errors; its output is re-read with jansson) and
 * the strict request reader (encoding, depth, syntax, field tables).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <string.h>

#include "core/buf.h"
#include "core/gg.h"
#include "core/mem.h"
#include "core/timeutil.h"
#include "json/jr.h"
#include "json/jw.h"

/* ---- jw.h ------------------------------------------------------------ */

static void test_jw_nesting_and_commas(void **state)
{
    gg_buf b;
    gg_jw w;
    gg_buf_init(&b, 4096);
    gg_jw_init(&w, &b);
    gg_jw_obj(&w);
    gg_jw_kint(&w, "a", 1);
    gg_jw_key(&w, "list");
    gg_jw_arr(&w);
    gg_jw_int(&w, INT64_MIN);
    gg_jw_int(&w, INT64_MAX);
    gg_jw_arr(&w);
    gg_jw_arr_end(&w);
    gg_jw_obj(&w);
    gg_jw_obj_end(&w);
    gg_jw_obj(&w);
    gg_jw_kbool(&w, "t", true);
    gg_jw_kbool(&w, "f", false);
    gg_jw_obj_end(&w);
    gg_jw_null(&w);
    gg_jw_arr_end(&w);
    gg_jw_knull(&w, "n");
    gg_jw_kstr(&w, "s", NULL);
    gg_jw_key(&w, "raw");
    gg_jw_raw(&w, "{\"x\":[1]}", 9);
    gg_jw_obj_end(&w);
    assert_int_equal(gg_jw_status(&w), 0);
    assert_string_equal(b.data, "{\"a\":1,\"list\":[-9223372036854775808,9223372036854775807,"
                                "[],{},{\"t\":true,\"f\":false},null],\"n\":null,\"s\":null,"
                                "\"raw\":{\"x\":[1]}}");
    gg_buf_free(&b);
}

static void test_jw_escaping(void **state)
{
    gg_buf b;
    gg_jw w;
    gg_buf_init(&b, 4096);
    gg_jw_init(&w, &b);
    static const char in[] = "q\"b\\s/n\nr\rt\tb\bf\f\x01\x1f\x7f 网格 \xE2\x80\xA8\xE2\x80\xA9 "
                             "\xF0\x9F\x98\x80";
    gg_jw_arr(&w);
    gg_jw_str(&w, in);
    gg_jw_strn(&w, "a\0b", 3);
    gg_jw_str(&w, "bad\xFF\xC0\x80!");
    gg_jw_arr_end(&w);
    assert_int_equal(gg_jw_status(&w), 0);
    assert_string_equal(b.data, "[\"q\\\"b\\\\s/n\\nr\\rt\\tb\\bf\\f\\u0001\\u001f\x7f 网格 "
                                "\\u2028\\u2029 \xF0\x9F\x98\x80\",\"a\\u0000b\","
                                "\"bad\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD!\"]");

    /* What was written is valid JSON that reads back as the input. */
    json_error_t err;
    json_t *root = json_loadb(b.data, b.len, JSON_ALLOW_NUL, &err);
    assert_non_null(root);
    assert_string_equal(json_string_value(json_array_get(root, 0)), in);
    assert_int_equal(json_string_length(json_array_get(root, 1)), 3);
    assert_memory_equal(json_string_value(json_array_get(root, 1)), "a\0b", 3);
    json_decref(root);
    gg_buf_free(&b);
}

static void test_jw_key_escaped(void **state)
{
    gg_buf b;
    gg_jw w;
    gg_buf_init(&b, 256);
    gg_jw_init(&w, &b);
    gg_jw_obj(&w);
    gg_jw_kstr(&w, "k\"\n", "v");
    gg_jw_obj_end(&w);
    assert_string_equal(b.data, "{\"k\\\"\\n\":\"v\"}");
    gg_buf_free(&b);
}

static void test_jw_numbers(void **state)
{
    gg_buf b;
    gg_jw w;
    gg_buf_init(&b, 4096);
    gg_jw_init(&w, &b);
    gg_jw_arr(&w);
    gg_jw_double(&w, 0.1);
    gg_jw_double(&w, 1.0 / 3.0);
    gg_jw_double(&w, -2.5);
    gg_jw_double(&w, 1e300);
    gg_jw_double(&w, NAN);
    gg_jw_double(&w, INFINITY);
    gg_jw_double(&w, -INFINITY);
    gg_jw_double(&w, 0.0);
    gg_jw_arr_end(&w);
    assert_int_equal(gg_jw_status(&w), 0);
    assert_string_equal(b.data, "[0.1,0.3333333333333333,-2.5,1e+300,null,null,null,0]");

    json_error_t err;
    json_t *root = json_loadb(b.data, b.len, 0, &err);
    assert_non_null(root);
    assert_true(json_real_value(json_array_get(root, 1)) == 1.0 / 3.0); /* exact round trip */
    json_decref(root);
    gg_buf_free(&b);
}

static void test_jw_ids_and_times(void **state)
{
    gg_buf b;
    gg_jw w;
    gg_buf_init(&b, 4096);
    gg_jw_init(&w, &b);
    gg_jw_obj(&w);
    gg_jw_kid(&w, "id", 123456789012345678);
    gg_jw_kid(&w, "zero", 0);
    gg_jw_kid(&w, "neg", -5);
    gg_jw_ktime(&w, "at", INT64_C(1795260605) * 1000000);
    gg_jw_ktime(&w, "never", 0);
    gg_jw_obj_end(&w);
    assert_int_equal(gg_jw_status(&w), 0);
    assert_string_equal(b.data, "{\"id\":\"123456789012345678\",\"zero\":null,\"neg\":null,"
                                "\"at\":\"2026-11-21T19:30:05+08:00\",\"never\":null}");
    gg_buf_free(&b);
}

static void test_jw_depth_overflow(void **state)
{
    gg_buf b;
    gg_jw w;
    gg_buf_init(&b, 4096);
    gg_jw_init(&w, &b);
    for (int i = 0; i < GG_JW_MAX_DEPTH; i++)
        gg_jw_arr(&w);
    assert_int_equal(gg_jw_status(&w), 0);
    size_t len = b.len;
    gg_jw_arr(&w); /* one too deep */
    assert_int_equal(gg_jw_status(&w), GG_ETOOBIG);
    assert_int_equal(b.len, len);
    for (int i = 0; i < GG_JW_MAX_DEPTH; i++)
        gg_jw_arr_end(&w); /* sticky: nothing more is written */
    gg_jw_int(&w, 1);
    assert_int_equal(b.len, len);
    assert_int_equal(gg_jw_status(&w), GG_ETOOBIG);
    gg_buf_free(&b);
}

static void test_jw_buffer_limit_sticks(void **state)
{
    gg_buf b;
    gg_jw w;
    gg_buf_init(&b, 16);
    gg_jw_init(&w, &b);
    gg_jw_arr(&w);
    gg_jw_str(&w, "0123456789abcdef");
    assert_int_equal(gg_jw_status(&w), GG_ETOOBIG);
    size_t len = b.len;
    gg_jw_int(&w, 1);
    gg_jw_arr_end(&w);
    assert_int_equal(b.len, len);
    assert_int_equal(gg_jw_status(&w), GG_ETOOBIG);
    gg_buf_free(&b);
}

static void test_jw_misuse(void **state)
{
    gg_buf b;
    gg_jw w;
    gg_buf_init(&b, 256);

    gg_jw_init(&w, &b); /* key inside an array */
    gg_jw_arr(&w);
    gg_jw_key(&w, "k");
    assert_int_equal(gg_jw_status(&w), GG_EINVAL);

    gg_buf_reset(&b);
    gg_jw_init(&w, &b); /* value inside an object without a key */
    gg_jw_obj(&w);
    gg_jw_int(&w, 1);
    assert_int_equal(gg_jw_status(&w), GG_EINVAL);

    gg_buf_reset(&b);
    gg_jw_init(&w, &b); /* mismatched close */
    gg_jw_obj(&w);
    gg_jw_arr_end(&w);
    assert_int_equal(gg_jw_status(&w), GG_EINVAL);

    gg_buf_reset(&b);
    gg_jw_init(&w, &b); /* close with nothing open */
    gg_jw_obj_end(&w);
    assert_int_equal(gg_jw_status(&w), GG_EINVAL);

    gg_buf_reset(&b);
    gg_jw_init(&w, &b); /* key without value, then close */
    gg_jw_obj(&w);
    gg_jw_key(&w, "k");
    gg_jw_obj_end(&w);
    assert_int_equal(gg_jw_status(&w), GG_EINVAL);

    gg_buf_reset(&b);
    gg_jw_init(&w, &b); /* two top-level values */
    gg_jw_int(&w, 1);
    gg_jw_int(&w, 2);
    assert_int_equal(gg_jw_status(&w), GG_EINVAL);
    assert_string_equal(b.data, "1");
    gg_buf_free(&b);
}

/* ---- jr.h: parsing --------------------------------------------------- */

static int parse(const char *body, size_t n, json_t **root, gg_error *e)
{
    memset(e, 0, sizeof *e);
    return gg_jr_parse(body, n, GG_JR_DEFAULT_DEPTH, root, e);
}

#define PARSE_LIT(lit, root, e) parse((lit), sizeof(lit) - 1, (root), (e))

static void expect_bad(int rc, const gg_error *e, int status, const char *code, const char *msg)
{
    assert_int_equal(rc, GG_EINVAL);
    assert_int_equal(e->status, status);
    assert_string_equal(e->code, code);
    if (msg && !strstr(e->message, msg))
        fail_msg("message \"%s\" lacks \"%s\"", e->message, msg);
}

static void test_jr_valid(void **state)
{
    json_t *root = NULL;
    gg_error e;
    static const char body[] = " {\"name\":\"网格\",\"n\":[1,2.5,{\"x\":null}]}\n";
    assert_int_equal(PARSE_LIT(body, &root, &e), 0);
    assert_non_null(root);
    assert_string_equal(gg_jr_str(root, "name", NULL), "网格");
    json_decref(root);
    assert_int_equal(PARSE_LIT("{}", &root, &e), 0);
    json_decref(root);
}

static void test_jr_syntax_errors(void **state)
{
    json_t *root = (json_t *)1;
    gg_error e;
    int rc = PARSE_LIT("", &root, &e);
    expect_bad(rc, &e, 400, "invalid_json", "request body is empty");
    assert_null(root);
    expect_bad(PARSE_LIT(" \r\n\t", &root, &e), &e, 400, "invalid_json", "empty");
    expect_bad(PARSE_LIT("{\"a\":", &root, &e), &e, 400, "invalid_json", NULL);
    expect_bad(PARSE_LIT("{\"a\":1,}", &root, &e), &e, 400, "invalid_json", NULL);
    expect_bad(PARSE_LIT("{'a':1}", &root, &e), &e, 400, "invalid_json", NULL);
    expect_bad(PARSE_LIT("{\"a\":1} x", &root, &e), &e, 400, "invalid_json", NULL);
    expect_bad(PARSE_LIT("{\"a\":NaN}", &root, &e), &e, 400, "invalid_json", NULL);
    expect_bad(PARSE_LIT("{\"a\":\"\\ud800\"}", &root, &e), &e, 400, "invalid_json", NULL);
    expect_bad(PARSE_LIT("{\"a\":1,\"a\":2}", &root, &e), &e, 400, "invalid_json", "duplicate");
    expect_bad(PARSE_LIT("[1,2]", &root, &e), &e, 400, "invalid_json", "must be a JSON object");
    expect_bad(PARSE_LIT("\"str\"", &root, &e), &e, 400, "invalid_json", "object");
    expect_bad(PARSE_LIT("42", &root, &e), &e, 400, "invalid_json", "object");
    assert_null(root);
}

static void test_jr_numbers_that_do_not_fit(void **state)
{
    json_t *root = NULL;
    gg_error e;
    expect_bad(PARSE_LIT("{\"a\":99999999999999999999999}", &root, &e), &e, 400, "invalid_json",
               "too big integer");
    assert_non_null(strstr(e.message, "at byte")); /* jansson's position travels along */
    expect_bad(PARSE_LIT("{\"a\":-9223372036854775809}", &root, &e), &e, 400, "invalid_json",
               "too big negative integer");
    expect_bad(PARSE_LIT("{\"a\":1e400}", &root, &e), &e, 400, "invalid_json", "overflow");
    assert_int_equal(PARSE_LIT("{\"a\":9223372036854775807}", &root, &e), 0);
    assert_true(gg_jr_int(root, "a", 0) == INT64_MAX);
    json_decref(root);
}

static void test_jr_encoding(void **state)
{
    json_t *root = NULL;
    gg_error e;
    expect_bad(PARSE_LIT("{\"a\":\"\xFF\"}", &root, &e), &e, 400, "invalid_encoding", NULL);
    expect_bad(PARSE_LIT("{\"a\":\"\xC0\x80\"}", &root, &e), &e, 400, "invalid_encoding", NULL);
    expect_bad(PARSE_LIT("{\"a\":\"\xED\xA0\x80\"}", &root, &e), &e, 400, "invalid_encoding",
               NULL);
    expect_bad(PARSE_LIT("{\"a\":\"\xE4\xB8\"}", &root, &e), &e, 400, "invalid_encoding", NULL);
    expect_bad(PARSE_LIT("{\"a\":\"x\0\"}", &root, &e), &e, 400, "invalid_encoding", NULL);
    assert_null(root);
}

static char *nested(int depth, const char *prefix, const char *suffix)
{
    size_t pl = strlen(prefix), sl = strlen(suffix);
    char *s = gg_xmalloc(pl + 2 * (size_t)depth + sl + 1);
    memcpy(s, prefix, pl);
    memset(s + pl, '[', (size_t)depth);
    memset(s + pl + depth, ']', (size_t)depth);
    memcpy(s + pl + 2 * (size_t)depth, suffix, sl + 1);
    return s;
}

static void test_jr_depth(void **state)
{
    json_t *root = NULL;
    gg_error e;

    /* 10,000 deep is refused by the pre-scan, before jansson recurses. */
    char *deep = nested(10000, "{\"a\":", "}");
    expect_bad(parse(deep, strlen(deep), &root, &e), &e, 400, "invalid_json", "too deep");
    gg_free(deep);

    /* The object is level 1: 31 arrays inside it make 32, the limit. */
    char *ok = nested(GG_JR_DEFAULT_DEPTH - 1, "{\"a\":", "}");
    assert_int_equal(parse(ok, strlen(ok), &root, &e), 0);
    json_decref(root);
    gg_free(ok);
    char *over = nested(GG_JR_DEFAULT_DEPTH, "{\"a\":", "}");
    expect_bad(parse(over, strlen(over), &root, &e), &e, 400, "invalid_json", "too deep");
    gg_free(over);

    /* Brackets inside strings do not count, escaped quotes do not end them. */
    char *instr = gg_xmalloc(10100);
    memcpy(instr, "{\"a\":\"\\\"", 8);
    memset(instr + 8, '[', 10000);
    memcpy(instr + 10008, "\"}", 3);
    assert_int_equal(parse(instr, strlen(instr), &root, &e), 0);
    json_decref(root);
    gg_free(instr);

    /* An escaped backslash does end the escape: the quote after it closes
     * the string, so the brackets that follow count. */
    static const char tricky[] = "{\"a\":\"\\\\\",\"b\":[[1]]}";
    assert_int_equal(gg_jr_parse(tricky, sizeof tricky - 1, 3, &root, &e), 0);
    json_decref(root);
    expect_bad(gg_jr_parse(tricky, sizeof tricky - 1, 2, &root, &e), &e, 400, "invalid_json",
               "too deep");
}

/* ---- jr.h: field tables ---------------------------------------------- */

static const gg_jr_field person[] = {
    {"name", GG_JR_STRING, true, false, 1, 4},
    {"age", GG_JR_INT, false, false, 0, 150},
    {"score", GG_JR_INT, false, false, 0, 0},
    {"floor", GG_JR_INT, false, false, 1, 0},
    {"active", GG_JR_BOOL, false, false, 0, 0},
    {"parent_id", GG_JR_ID, false, true, 0, 0},
    {"owner_id", GG_JR_ID, false, false, 0, 0},
    {"tags", GG_JR_ARRAY, false, false, 0, 3},
    {"meta", GG_JR_OBJECT, false, true, 0, 0},
    {"extra", GG_JR_ANY, false, false, 0, 0},
};

/* Parse body and validate it against person[]. */
static int check(const char *body, gg_error *e)
{
    json_t *root = NULL;
    memset(e, 0, sizeof *e);
    int rc = gg_jr_parse(body, strlen(body), GG_JR_DEFAULT_DEPTH, &root, e);
    if (rc == 0)
        rc = gg_jr_fields(root, person, GG_ARRAY_LEN(person), e);
    json_decref(root);
    return rc;
}

static void expect_field(const char *body, const char *code, const char *field, const char *msg)
{
    gg_error e;
    int rc = check(body, &e);
    if (rc != GG_EINVAL)
        fail_msg("%s: rc %d, expected %s", body, rc, code);
    assert_int_equal(e.status, 422);
    assert_string_equal(e.code, code);
    assert_string_equal(e.field, field);
    if (msg && !strstr(e.message, msg))
        fail_msg("message \"%s\" lacks \"%s\"", e.message, msg);
}

static void expect_ok(const char *body)
{
    gg_error e;
    int rc = check(body, &e);
    if (rc != 0)
        fail_msg("%s: %s %s %s", body, e.code, e.field, e.message);
}

static void test_jr_fields_ok(void **state)
{
    expect_ok("{\"name\":\"网格网格\",\"age\":150,\"score\":-99999999999,\"floor\":100000,"
              "\"active\":true,\"parent_id\":null,\"owner_id\":\"42\",\"tags\":[1,\"x\",null],"
              "\"meta\":{\"k\":[1]},\"extra\":3.5}");
    expect_ok("{\"name\":\"a\",\"age\":0,\"meta\":null}");
}

static void test_jr_fields_errors(void **state)
{
    expect_field("{\"name\":\"a\",\"bogus\":1}", "unknown_field", "bogus", NULL);
    expect_field("{\"age\":3}", "missing_field", "name", NULL);
    expect_field("{\"name\":5}", "invalid_type", "name", "must be a string");
    expect_field("{\"name\":\"a\",\"age\":\"3\"}", "invalid_type", "age", "must be an integer");
    expect_field("{\"name\":\"a\",\"age\":3.0}", "invalid_type", "age", "must be an integer");
    expect_field("{\"name\":\"a\",\"active\":1}", "invalid_type", "active", "must be a boolean");
    expect_field("{\"name\":\"a\",\"tags\":{}}", "invalid_type", "tags", "must be an array");
    expect_field("{\"name\":\"a\",\"meta\":[]}", "invalid_type", "meta", "must be an object");
    expect_field("{\"name\":null}", "invalid_type", "name", "null");
    expect_field("{\"name\":\"a\",\"extra\":null}", "invalid_type", "extra", "null");

    /* Lengths count code points: 4 Chinese characters fit, 5 do not. */
    expect_field("{\"name\":\"网格网格网\"}", "invalid_length", "name",
                 "must be 1 to 4 characters long");
    expect_field("{\"name\":\"\"}", "invalid_length", "name", NULL);
    expect_field("{\"name\":\"a\",\"tags\":[1,2,3,4]}", "invalid_length", "tags",
                 "must have at most 3 items");

    expect_field("{\"name\":\"a\\u0000\"}", "invalid_value", "name", "NUL");
    expect_field("{\"name\":\"a\",\"tags\":[\"\\u0000\"]}", "invalid_value", "tags", NULL);
    expect_field("{\"name\":\"a\",\"meta\":{\"k\":{\"j\":\"x\\u0000\"}}}", "invalid_value", "meta",
                 NULL);

    expect_field("{\"name\":\"a\",\"age\":151}", "out_of_range", "age", "must be 0 to 150");
    expect_field("{\"name\":\"a\",\"age\":-1}", "out_of_range", "age", NULL);
    expect_field("{\"name\":\"a\",\"floor\":0}", "out_of_range", "floor", "must be at least 1");
}

static void test_jr_ids(void **state)
{
    expect_ok("{\"name\":\"a\",\"owner_id\":1}");
    expect_ok("{\"name\":\"a\",\"owner_id\":9223372036854775807}");
    expect_ok("{\"name\":\"a\",\"owner_id\":\"123456789012345678\"}");
    static const char *const bad[] = {
        "0", "-3", "\"0\"", "\"05\"", "\"\"", "\"12a\"", "\"-1\"", "\" 1\"", "\"+1\"",
        "\"1234567890123456789\"", "1.5", "true", "[1]", "{}",
    };
    for (size_t i = 0; i < GG_ARRAY_LEN(bad); i++) {
        char body[128];
        snprintf(body, sizeof body, "{\"name\":\"a\",\"owner_id\":%s}", bad[i]);
        expect_field(body, "invalid_id", "owner_id", NULL);
    }
    expect_field("{\"name\":\"a\",\"owner_id\":null}", "invalid_type", "owner_id", "null");
    expect_ok("{\"name\":\"a\",\"parent_id\":null}");
}

static void test_jr_accessors(void **state)
{
    static const char body[] = "{\"s\":\"v\",\"i\":-7,\"b\":true,\"id1\":\"900\",\"id2\":12,"
                               "\"id3\":\"007\",\"z\":null}";
    json_t *root = NULL;
    gg_error e;
    assert_int_equal(PARSE_LIT(body, &root, &e), 0);
    assert_string_equal(gg_jr_str(root, "s", "d"), "v");
    assert_string_equal(gg_jr_str(root, "missing", "d"), "d");
    assert_string_equal(gg_jr_str(root, "z", "d"), "d");
    assert_int_equal(gg_jr_int(root, "i", 0), -7);
    assert_int_equal(gg_jr_int(root, "z", 5), 5);
    assert_true(gg_jr_bool(root, "b", false));
    assert_false(gg_jr_bool(root, "missing", false));
    assert_int_equal(gg_jr_id(root, "id1"), 900);
    assert_int_equal(gg_jr_id(root, "id2"), 12);
    assert_int_equal(gg_jr_id(root, "id3"), 0);
    assert_int_equal(gg_jr_id(root, "z"), 0);
    assert_int_equal(gg_jr_id(root, "missing"), 0);
    assert_true(gg_jr_has(root, "z"));
    assert_false(gg_jr_has(root, "missing"));
    json_decref(root);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_jw_nesting_and_commas),
        cmocka_unit_test(test_jw_escaping),
        cmocka_unit_test(test_jw_key_escaped),
        cmocka_unit_test(test_jw_numbers),
        cmocka_unit_test(test_jw_ids_and_times),
        cmocka_unit_test(test_jw_depth_overflow),
        cmocka_unit_test(test_jw_buffer_limit_sticks),
        cmocka_unit_test(test_jw_misuse),
        cmocka_unit_test(test_jr_valid),
        cmocka_unit_test(test_jr_syntax_errors),
        cmocka_unit_test(test_jr_numbers_that_do_not_fit),
        cmocka_unit_test(test_jr_encoding),
        cmocka_unit_test(test_jr_depth),
        cmocka_unit_test(test_jr_fields_ok),
        cmocka_unit_test(test_jr_fields_errors),
        cmocka_unit_test(test_jr_ids),
        cmocka_unit_test(test_jr_accessors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
