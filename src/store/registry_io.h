/*
 * registry_io.h — what the importer (io/import_run.c) asks of the store
 * beyond store.h's registry section. Kept apart so that section stays the
 * registry core's.
 */
#ifndef GG_STORE_REGISTRY_IO_H
#define GG_STORE_REGISTRY_IO_H

#include <stdint.h>

#include "store/store.h"

/* The highest resident id (0: none). Inside a write on the writer
 * connection, an upsert that returns a larger id inserted its row: one
 * query a batch instead of a lookup a row to count inserted vs updated. */
int64_t gg_resident_max_id(gg_conn *c);

#endif
