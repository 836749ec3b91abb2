/*
 * sealed.c — see sealed.h. The key file, XChaCha20-Poly1305 blobs and
 * BLAKE2b blind indexes, all through libsodium.
 */
#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sodium.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/sealed.h"
#include "core/str.h"

#define AEAD_KEY_BYTES crypto_aead_xchacha20poly1305_ietf_KEYBYTES
#define MAC_KEY_BYTES crypto_generichash_KEYBYTES

_Static_assert(AEAD_KEY_BYTES + MAC_KEY_BYTES == GG_KEYS_FILE_BYTES, "key file layout");
_Static_assert(GG_SEAL_NONCE_BYTES == crypto_aead_xchacha20poly1305_ietf_NPUBBYTES, "nonce");
_Static_assert(GG_SEAL_TAG_BYTES == crypto_aead_xchacha20poly1305_ietf_ABYTES, "tag");
_Static_assert(GG_BLIND_BYTES >= crypto_generichash_BYTES_MIN &&
               GG_BLIND_BYTES <= crypto_generichash_BYTES_MAX, "index size");

/* Laid out as the key file is; lives in sodium_malloc'ed memory (guard
 * pages, locked, never swapped) that is read-only once filled. */
struct gg_keys {
    unsigned char aead[AEAD_KEY_BYTES];
    unsigned char mac[MAC_KEY_BYTES];
};

#define KEY_FAIL(e, rc, ...) gg_fail((e), (rc), 0, "key_file", NULL, __VA_ARGS__)

/* ---- key file ----------------------------------------------------------- */

static int write_all(int fd, const unsigned char *p, size_t n)
{
    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w < 0) {
            if (errno == EINTR) continue;
            return -1;
        }
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

/* Reads up to n bytes; returns the count read, or -1. */
static ssize_t read_full(int fd, unsigned char *p, size_t n)
{
    size_t got = 0;
    while (got < n) {
        ssize_t r = read(fd, p + got, n - got);
        if (r < 0) {
            if (errno == EINTR) continue;
            return -1;
        }
        if (r == 0) break;
        got += (size_t)r;
    }
    return (ssize_t)got;
}

/* fsync the directory holding path, so the new name survives a crash. */
static int sync_parent_dir(const char *path)
{
    char dir[PATH_MAX];
    const char *slash = strrchr(path, '/');
    if (!slash) {
        gg_strlcpy(dir, ".", sizeof dir);
    } else if (slash == path) {
        gg_strlcpy(dir, "/", sizeof dir);
    } else {
        size_t len = (size_t)(slash - path);
        if (len >= sizeof dir) return -1;
        memcpy(dir, path, len);
        dir[len] = '\0';
    }
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return -1;
    int rc = fsync(fd);
    close(fd);
    return rc;
}

int gg_keys_create(const char *path, gg_error *e)
{
    unsigned char key[GG_KEYS_FILE_BYTES];
    int rc = GG_EIO;
    int fd = -1;

    if (!path || !*path) return KEY_FAIL(e, GG_EINVAL, "no key file path given");
    if (sodium_init() < 0) return KEY_FAIL(e, GG_EIO, "libsodium failed to initialise");

    fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0) {
        if (errno == EEXIST)
            return KEY_FAIL(e, GG_ECONFLICT,
                            "key file %s already exists; refusing to overwrite it", path);
        return KEY_FAIL(e, GG_EIO, "cannot create key file %s: %s", path, strerror(errno));
    }
    /* The umask can only take bits away from 0600; make it exact anyway. */
    randombytes_buf(key, sizeof key);
    if (fchmod(fd, 0600) != 0 || write_all(fd, key, sizeof key) != 0 || fsync(fd) != 0) {
        KEY_FAIL(e, GG_EIO, "cannot write key file %s: %s", path, strerror(errno));
        goto fail;
    }
    if (close(fd) != 0) {
        fd = -1;
        KEY_FAIL(e, GG_EIO, "cannot write key file %s: %s", path, strerror(errno));
        goto fail;
    }
    fd = -1;
    if (sync_parent_dir(path) != 0) {
        KEY_FAIL(e, GG_EIO, "cannot sync the directory of key file %s: %s", path,
                 strerror(errno));
        goto fail;
    }
    sodium_memzero(key, sizeof key);
    return GG_OK;

fail:
    sodium_memzero(key, sizeof key);
    if (fd >= 0) close(fd);
    unlink(path); /* we created it with O_EXCL, so it is ours to remove */
    return rc;
}

int gg_keys_load(const char *path, gg_keys **out, gg_error *e)
{
    int rc;
    int fd = -1;
    gg_keys *k = NULL;
    struct stat st;

    *out = NULL;
    if (!path || !*path) return KEY_FAIL(e, GG_EINVAL, "no key file path given");
    if (sodium_init() < 0) return KEY_FAIL(e, GG_EIO, "libsodium failed to initialise");

    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        if (errno == ENOENT)
            return KEY_FAIL(e, GG_ENOTFOUND, "key file %s does not exist", path);
        return KEY_FAIL(e, GG_EIO, "cannot open key file %s: %s", path, strerror(errno));
    }
    if (fstat(fd, &st) != 0) {
        rc = KEY_FAIL(e, GG_EIO, "cannot stat key file %s: %s", path, strerror(errno));
        goto fail;
    }
    if (!S_ISREG(st.st_mode)) {
        rc = KEY_FAIL(e, GG_EINVAL, "key file %s is not a regular file", path);
        goto fail;
    }
    if (st.st_mode & 077) {
        rc = KEY_FAIL(e, GG_EINVAL,
                      "key file %s has permissions %04o; group and others must have "
                      "none (chmod 600 %s)",
                      path, (unsigned)(st.st_mode & 07777), path);
        goto fail;
    }
    if (st.st_size != GG_KEYS_FILE_BYTES) {
        rc = KEY_FAIL(e, GG_EINVAL, "key file %s has %lld bytes, expected %d", path,
                      (long long)st.st_size, GG_KEYS_FILE_BYTES);
        goto fail;
    }
    k = sodium_malloc(sizeof *k);
    if (!k) {
        rc = KEY_FAIL(e, GG_ENOMEM, "cannot allocate locked memory for the keys");
        goto fail;
    }
    /* Read one byte more than expected: a file that grew since fstat is
     * refused rather than silently cut. */
    unsigned char extra;
    ssize_t got = read_full(fd, (unsigned char *)k, sizeof *k);
    if (got < 0 || (got == (ssize_t)sizeof *k && read_full(fd, &extra, 1) != 0)) {
        rc = got < 0 ? KEY_FAIL(e, GG_EIO, "cannot read key file %s: %s", path, strerror(errno))
                     : KEY_FAIL(e, GG_EINVAL, "key file %s changed while being read", path);
        goto fail;
    }
    if (got != (ssize_t)sizeof *k) {
        rc = KEY_FAIL(e, GG_EINVAL, "key file %s changed while being read", path);
        goto fail;
    }
    close(fd);
    sodium_mprotect_readonly(k);
    *out = k;
    return GG_OK;

fail:
    if (k) sodium_free(k); /* wipes */
    if (fd >= 0) close(fd);
    return rc;
}

void gg_keys_free(gg_keys *keys)
{
    if (!keys) return;
    /* sodium_free makes the region writable, zeroes it and unmaps it. */
    sodium_free(keys);
}

/* ---- sealing ------------------------------------------------------------ */

/* Context length, or 0 when it is NULL, empty or too long. */
static size_t context_len(const char *context)
{
    if (!context) return 0;
    size_t n = strnlen(context, GG_SEAL_CONTEXT_MAX + 1);
    return n > GG_SEAL_CONTEXT_MAX ? 0 : n;
}

/* Associated data: version || context. Returns its length. */
static size_t make_ad(unsigned char ad[1 + GG_SEAL_CONTEXT_MAX], unsigned char version,
                      const char *context, size_t clen)
{
    ad[0] = version;
    memcpy(ad + 1, context, clen);
    return 1 + clen;
}

int gg_seal(const gg_keys *keys, const void *plain, size_t n, const char *context,
            unsigned char *out, size_t cap, size_t *out_len)
{
    unsigned char ad[1 + GG_SEAL_CONTEXT_MAX];
    size_t clen = context_len(context);
    unsigned long long clen_out = 0;

    if (!keys || !out || !out_len || (!plain && n > 0) || clen == 0) return GG_EINVAL;
    if (n > GG_SEAL_PLAIN_MAX || cap < GG_SEAL_LEN(n)) return GG_ETOOBIG;
    if (sodium_init() < 0) return GG_EIO;

    size_t adlen = make_ad(ad, GG_SEAL_VERSION, context, clen);
    unsigned char *nonce = out + 1;
    out[0] = GG_SEAL_VERSION;
    randombytes_buf(nonce, GG_SEAL_NONCE_BYTES);
    crypto_aead_xchacha20poly1305_ietf_encrypt(out + 1 + GG_SEAL_NONCE_BYTES, &clen_out, plain,
                                               n, ad, adlen, NULL, nonce, keys->aead);
    assert(clen_out == n + GG_SEAL_TAG_BYTES);
    *out_len = GG_SEAL_LEN(n);
    return GG_OK;
}

int gg_unseal(const gg_keys *keys, const unsigned char *blob, size_t n, const char *context,
              void *out, size_t cap, size_t *out_len)
{
    unsigned char ad[1 + GG_SEAL_CONTEXT_MAX];
    size_t clen = context_len(context);
    unsigned long long plen = 0;

    if (!keys || !blob || !out_len || clen == 0) return GG_EINVAL;
    *out_len = 0;
    if (n < GG_SEAL_OVERHEAD || n > GG_SEAL_LEN(GG_SEAL_PLAIN_MAX)) return GG_EINVAL;
    if (blob[0] != GG_SEAL_VERSION) return GG_EINVAL;
    size_t want = n - GG_SEAL_OVERHEAD;
    if (want > 0 && (!out || cap < want)) return GG_ETOOBIG;
    if (sodium_init() < 0) return GG_EIO;

    size_t adlen = make_ad(ad, blob[0], context, clen);
    const unsigned char *nonce = blob + 1;
    const unsigned char *ct = blob + 1 + GG_SEAL_NONCE_BYTES;
    /* libsodium checks the tag before it decrypts anything; the wipe on
     * failure is for a caller that ignores the status anyway. */
    unsigned char scratch[1];
    unsigned char *dst = want > 0 ? out : scratch;
    if (crypto_aead_xchacha20poly1305_ietf_decrypt(dst, &plen, NULL, ct,
                                                   n - 1 - GG_SEAL_NONCE_BYTES, ad, adlen, nonce,
                                                   keys->aead) != 0) {
        if (want > 0) sodium_memzero(out, want);
        return GG_EINVAL;
    }
    assert(plen == want);
    *out_len = want;
    return GG_OK;
}

int gg_seal_text(const gg_keys *keys, const void *plain, size_t n, const char *context,
                 char *out, size_t cap)
{
    unsigned char blob[GG_SEAL_LEN(GG_SEAL_PLAIN_MAX)];
    size_t blen = 0;

    if (!out) return GG_EINVAL;
    if (cap > 0) out[0] = '\0';
    if (n <= GG_SEAL_PLAIN_MAX && cap < GG_SEAL_TEXT_LEN(n)) return GG_ETOOBIG;
    int rc = gg_seal(keys, plain, n, context, blob, sizeof blob, &blen);
    if (rc != GG_OK) return rc;
    assert(gg_b64url_enc_len(blen) + 1 == GG_SEAL_TEXT_LEN(n));
    gg_b64url_encode(blob, blen, out);
    return GG_OK;
}

int gg_unseal_text(const gg_keys *keys, const char *text, size_t n, const char *context,
                   void *out, size_t cap, size_t *out_len)
{
    unsigned char blob[GG_SEAL_LEN(GG_SEAL_PLAIN_MAX)];
    size_t blen = 0;

    if (!text || !out_len) return GG_EINVAL;
    *out_len = 0;
    if (gg_b64url_decode(text, n, blob, sizeof blob, &blen) != 0) return GG_EINVAL;
    return gg_unseal(keys, blob, blen, context, out, cap, out_len);
}

/* ---- blind index -------------------------------------------------------- */

int gg_blind_index(const gg_keys *keys, const void *value, size_t n, const char *context,
                   unsigned char out[GG_BLIND_BYTES])
{
    static const unsigned char sep = 0x00;
    crypto_generichash_state st;
    size_t clen = context_len(context);

    if (!keys || !out || (!value && n > 0) || clen == 0) return GG_EINVAL;
    if (sodium_init() < 0) return GG_EIO;
    /* The 0x00 separator cannot occur in the context (a C string), so
     * (context, value) pairs map to distinct messages. */
    crypto_generichash_init(&st, keys->mac, sizeof keys->mac, GG_BLIND_BYTES);
    crypto_generichash_update(&st, (const unsigned char *)context, clen);
    crypto_generichash_update(&st, &sep, 1);
    if (n > 0) crypto_generichash_update(&st, value, n);
    crypto_generichash_final(&st, out, GG_BLIND_BYTES);
    sodium_memzero(&st, sizeof st); /* holds the keyed state */
    return GG_OK;
}

int gg_blind_index_hex(const gg_keys *keys, const void *value, size_t n, const char *context,
                       char out[GG_BLIND_HEX_CHARS])
{
    unsigned char raw[GG_BLIND_BYTES];
    int rc = gg_blind_index(keys, value, n, context, raw);
    if (rc != GG_OK) {
        if (out) out[0] = '\0';
        return rc;
    }
    gg_hex_encode(raw, sizeof raw, out);
    return GG_OK;
}
