/*
 * files.h — content-addressed files on disk (photos of cases). A file is
 * named by the hex SHA-256 of its bytes under DIR/ab/cd/<hash>; it is written
 * to a temporary name, fsync'ed and renamed, so a name always holds its
 * whole content. Writing the same content twice is a no-op.
 */
#ifndef GG_STORE_FILES_H
#define GG_STORE_FILES_H

#include <stddef.h>

#include "core/buf.h"
#include "core/gg.h"

#define GG_SHA256_HEX 65

void gg_files_set_dir(const char *dir);   /* at start; default "data/files" */
const char *gg_files_dir(void);
void gg_sha256_hex(const void *data, size_t n, char out[GG_SHA256_HEX]);
int gg_files_put(const void *data, size_t n, char hex[GG_SHA256_HEX], gg_error *e);
/* Read the file named hex (64 lower-case hex digits) into b (its max applies). */
int gg_files_get(const char *hex, gg_buf *b, gg_error *e);

#endif
