/*
 * account.c — see account.h.
 */
#include <ctype.h>
#include <strings.h>
#include <string.h>

#include "core/str.h"
#include "domain/account.h"

int gg_username_check(const char *u, gg_error *e)
{
    size_t n = strlen(u);
    if (n < 3 || n > 64)
        return gg_fail(e, GG_EINVAL, 422, "invalid_length", "username",
                       "a username has 3 to 64 characters");
    if (!isalnum((unsigned char)u[0]))
        return gg_fail(e, GG_EINVAL, 422, "invalid_value", "username",
                       "a username starts with a letter or digit");
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)u[i];
        if (!isalnum(c) && c != '.' && c != '_' && c != '-')
            return gg_fail(e, GG_EINVAL, 422, "invalid_value", "username",
                           "a username may hold only letters, digits, '.', '_' and '-'");
    }
    return 0;
}

int gg_password_check(const char *pw, const char *username, const char *field, gg_error *e)
{
    size_t n = strlen(pw);
    if (!gg_utf8_valid(pw, n, false))
        return gg_fail(e, GG_EINVAL, 422, "invalid_value", field, "the password is not valid UTF-8");
    size_t cps = gg_utf8_len(pw, n);
    if (cps < 10 || cps > 128)
        return gg_fail(e, GG_EINVAL, 422, "weak_password", field,
                       "a password has 10 to 128 characters");
    if (username && strcasecmp(pw, username) == 0)
        return gg_fail(e, GG_EINVAL, 422, "weak_password", field,
                       "the password must differ from the username");
    bool same = true;
    for (size_t i = 1; i < n; i++) same = same && pw[i] == pw[0];
    if (same)
        return gg_fail(e, GG_EINVAL, 422, "weak_password", field,
                       "the password must not repeat one character");
    return 0;
}

int gg_unit_kind_check(const char *kind, gg_error *e)
{
    static const char *const kinds[] = {"department", "street_office", "company", "property",
                                        "social_org", "owners_committee", "mediation_committee",
                                        "volunteer_team", "other"};
    for (size_t i = 0; i < GG_ARRAY_LEN(kinds); i++)
        if (strcmp(kinds[i], kind) == 0) return 0;
    return gg_fail(e, GG_EINVAL, 422, "invalid_value", "kind",
                   "unknown unit kind (department, street_office, company, property, social_org, "
                   "owners_committee, mediation_committee, volunteer_team, other)");
}
