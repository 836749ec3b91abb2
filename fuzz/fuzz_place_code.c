/*
 * fuzz_place_code.c — libFuzzer harness for the place-code rules
 * (domain/place.c): gg_place_code_check, gg_place_validate,
 * gg_place_code_compose and gg_place_recode with hostile strings.
 *
 * Input layout: byte 0 is the kind, byte 1 the parent's kind (both taken
 * modulo a little more than the known range, so unknown kinds are tried
 * too), then newline-separated fields: subtype, parent code, code, name,
 * dedicated kind. A missing field is NULL. Every string is its own heap
 * allocation, exactly as long as it is, so any overread is an ASan report.
 */
#include <stdlib.h>
#include <string.h>

#include "domain/place.h"
#include "fuzz_util.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

#define NF 5

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    if (size < 2 || size > 1024) return 0;
    int kind = data[0] % (GG_PK__COUNT + 2) - 1;
    int parent_kind = data[1] % (GG_PK__COUNT + 2) - 1;
    char *f[NF];
    fz_fields(data + 2, size - 2, f, NF);
    const char *subtype = f[0], *parent = f[1], *code = f[2], *name = f[3], *dk = f[4];

    gg_error e = {0};
    int rc = gg_place_code_check(kind, subtype, parent, code, &e);
    if (rc == 0) {
        /* an accepted code is all digits, at most 23, and starts with its parent's */
        size_t n = strlen(code);
        if (n == 0 || n >= GG_PLACE_CODE_MAX || strspn(code, "0123456789") != n) abort();
        if (kind != GG_PK_DISTRICT && (!parent || strncmp(code, parent, strlen(parent)) != 0))
            abort();
        /* and compose rebuilds it from its sequence number */
        if (kind != GG_PK_DISTRICT) {
            int digits = 0, lo = 0, hi = 0;
            if (gg_place_seq_range(kind, subtype, &digits, &lo, &hi) != 0) abort();
            int seq = 0;
            for (const char *d = code + strlen(parent); *d; d++) seq = seq * 10 + (*d - '0');
            char out[GG_PLACE_CODE_MAX];
            if (gg_place_code_compose(kind, subtype, parent, seq, out, sizeof out) != 0 ||
                strcmp(out, code) != 0)
                abort();
        }
    } else if (!e.code || e.status != 422 || !memchr(e.message, 0, sizeof e.message)) {
        abort();
    }

    gg_place_spec s = {.kind = kind, .subtype = subtype, .dedicated_kind = dk, .name = name,
                       .code = code};
    gg_error e2 = {0};
    if (gg_place_validate(&s, parent_kind, parent, &e2) != 0 && (!e2.code || e2.status != 422))
        abort();

    int seq = (int)(size * 7919 % 1200);
    char out[GG_PLACE_CODE_MAX];
    if (parent && gg_place_code_compose(kind, subtype, parent, seq, out, sizeof out) == 0) {
        gg_error e3 = {0};
        if (gg_place_code_check(kind, subtype, parent, out, &e3) != 0) abort();
    }

    if (code && parent && name) {
        char buf[64];
        if (gg_place_recode(code, parent, name, buf, sizeof buf) == 0 && strlen(buf) >= sizeof buf)
            abort();
        (void)gg_path_within(code, parent);
    }
    fz_fields_free(f, NF);
    return 0;
}
