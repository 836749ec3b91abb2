/*
 * gg.c — filling a gg_error and mapping gg_status codes to their default
 * HTTP status and machine word. The table is the single place that decides
 * which status a bare status code answers with when no detail was given.
 */
#include "core/gg.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

struct status_map {
    int rc;
    int http;
    const char *code;
};

static const struct status_map status_table[] = {
    {GG_OK, 200, "ok"},
    {GG_ENOMEM, 503, "out_of_memory"},
    {GG_EINVAL, 422, "invalid"},
    {GG_ENOTFOUND, 404, "not_found"},
    {GG_ECONFLICT, 409, "conflict"},
    {GG_EFORBIDDEN, 403, "forbidden"},
    {GG_EUNAUTH, 401, "unauthorized"},
    {GG_ETOOBIG, 413, "too_large"},
    {GG_EIO, 500, "internal"},
    {GG_EBUSY, 503, "unavailable"},
    {GG_ELIMIT, 429, "too_many_requests"},
};

static const struct status_map *status_find(int rc)
{
    for (size_t i = 0; i < GG_ARRAY_LEN(status_table); i++)
        if (status_table[i].rc == rc)
            return &status_table[i];
    return NULL;
}

int gg_status_http(int rc)
{
    const struct status_map *m = status_find(rc);
    return m ? m->http : 500;
}

const char *gg_status_code(int rc)
{
    const struct status_map *m = status_find(rc);
    return m ? m->code : "internal";
}

/* snprintf truncates at a byte; a cut in the middle of a UTF-8 sequence
 * would make the error JSON invalid, so back off to a code point boundary. */
static void trim_partial_utf8(char *s, size_t cap)
{
    size_t len = strlen(s);
    if (len + 1 < cap || len == 0)
        return; /* not truncated */
    size_t i = len;
    while (i > 0 && ((unsigned char)s[i - 1] & 0xC0) == 0x80)
        i--;
    if (i == 0)
        return;
    unsigned char lead = (unsigned char)s[i - 1];
    size_t need = lead < 0x80 ? 1 : lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
    if (len - (i - 1) < need)
        s[i - 1] = '\0';
}

int gg_fail(gg_error *e, int rc, int status, const char *code, const char *field,
            const char *fmt, ...)
{
    if (!e)
        return rc;
    e->status = status ? status : gg_status_http(rc);
    e->code = code ? code : gg_status_code(rc);
    e->message[0] = '\0';
    if (fmt) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(e->message, sizeof e->message, fmt, ap);
        va_end(ap);
        trim_partial_utf8(e->message, sizeof e->message);
    }
    e->field[0] = '\0';
    if (field) {
        snprintf(e->field, sizeof e->field, "%s", field);
        trim_partial_utf8(e->field, sizeof e->field);
    }
    return rc;
}
