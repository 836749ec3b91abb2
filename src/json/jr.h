/*
 * jr.h — reading request bodies with jansson, strictly.
 *
 * gg_jr_parse checks, before and while parsing: the body is valid UTF-8,
 * its nesting depth is at most max_depth (a cheap pre-scan, so a 10,000-deep
 * body costs nothing), it is one JSON object, no duplicate keys, numbers fit
 * (jansson refuses integer overflow; reals must be finite).
 *
 * gg_jr_fields then validates an object against a field table: unknown keys
 * are refused, required keys must be present, each value must have its type
 * and its limits. Errors are filled into gg_error with the field's name:
 * 400 "invalid_json" for syntax, 422 "invalid_field" for a field.
 */
#ifndef GG_JR_H
#define GG_JR_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/gg.h"
#include "json/jw.h"

#define GG_JR_DEFAULT_DEPTH 32

int gg_jr_parse(const char *body, size_t n, int max_depth, json_t **out, gg_error *e);

enum gg_jr_type { GG_JR_STRING, GG_JR_INT, GG_JR_BOOL, GG_JR_ID, GG_JR_ARRAY, GG_JR_OBJECT, GG_JR_ANY };

typedef struct gg_jr_field {
    const char *name;
    enum gg_jr_type type;
    bool required;
    bool nullable;
    int64_t min;    /* STRING: min code points; INT: min value */
    int64_t max;    /* STRING: max code points; INT: max value; ARRAY: max items; 0 = no limit */
} gg_jr_field;

/* Validate obj against fields[0..n). */
int gg_jr_fields(json_t *obj, const gg_jr_field *fields, size_t n, gg_error *e);

/* Accessors after validation (absent or null gives the default). An ID may be
 * sent as a decimal string or a positive integer. */
const char *gg_jr_str(json_t *obj, const char *key, const char *dflt);
int64_t gg_jr_int(json_t *obj, const char *key, int64_t dflt);
bool gg_jr_bool(json_t *obj, const char *key, bool dflt);
int64_t gg_jr_id(json_t *obj, const char *key); /* 0 when absent or null */
bool gg_jr_has(json_t *obj, const char *key);

/* Write a parsed value (e.g. stored properties) through the streaming writer.
 * Nesting beyond the writer's depth sets its sticky error (gg_jw_status). */
void gg_jr_write(gg_jw *w, const json_t *v);

#endif
