/*
 * jr.c — strict reading of request bodies with jansson.
 *
 * gg_jr_parse refuses, in this order and each with its own error word: an
 * empty body, bytes that are not UTF-8 (or hold a raw NUL), nesting deeper
 * than the limit (found by a pre-scan that costs one pass and no memory, so
 * a 10,000-deep body never reaches the recursive parser), then whatever
 * jansson refuses (syntax, duplicate keys, integers past int64, reals past
 * double), then a top-level value that is not an object.
 *
 * \u0000 is let through the parser (JSON_ALLOW_NUL) so that it can be
 * refused by gg_jr_fields as a 422 naming the field, rather than as a
 * syntax error; every string gg_jr_fields accepts, nested ones included,
 * is NUL-free and therefore safe as a C string.
 */
#include "json/jr.h"

#include <string.h>

#include "core/str.h"

int gg_jr_parse(const char *body, size_t n, int max_depth, json_t **out, gg_error *e)
{
    *out = NULL;
    if (max_depth <= 0)
        max_depth = GG_JR_DEFAULT_DEPTH;
    size_t i = 0;
    while (i < n && (body[i] == ' ' || body[i] == '\t' || body[i] == '\n' || body[i] == '\r'))
        i++;
    if (i == n)
        return gg_fail(e, GG_EINVAL, 400, "invalid_json", NULL, "request body is empty");
    if (!gg_utf8_valid(body, n, false))
        return gg_fail(e, GG_EINVAL, 400, "invalid_encoding", NULL,
                       "request body is not valid UTF-8");

    /* Depth pre-scan: brackets inside strings do not count, and an escaped
     * quote does not end a string. Syntax is left to jansson. */
    int depth = 0;
    bool in_str = false;
    for (i = 0; i < n; i++) {
        char c = body[i];
        if (in_str) {
            if (c == '\\')
                i++;
            else if (c == '"')
                in_str = false;
        } else if (c == '"') {
            in_str = true;
        } else if (c == '{' || c == '[') {
            if (++depth > max_depth)
                return gg_fail(e, GG_EINVAL, 400, "invalid_json", NULL,
                               "JSON nesting is too deep (at most %d levels)", max_depth);
        } else if (c == '}' || c == ']') {
            depth--;
        }
    }

    json_error_t jerr;
    json_t *root = json_loadb(body, n, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY | JSON_ALLOW_NUL,
                              &jerr);
    if (!root) {
        if (json_error_code(&jerr) == json_error_out_of_memory)
            return gg_fail(e, GG_ENOMEM, 503, "out_of_memory", NULL, "out of memory");
        /* jansson cuts its text at a byte; keep only whole code points so
         * the message stays valid UTF-8 with our suffix after it. */
        size_t tl = strnlen(jerr.text, sizeof jerr.text), ok = 0;
        uint32_t cp;
        for (size_t k; ok < tl && (k = gg_utf8_decode(jerr.text + ok, tl - ok, &cp)) > 0;)
            ok += k;
        return gg_fail(e, GG_EINVAL, 400, "invalid_json", NULL, "%.*s (at byte %d)", (int)ok,
                       jerr.text, jerr.position);
    }
    if (!json_is_object(root)) {
        json_decref(root);
        return gg_fail(e, GG_EINVAL, 400, "invalid_json", NULL,
                       "request body must be a JSON object");
    }
    *out = root;
    return 0;
}

static bool has_nul(const json_t *s)
{
    return memchr(json_string_value(s), '\0', json_string_length(s)) != NULL;
}

/* A NUL anywhere inside an array or object value (keys cannot hold one:
 * jansson refuses them even with JSON_ALLOW_NUL). Depth is bounded by the
 * parse limit. */
static bool nested_nul(json_t *v)
{
    size_t idx;
    const char *key;
    json_t *item;
    if (json_is_string(v))
        return has_nul(v);
    if (json_is_array(v)) {
        json_array_foreach(v, idx, item)
            if (nested_nul(item))
                return true;
    } else if (json_is_object(v)) {
        json_object_foreach(v, key, item)
            if (nested_nul(item))
                return true;
    }
    return false;
}

/* "must be 1 to 4 characters long", "must have at most 3 items": the words
 * for a limit where 0 (or, for integers, a max below min) means unbounded. */
static int range_fail(gg_error *e, const char *code, const gg_jr_field *f, bool has_min,
                      bool has_max, const char *verb, const char *unit)
{
    long long lo = (long long)f->min, hi = (long long)f->max;
    if (has_min && has_max)
        return gg_fail(e, GG_EINVAL, 422, code, f->name, "must %s %lld to %lld%s", verb, lo, hi,
                       unit);
    if (has_max)
        return gg_fail(e, GG_EINVAL, 422, code, f->name, "must %s at most %lld%s", verb, hi,
                       unit);
    return gg_fail(e, GG_EINVAL, 422, code, f->name, "must %s at least %lld%s", verb, lo, unit);
}

/* 1 to 18 decimal digits, no leading zero: always a positive int64. */
static bool id_string(const char *s, size_t n, int64_t *out)
{
    if (n < 1 || n > 18 || s[0] == '0')
        return false;
    return gg_parse_i64(s, n, 1, INT64_MAX, out) == 0;
}

static const char *const type_words[] = {
    [GG_JR_STRING] = "a string",  [GG_JR_INT] = "an integer", [GG_JR_BOOL] = "a boolean",
    [GG_JR_ID] = "an id",         [GG_JR_ARRAY] = "an array", [GG_JR_OBJECT] = "an object",
    [GG_JR_ANY] = "a value",
};

static bool type_ok(const gg_jr_field *f, json_t *v)
{
    switch (f->type) {
    case GG_JR_STRING: return json_is_string(v);
    case GG_JR_INT: return json_is_integer(v);
    case GG_JR_BOOL: return json_is_boolean(v);
    case GG_JR_ID: return true; /* any wrong shape is "invalid_id" */
    case GG_JR_ARRAY: return json_is_array(v);
    case GG_JR_OBJECT: return json_is_object(v);
    case GG_JR_ANY: return true;
    }
    return false;
}

/* Limits of one present, non-null value of the right type. */
static int check_limits(const gg_jr_field *f, json_t *v, gg_error *e)
{
    switch (f->type) {
    case GG_JR_STRING: {
        if (has_nul(v))
            return gg_fail(e, GG_EINVAL, 422, "invalid_value", f->name,
                           "must not contain a NUL character");
        size_t len = gg_utf8_len(json_string_value(v), json_string_length(v));
        if ((f->min > 0 && len < (uint64_t)f->min) || (f->max > 0 && len > (uint64_t)f->max))
            return range_fail(e, "invalid_length", f, f->min > 0, f->max > 0, "be",
                              " characters long");
        return 0;
    }
    case GG_JR_INT: {
        /* min == max == 0 means unlimited; a max below min means no upper
         * bound (the header's "0 = no limit" for a positive min). */
        json_int_t x = json_integer_value(v);
        if (f->min == 0 && f->max == 0)
            return 0;
        bool bounded = f->max >= f->min;
        if (x < f->min || (bounded && x > f->max))
            return range_fail(e, "out_of_range", f, true, bounded, "be", "");
        return 0;
    }
    case GG_JR_ID: {
        int64_t id;
        bool ok = json_is_integer(v) ? json_integer_value(v) > 0
                  : json_is_string(v)
                      ? id_string(json_string_value(v), json_string_length(v), &id)
                      : false;
        if (!ok)
            return gg_fail(e, GG_EINVAL, 422, "invalid_id", f->name,
                           "must be a positive integer id");
        return 0;
    }
    case GG_JR_ARRAY: {
        size_t cnt = json_array_size(v);
        if ((f->min > 0 && cnt < (uint64_t)f->min) || (f->max > 0 && cnt > (uint64_t)f->max))
            return range_fail(e, "invalid_length", f, f->min > 0, f->max > 0, "have", " items");
        break;
    }
    default:
        break;
    }
    if (nested_nul(v))
        return gg_fail(e, GG_EINVAL, 422, "invalid_value", f->name,
                       "must not contain a NUL character");
    return 0;
}

int gg_jr_fields(json_t *obj, const gg_jr_field *fields, size_t n, gg_error *e)
{
    const char *key;
    json_t *v;
    json_object_foreach(obj, key, v) {
        size_t k = 0;
        while (k < n && strcmp(fields[k].name, key) != 0)
            k++;
        if (k == n)
            return gg_fail(e, GG_EINVAL, 422, "unknown_field", key, "is not a known field");
    }
    for (size_t k = 0; k < n; k++) {
        const gg_jr_field *f = &fields[k];
        v = json_object_get(obj, f->name);
        if (!v) {
            if (f->required)
                return gg_fail(e, GG_EINVAL, 422, "missing_field", f->name, "is required");
            continue;
        }
        if (json_is_null(v)) {
            if (f->nullable)
                continue;
            return gg_fail(e, GG_EINVAL, 422, "invalid_type", f->name, "must be %s, not null",
                           type_words[f->type]);
        }
        if (!type_ok(f, v))
            return gg_fail(e, GG_EINVAL, 422, "invalid_type", f->name, "must be %s",
                           type_words[f->type]);
        int rc = check_limits(f, v, e);
        if (rc)
            return rc;
    }
    return 0;
}

const char *gg_jr_str(json_t *obj, const char *key, const char *dflt)
{
    json_t *v = json_object_get(obj, key);
    return json_is_string(v) ? json_string_value(v) : dflt;
}

int64_t gg_jr_int(json_t *obj, const char *key, int64_t dflt)
{
    json_t *v = json_object_get(obj, key);
    return json_is_integer(v) ? (int64_t)json_integer_value(v) : dflt;
}

bool gg_jr_bool(json_t *obj, const char *key, bool dflt)
{
    json_t *v = json_object_get(obj, key);
    return json_is_boolean(v) ? json_is_true(v) : dflt;
}

int64_t gg_jr_id(json_t *obj, const char *key)
{
    json_t *v = json_object_get(obj, key);
    int64_t id = 0;
    if (json_is_integer(v))
        return json_integer_value(v) > 0 ? (int64_t)json_integer_value(v) : 0;
    if (json_is_string(v) && id_string(json_string_value(v), json_string_length(v), &id))
        return id;
    return 0;
}

bool gg_jr_has(json_t *obj, const char *key)
{
    return json_object_get(obj, key) != NULL;
}

void gg_jr_write(gg_jw *w, const json_t *v)
{
    const char *k;
    size_t i;
    json_t *x;
    switch (json_typeof(v)) {
    case JSON_OBJECT:
        gg_jw_obj(w);
        json_object_foreach((json_t *)v, k, x) {
            gg_jw_key(w, k);
            gg_jr_write(w, x);
        }
        gg_jw_obj_end(w);
        break;
    case JSON_ARRAY:
        gg_jw_arr(w);
        json_array_foreach(v, i, x) gg_jr_write(w, x);
        gg_jw_arr_end(w);
        break;
    case JSON_STRING: gg_jw_strn(w, json_string_value(v), json_string_length(v)); break;
    case JSON_INTEGER: gg_jw_int(w, json_integer_value(v)); break;
    case JSON_REAL: gg_jw_double(w, json_real_value(v)); break;
    case JSON_TRUE: gg_jw_bool(w, true); break;
    case JSON_FALSE: gg_jw_bool(w, false); break;
    case JSON_NULL: gg_jw_null(w); break;
    }
}
