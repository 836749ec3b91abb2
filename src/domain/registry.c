/*
 * registry.c — validation and normalisation of registry records (see
 * registry.h). Pure: the caller passes today; nothing here allocates.
 */
#include "domain/registry.h"

#include <string.h>

#include "core/str.h"
#include "core/timeutil.h"

#define FAIL(e, field, code, ...) gg_fail((e), GG_EINVAL, 422, (code), (field), __VA_ARGS__)

bool gg_political_is_party_member(int political)
{
    return political == GG_POL_CPC_MEMBER || political == GG_POL_CPC_PROBATIONARY;
}

int gg_reg_text_len(const char *s)
{
    if (!s) return 0;
    size_t n = strlen(s);
    if (!gg_utf8_valid(s, n, false)) return -1;
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f) return -1;
    size_t len = gg_utf8_len(s, n);
    return len > 100000 ? -1 : (int)len;
}

static bool blank(const char *s)
{
    if (!s) return true;
    for (; *s; s++)
        if (*s != ' ' && *s != '\t') return false;
    return true;
}

/* Optional text of at most max code points. */
static int text_check(const char *s, int max, const char *field, gg_error *e)
{
    if (!s) return GG_OK;
    int len = gg_reg_text_len(s);
    if (len < 0) return FAIL(e, field, "invalid_text", "%s has control characters or is not UTF-8", field);
    if (len > max) return FAIL(e, field, "too_long", "%s is longer than %d characters", field, max);
    return GG_OK;
}

static int required_text(const char *s, int max, const char *field, gg_error *e)
{
    if (blank(s)) return FAIL(e, field, "required", "%s is required", field);
    return text_check(s, max, field, e);
}

int gg_reg_date_parse(const char *s, size_t n, int64_t today, const char *field, int64_t *day,
                      char out[11], gg_error *e)
{
    int y = 0, m = 0, dd = 0;
    while (n && s[0] == ' ') s++, n--;
    while (n && s[n - 1] == ' ') n--;
    if (n > 10 || gg_date_scan(s, n, 0, &y, &m, &dd) || y < 1000 || !gg_date_valid(y, m, dd))
        return FAIL(e, field, "invalid_date", "%s is not a date of the form YYYY-MM-DD", field);
    int64_t d = gg_days_from_civil(y, m, dd);
    if (y < 1900 || d > today)
        return FAIL(e, field, "invalid_date", "%s must lie between 1900-01-01 and today", field);
    if (day) *day = d;
    if (out) gg_date_format(y, m, dd, out);
    return GG_OK;
}

/* Letters and digits only, upper-cased, between min and max characters. */
static int alnum_norm(const char *s, size_t n, size_t min, size_t max, char *out, gg_error *e,
                      const char *what)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c == ' ' || c == '-') continue;
        if (c >= 'a' && c <= 'z') c = (char)(c - 'a' + 'A');
        if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) || k >= max)
            return FAIL(e, "id_number", "invalid_id_number",
                        "a %s number has %zu to %zu letters and digits", what, min, max);
        out[k++] = c;
    }
    if (k < min)
        return FAIL(e, "id_number", "invalid_id_number",
                    "a %s number has %zu to %zu letters and digits", what, min, max);
    out[k] = 0;
    return GG_OK;
}

/* 台湾居民居住证: GB 11643 with region 830000, which GB/T 2260 lists as no
 * place. The date is checked through gg_id_parse with a stand-in region. */
static int tw_permit(const char *s, size_t n, int64_t today, char *out, gg_id_info *info,
                     gg_error *e)
{
    char num[GG_ID_LEN + 1];
    if (alnum_norm(s, n, 18, 18, num, e, "residence permit")) return GG_EINVAL;
    if (memcmp(num, "830000", 6) != 0)
        return FAIL(e, "id_number", "invalid_id_number",
                    "a Taiwan residents' residence permit number starts with 830000");
    char probe[GG_ID_LEN + 1];
    memcpy(probe, num, sizeof probe);
    memcpy(probe, "810000", 6);
    probe[17] = gg_id_check_digit(probe);
    if (gg_id_parse(probe, GG_ID_LEN, today, info, e)) return GG_EINVAL;
    char want = gg_id_check_digit(num);
    if (num[17] != want)
        return FAIL(e, "id_number", "invalid_id_number",
                    "the check digit should be %c, not %c; a digit was probably mistyped", want,
                    num[17]);
    memcpy(info->number, num, sizeof num);
    memcpy(info->region, num, 6);
    memcpy(out, num, sizeof num);
    return GG_OK;
}

int gg_res_id_normalise(int id_type, const char *s, size_t n, int64_t today,
                        char out[GG_RES_ID_MAX], gg_id_info *info, gg_error *e)
{
    gg_id_info tmp;
    if (!info) info = &tmp;
    memset(info, 0, sizeof *info);
    out[0] = 0;
    if (!s || blank(s)) return FAIL(e, "id_number", "required", "id_number is required");
    if (n > GG_ID_INPUT_MAX)
        return FAIL(e, "id_number", "invalid_id_number", "id_number is far too long");
    if (!gg_utf8_valid(s, n, false))
        return FAIL(e, "id_number", "invalid_id_number", "id_number is not valid UTF-8");
    switch (id_type) {
    case GG_IDT_RESIDENT_ID:
    case GG_IDT_HKMO_PERMIT:
        if (gg_id_looks_mangled(s))
            return FAIL(e, "id_number", "id_number_mangled",
                        "this ID number was stored as a number by a spreadsheet and has lost "
                        "digits; enter it again as text");
        if (gg_id_parse(s, n, today, info, e)) return GG_EINVAL;
        if (id_type == GG_IDT_HKMO_PERMIT && strncmp(info->number, "810000", 6) &&
            strncmp(info->number, "820000", 6))
            return FAIL(e, "id_number", "invalid_id_number",
                        "a Hong Kong or Macao residents' residence permit starts with 810000 or "
                        "820000");
        memcpy(out, info->number, GG_ID_LEN + 1);
        return GG_OK;
    case GG_IDT_TW_PERMIT:
        return tw_permit(s, n, today, out, info, e);
    case GG_IDT_HKMO_PASS:
        if (alnum_norm(s, n, 9, 11, out, e, "mainland travel permit")) return GG_EINVAL;
        if ((out[0] != 'H' && out[0] != 'M') || !gg_all_digits(out + 1, strlen(out + 1)) ||
            (strlen(out) != 9 && strlen(out) != 11))
            return FAIL(e, "id_number", "invalid_id_number",
                        "a Hong Kong/Macao travel permit number is H or M and 8 or 10 digits");
        return GG_OK;
    case GG_IDT_TW_PASS:
        if (alnum_norm(s, n, 8, 10, out, e, "mainland travel permit")) return GG_EINVAL;
        if (!gg_all_digits(out, strlen(out)) || (strlen(out) != 8 && strlen(out) != 10))
            return FAIL(e, "id_number", "invalid_id_number",
                        "a Taiwan travel permit number has 8 or 10 digits");
        return GG_OK;
    case GG_IDT_PASSPORT:
        return alnum_norm(s, n, 5, 20, out, e, "passport");
    case GG_IDT_FOREIGN_PR:
        if (alnum_norm(s, n, 15, 18, out, e, "permanent residence card")) return GG_EINVAL;
        if (strlen(out) != 15 && strlen(out) != 18)
            return FAIL(e, "id_number", "invalid_id_number",
                        "a permanent residence card number has 15 or 18 characters");
        return GG_OK;
    case GG_IDT_OTHER:
        return alnum_norm(s, n, 1, 32, out, e, "document");
    default:
        return FAIL(e, "id_type", "invalid_id_type", "unknown id_type");
    }
}

int gg_res_id_mask(int id_type, const char *norm, char *out, size_t cap)
{
    if (id_type == GG_IDT_RESIDENT_ID || id_type == GG_IDT_HKMO_PERMIT ||
        id_type == GG_IDT_TW_PERMIT)
        return gg_mask_id(norm, out, cap);
    return gg_mask(norm, 2, 2, out, cap);
}

static bool gb11643_type(int t)
{
    return t == GG_IDT_RESIDENT_ID || t == GG_IDT_HKMO_PERMIT || t == GG_IDT_TW_PERMIT;
}

/* Sex and birth date from the number when absent, else they must agree. */
static int cross_check(gg_resident *r, const gg_id_info *info, gg_error *e)
{
    if (!r->sex) r->sex = info->sex;
    else if (r->sex != info->sex)
        return FAIL(e, "sex", "sex_mismatch", "sex does not agree with the ID number (%s)",
                    info->sex == GG_SEX_MALE ? "男" : "女");
    char bd[11];
    gg_date_format(info->year, info->month, info->day, bd);
    if (!r->birth_date[0]) memcpy(r->birth_date, bd, sizeof bd);
    else if (strcmp(r->birth_date, bd) != 0)
        return FAIL(e, "birth_date", "birth_date_mismatch",
                    "birth date does not agree with the ID number (%s)", bd);
    return GG_OK;
}

static int enum_check(int table, int v, bool required, const char *field, gg_error *e)
{
    if (v == 0 && !required) return GG_OK;
    if (v < 1 || v > gg_reg_count(table))
        return FAIL(e, field, "invalid_value", "%s is missing or not one of the known values", field);
    return GG_OK;
}

static int person_fields(gg_resident *r, int64_t today, gg_error *e)
{
    int rc;
    if ((rc = enum_check(GG_RT_RESIDENCE, r->residence, true, "residence", e))) return rc;
    if ((rc = required_text(r->name, GG_RES_NAME_MAX, "name", e))) return rc;
    if ((rc = enum_check(GG_RT_SEX, r->sex, false, "sex", e))) return rc;
    if ((rc = enum_check(GG_RT_EDUCATION, r->education, false, "education", e))) return rc;
    if ((rc = enum_check(GG_RT_POLITICAL, r->political, false, "political", e))) return rc;
    if ((rc = enum_check(GG_RT_RELATION, r->relation, false, "relation", e))) return rc;
    if (r->birth_date[0]) {
        char canon[11];
        r->birth_date[sizeof r->birth_date - 1] = 0;
        rc = gg_reg_date_parse(r->birth_date, strlen(r->birth_date), today, "birth_date", NULL,
                               canon, e);
        if (rc) return rc;
        memcpy(r->birth_date, canon, sizeof canon);
    }
    if (!blank(r->ethnicity)) {
        char eth[32];
        if (gg_ethnicity_parse(r->ethnicity, strlen(r->ethnicity), eth, sizeof eth))
            return FAIL(e, "ethnicity", "invalid_ethnicity",
                        "ethnicity is not one of the 56 groups of GB/T 3304");
    }
    if ((rc = text_check(r->employer, GG_RES_TEXT_MAX, "employer", e))) return rc;
    if ((rc = text_check(r->registered_address, GG_RES_TEXT_MAX, "registered_address", e)))
        return rc;
    if ((rc = text_check(r->current_address, GG_RES_TEXT_MAX, "current_address", e))) return rc;
    if ((rc = text_check(r->room, GG_RES_ROOM_MAX, "room", e))) return rc;
    if ((rc = text_check(r->household_no, 32, "household_no", e))) return rc;
    if ((rc = text_check(r->note, 256, "note", e))) return rc;
    if (r->tags & ~GG_TAGS_ALL) return FAIL(e, "tags", "invalid_value", "unknown tag");
    if (r->place_id <= 0) return FAIL(e, "place_id", "required", "place_id is required");
    return GG_OK;
}

int gg_resident_validate(gg_resident *r, int64_t today, gg_error *e)
{
    int rc = person_fields(r, today, e);
    if (rc) return rc;
    if ((rc = enum_check(GG_RT_ID_TYPE, r->id_type, true, "id_type", e))) return rc;
    gg_id_info info;
    size_t n = r->id_number ? strlen(r->id_number) : 0;
    rc = gg_res_id_normalise(r->id_type, r->id_number, n, today, r->id_norm, &info, e);
    if (rc) return rc;
    if (gb11643_type(r->id_type) && (rc = cross_check(r, &info, e))) return rc;
    if (gg_res_id_mask(r->id_type, r->id_norm, r->id_mask, sizeof r->id_mask))
        return FAIL(e, "id_number", "invalid_id_number", "cannot mask the ID number");
    r->phone_norm[0] = r->phone_mask[0] = 0;
    if (!blank(r->phone)) {
        gg_phone ph;
        if (gg_phone_parse(r->phone, strlen(r->phone), &ph, e)) return GG_EINVAL;
        gg_strlcpy(r->phone_norm, ph.number, sizeof r->phone_norm);
        gg_mask_phone(r->phone_norm, r->phone_mask, sizeof r->phone_mask);
    }
    return GG_OK;
}

/* ---- unified social credit code (GB 32100-2015) ------------------------- */

static const char credit_chars[] = "0123456789ABCDEFGHJKLMNPQRTUWXY"; /* 31, value = index */

static int credit_value(char c)
{
    if (c >= 'a' && c <= 'z') c = (char)(c - 'a' + 'A');
    const char *p = c ? strchr(credit_chars, c) : NULL;
    return p ? (int)(p - credit_chars) : -1;
}

char gg_credit_code_check_char(const char *s17)
{
    /* weight of position i is 3^i mod 31 */
    int sum = 0, w = 1;
    for (int i = 0; i < 17; i++) {
        int v = credit_value(s17[i]);
        if (v < 0) return 0;
        sum += v * w;
        w = w * 3 % 31;
    }
    int c = (31 - sum % 31) % 31;
    return credit_chars[c];
}

int gg_credit_code_check(const char *s, size_t n, char out[19], gg_error *e)
{
    out[0] = 0;
    while (n && s[0] == ' ') s++, n--;
    while (n && s[n - 1] == ' ') n--;
    if (n != 18)
        return FAIL(e, "credit_code", "invalid_credit_code",
                    "a unified social credit code has 18 characters, not %zu", n);
    for (size_t i = 0; i < 18; i++) {
        if (credit_value(s[i]) < 0)
            return FAIL(e, "credit_code", "invalid_credit_code",
                        "character %zu is not allowed in a unified social credit code "
                        "(no I, O, S, V or Z)", i + 1);
        out[i] = s[i] >= 'a' && s[i] <= 'z' ? (char)(s[i] - 'a' + 'A') : s[i];
    }
    out[18] = 0;
    if (!gg_all_digits(out + 2, 6))
        return FAIL(e, "credit_code", "invalid_credit_code",
                    "characters 3 to 8 of a unified social credit code are a region code");
    char want = gg_credit_code_check_char(out);
    if (out[17] != want) {
        char got = out[17];
        out[0] = 0;
        return FAIL(e, "credit_code", "invalid_credit_code",
                    "the check character should be %c, not %c", want, got);
    }
    return GG_OK;
}

/* ---- households, houses, organisations, visits --------------------------- */

int gg_household_validate(gg_household *h, gg_error *e)
{
    int rc = required_text(h->number, 32, "number", e);
    if (!rc) rc = text_check(h->address, GG_RES_TEXT_MAX, "address", e);
    if (!rc && h->place_id <= 0) rc = FAIL(e, "place_id", "required", "place_id is required");
    return rc;
}

int gg_house_validate(gg_house *h, gg_error *e)
{
    int rc = required_text(h->room, GG_RES_ROOM_MAX, "room", e);
    if (!rc) rc = enum_check(GG_RT_HOUSE_USE, h->use, true, "use", e);
    if (!rc) rc = text_check(h->owner_name, GG_RES_NAME_MAX, "owner_name", e);
    if (!rc && (h->area < 0 || h->area > 100000))
        rc = FAIL(e, "area", "invalid_value", "area is between 0 and 100000 m²");
    if (!rc && h->place_id <= 0) rc = FAIL(e, "place_id", "required", "place_id is required");
    return rc;
}

int gg_org_validate(gg_org *o, gg_error *e)
{
    int rc = enum_check(GG_RT_ORG_KIND, o->kind, true, "kind", e);
    if (!rc) rc = required_text(o->name, 64, "name", e);
    if (!rc) rc = text_check(o->legal_person, GG_RES_NAME_MAX, "legal_person", e);
    if (!rc) rc = text_check(o->address, GG_RES_TEXT_MAX, "address", e);
    if (rc) return rc;
    o->credit_norm[0] = 0;
    if (!blank(o->credit_code)) {
        if ((rc = gg_credit_code_check(o->credit_code, strlen(o->credit_code), o->credit_norm, e)))
            return rc;
    } else if (o->kind == GG_OK_ENTERPRISE) {
        return FAIL(e, "credit_code", "required", "an enterprise needs its unified social credit code");
    }
    o->phone_norm[0] = o->phone_mask[0] = 0;
    if (!blank(o->contact_phone)) {
        gg_phone ph;
        if (gg_phone_parse(o->contact_phone, strlen(o->contact_phone), &ph, e)) {
            gg_strlcpy(e->field, "contact_phone", sizeof e->field);
            return GG_EINVAL;
        }
        gg_strlcpy(o->phone_norm, ph.number, sizeof o->phone_norm);
        gg_mask_phone(o->phone_norm, o->phone_mask, sizeof o->phone_mask);
    }
    if (o->employees < 0 || o->employees > 10000000)
        return FAIL(e, "employees", "invalid_value", "employees is out of range");
    if (o->place_id <= 0) return FAIL(e, "place_id", "required", "place_id is required");
    return GG_OK;
}

int gg_visit_validate(gg_visit *v, gg_error *e)
{
    static const char *const methods[] = {"home", "phone", "other"};
    bool ok = false;
    for (size_t i = 0; i < GG_ARRAY_LEN(methods) && v->method; i++)
        ok = ok || strcmp(v->method, methods[i]) == 0;
    if (!ok) return FAIL(e, "method", "invalid_value", "method is home, phone or other");
    int rc = text_check(v->note, 500, "note", e);
    if (!rc && v->resident_id <= 0) rc = FAIL(e, "resident_id", "required", "resident_id is required");
    return rc;
}
