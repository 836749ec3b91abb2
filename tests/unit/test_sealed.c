/*
 * test_sealed.c — unit tests for src/core/sealed.c: the key file (create,
 * load, every refusal), sealing round trips, tamper and wrong-context
 * refusals, the text form and the blind index. The blind index is checked
 * against libsodium's one-shot BLAKE2b keyed with bytes 32-63 read from the
 * key file, so the module is not its own oracle.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/sealed.h"
#include "domain/identity.h"

#define CTX_ID "resident.id_number"
#define CTX_PHONE "resident.phone"

/* A fresh directory per test, with a key file "key" created and loaded. */
typedef struct fixture {
    char dir[64];
    char path[128];
    gg_keys *keys;
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    assert_non_null(f);
    snprintf(f->dir, sizeof f->dir, "/tmp/gg_sealed_XXXXXX");
    assert_non_null(mkdtemp(f->dir));
    snprintf(f->path, sizeof f->path, "%s/key", f->dir);
    gg_error e = {0};
    assert_int_equal(gg_keys_create(f->path, &e), GG_OK);
    assert_int_equal(gg_keys_load(f->path, &f->keys, &e), GG_OK);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    gg_keys_free(f->keys);
    char p[160];
    const char *names[] = {"key", "other", "small", "big", "empty", "loose", "sub"};
    for (size_t i = 0; i < GG_ARRAY_LEN(names); i++) {
        snprintf(p, sizeof p, "%s/%s", f->dir, names[i]);
        if (unlink(p) != 0) rmdir(p);
    }
    rmdir(f->dir);
    free(f);
    return 0;
}

static void write_file(const char *path, const void *data, size_t n, mode_t mode)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, data, n), (ssize_t)n);
    assert_int_equal(fchmod(fd, mode), 0);
    close(fd);
}

static void read_key_file(const char *path, unsigned char out[GG_KEYS_FILE_BYTES])
{
    FILE *fp = fopen(path, "rb");
    assert_non_null(fp);
    assert_int_equal(fread(out, 1, GG_KEYS_FILE_BYTES, fp), GG_KEYS_FILE_BYTES);
    fclose(fp);
}

static void sibling(const fixture *f, const char *name, char *out, size_t cap)
{
    snprintf(out, cap, "%s/%s", f->dir, name);
}

/* ---- key file ----------------------------------------------------------- */

static void test_create_load_round_trip(void **state)
{
    fixture *f = *state;
    struct stat st;
    assert_int_equal(stat(f->path, &st), 0);
    assert_int_equal(st.st_mode & 07777, 0600);
    assert_int_equal(st.st_size, GG_KEYS_FILE_BYTES);

    /* A second load of the same file opens what the first sealed. */
    gg_keys *again = NULL;
    gg_error e = {0};
    assert_int_equal(gg_keys_load(f->path, &again, &e), GG_OK);
    unsigned char blob[GG_SEAL_LEN(32)], plain[32];
    size_t blen = 0, plen = 0;
    assert_int_equal(gg_seal(f->keys, "secret", 6, CTX_ID, blob, sizeof blob, &blen), GG_OK);
    assert_int_equal(gg_unseal(again, blob, blen, CTX_ID, plain, sizeof plain, &plen), GG_OK);
    assert_int_equal(plen, 6);
    assert_memory_equal(plain, "secret", 6);
    gg_keys_free(again);

    /* Two created files hold different keys. */
    char other[160];
    sibling(f, "other", other, sizeof other);
    unsigned char k1[GG_KEYS_FILE_BYTES], k2[GG_KEYS_FILE_BYTES];
    assert_int_equal(gg_keys_create(other, &e), GG_OK);
    read_key_file(f->path, k1);
    read_key_file(other, k2);
    assert_memory_not_equal(k1, k2, GG_KEYS_FILE_BYTES);
}

static void test_create_refuses_existing(void **state)
{
    fixture *f = *state;
    unsigned char before[GG_KEYS_FILE_BYTES], after[GG_KEYS_FILE_BYTES];
    read_key_file(f->path, before);
    gg_error e = {0};
    assert_int_equal(gg_keys_create(f->path, &e), GG_ECONFLICT);
    assert_string_equal(e.code, "key_file");
    assert_non_null(strstr(e.message, "already exists"));
    read_key_file(f->path, after);
    assert_memory_equal(before, after, GG_KEYS_FILE_BYTES);

    /* Not even an empty file or a directory is replaced. */
    char p[160];
    sibling(f, "empty", p, sizeof p);
    write_file(p, "", 0, 0600);
    assert_int_equal(gg_keys_create(p, &e), GG_ECONFLICT);
    struct stat st;
    assert_int_equal(stat(p, &st), 0);
    assert_int_equal(st.st_size, 0);
    sibling(f, "sub", p, sizeof p);
    assert_int_equal(mkdir(p, 0700), 0);
    assert_int_equal(gg_keys_create(p, &e), GG_ECONFLICT);

    /* A directory that does not exist is an I/O error, and leaves nothing. */
    assert_int_equal(gg_keys_create("/nonexistent-gg-dir/key", &e), GG_EIO);
    assert_int_equal(gg_keys_create("", &e), GG_EINVAL);
}

static void test_load_refuses_loose_permissions(void **state)
{
    fixture *f = *state;
    static const mode_t modes[] = {0644, 0640, 0604, 0660, 0606, 0610, 0601, 0666};
    unsigned char key[GG_KEYS_FILE_BYTES];
    read_key_file(f->path, key);
    char p[160];
    sibling(f, "loose", p, sizeof p);
    for (size_t i = 0; i < GG_ARRAY_LEN(modes); i++) {
        write_file(p, key, sizeof key, modes[i]);
        gg_keys *k = (gg_keys *)1;
        gg_error e = {0};
        assert_int_equal(gg_keys_load(p, &k, &e), GG_EINVAL);
        assert_null(k);
        assert_string_equal(e.code, "key_file");
        assert_non_null(strstr(e.message, "permissions"));
        assert_non_null(strstr(e.message, "chmod 600"));
    }
    /* Owner-only modes are fine, 0400 included. */
    write_file(p, key, sizeof key, 0400);
    gg_keys *k = NULL;
    gg_error e = {0};
    assert_int_equal(gg_keys_load(p, &k, &e), GG_OK);
    gg_keys_free(k);
}

static void test_load_refuses_wrong_size(void **state)
{
    fixture *f = *state;
    unsigned char big[GG_KEYS_FILE_BYTES + 1];
    memset(big, 7, sizeof big);
    static const struct {
        const char *name;
        size_t n;
    } cases[] = {{"small", GG_KEYS_FILE_BYTES - 1}, {"big", GG_KEYS_FILE_BYTES + 1},
                 {"empty", 0}, {"other", 32}};
    for (size_t i = 0; i < GG_ARRAY_LEN(cases); i++) {
        char p[160];
        sibling(f, cases[i].name, p, sizeof p);
        write_file(p, big, cases[i].n, 0600);
        gg_keys *k = NULL;
        gg_error e = {0};
        assert_int_equal(gg_keys_load(p, &k, &e), GG_EINVAL);
        assert_null(k);
        assert_non_null(strstr(e.message, "expected 64"));
    }
}

static void test_load_refuses_missing_and_directory(void **state)
{
    fixture *f = *state;
    char p[160];
    gg_keys *k = NULL;
    gg_error e = {0};
    sibling(f, "other", p, sizeof p);
    assert_int_equal(gg_keys_load(p, &k, &e), GG_ENOTFOUND);
    assert_non_null(strstr(e.message, "does not exist"));
    sibling(f, "sub", p, sizeof p);
    assert_int_equal(mkdir(p, 0700), 0);
    assert_int_equal(gg_keys_load(p, &k, &e), GG_EINVAL);
    assert_non_null(strstr(e.message, "not a regular file"));
    assert_null(k);
}

static void test_keys_free(void **state)
{
    fixture *f = *state;
    gg_keys_free(NULL);
    /* Load and free many times: locked memory is returned each time (a leak
     * would exhaust RLIMIT_MEMLOCK or the guard-page mappings). */
    for (int i = 0; i < 2000; i++) {
        gg_keys *k = NULL;
        assert_int_equal(gg_keys_load(f->path, &k, NULL), GG_OK);
        assert_non_null(k);
        gg_keys_free(k);
    }
}

/* ---- sealing ------------------------------------------------------------ */

static void round_trip(const gg_keys *keys, const void *plain, size_t n, const char *ctx)
{
    unsigned char blob[GG_SEAL_LEN(GG_SEAL_PLAIN_MAX)];
    unsigned char out[GG_SEAL_PLAIN_MAX + 1];
    size_t blen = 0, olen = 99;
    assert_int_equal(gg_seal(keys, plain, n, ctx, blob, sizeof blob, &blen), GG_OK);
    assert_int_equal(blen, GG_SEAL_LEN(n));
    assert_int_equal(blob[0], GG_SEAL_VERSION);
    if (n >= 8) /* not stored in the clear */
        assert_null(memmem(blob, blen, plain, n));
    assert_int_equal(gg_unseal(keys, blob, blen, ctx, out, sizeof out, &olen), GG_OK);
    assert_int_equal(olen, n);
    if (n) assert_memory_equal(out, plain, n);
}

static void test_seal_round_trip_chinese(void **state)
{
    fixture *f = *state;
    const char *s[] = {"630102199001011234", "13812345678", "张三丰",
                       "新疆维吾尔自治区乌鲁木齐市天山区 😀", "欧阳娜娜 Ａ"};
    for (size_t i = 0; i < GG_ARRAY_LEN(s); i++) round_trip(f->keys, s[i], strlen(s[i]), CTX_ID);
}

static void test_seal_round_trip_binary(void **state)
{
    fixture *f = *state;
    unsigned char bin[256];
    for (int i = 0; i < 256; i++) bin[i] = (unsigned char)(255 - i);
    round_trip(f->keys, bin, sizeof bin, CTX_ID);
    round_trip(f->keys, "\0\0\0", 3, CTX_PHONE);
    round_trip(f->keys, NULL, 0, CTX_ID);
    unsigned char *big = malloc(GG_SEAL_PLAIN_MAX);
    assert_non_null(big);
    randombytes_buf(big, GG_SEAL_PLAIN_MAX);
    round_trip(f->keys, big, GG_SEAL_PLAIN_MAX, CTX_ID);
    free(big);
}

static void test_every_tamper_fails(void **state)
{
    fixture *f = *state;
    const char *v = "630102199001011234";
    unsigned char blob[GG_SEAL_LEN(18) + 1], out[64];
    size_t blen = 0, olen = 0;
    assert_int_equal(gg_seal(f->keys, v, 18, CTX_ID, blob, sizeof blob, &blen), GG_OK);
    static const unsigned char flips[] = {0x01, 0x02, 0x04, 0x08, 0x10, 0x20, 0x40, 0x80, 0xff};
    for (size_t i = 0; i < blen; i++) {
        for (size_t j = 0; j < sizeof flips; j++) {
            blob[i] ^= flips[j];
            memset(out, 'Q', sizeof out);
            assert_int_equal(gg_unseal(f->keys, blob, blen, CTX_ID, out, sizeof out, &olen),
                             GG_EINVAL);
            assert_int_equal(olen, 0);
            assert_null(memmem(out, sizeof out, v, 18));
            blob[i] ^= flips[j];
        }
    }
    /* Every truncation, and one byte appended. */
    for (size_t n = 0; n < blen; n++)
        assert_int_equal(gg_unseal(f->keys, blob, n, CTX_ID, out, sizeof out, &olen), GG_EINVAL);
    blob[blen] = 0;
    assert_int_equal(gg_unseal(f->keys, blob, blen + 1, CTX_ID, out, sizeof out, &olen),
                     GG_EINVAL);
    /* Untouched, it still opens. */
    assert_int_equal(gg_unseal(f->keys, blob, blen, CTX_ID, out, sizeof out, &olen), GG_OK);
    assert_memory_equal(out, v, 18);
}

static void test_wrong_context_or_key_fails(void **state)
{
    fixture *f = *state;
    unsigned char blob[GG_SEAL_LEN(11)], out[64];
    size_t blen = 0, olen = 0;
    assert_int_equal(gg_seal(f->keys, "13812345678", 11, CTX_PHONE, blob, sizeof blob, &blen),
                     GG_OK);
    const char *wrong[] = {CTX_ID, "resident.phon", "resident.phone2", "Resident.phone",
                           "household.phone"};
    for (size_t i = 0; i < GG_ARRAY_LEN(wrong); i++)
        assert_int_equal(gg_unseal(f->keys, blob, blen, wrong[i], out, sizeof out, &olen),
                         GG_EINVAL);
    assert_int_equal(gg_unseal(f->keys, blob, blen, "", out, sizeof out, &olen), GG_EINVAL);
    assert_int_equal(gg_unseal(f->keys, blob, blen, NULL, out, sizeof out, &olen), GG_EINVAL);

    char other[160];
    gg_keys *k2 = NULL;
    sibling(f, "other", other, sizeof other);
    assert_int_equal(gg_keys_create(other, NULL), GG_OK);
    assert_int_equal(gg_keys_load(other, &k2, NULL), GG_OK);
    assert_int_equal(gg_unseal(k2, blob, blen, CTX_PHONE, out, sizeof out, &olen), GG_EINVAL);
    gg_keys_free(k2);

    assert_int_equal(gg_unseal(f->keys, blob, blen, CTX_PHONE, out, sizeof out, &olen), GG_OK);
}

static void test_seals_differ(void **state)
{
    fixture *f = *state;
    unsigned char a[GG_SEAL_LEN(11)], b[GG_SEAL_LEN(11)];
    size_t alen = 0, blen = 0;
    assert_int_equal(gg_seal(f->keys, "13812345678", 11, CTX_PHONE, a, sizeof a, &alen), GG_OK);
    assert_int_equal(gg_seal(f->keys, "13812345678", 11, CTX_PHONE, b, sizeof b, &blen), GG_OK);
    assert_int_equal(alen, blen);
    assert_memory_not_equal(a + 1, b + 1, GG_SEAL_NONCE_BYTES);
    assert_memory_not_equal(a, b, alen);

    unsigned char ia[GG_BLIND_BYTES], ib[GG_BLIND_BYTES];
    assert_int_equal(gg_blind_index(f->keys, "13812345678", 11, CTX_PHONE, ia), GG_OK);
    assert_int_equal(gg_blind_index(f->keys, "13812345678", 11, CTX_PHONE, ib), GG_OK);
    assert_memory_equal(ia, ib, GG_BLIND_BYTES);
}

static void test_seal_limits(void **state)
{
    fixture *f = *state;
    unsigned char blob[GG_SEAL_LEN(GG_SEAL_PLAIN_MAX + 1)], out[8];
    size_t blen = 0, olen = 0;
    assert_int_equal(gg_seal(f->keys, "abc", 3, CTX_ID, blob, GG_SEAL_LEN(3) - 1, &blen),
                     GG_ETOOBIG);
    assert_int_equal(gg_seal(f->keys, blob, GG_SEAL_PLAIN_MAX + 1, CTX_ID, blob, sizeof blob,
                             &blen),
                     GG_ETOOBIG);
    assert_int_equal(gg_seal(f->keys, "abc", 3, "", blob, sizeof blob, &blen), GG_EINVAL);
    assert_int_equal(gg_seal(f->keys, "abc", 3, NULL, blob, sizeof blob, &blen), GG_EINVAL);
    char longctx[GG_SEAL_CONTEXT_MAX + 2];
    memset(longctx, 'c', sizeof longctx - 1);
    longctx[sizeof longctx - 1] = '\0';
    assert_int_equal(gg_seal(f->keys, "abc", 3, longctx, blob, sizeof blob, &blen), GG_EINVAL);
    longctx[GG_SEAL_CONTEXT_MAX] = '\0'; /* exactly the maximum is fine */
    assert_int_equal(gg_seal(f->keys, "abc", 3, longctx, blob, sizeof blob, &blen), GG_OK);

    /* Plaintext buffer too small for what the blob holds. */
    assert_int_equal(gg_seal(f->keys, "123456789", 9, CTX_ID, blob, sizeof blob, &blen), GG_OK);
    assert_int_equal(gg_unseal(f->keys, blob, blen, CTX_ID, out, sizeof out, &olen), GG_ETOOBIG);
    /* An unknown version is refused before anything else. */
    blob[0] = GG_SEAL_VERSION + 1;
    unsigned char big[16];
    assert_int_equal(gg_unseal(f->keys, blob, blen, CTX_ID, big, sizeof big, &olen), GG_EINVAL);
}

static void test_text_form(void **state)
{
    fixture *f = *state;
    const char *v = "张三 13812345678";
    size_t n = strlen(v);
    char text[GG_SEAL_TEXT_LEN(64)];
    char out[64];
    size_t olen = 0;
    assert_int_equal(gg_seal_text(f->keys, v, n, CTX_PHONE, text, GG_SEAL_TEXT_LEN(n)), GG_OK);
    size_t tlen = strlen(text);
    assert_int_equal(tlen + 1, GG_SEAL_TEXT_LEN(n));
    assert_int_equal(strspn(text, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                                  "0123456789-_"),
                     tlen);
    assert_int_equal(gg_unseal_text(f->keys, text, tlen, CTX_PHONE, out, sizeof out, &olen),
                     GG_OK);
    assert_int_equal(olen, n);
    assert_memory_equal(out, v, n);

    assert_int_equal(gg_unseal_text(f->keys, text, tlen, CTX_ID, out, sizeof out, &olen),
                     GG_EINVAL);
    for (size_t i = 0; i < tlen; i++) {
        char saved = text[i];
        text[i] = saved == 'A' ? 'B' : 'A';
        assert_int_equal(gg_unseal_text(f->keys, text, tlen, CTX_PHONE, out, sizeof out, &olen),
                         GG_EINVAL);
        text[i] = '=';
        assert_int_equal(gg_unseal_text(f->keys, text, tlen, CTX_PHONE, out, sizeof out, &olen),
                         GG_EINVAL);
        text[i] = saved;
    }
    assert_int_equal(gg_unseal_text(f->keys, text, tlen - 1, CTX_PHONE, out, sizeof out, &olen),
                     GG_EINVAL);
    assert_int_equal(gg_seal_text(f->keys, v, n, CTX_PHONE, text, GG_SEAL_TEXT_LEN(n) - 1),
                     GG_ETOOBIG);
    assert_string_equal(text, "");
}

/* ---- blind index -------------------------------------------------------- */

/* The index by its definition, keyed with the file's bytes 32-63. */
static void ref_index(const char *path, const char *ctx, const void *v, size_t n,
                      unsigned char out[GG_BLIND_BYTES])
{
    unsigned char key[GG_KEYS_FILE_BYTES];
    unsigned char msg[256];
    size_t clen = strlen(ctx);
    assert_true(clen + 1 + n <= sizeof msg);
    read_key_file(path, key);
    memcpy(msg, ctx, clen);
    msg[clen] = 0x00;
    memcpy(msg + clen + 1, v, n);
    assert_int_equal(crypto_generichash(out, GG_BLIND_BYTES, msg, clen + 1 + n, key + 32, 32), 0);
}

static void test_blind_index_definition(void **state)
{
    fixture *f = *state;
    unsigned char got[GG_BLIND_BYTES], want[GG_BLIND_BYTES];
    assert_int_equal(gg_blind_index(f->keys, "13812345678", 11, CTX_PHONE, got), GG_OK);
    ref_index(f->path, CTX_PHONE, "13812345678", 11, want);
    assert_memory_equal(got, want, GG_BLIND_BYTES);
    assert_int_equal(gg_blind_index(f->keys, NULL, 0, CTX_PHONE, got), GG_OK);
    ref_index(f->path, CTX_PHONE, "", 0, want);
    assert_memory_equal(got, want, GG_BLIND_BYTES);

    char hex[GG_BLIND_HEX_CHARS];
    assert_int_equal(gg_blind_index_hex(f->keys, "13812345678", 11, CTX_PHONE, hex), GG_OK);
    assert_int_equal(strlen(hex), 64);
    assert_int_equal(strspn(hex, "0123456789abcdef"), 64);
    char whex[GG_BLIND_HEX_CHARS];
    ref_index(f->path, CTX_PHONE, "13812345678", 11, want);
    for (int i = 0; i < GG_BLIND_BYTES; i++) snprintf(whex + 2 * i, 3, "%02x", want[i]);
    assert_string_equal(hex, whex);

    assert_int_equal(gg_blind_index(f->keys, "x", 1, "", got), GG_EINVAL);
    assert_int_equal(gg_blind_index(f->keys, "x", 1, NULL, got), GG_EINVAL);
    assert_int_equal(gg_blind_index_hex(f->keys, "x", 1, NULL, hex), GG_EINVAL);
    assert_string_equal(hex, "");
}

static void test_blind_index_separates(void **state)
{
    fixture *f = *state;
    unsigned char a[GG_BLIND_BYTES], b[GG_BLIND_BYTES];
    /* Different contexts, same value. */
    assert_int_equal(gg_blind_index(f->keys, "13812345678", 11, CTX_PHONE, a), GG_OK);
    assert_int_equal(gg_blind_index(f->keys, "13812345678", 11, CTX_ID, b), GG_OK);
    assert_memory_not_equal(a, b, GG_BLIND_BYTES);
    /* The separator: ("ab", "c") is not ("a", "bc"). */
    assert_int_equal(gg_blind_index(f->keys, "c", 1, "ab", a), GG_OK);
    assert_int_equal(gg_blind_index(f->keys, "bc", 2, "a", b), GG_OK);
    assert_memory_not_equal(a, b, GG_BLIND_BYTES);
    /* Different values. */
    assert_int_equal(gg_blind_index(f->keys, "13812345679", 11, CTX_PHONE, b), GG_OK);
    assert_int_equal(gg_blind_index(f->keys, "13812345678", 11, CTX_PHONE, a), GG_OK);
    assert_memory_not_equal(a, b, GG_BLIND_BYTES);
    /* Different keys. */
    char other[160];
    gg_keys *k2 = NULL;
    sibling(f, "other", other, sizeof other);
    assert_int_equal(gg_keys_create(other, NULL), GG_OK);
    assert_int_equal(gg_keys_load(other, &k2, NULL), GG_OK);
    assert_int_equal(gg_blind_index(k2, "13812345678", 11, CTX_PHONE, b), GG_OK);
    assert_memory_not_equal(a, b, GG_BLIND_BYTES);
    gg_keys_free(k2);
}

/* Normalised first, differently written values share one index. */
static void test_blind_index_after_normalising(void **state)
{
    fixture *f = *state;
    const int64_t today = 20527; /* 2026-03-15 */
    gg_error e = {0};
    gg_id_info a, b, c;
    char id18[GG_ID_LEN + 1];
    assert_int_equal(gg_id_upgrade_legacy("630102900101123", id18), GG_OK);
    char lower[GG_ID_LEN + 3];
    snprintf(lower, sizeof lower, " %s ", id18);
    for (char *p = lower; *p; p++)
        if (*p == 'X') *p = 'x';
    assert_int_equal(gg_id_parse("630102900101123", 15, today, &a, &e), GG_OK);
    assert_int_equal(gg_id_parse(id18, GG_ID_LEN, today, &b, &e), GG_OK);
    assert_int_equal(gg_id_parse(lower, strlen(lower), today, &c, &e), GG_OK);

    unsigned char ia[GG_BLIND_BYTES], ib[GG_BLIND_BYTES], ic[GG_BLIND_BYTES];
    assert_int_equal(gg_blind_index(f->keys, a.number, strlen(a.number), CTX_ID, ia), GG_OK);
    assert_int_equal(gg_blind_index(f->keys, b.number, strlen(b.number), CTX_ID, ib), GG_OK);
    assert_int_equal(gg_blind_index(f->keys, c.number, strlen(c.number), CTX_ID, ic), GG_OK);
    assert_memory_equal(ia, ib, GG_BLIND_BYTES);
    assert_memory_equal(ia, ic, GG_BLIND_BYTES);

    const char *phones[] = {"13812345678", "+86 138 1234 5678", "0086-138-1234-5678",
                            "(138) 1234 5678"};
    unsigned char first[GG_BLIND_BYTES], idx[GG_BLIND_BYTES];
    for (size_t i = 0; i < GG_ARRAY_LEN(phones); i++) {
        gg_phone ph;
        assert_int_equal(gg_phone_parse(phones[i], strlen(phones[i]), &ph, &e), GG_OK);
        assert_int_equal(
            gg_blind_index(f->keys, ph.number, strlen(ph.number), CTX_PHONE, i ? idx : first),
            GG_OK);
        if (i) assert_memory_equal(first, idx, GG_BLIND_BYTES);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_create_load_round_trip, setup, teardown),
        cmocka_unit_test_setup_teardown(test_create_refuses_existing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_load_refuses_loose_permissions, setup, teardown),
        cmocka_unit_test_setup_teardown(test_load_refuses_wrong_size, setup, teardown),
        cmocka_unit_test_setup_teardown(test_load_refuses_missing_and_directory, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_keys_free, setup, teardown),
        cmocka_unit_test_setup_teardown(test_seal_round_trip_chinese, setup, teardown),
        cmocka_unit_test_setup_teardown(test_seal_round_trip_binary, setup, teardown),
        cmocka_unit_test_setup_teardown(test_every_tamper_fails, setup, teardown),
        cmocka_unit_test_setup_teardown(test_wrong_context_or_key_fails, setup, teardown),
        cmocka_unit_test_setup_teardown(test_seals_differ, setup, teardown),
        cmocka_unit_test_setup_teardown(test_seal_limits, setup, teardown),
        cmocka_unit_test_setup_teardown(test_text_form, setup, teardown),
        cmocka_unit_test_setup_teardown(test_blind_index_definition, setup, teardown),
        cmocka_unit_test_setup_teardown(test_blind_index_separates, setup, teardown),
        cmocka_unit_test_setup_teardown(test_blind_index_after_normalising, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
