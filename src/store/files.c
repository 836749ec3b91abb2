/*
 * files.c — see files.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/str.h"
#include "store/files.h"

static char root[512] = "data/files";

void gg_files_set_dir(const char *dir) { gg_strlcpy(root, dir, sizeof root); }
const char *gg_files_dir(void) { return root; }

void gg_sha256_hex(const void *data, size_t n, char out[GG_SHA256_HEX])
{
    unsigned char h[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(h, data, n);
    gg_hex_encode(h, sizeof h, out);
}

static bool hex_ok(const char *hex)
{
    if (strlen(hex) != 64) return false;
    for (int i = 0; i < 64; i++)
        if (!((hex[i] >= '0' && hex[i] <= '9') || (hex[i] >= 'a' && hex[i] <= 'f'))) return false;
    return true;
}

static int mkdirs(const char *hex, char *path, size_t cap)
{
    snprintf(path, cap, "%s", root);
    if (mkdir(path, 0700) && errno != EEXIST) return -1;
    snprintf(path, cap, "%s/%.2s", root, hex);
    if (mkdir(path, 0700) && errno != EEXIST) return -1;
    snprintf(path, cap, "%s/%.2s/%.2s", root, hex, hex + 2);
    if (mkdir(path, 0700) && errno != EEXIST) return -1;
    return 0;
}

static int sync_dir(const char *dir)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY);
    if (fd < 0) return -1;
    int rc = fsync(fd);
    close(fd);
    return rc;
}

/* A full or read-only disk is the operator's to fix and answers as the
 * database does (db.c); anything else is the server's own storage error. */
static int put_fail(gg_error *e, int err, const char *what)
{
    if (err == ENOSPC || err == EDQUOT)
        return gg_fail(e, GG_EIO, 507, "storage_full", "", "the server's storage is full");
    if (err == EROFS || err == EPERM || err == EACCES)
        return gg_fail(e, GG_EIO, 503, "storage_readonly", "", "the server's storage is read-only");
    return gg_fail(e, GG_EIO, 500, "storage_error", "", "%s", what);
}

int gg_files_put(const void *data, size_t n, char hex[GG_SHA256_HEX], gg_error *e)
{
    char dir[700], path[800], tmp[820];
    gg_sha256_hex(data, n, hex);
    if (mkdirs(hex, dir, sizeof dir)) return put_fail(e, errno, "cannot create the file directory");
    snprintf(path, sizeof path, "%s/%s", dir, hex);
    struct stat st;
    if (stat(path, &st) == 0 && (size_t)st.st_size == n) return 0; /* already there */
    /* a temporary name of its own (mkostemp, mode 0600): two requests putting
     * the same bytes at once must not write into one temporary file */
    snprintf(tmp, sizeof tmp, "%s.XXXXXX", path);
    int fd = mkostemp(tmp, O_CLOEXEC);
    if (fd < 0) return put_fail(e, errno, "cannot write the file");
    const char *p = data;
    size_t left = n;
    while (left) {
        ssize_t w = write(fd, p, left);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) break;
        p += w;
        left -= (size_t)w;
    }
    int rc = left == 0 && fsync(fd) == 0 ? 0 : -1;
    int saved = errno;
    close(fd);
    if (!rc && (rc = rename(tmp, path))) saved = errno;
    if (!rc && (rc = sync_dir(dir))) saved = errno;
    if (rc) {
        unlink(tmp);
        return put_fail(e, saved, "cannot write the file");
    }
    return 0;
}

int gg_files_get(const char *hex, gg_buf *b, gg_error *e)
{
    if (!hex_ok(hex)) return gg_fail(e, GG_ENOTFOUND, 404, "not_found", "", "no such file");
    char path[800];
    snprintf(path, sizeof path, "%s/%.2s/%.2s/%s", root, hex, hex + 2, hex);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return gg_fail(e, GG_ENOTFOUND, 404, "not_found", "", "the file is missing");
    char chunk[65536];
    int rc = 0;
    for (;;) {
        ssize_t r = read(fd, chunk, sizeof chunk);
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) {
            rc = r < 0 ? GG_EIO : 0;
            break;
        }
        if ((rc = gg_buf_append(b, chunk, (size_t)r))) break;
    }
    close(fd);
    return rc ? gg_fail(e, rc, 500, "storage_error", "", "cannot read the file") : 0;
}
