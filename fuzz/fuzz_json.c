/*
 * fuzz_json.c — libFuzzer harness for JSON request bodies (json/jr.c) and
 * the JSON writer (json/jw.c).
 *
 * Each input goes through gg_jr_parse as a request body would; what parses
 * is checked against field tables shaped like the API's (strings with
 * lengths, ints with ranges, ids, arrays, bools, any), read through the
 * accessors, then written back out with gg_jw and re-parsed: the writer's
 * output must always be valid JSON that gg_jr_parse accepts with the same
 * keys. Any crash, sanitizer report or abort() is a finding.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "json/jr.h"
#include "json/jw.h"

static const gg_jr_field case_open[] = {
    {"kind", GG_JR_STRING, true, false, 1, 16},
    {"subtype", GG_JR_STRING, false, true, 1, 32},
    {"category_id", GG_JR_ID, true, false, 0, 0},
    {"place_id", GG_JR_ID, true, false, 0, 0},
    {"title", GG_JR_STRING, true, false, 1, 100},
    {"description", GG_JR_STRING, false, true, 0, 4000},
    {"lat", GG_JR_ANY, false, true, 0, 0},
    {"answer_now", GG_JR_BOOL, false, false, 0, 0},
};
static const gg_jr_field account_create[] = {
    {"username", GG_JR_STRING, true, false, 3, 64},
    {"role", GG_JR_STRING, true, false, 1, 32},
    {"unit_id", GG_JR_ID, false, true, 0, 0},
    {"place_ids", GG_JR_ARRAY, false, true, 0, 32},
    {"global_scope", GG_JR_BOOL, false, false, 0, 0},
};
static const gg_jr_field case_act[] = {
    {"note", GG_JR_STRING, false, true, 0, 2000},
    {"rating", GG_JR_INT, false, true, 1, 5},
    {"target_unit_id", GG_JR_ID, false, true, 0, 0},
    {"extension_amount", GG_JR_INT, false, true, 1, 3650},
    {"version", GG_JR_INT, false, true, 1, INT32_MAX},
    {"any", GG_JR_INT, false, true, 0, 0},
    {"obj", GG_JR_OBJECT, false, true, 0, 0},
};

static const struct {
    const gg_jr_field *f;
    size_t n;
} tables[] = {
    {case_open, GG_ARRAY_LEN(case_open)},
    {account_create, GG_ARRAY_LEN(account_create)},
    {case_act, GG_ARRAY_LEN(case_act)},
};


int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    json_t *root = NULL;
    gg_error e = {0};
    if (gg_jr_parse((const char *)data, size, GG_JR_DEFAULT_DEPTH, &root, &e) != 0) {
        if (!e.code || e.status < 400 || !memchr(e.message, 0, sizeof e.message)) abort();
        return 0;
    }
    for (size_t t = 0; t < GG_ARRAY_LEN(tables); t++) {
        gg_error fe = {0};
        if (gg_jr_fields(root, tables[t].f, tables[t].n, &fe) == 0) {
            /* accepted: the accessors give what the table promised */
            for (size_t k = 0; k < tables[t].n; k++) {
                const gg_jr_field *f = &tables[t].f[k];
                if (f->type == GG_JR_STRING) {
                    const char *s = gg_jr_str(root, f->name, NULL);
                    if (s && f->max && strlen(s) > (size_t)f->max * 4) abort();
                } else if (f->type == GG_JR_ID && gg_jr_has(root, f->name) &&
                           !json_is_null(json_object_get(root, f->name))) {
                    if (gg_jr_id(root, f->name) <= 0) abort();
                } else if (f->type == GG_JR_INT && (f->min || f->max)) {
                    int64_t v = gg_jr_int(root, f->name, f->min);
                    if (v < f->min || (f->max >= f->min && v > f->max)) abort();
                } else if (f->type == GG_JR_BOOL) {
                    (void)gg_jr_bool(root, f->name, false);
                }
            }
        } else if (!fe.code || fe.status != 422) {
            abort();
        }
    }

    /* round trip through the writer */
    gg_buf b;
    gg_buf_init(&b, 4u << 20);
    gg_jw w;
    gg_jw_init(&w, &b);
    gg_jr_write(&w, root);
    int st = gg_jw_status(&w);
    if (st == 0) {
        json_t *again = NULL;
        gg_error e2 = {0};
        if (gg_jr_parse(b.data, b.len, GG_JR_DEFAULT_DEPTH, &again, &e2) != 0) {
            fprintf(stderr, "writer output does not re-parse: %s\n%.*s\n", e2.message,
                    (int)(b.len < 2000 ? b.len : 2000), b.data);
            abort();
        }
        if (json_object_size(again) != json_object_size(root)) abort();
        json_decref(again);
    } else if (st != GG_ETOOBIG) {
        abort(); /* only depth or size may stop the writer on parsed input */
    }
    gg_buf_free(&b);
    json_decref(root);
    return 0;
}
