/*
 * authz.h — roles and scope rules, as pure functions.
 *
 * A user has one role and is assigned to places; their scope is the union of
 * the subtrees under those places (a global-scope administrator sees all).
 * Routes declare the roles that may call them as a bit mask of GG_R(role).
 */
#ifndef GG_DOMAIN_AUTHZ_H
#define GG_DOMAIN_AUTHZ_H

#include <stdbool.h>

#include "domain/model.h"

enum gg_role {
    GG_ROLE_NONE = 0,
    GG_ROLE_ADMIN,       /* administrator: hierarchy, users, dictionaries */
    GG_ROLE_COMMAND,     /* street/district command centre 指挥中心 */
    GG_ROLE_COMMUNITY,   /* community staff 社区工作者 */
    GG_ROLE_GRIDWORKER,  /* grid worker 网格员 */
    GG_ROLE_DEPARTMENT,  /* department / unit handler 职能部门 */
    GG_ROLE_MEMBER,      /* party member / volunteer 党员·志愿者 */
    GG_ROLE_RESIDENT,    /* resident 居民 */
    GG_ROLE__COUNT
};

#define GG_R(role) (1u << (role))
#define GG_ROLES_ALL 0xFEu   /* every signed-in role */
#define GG_ROLES_STAFF                                                                    \
    (GG_R(GG_ROLE_ADMIN) | GG_R(GG_ROLE_COMMAND) | GG_R(GG_ROLE_COMMUNITY) |             \
     GG_R(GG_ROLE_GRIDWORKER) | GG_R(GG_ROLE_DEPARTMENT))

const char *gg_role_name(int role);      /* "admin", …; NULL if unknown */
const char *gg_role_label_zh(int role);  /* 管理员, … */
int gg_role_parse(const char *name);     /* GG_ROLE_NONE if unknown */
bool gg_role_allowed(unsigned mask, int role);

/* Is the place at path inside the principal's scope? */
bool gg_scope_covers(const gg_principal *p, const char *path);
/* Does the principal's scope cover every one of the paths (and, when n is 0,
 * is the principal global)? Used for managing accounts: an administrator may
 * manage only accounts wholly inside their own scope. */
bool gg_scope_covers_all(const gg_principal *p, const char *const *paths, int n);

/* Which roles an account of role 'actor' may create or edit. Only
 * administrators manage accounts; a global administrator may create global
 * administrators, a scoped one may not. */
bool gg_role_may_grant(const gg_principal *actor, int target_role, bool target_global);

#endif
