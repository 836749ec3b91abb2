/*
 * system.c — health, metrics, version and the role list.
 */
#include "api/api.h"
#include "core/version.h"
#include "domain/authz.h"
#include "http/metrics.h"

int gg_h_healthz(gg_req *r)
{
    gg_conn *c = gg_api_reader(r);
    if (!c) return GG_EBUSY;
    gg_jw *w = gg_req_json(r, 200);
    gg_jw_obj(w);
    gg_jw_kstr(w, "status", "ok");
    gg_jw_kint(w, "schema", gg_store_schema_version(r->store));
    gg_jw_obj_end(w);
    return 0;
}

int gg_h_metrics(gg_req *r)
{
    gg_req_status(r, 200);
    r->content_type = "text/plain; version=0.0.4; charset=utf-8";
    return gg_metrics_render(&r->out, gg_routes, gg_nroutes, r->store);
}

int gg_h_version(gg_req *r)
{
    gg_jw *w = gg_req_json(r, 200);
    gg_jw_obj(w);
    gg_jw_kstr(w, "version", GG_VERSION);
    gg_jw_kint(w, "schema", gg_store_schema_version(r->store));
    gg_jw_kint(w, "schema_latest", gg_store_schema_latest());
    gg_jw_obj_end(w);
    return 0;
}

int gg_h_roles(gg_req *r)
{
    gg_jw *w = gg_req_json(r, 200);
    gg_api_list_begin(w);
    for (int i = 1; i < GG_ROLE__COUNT; i++) {
        gg_jw_obj(w);
        gg_jw_kstr(w, "role", gg_role_name(i));
        gg_jw_kstr(w, "label", gg_role_label_zh(i));
        gg_jw_obj_end(w);
    }
    gg_api_list_end(w, r->pool, NULL);
    return 0;
}
