/*
 * crypto.h — libsodium behind a few calls: random tokens, BLAKE2b-256 for
 * looking up tokens by hash, argon2id passwords. At most GG_PW_CONCURRENCY
 * argon2id computations run at once (each takes 64 MiB); a caller that
 * cannot get a slot within a few seconds gets GG_EBUSY.
 */
#ifndef GG_CRYPTO_H
#define GG_CRYPTO_H

#include <stdbool.h>
#include <stddef.h>

#define GG_PW_CONCURRENCY 2
#define GG_PW_HASH_MAX 128
#define GG_TOKEN_BYTES 32
#define GG_TOKEN_CHARS 44  /* base64url of 32 bytes (43) + NUL */

int gg_crypto_init(void);
/* 32 random bytes, base64url, NUL-terminated into out (cap >= GG_TOKEN_CHARS). */
void gg_random_token(char *out, size_t cap);
void gg_hash32(const void *data, size_t n, unsigned char out[32]);
bool gg_ct_equal(const char *a, const char *b); /* constant time for equal lengths */
int gg_pw_hash(const char *pw, char out[GG_PW_HASH_MAX]);
/* 0 match, GG_EUNAUTH mismatch, GG_EBUSY no hashing slot. A NULL or empty
 * hash (no such user) is verified against a hash of a random password, so
 * timing does not reveal which usernames exist. */
int gg_pw_verify(const char *hash, const char *pw);

#endif
