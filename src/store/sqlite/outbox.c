/*
 * outbox.c — webhook subscriptions and the transactional outbox, in SQLite.
 *
 * A case step's notification is written by the same transaction that writes
 * the step (gg_outbox_case_step is called from the case writes), so a crash
 * either keeps both or neither: nothing is lost, nothing is half-written.
 * The payload is built here, once, from the case and its flow entry, and
 * never changes: a retry sends the very bytes the first attempt sent.
 */
#include <stdio.h>
#include <string.h>

#include "core/buf.h"
#include "core/timeutil.h"
#include "domain/workflow.h"
#include "store/sqlite/db_int.h"

#define WEBHOOK_LIST_MAX 1000

static const char SQL_HOOK_INSERT[] =
    "INSERT INTO webhook (url, secret, events, active, created_at) VALUES (?1, ?2, ?3, 1, ?4)";
static const char SQL_HOOK_LIST[] =
    "SELECT w.id, w.url, w.secret, w.events, w.active, w.created_at, "
    "(SELECT count(*) FROM outbox o WHERE o.webhook_id = w.id AND o.state = 'pending'), "
    "(SELECT count(*) FROM outbox o WHERE o.webhook_id = w.id AND o.state = 'delivered'), "
    "(SELECT count(*) FROM outbox o WHERE o.webhook_id = w.id AND o.state = 'dead') "
    "FROM webhook w ORDER BY w.id LIMIT ?1";
static const char SQL_HOOK_ACTIVE[] = "UPDATE webhook SET active = ?2 WHERE id = ?1";
/* One row per matching active webhook; ids travel as strings (as in the API). */
static const char SQL_ENQUEUE[] =
    "INSERT INTO outbox (event, case_id, webhook_id, payload, created_at, next_attempt_at, region) "
    "SELECT ?1, ?2, w.id, json_object('event', ?1, 'case_id', ?3, 'kind', ?4, 'state', ?5, "
    "'from', ?6, 'to', ?7, 'at', ?8, 'actor_id', ?9, 'place_id', ?10, 'flow_id', ?11, "
    "'version', ?12), ?13, ?13, ?14 "
    "FROM webhook w WHERE w.active = 1 AND ?1 GLOB w.events ORDER BY w.id";
/* Due rows, taken round-robin across webhooks (rn: position in its webhook's
 * id order), so one webhook's backlog cannot crowd out another's. */
static const char SQL_DUE[] =
    "SELECT id, case_id, webhook_id, event, payload, attempts, url, secret FROM ("
    "SELECT o.id, o.case_id, o.webhook_id, o.event, o.payload, o.attempts, w.url, w.secret, "
    "row_number() OVER (PARTITION BY o.webhook_id ORDER BY o.id) AS rn "
    "FROM outbox o JOIN webhook w ON w.id = o.webhook_id AND w.active = 1 "
    "WHERE o.state = 'pending' AND o.next_attempt_at <= ?1 AND NOT EXISTS ("
    "SELECT 1 FROM outbox h WHERE h.state = 'pending' AND h.webhook_id = o.webhook_id "
    "AND h.case_id = o.case_id AND h.id < o.id AND h.next_attempt_at > ?1)) "
    "ORDER BY rn, id LIMIT ?2";
static const char SQL_DELIVERED[] =
    "UPDATE outbox SET state = 'delivered', delivered_at = ?2, attempts = attempts + 1, "
    "last_error = NULL WHERE id = ?1 AND state = 'pending'";
static const char SQL_FAILED[] =
    "UPDATE outbox SET attempts = attempts + 1, last_error = ?3, "
    "state = CASE WHEN ?2 = 0 THEN 'dead' ELSE 'pending' END, "
    "next_attempt_at = CASE WHEN ?2 = 0 THEN next_attempt_at ELSE ?2 END "
    "WHERE id = ?1 AND state = 'pending'";

static void bind_id_text(sqlite3_stmt *st, int i, int64_t id)
{
    char buf[24];
    if (id <= 0) {
        sqlite3_bind_null(st, i);
        return;
    }
    snprintf(buf, sizeof buf, "%lld", (long long)id);
    sqlite3_bind_text(st, i, buf, -1, SQLITE_TRANSIENT);
}

/* ---- webhooks ---- */

int gg_webhook_insert(gg_conn *w, gg_webhook *h, gg_error *e)
{
    sqlite3_stmt *st = gg_stmt(w, SQL_HOOK_INSERT);
    if (!st) return gg_sqlite_fail(w, SQLITE_ERROR, e, "webhook");
    h->created_at = gg_now_us();
    h->active = true;
    gg_bind_text(st, 1, h->url);
    gg_bind_text(st, 2, h->secret);
    gg_bind_text(st, 3, h->events);
    sqlite3_bind_int64(st, 4, h->created_at);
    int rc = gg_stmt_run(w, st, e, "webhook insert");
    if (!rc) h->id = sqlite3_last_insert_rowid(w->db);
    return rc;
}

int gg_webhook_list(gg_conn *c, gg_pool *p, gg_webhook **rows, int *n)
{
    sqlite3_stmt *st = gg_stmt(c, SQL_HOOK_LIST);
    if (!st) return GG_EIO;
    sqlite3_bind_int(st, 1, WEBHOOK_LIST_MAX);
    gg_buf b;
    gg_buf_init(&b, WEBHOOK_LIST_MAX * sizeof(gg_webhook));
    int k = 0, rc = 0, src;
    while ((src = sqlite3_step(st)) == SQLITE_ROW) {
        gg_webhook h = {.id = sqlite3_column_int64(st, 0),
                        .url = gg_col_text(p, st, 1),
                        .secret = gg_col_text(p, st, 2),
                        .events = gg_col_text(p, st, 3),
                        .active = sqlite3_column_int(st, 4) != 0,
                        .created_at = sqlite3_column_int64(st, 5),
                        .pending = sqlite3_column_int64(st, 6),
                        .delivered = sqlite3_column_int64(st, 7),
                        .dead = sqlite3_column_int64(st, 8)};
        if (!h.url || !h.secret || !h.events || (rc = gg_buf_append(&b, &h, sizeof h))) {
            rc = GG_ENOMEM;
            break;
        }
        k++;
    }
    sqlite3_reset(st);
    if (!rc && src != SQLITE_DONE && src != SQLITE_ROW) rc = GG_EIO;
    gg_webhook *out = k ? gg_palloc(p, b.len) : NULL;
    if (out) memcpy(out, b.data, b.len);
    gg_buf_free(&b);
    if (rc) return rc;
    if (k && !out) return GG_ENOMEM;
    *rows = out;
    *n = k;
    return 0;
}

int gg_webhook_set_active(gg_conn *w, int64_t id, bool active, gg_error *e)
{
    sqlite3_stmt *st = gg_stmt(w, SQL_HOOK_ACTIVE);
    if (!st) return gg_sqlite_fail(w, SQLITE_ERROR, e, "webhook");
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_int(st, 2, active);
    int rc = gg_stmt_run(w, st, e, "webhook update");
    if (!rc && sqlite3_changes(w->db) != 1)
        return gg_fail(e, GG_ENOTFOUND, 404, "not_found", "id", "no webhook %lld", (long long)id);
    return rc;
}

/* ---- the outbox ---- */

int gg_outbox_case_step(gg_conn *w, const gg_case *c, const gg_case_flow_rec *f, gg_error *e)
{
    char event[64], at[40];
    snprintf(event, sizeof event, "case.%s", f->action ? f->action : "open");
    gg_time_format(f->at, gg_display_offset_min(), at, sizeof at);
    sqlite3_stmt *st = gg_stmt(w, SQL_ENQUEUE);
    if (!st) return gg_sqlite_fail(w, SQLITE_ERROR, e, "outbox");
    gg_bind_text(st, 1, event);
    sqlite3_bind_int64(st, 2, c->id);
    bind_id_text(st, 3, c->id);
    gg_bind_text(st, 4, gg_wf_kind_name(c->kind));
    gg_bind_text(st, 5, gg_wf_state_name(c->state));
    gg_bind_text(st, 6, f->from_state);
    gg_bind_text(st, 7, f->to_state);
    gg_bind_text(st, 8, at);
    bind_id_text(st, 9, f->actor_id);
    bind_id_text(st, 10, c->place_id);
    bind_id_text(st, 11, f->id);
    sqlite3_bind_int64(st, 12, c->version);
    sqlite3_bind_int64(st, 13, gg_now_us());
    gg_bind_text(st, 14, c->region);
    return gg_stmt_run(w, st, e, "outbox enqueue");
}

int gg_outbox_due(gg_conn *c, gg_pool *p, int64_t now, int limit, gg_outbox_item **rows, int *n)
{
    sqlite3_stmt *st = gg_stmt(c, SQL_DUE);
    if (!st) return GG_EIO;
    if (limit <= 0) limit = 1;
    gg_outbox_item *out = gg_pcalloc(p, sizeof *out * (size_t)limit);
    if (!out) return GG_ENOMEM;
    sqlite3_bind_int64(st, 1, now);
    sqlite3_bind_int(st, 2, limit);
    int k = 0, rc = 0, src = SQLITE_DONE;
    while (k < limit && (src = sqlite3_step(st)) == SQLITE_ROW) {
        gg_outbox_item *it = &out[k];
        it->id = sqlite3_column_int64(st, 0);
        it->case_id = sqlite3_column_int64(st, 1);
        it->webhook_id = sqlite3_column_int64(st, 2);
        it->event = gg_col_text(p, st, 3);
        it->payload = gg_col_text(p, st, 4);
        it->attempts = sqlite3_column_int(st, 5);
        it->url = gg_col_text(p, st, 6);
        it->secret = gg_col_text(p, st, 7);
        if (!it->event || !it->payload || !it->url || !it->secret) {
            rc = GG_ENOMEM;
            break;
        }
        k++;
    }
    if (!rc && k < limit && src != SQLITE_DONE) rc = GG_EIO;
    sqlite3_reset(st);
    if (rc) return rc;
    *rows = out;
    *n = k;
    return 0;
}

int gg_outbox_delivered(gg_conn *w, int64_t id, int64_t now, gg_error *e)
{
    sqlite3_stmt *st = gg_stmt(w, SQL_DELIVERED);
    if (!st) return gg_sqlite_fail(w, SQLITE_ERROR, e, "outbox");
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_int64(st, 2, now);
    return gg_stmt_run(w, st, e, "outbox delivered");
}

int gg_outbox_failed(gg_conn *w, int64_t id, int64_t next_at, const char *error, gg_error *e)
{
    sqlite3_stmt *st = gg_stmt(w, SQL_FAILED);
    if (!st) return gg_sqlite_fail(w, SQLITE_ERROR, e, "outbox");
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_int64(st, 2, next_at > 0 ? next_at : 0);
    gg_bind_text(st, 3, error);
    return gg_stmt_run(w, st, e, "outbox failed");
}
