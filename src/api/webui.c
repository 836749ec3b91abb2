/*
 * webui.c — small pieces of the API the web UI (#4) needs in shared
 * handlers: the client key that makes an offline report exactly-once.
 */
#include <string.h>

#include "api/api.h"
#include "json/jr.h"

int gg_api_client_key(gg_req *r, json_t *body, const char **out)
{
    *out = NULL;
    json_t *v = json_object_get(body, "client_key");
    if (!v || json_is_null(v)) return 0;
    const char *k = json_string_value(v); /* type and 1..64 length: the field table */
    if (!k) return 0;
    /* a UUID, or any similar token: letters, digits and - _ . : only */
    for (const char *p = k; *p; p++) {
        char ch = *p;
        bool ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
                  ch == '-' || ch == '_' || ch == '.' || ch == ':';
        if (!ok)
            return gg_fail(&r->err, GG_EINVAL, 422, "invalid_value", "client_key",
                           "client_key holds letters, digits and - _ . : only (a UUID)");
    }
    *out = k;
    return 0;
}
