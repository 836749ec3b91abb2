/*
 * sealed.h — sensitive values at rest: the key file, sealed blobs
 * (authenticated encryption) and blind indexes (keyed hashes for exact
 * lookup). Used for ID numbers and phone numbers (issue 5); a display mask
 * comes from domain/identity.h and is stored beside them.
 *
 * Key file: 64 bytes, nothing else. Bytes 0-31 are the XChaCha20-Poly1305
 * key, bytes 32-63 the BLAKE2b key of the blind index. It lives outside the
 * database (a stolen database file alone reveals nothing but masks), is
 * created once at init with mode 0600 and is never overwritten by us.
 * Losing it loses every sealed value: back it up apart from the database.
 *
 * Sealed blob (binary, GG_SEAL_OVERHEAD + n bytes):
 *     version (1 byte, GG_SEAL_VERSION)
 *     nonce   (24 bytes, random per seal)
 *     ciphertext + tag (n + 16 bytes), XChaCha20-Poly1305-IETF
 * The associated data is version || context, where context names the column
 * ("resident.id_number"), so a blob copied into another column, or a version
 * byte changed, fails to open. The text form is the blob in unpadded
 * base64url, for TEXT columns.
 *
 * Blind index: BLAKE2b-256 keyed with the index key over
 *     context || 0x00 || value
 * The same value in the same context always gives the same index (that is
 * its purpose: lookup and upsert by equality); different contexts give
 * unrelated indexes, so equal phone and ID columns cannot be joined. Without
 * the key the index cannot be brute-forced, though the ID number space is
 * small. Callers NORMALISE FIRST, or equal values will not match:
 *     ID numbers  gg_id_parse  → gg_id_info.number (18 chars, check digit
 *                 upper-case X, 15-digit form upgraded)
 *     phones      gg_phone_parse → gg_phone.number ("13812345678",
 *                 "010-12345678")
 *
 * Key rotation (not implemented, the format allows it): the version byte
 * names the key generation as well as the algorithm. To rotate, a key file
 * holding several generations is loaded, new seals use the newest, gg_unseal
 * picks the key by the version byte, and a background job re-seals old rows.
 * A blind index cannot be re-keyed lazily: every index is recomputed from the
 * unsealed value in one migration, lookups trying both keys meanwhile.
 *
 * Threads: a loaded gg_keys is read-only and may be shared by all threads.
 * Every call here initialises libsodium itself (sodium_init is idempotent).
 */
#ifndef GG_SEALED_H
#define GG_SEALED_H

#include <stddef.h>

#include "core/gg.h"

#define GG_KEYS_FILE_BYTES 64
#define GG_SEAL_VERSION 1
#define GG_SEAL_NONCE_BYTES 24
#define GG_SEAL_TAG_BYTES 16
#define GG_SEAL_OVERHEAD (1 + GG_SEAL_NONCE_BYTES + GG_SEAL_TAG_BYTES) /* 41 */
#define GG_SEAL_PLAIN_MAX 4096    /* longest value sealed: these are short fields */
#define GG_SEAL_CONTEXT_MAX 128   /* longest context name, bytes */
#define GG_BLIND_BYTES 32
#define GG_BLIND_HEX_CHARS (2 * GG_BLIND_BYTES + 1) /* lower-case hex + NUL */

/* Bytes of the sealed blob of n plaintext bytes. */
#define GG_SEAL_LEN(n) (GG_SEAL_OVERHEAD + (n))
/* Bytes (with NUL) of the text form of a sealed blob of n plaintext bytes. */
#define GG_SEAL_TEXT_LEN(n) \
    (GG_SEAL_LEN(n) / 3 * 4 + (GG_SEAL_LEN(n) % 3 ? GG_SEAL_LEN(n) % 3 + 1 : 0) + 1)

typedef struct gg_keys gg_keys; /* opaque; sodium_malloc'ed, read-only */

/*
 * Create a new key file of GG_KEYS_FILE_BYTES random bytes at path, mode
 * 0600, with O_EXCL: GG_ECONFLICT if anything exists at path (an existing key
 * is never replaced). The file and its directory are fsync'ed before GG_OK.
 * On any failure no file is left behind. Errors: GG_ECONFLICT, GG_EIO, with
 * words in e (code "key_file").
 */
int gg_keys_create(const char *path, gg_error *e);

/*
 * Load the key file at path into *out (freed with gg_keys_free).
 * Refused: a missing file (GG_ENOTFOUND), something not a regular file, a
 * file readable or writable by group or others, or of any size but
 * GG_KEYS_FILE_BYTES (GG_EINVAL); read errors (GG_EIO); locked memory
 * unavailable (GG_ENOMEM). Words in e (code "key_file"). *out is NULL on
 * failure.
 */
int gg_keys_load(const char *path, gg_keys **out, gg_error *e);

/* Wipe and free keys; NULL is ignored. */
void gg_keys_free(gg_keys *keys);

/*
 * Seal n bytes of plain (n <= GG_SEAL_PLAIN_MAX) for the column named by
 * context (NUL-terminated, 1..GG_SEAL_CONTEXT_MAX bytes) into out (cap bytes,
 * at least GG_SEAL_LEN(n)); *out_len = GG_SEAL_LEN(n).
 * GG_OK, GG_EINVAL (bad context, NULL), GG_ETOOBIG (n over the limit, out
 * too small).
 */
int gg_seal(const gg_keys *keys, const void *plain, size_t n, const char *context,
            unsigned char *out, size_t cap, size_t *out_len);

/*
 * Open a blob of n bytes sealed under context, into out (cap bytes, at least
 * n - GG_SEAL_OVERHEAD; no NUL is added); *out_len is the plaintext length.
 * GG_EINVAL for anything that does not verify: a changed or truncated blob,
 * an unknown version, another context or another key (out is then zeroed).
 * GG_ETOOBIG when out is too small.
 */
int gg_unseal(const gg_keys *keys, const unsigned char *blob, size_t n, const char *context,
              void *out, size_t cap, size_t *out_len);

/* gg_seal, then the blob as unpadded base64url, NUL-terminated into out
 * (cap >= GG_SEAL_TEXT_LEN(n)). */
int gg_seal_text(const gg_keys *keys, const void *plain, size_t n, const char *context,
                 char *out, size_t cap);

/* gg_unseal of the text form (n bytes at text, not necessarily
 * NUL-terminated). GG_EINVAL also for text that is not strict base64url. */
int gg_unseal_text(const gg_keys *keys, const char *text, size_t n, const char *context,
                   void *out, size_t cap, size_t *out_len);

/*
 * Blind index of the n bytes at value (already normalised, see above) in
 * context (NUL-terminated, 1..GG_SEAL_CONTEXT_MAX bytes). GG_OK or
 * GG_EINVAL (bad context, NULL). The _hex form writes lower-case hex + NUL.
 */
int gg_blind_index(const gg_keys *keys, const void *value, size_t n, const char *context,
                   unsigned char out[GG_BLIND_BYTES]);
int gg_blind_index_hex(const gg_keys *keys, const void *value, size_t n, const char *context,
                       char out[GG_BLIND_HEX_CHARS]);

#endif
