/*
 * fuzz_registry.c — libFuzzer harness for the registry's validation of
 * outside input (domain/registry.c): gg_resident_validate over every
 * document type, gg_credit_code_check, gg_reg_date_parse, gg_reg_parse of
 * every table and gg_ethnicity_parse.
 *
 * Input layout: byte 0 picks the document type and table, byte 1 the
 * residence, then newline-separated fields: name, id number, phone, birth
 * date, ethnicity, credit code. Each field is its own heap allocation,
 * exactly as long as it is, so any overread is an ASan report. Invariants:
 * an accepted record has a normalised number of at most 32 characters, a
 * mask without the number's middle, and a canonical date.
 */
#include <stdlib.h>
#include <string.h>

#include "core/timeutil.h"
#include "domain/registry.h"
#include "fuzz_util.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

#define NF 6

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    if (size < 2 || size > 2048) return 0;
    char *f[NF];
    fz_fields(data + 2, size - 2, f, NF);
    int64_t today = gg_days_from_civil(2026, 11, 21);
    gg_resident r = {.residence = data[1] % (GG_RES__COUNT + 1), .name = f[0],
                     .id_type = data[0] % (GG_IDT__COUNT + 1), .id_number = f[1], .phone = f[2],
                     .ethnicity = f[4], .place_id = 1};
    if (f[3]) {
        size_t n = strlen(f[3]);
        memcpy(r.birth_date, f[3], n < 10 ? n : 10);
    }
    gg_error e = {0};
    if (gg_resident_validate(&r, today, &e) == 0) {
        size_t n = strlen(r.id_norm);
        if (n == 0 || n >= GG_RES_ID_MAX) abort();
        if (n == 18 && strstr(r.id_mask, r.id_norm + 6) && strlen(r.id_norm + 6) > 4) abort();
        if (r.birth_date[0] && (strlen(r.birth_date) != 10 || r.birth_date[4] != '-')) abort();
    } else if (!e.field[0] || e.status != 422) {
        abort(); /* every refusal names its field */
    }
    char out[19];
    if (f[5] && gg_credit_code_check(f[5], strlen(f[5]), out, &e) == 0 &&
        (strlen(out) != 18 || gg_credit_code_check_char(out) != out[17]))
        abort();
    char canon[11];
    int64_t day;
    if (f[3] && gg_reg_date_parse(f[3], strlen(f[3]), today, "d", &day, canon, &e) == 0 &&
        (day > today || strlen(canon) != 10))
        abort();
    for (int t = 0; t < GG_RT__COUNT && f[0]; t++) {
        int v = gg_reg_parse(t, f[0], strlen(f[0]));
        if (v && (v > gg_reg_count(t) || !gg_reg_code(t, v))) abort();
    }
    char eth[32];
    if (f[4]) gg_ethnicity_parse(f[4], strlen(f[4]), eth, sizeof eth);
    fz_fields_free(f, NF);
    return 0;
}
