/*
 * crypto.c — see crypto.h.
 */
#include <errno.h>
#include <semaphore.h>
#include <sodium.h>
#include <string.h>
#include <time.h>

#include "core/crypto.h"
#include "core/gg.h"
#include "core/str.h"

static sem_t pw_slots;
static char dummy_hash[GG_PW_HASH_MAX];

int gg_crypto_init(void)
{
    static int done;
    if (done) return 0;
    if (sodium_init() < 0) return GG_EIO;
    sem_init(&pw_slots, 0, GG_PW_CONCURRENCY);
    done = 1;
    char pw[GG_TOKEN_CHARS];
    gg_random_token(pw, sizeof pw);
    return gg_pw_hash(pw, dummy_hash);
}

void gg_random_token(char *out, size_t cap)
{
    unsigned char raw[GG_TOKEN_BYTES];
    char tmp[GG_TOKEN_CHARS + 4];
    randombytes_buf(raw, sizeof raw);
    gg_b64url_encode(raw, sizeof raw, tmp);
    gg_strlcpy(out, tmp, cap);
}

void gg_hash32(const void *data, size_t n, unsigned char out[32])
{
    crypto_generichash(out, 32, data, n, NULL, 0);
}

bool gg_ct_equal(const char *a, const char *b)
{
    size_t na = strlen(a), nb = strlen(b);
    if (na != nb || na == 0) return false;
    return sodium_memcmp(a, b, na) == 0;
}

static int slot_take(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    ts.tv_sec += 5;
    while (sem_timedwait(&pw_slots, &ts) != 0) {
        if (errno != EINTR) return GG_EBUSY;
    }
    return 0;
}

int gg_pw_hash(const char *pw, char out[GG_PW_HASH_MAX])
{
    if (slot_take()) return GG_EBUSY;
    int rc = crypto_pwhash_str_alg(out, pw, strlen(pw), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                                   crypto_pwhash_MEMLIMIT_INTERACTIVE,
                                   crypto_pwhash_ALG_ARGON2ID13);
    sem_post(&pw_slots);
    return rc == 0 ? 0 : GG_ENOMEM;
}

int gg_pw_verify(const char *hash, const char *pw)
{
    if (!hash || !*hash) hash = dummy_hash;
    if (slot_take()) return GG_EBUSY;
    int rc = crypto_pwhash_str_verify(hash, pw, strlen(pw));
    sem_post(&pw_slots);
    return rc == 0 ? 0 : GG_EUNAUTH;
}
