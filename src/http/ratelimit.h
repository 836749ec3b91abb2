/*
 * ratelimit.h — token buckets keyed by a string (an address, "login:addr"),
 * in a fixed-size table: memory is bounded whatever the number of clients
 * (a new key may take over the slot of an old one, which only forgives).
 */
#ifndef GG_HTTP_RATELIMIT_H
#define GG_HTTP_RATELIMIT_H

#include <stdbool.h>

/* Take one token from key's bucket (rate tokens/s, up to burst). False when
 * empty; *retry_s then says when the next token comes. rate <= 0: no limit. */
bool gg_rl_take(const char *key, double rate, double burst, int *retry_s);
void gg_rl_reset(void);

#endif
