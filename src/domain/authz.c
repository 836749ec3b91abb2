/*
 * authz.c — roles and scope checks (pure). The route table in api/routes.c
 * declares, per route, the roles allowed and how the object's place is
 * found; the dispatcher applies these functions — no handler checks roles.
 */
#include <string.h>

#include "domain/authz.h"
#include "domain/place.h"

static const struct {
    const char *name;
    const char *zh;
} roles[GG_ROLE__COUNT] = {
    [GG_ROLE_ADMIN] = {"admin", "管理员"},
    [GG_ROLE_COMMAND] = {"command", "指挥中心"},
    [GG_ROLE_COMMUNITY] = {"community", "社区工作者"},
    [GG_ROLE_GRIDWORKER] = {"gridworker", "网格员"},
    [GG_ROLE_DEPARTMENT] = {"department", "部门处置人员"},
    [GG_ROLE_MEMBER] = {"member", "党员·志愿者"},
    [GG_ROLE_RESIDENT] = {"resident", "居民"},
};

const char *gg_role_name(int role)
{
    return role > GG_ROLE_NONE && role < GG_ROLE__COUNT ? roles[role].name : NULL;
}

const char *gg_role_label_zh(int role)
{
    return role > GG_ROLE_NONE && role < GG_ROLE__COUNT ? roles[role].zh : NULL;
}

int gg_role_parse(const char *name)
{
    if (!name) return GG_ROLE_NONE;
    for (int r = 1; r < GG_ROLE__COUNT; r++)
        if (strcmp(roles[r].name, name) == 0) return r;
    return GG_ROLE_NONE;
}

bool gg_role_allowed(unsigned mask, int role)
{
    return role > GG_ROLE_NONE && role < GG_ROLE__COUNT && (mask & GG_R(role)) != 0;
}

bool gg_scope_covers(const gg_principal *p, const char *path)
{
    if (!p || !path) return false;
    if (p->global_scope) return true;
    for (int i = 0; i < p->nplaces; i++)
        if (gg_path_within(path, p->place_paths[i])) return true;
    return false;
}

bool gg_scope_covers_all(const gg_principal *p, const char *const *paths, int n)
{
    if (!p) return false;
    if (p->global_scope) return true;
    if (n == 0) return false;
    for (int i = 0; i < n; i++)
        if (!gg_scope_covers(p, paths[i])) return false;
    return true;
}

bool gg_role_may_grant(const gg_principal *actor, int target_role, bool target_global)
{
    if (!actor || actor->role != GG_ROLE_ADMIN) return false;
    if (target_role <= GG_ROLE_NONE || target_role >= GG_ROLE__COUNT) return false;
    if (target_global) return actor->global_scope && target_role == GG_ROLE_ADMIN;
    return true;
}
