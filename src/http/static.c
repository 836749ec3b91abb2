/*
 * static.c — serving the built web UI.
 *
 * Only GET/HEAD requests that no route took come here, and never a path
 * under /api/ (an API client must get the JSON 404, not the app). A path is
 * checked segment by segment before it touches the file system (no "." or
 * ".." segment, no hidden files, no '%' left after libmicrohttpd decoded it
 * once, no backslash or control character), then the file is opened and its
 * real path must still lie under the real web root: a symlink out of the
 * directory is refused like a missing file.
 *
 * A path whose last segment has no extension is a client route of the
 * single-page app: it gets index.html. A missing file with an extension is
 * a 404. Hashed build output under /assets/ is cached for a year
 * (immutable); index.html, the service worker and the manifest must be
 * revalidated every time (no-cache), so a new build is picked up at once.
 * Every file carries an ETag (size and modification time) and a
 * Last-Modified; a matching If-None-Match answers 304 without the body.
 * The body is sent from the open file (gg_req_body_file): nothing is copied
 * into memory, whatever the file's size.
 */
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/log.h"
#include "core/str.h"
#include "http/static.h"

static char web_root[PATH_MAX];
static size_t web_root_len;

static bool is_dir(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

static bool set_root(const char *dir)
{
    char real[PATH_MAX];
    if (!dir || !realpath(dir, real) || !is_dir(real)) return false;
    gg_strlcpy(web_root, real, sizeof web_root);
    web_root_len = strlen(web_root);
    return true;
}

const char *gg_static_init(const char *dir)
{
    web_root[0] = 0;
    web_root_len = 0;
    if (dir && *dir) {
        if (set_root(dir)) return web_root;
        gg_warn("web UI directory %s not found: the UI is not served", dir);
        return NULL;
    }
    if (set_root("web/dist")) return web_root;
    /* the binary is build/gridgov (or build-san/...): the checkout is one level up */
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 32);
    if (n > 0) {
        exe[n] = 0;
        char *slash = strrchr(exe, '/');
        if (slash) {
            snprintf(slash, sizeof exe - (size_t)(slash - exe), "/../web/dist");
            if (set_root(exe)) return web_root;
        }
    }
    return NULL;
}

bool gg_static_path_ok(const char *path)
{
    if (!path || path[0] != '/') return false;
    const char *seg = path + 1;
    for (const char *p = path + 1;; p++) {
        unsigned char ch = (unsigned char)*p;
        if (ch == '/' || ch == 0) {
            size_t n = (size_t)(p - seg);
            /* empty segments ("//") only as a trailing slash */
            if (n == 0 && ch == '/') return false;
            if (n > 0 && seg[0] == '.') return false; /* ".", "..", hidden files */
            if (n > 255) return false;
            if (ch == 0) return true;
            seg = p + 1;
            continue;
        }
        if (ch < 0x20 || ch == 0x7f || ch == '\\' || ch == '%') return false;
    }
}

const char *gg_static_mime(const char *name)
{
    static const struct { const char *ext, *type; } t[] = {
        {".html", "text/html; charset=utf-8"},
        {".js", "text/javascript; charset=utf-8"},
        {".mjs", "text/javascript; charset=utf-8"},
        {".css", "text/css; charset=utf-8"},
        {".svg", "image/svg+xml"},
        {".png", "image/png"},
        {".jpg", "image/jpeg"},
        {".jpeg", "image/jpeg"},
        {".webp", "image/webp"},
        {".ico", "image/x-icon"},
        {".json", "application/json; charset=utf-8"},
        {".webmanifest", "application/manifest+json; charset=utf-8"},
        {".woff2", "font/woff2"},
        {".woff", "font/woff"},
        {".ttf", "font/ttf"},
        {".map", "application/json; charset=utf-8"},
        {".txt", "text/plain; charset=utf-8"},
        {".wasm", "application/wasm"},
    };
    const char *dot = strrchr(name, '.'), *slash = strrchr(name, '/');
    if (!dot || (slash && dot < slash)) return "application/octet-stream";
    for (size_t i = 0; i < GG_ARRAY_LEN(t); i++)
        if (strcasecmp(dot, t[i].ext) == 0) return t[i].type;
    return "application/octet-stream";
}

bool gg_static_wants(const gg_req *r)
{
    if (!web_root_len) return false;
    if (r->method != GG_GET && r->method != GG_HEAD) return false;
    return strncmp(r->path, "/api/", 5) != 0 && strcmp(r->path, "/api") != 0;
}

static bool has_extension(const char *path)
{
    const char *slash = strrchr(path, '/');
    return strchr(slash ? slash : path, '.') != NULL;
}

static const char *cache_policy(const char *rel)
{
    if (strncmp(rel, "/assets/", 8) == 0) return "public, max-age=31536000, immutable";
    /* index.html, sw.js, the manifest and everything without a content hash */
    return "no-cache";
}

static int not_found(gg_req *r)
{
    return gg_fail(&r->err, GG_ENOTFOUND, 404, "not_found", "", "no such URL");
}

/* Open rel under the root; -1 when missing, outside the root or not a file. */
static int open_under_root(const char *rel, struct stat *st)
{
    char full[PATH_MAX], real[PATH_MAX];
    int n = snprintf(full, sizeof full, "%s%s", web_root, rel);
    if (n < 0 || (size_t)n >= sizeof full) return -1;
    if (!realpath(full, real)) return -1;
    if (strncmp(real, web_root, web_root_len) != 0 || real[web_root_len] != '/') return -1;
    int fd = open(real, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0) return -1;
    if (fstat(fd, st) || !S_ISREG(st->st_mode)) {
        close(fd);
        return -1;
    }
    return fd;
}

static bool etag_matches(const char *inm, const char *etag)
{
    if (!inm) return false;
    if (strcmp(inm, "*") == 0) return true;
    return strstr(inm, etag + 2) != NULL; /* weak comparison: the quoted part */
}

int gg_static_serve(gg_req *r)
{
    const char *rel = r->path;
    if (!gg_static_path_ok(rel)) return not_found(r);
    size_t len = strlen(rel);
    if (len == 1 || rel[len - 1] == '/' || !has_extension(rel)) rel = "/index.html";
    struct stat st;
    int fd = open_under_root(rel, &st);
    if (fd < 0 && strcmp(rel, "/index.html") != 0 && !has_extension(r->path))
        fd = open_under_root("/index.html", &st);
    if (fd < 0) return not_found(r);
    char *etag = gg_pprintf(r->pool, "W/\"%llx-%llx\"", (unsigned long long)st.st_size,
                            (unsigned long long)st.st_mtim.tv_sec * 1000000000ull +
                                (unsigned long long)st.st_mtim.tv_nsec);
    char *lm = gg_palloc(r->pool, 40);
    struct tm tm;
    if (lm && gmtime_r(&st.st_mtim.tv_sec, &tm))
        strftime(lm, 40, "%a, %d %b %Y %H:%M:%S GMT", &tm);
    r->content_type = gg_static_mime(rel);
    gg_req_header_add(r, "Cache-Control", cache_policy(rel));
    gg_req_header_add(r, "ETag", etag);
    if (lm) gg_req_header_add(r, "Last-Modified", lm);
    if (etag_matches(gg_req_header(r, "If-None-Match"), etag)) {
        close(fd);
        return gg_req_status(r, 304);
    }
    gg_req_status(r, 200);
    /* HEAD too: libmicrohttpd sends the length and drops the body */
    return gg_req_body_file(r, fd, (uint64_t)st.st_size);
}
