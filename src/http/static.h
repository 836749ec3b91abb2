/*
 * static.h — the built web UI (web/dist) served from a directory: files by
 * their path, index.html for client routes, never anything under /api/.
 */
#ifndef GG_HTTP_STATIC_H
#define GG_HTTP_STATIC_H

#include <stdbool.h>

#include "http/req.h"

/* Where the UI lives: dir if given (GG_WEB_DIR / --web-dir), else web/dist
 * under the working directory, else web/dist two levels above the binary
 * (build/gridgov). Returns the directory used, or NULL (no UI: non-API
 * paths answer 404 as before). Call once before the server starts. */
const char *gg_static_init(const char *dir);
/* A GET/HEAD that no route took and that the UI may answer. */
bool gg_static_wants(const gg_req *r);
/* Answer r from the web directory (0, or an error in r->err). */
int gg_static_serve(gg_req *r);

/* The pure part, for tests and fuzzing: is path (decoded, starting with
 * '/') safe to look up under the web root? No "." or ".." segment, no
 * hidden file, no backslash, NUL, '%' or control character. */
bool gg_static_path_ok(const char *path);
/* The media type for a file name, by its extension. */
const char *gg_static_mime(const char *name);

#endif
