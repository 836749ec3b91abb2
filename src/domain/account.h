/*
 * account.h — rules for account names, passwords and login throttling
 * (pure functions).
 */
#ifndef GG_DOMAIN_ACCOUNT_H
#define GG_DOMAIN_ACCOUNT_H

#include <stdbool.h>
#include <stdint.h>

#include "core/gg.h"

#define GG_LOGIN_MAX_FAILURES 5              /* then the account locks */
#define GG_LOGIN_LOCK_US (15 * 60 * 1000000LL) /* for 15 minutes */

/* 3–64 characters of [A-Za-z0-9._-], starting with a letter or digit. */
int gg_username_check(const char *u, gg_error *e);
/* 10–128 code points, valid UTF-8, not the username, not all one character. */
int gg_password_check(const char *pw, const char *username, const char *field, gg_error *e);
/* Known unit kinds: department, street_office, company, property, social_org,
 * owners_committee, mediation_committee, volunteer_team, other. */
int gg_unit_kind_check(const char *kind, gg_error *e);

#endif
