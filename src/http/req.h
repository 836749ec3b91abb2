/*
 * req.h — one HTTP request as the handlers see it, and the calls a handler
 * uses to read input and produce output.
 *
 * Contract for handlers (gg_handler): return 0 after setting a response with
 * gg_req_json_begin/... or gg_req_status; return GG_DEFER after gg_req_defer
 * (the request waits for its write to commit, then `then` runs on a worker
 * thread and answers); return a negative gg_status with r->err filled to
 * answer with the error JSON {"error":{"code","message","field"}}.
 *
 * Everything a request allocates comes from r->pool and dies with it.
 */
#ifndef GG_HTTP_REQ_H
#define GG_HTTP_REQ_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/gg.h"
#include "core/mem.h"
#include "domain/model.h"
#include "json/jr.h"
#include "json/jw.h"
#include "store/store.h"

#define GG_DEFER 1
#define GG_MAX_PARAMS 6
#define GG_MAX_RESP_HEADERS 6

enum gg_method { GG_GET = 1, GG_HEAD, GG_POST, GG_PUT, GG_PATCH, GG_DELETE, GG_OPTIONS, GG_OTHER };

typedef struct gg_req gg_req;
typedef struct gg_route gg_route;
typedef struct gg_server gg_server;
typedef int (*gg_handler)(gg_req *r);

struct gg_req {
    gg_server *srv;
    void *conn;                     /* struct MHD_Connection * */
    gg_pool *pool;
    int method;
    const char *method_s;
    const char *path;               /* NUL-terminated copy of the URL path */
    const gg_route *route;
    int nparams;
    const char *param_names[GG_MAX_PARAMS];
    const char *params[GG_MAX_PARAMS];
    gg_buf body;
    json_t *json;                   /* parsed body, cached (owned by the pool) */
    const void *obj;                /* the object the scope rule loaded, for the handler */
    const gg_principal *who;        /* NULL: anonymous */
    char ip[64];
    gg_store *store;
    /* response */
    int status;
    gg_buf out;
    gg_jw jw;
    const char *content_type;
    int nhdrs;
    const char *hdr_names[GG_MAX_RESP_HEADERS];
    const char *hdr_values[GG_MAX_RESP_HEADERS];
    bool close_after;
    void *resp;                     /* a ready struct MHD_Response * (event streams) */
    int *body_fd;                   /* the body is this open file (gg_req_body_file), or NULL */
    uint64_t body_fd_size;
    size_t sent_bytes;              /* body length, for the access log */
    gg_error err;
    /* deferred write */
    gg_write w;
    int (*then)(gg_req *r);
    int phase;
    int64_t t_start;                /* monotonic us */
    int64_t route_index;
};

/* input */
const char *gg_req_param(gg_req *r, const char *name);            /* path parameter */
int gg_req_param_id(gg_req *r, const char *name, int64_t *out);    /* 404 if not a valid id */
const char *gg_req_query(gg_req *r, const char *name);            /* URL-decoded by MHD, NUL-terminated */
const char *gg_req_header(gg_req *r, const char *name);
const char *gg_req_cookie(gg_req *r, const char *name);
/* Parse the JSON body and validate it against fields; *out is owned by the
 * request (freed with it). */
int gg_req_body(gg_req *r, const gg_jr_field *fields, size_t n, json_t **out);
/* Parse (once) the JSON body without field validation, for scope rules. */
int gg_req_json_parsed(gg_req *r, json_t **out);

/* Pagination: limit (1..200, default 50) and an opaque cursor that decodes
 * to at most GG_CURSOR_MAX bytes of the store's sort key. */
int gg_req_page(gg_req *r, int *limit, char *after, size_t cap);
/* The pure part of gg_req_page: decode cursor text c into the sort key it
 * carries (NUL-terminated, at most cap-1 bytes with the version byte
 * dropped). GG_EINVAL (and after = "") for anything this server did not
 * give out: bad base64url, too long, wrong version, not UTF-8, a NUL. */
int gg_cursor_decode(const char *c, char *after, size_t cap);
/* Encode a next-cursor from a sort key into the pool; "" key gives NULL. */
const char *gg_cursor_encode(gg_pool *p, const char *key);

/* output */
gg_jw *gg_req_json(gg_req *r, int status);  /* starts a JSON response body */
/* The response body is the first size bytes of the open file fd (large
 * downloads, never held in memory); status, content type and headers as
 * for a buffer. Takes ownership of fd: it is closed once sent, or with the
 * request's pool if the request ends otherwise (error, disconnect). */
int gg_req_body_file(gg_req *r, int fd, uint64_t size);
int gg_req_status(gg_req *r, int status);    /* empty body */
int gg_req_header_add(gg_req *r, const char *name, const char *value);

/* Queue fn to run in the writer's next group commit; when it has committed
 * (or failed), `then` runs on a worker thread with r->w.rc and r->w.err set. */
int gg_req_defer(gg_req *r, gg_write_fn fn, void *arg, int (*then)(gg_req *r));

/* Write the error JSON for r->err (or the defaults for rc) into r. */
void gg_req_error(gg_req *r, int rc);

/* Common responses */
int gg_err_field(gg_req *r, int rc, int status, const char *code, const char *field,
                 const char *msg);

#endif
