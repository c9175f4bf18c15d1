
/*
 * ngx_http_mfa_module: "mfa_session_events", the probe.
 *
 * Session keys are not tracked with this directive: the invalidation
 * connection listens to the keyevent channels of every command that
 * changes or ends a value (ev->channel), not to "expire", so that a touch
 * leaves a cached session in place.  That is only exact while Redis sends
 * those events, which a configuration (notify-keyspace-events), a
 * restart or an ACL can stop without a word: so each worker proves it,
 * every ping, with a round of writes to a key of its own, and sessions
 * are cached only while the latest round proven was sent less than a
 * second ago (ngx_http_mfa_cache_sessions()).  A round missed flushes the
 * cache when the next one is heard: the events between may be lost.
 * Each round also asks INFO stats and commandstats: a CONFIG SET (the
 * events switched off and on again between two rounds), a SWAPDB or a
 * CONFIG RESETSTAT since the previous round's counts as a round missed
 * (mfa_events_gap()).
 *
 * The rounds go on the write connection, not the query connection: a
 * write waits while Redis pauses writes (CLIENT PAUSE WRITE, a failover)
 * and would hold up every lookup behind it.
 */


#include <ngx_config.h>
#include <ngx_core.h>

#include "ngx_http_mfa_events.h"
#include "ngx_http_mfa_log.h"
#include "ngx_http_mfa_redis.h"


/* no round proven for this long: logged */
#define NGX_HTTP_MFA_EVENTS_LATE  2000


static void ngx_http_mfa_events_reply(redisAsyncContext *ac, void *r,
    void *privdata);
static void ngx_http_mfa_events_info(redisAsyncContext *ac, void *r,
    void *privdata);
static void ngx_http_mfa_events_complete(ngx_http_mfa_events_t *ev,
    ngx_http_mfa_events_round_t *rn);
static void ngx_http_mfa_events_late(ngx_http_mfa_events_t *ev);


/* the worker's: the replies' callbacks find it here */
static ngx_http_mfa_events_t  *ngx_http_mfa_events;


void
ngx_http_mfa_events_init(ngx_http_mfa_events_t *ev, ngx_int_t db,
    ngx_str_t *prefix, u_char *id, size_t id_len, ngx_log_t *log,
    ngx_str_t *addr, void (*flush)(void))
{
    u_char      *p;
    ngx_uint_t   e;

    ngx_memzero(ev, sizeof(ngx_http_mfa_events_t));

    ngx_http_mfa_events = ev;

    ev->log = log;
    ev->addr = addr;
    ev->flush = flush;

    for (e = 0; e < MFA_EVENTS; e++) {
        ev->channel_len[e] = mfa_events_channel((char *) ev->channel[e],
                                                (long) db, e);
    }

    p = ngx_cpymem(ev->base, prefix->data, prefix->len);
    p = ngx_cpymem(p, "probe:", sizeof("probe:") - 1);
    p = ngx_hex_dump(p, id, id_len);
    *p++ = ':';

    ev->base_len = p - ev->base;
}


void
ngx_http_mfa_events_probe(ngx_http_mfa_events_t *ev, redisAsyncContext *ac)
{
    u_char                        prev[NGX_HTTP_MFA_EVENTS_KEY];
    u_char                        key[NGX_HTTP_MFA_EVENTS_KEY];
    size_t                        key_len;
    uint64_t                      round;
    mfa_str_t                     base;
    const char                   *argv[5];
    size_t                        argvlen[5];
    ngx_http_mfa_events_round_t  *rn;

    if (ev->since == 0) {
        ev->since = ngx_current_msec;
    }

    ngx_http_mfa_events_late(ev);

    /* with as many unanswered, the connection is stuck: none more */

    if (ev->pending >= NGX_HTTP_MFA_EVENTS_ROUNDS) {
        return;
    }

    round = ++ev->round;

    if (ev->first == 0) {
        ev->first = round;
    }

    ev->ac = ac;

    rn = &ev->rounds[round % NGX_HTTP_MFA_EVENTS_ROUNDS];
    ngx_memzero(rn, sizeof(ngx_http_mfa_events_round_t));
    rn->round = round;
    rn->sent = ngx_current_msec;

    base.data = (const char *) ev->base;
    base.len = ev->base_len;

    key_len = mfa_probe_key((char *) key, base, round);

    /* the previous round's key expired: read, Redis removes it ("x") */

    if (round != ev->first) {
        argv[0] = "EXISTS";
        argvlen[0] = 6;
        argv[1] = (char *) prev;
        argvlen[1] = mfa_probe_key((char *) prev, base, round - 1);

        (void) ngx_http_mfa_redis_command(ac, NULL, NULL, 2, argv, argvlen);
    }

    argv[0] = "HSET";
    argvlen[0] = 4;
    argv[1] = (char *) key;
    argvlen[1] = key_len;
    argv[2] = "f";
    argvlen[2] = 1;
    argv[3] = "1";
    argvlen[3] = 1;

    (void) ngx_http_mfa_redis_command(ac, NULL, NULL, 4, argv, argvlen);

    argv[0] = "DEL";
    argvlen[0] = 3;

    (void) ngx_http_mfa_redis_command(ac, NULL, NULL, 2, argv, argvlen);

    argv[0] = "SET";
    argvlen[0] = 3;
    argv[2] = "1";
    argvlen[2] = 1;
    argv[3] = "PX";
    argvlen[3] = 2;
    argv[4] = "1";
    argvlen[4] = 1;

    if (ngx_http_mfa_redis_command(ac, ngx_http_mfa_events_reply, ev, 5, argv,
                                   argvlen)
        == REDIS_OK)
    {
        ev->pending++;
    }

    argv[0] = "INFO";
    argvlen[0] = 4;
    argv[1] = "stats";
    argvlen[1] = 5;
    argv[2] = "commandstats";
    argvlen[2] = 12;

    (void) ngx_http_mfa_redis_command(ac, ngx_http_mfa_events_info,
                                      (void *) (uintptr_t) round, 3, argv,
                                      argvlen);
}


/*
 * A round's INFO: a stamp that shows a gap since the previous round's (a
 * CONFIG SET, a SWAPDB, a CONFIG RESETSTAT between them) makes the round
 * one that follows a gap.  A refusal (the ACL) leaves the round unproven.
 */

static void
ngx_http_mfa_events_info(redisAsyncContext *ac, void *r, void *privdata)
{
    redisReply  *reply = r;

    uint64_t                      round;
    ngx_uint_t                    unlogged;
    mfa_events_stamp_t            st;
    ngx_http_mfa_events_t        *ev;
    ngx_http_mfa_events_round_t  *rn;

    static ngx_http_mfa_log_limit_t  refused_log;

    ev = ngx_http_mfa_events;
    round = (uintptr_t) privdata;

    if (ev == NULL || ac != ev->ac || reply == NULL) {
        return;
    }

    if (reply->type != REDIS_REPLY_STRING
        || mfa_events_stamp(reply->str, reply->len, &st) != MFA_OK)
    {
        if (ngx_http_mfa_log_due(&refused_log, &unlogged)) {
            ngx_log_error(NGX_LOG_ERR, ev->log, 0,
                          "mfa: Redis at \"%V\" %s INFO stats commandstats"
                          "%s%*s%s: "
                          "sessions are read at every request "
                          "(\"mfa_session_events\" needs it to see CONFIG "
                          "SET and SWAPDB) (and %ui more such lines)",
                          ev->addr,
                          reply->type == REDIS_REPLY_ERROR ? "refused"
                                                           : "answered",
                          reply->type == REDIS_REPLY_ERROR ? " (" : "",
                          (size_t) (reply->type == REDIS_REPLY_ERROR
                                    ? reply->len : 0),
                          reply->type == REDIS_REPLY_ERROR ? reply->str : "",
                          reply->type == REDIS_REPLY_ERROR
                          ? ")" : " with something else",
                          unlogged);
        }

        return;
    }

    rn = &ev->rounds[round % NGX_HTTP_MFA_EVENTS_ROUNDS];

    if (rn->round != round) {
        return;
    }

    rn->stamped = 1;
    rn->changed = !ev->stamped || mfa_events_gap(&ev->stamp, &st);

    ev->stamp = st;
    ev->stamped = 1;

    ngx_http_mfa_events_complete(ev, rn);
}


/* a round's SET answered: an error is the ACL's or a full Redis's */

static void
ngx_http_mfa_events_reply(redisAsyncContext *ac, void *r, void *privdata)
{
    redisReply             *reply = r;
    ngx_http_mfa_events_t  *ev = privdata;

    ngx_uint_t  unlogged;

    static ngx_http_mfa_log_limit_t  refused_log;

    if (ac != ev->ac) {
        /* a connection of before */
        return;
    }

    if (ev->pending > 0) {
        ev->pending--;
    }

    if (reply != NULL && reply->type == REDIS_REPLY_ERROR
        && ngx_http_mfa_log_due(&refused_log, &unlogged))
    {
        ngx_log_error(NGX_LOG_ERR, ev->log, 0,
                      "mfa: Redis at \"%V\" refused the keyspace events' "
                      "probe (%*s): sessions are read at every request "
                      "(and %ui more such lines)", ev->addr,
                      (size_t) reply->len, reply->str, unlogged);
    }
}


/* no round proven for too long: said once, until one is */

static void
ngx_http_mfa_events_late(ngx_http_mfa_events_t *ev)
{
    ngx_msec_t  last;

    last = ev->alive ? ev->alive : ev->since;

    if (ev->warned || ngx_current_msec - last <= NGX_HTTP_MFA_EVENTS_LATE) {
        return;
    }

    ev->warned = 1;

    ngx_log_error(NGX_LOG_WARN, ev->log, 0,
                  "mfa: Redis at \"%V\" sent no keyspace event of the probe "
                  "\"%*s\" for %M ms: sessions are read at every request "
                  "until it does (\"mfa_session_events\" needs "
                  "notify-keyspace-events with at least \""
                  MFA_EVENTS_CLASSES "\", and the probe's commands and "
                  "channels allowed)", ev->addr, ev->base_len, ev->base,
                  ngx_current_msec - last);
}


void
ngx_http_mfa_events_heard(ngx_http_mfa_events_t *ev, int event, u_char *key,
    size_t len)
{
    uint64_t                      round;
    mfa_str_t                     base, k;
    ngx_http_mfa_events_round_t  *rn;

    base.data = (const char *) ev->base;
    base.len = ev->base_len;
    k.data = (const char *) key;
    k.len = len;

    round = mfa_probe_heard(&ev->probe, base, event, k, ev->first);

    if (round == 0) {
        return;
    }

    rn = &ev->rounds[round % NGX_HTTP_MFA_EVENTS_ROUNDS];

    if (rn->round != round) {
        return;
    }

    rn->heard = 1;

    ngx_http_mfa_events_complete(ev, rn);
}


/* a round heard whole, its events and its stamp: proven */

static void
ngx_http_mfa_events_complete(ngx_http_mfa_events_t *ev,
    ngx_http_mfa_events_round_t *rn)
{
    if (!rn->heard || !rn->stamped) {
        return;
    }

    /* a round missed, a gap the stamp shows, or the first since a reset:
       events may have been lost meanwhile, so what was kept goes */

    if (ev->proven == 0 || rn->round != ev->proven + 1 || rn->changed) {
        ev->flush();
    }

    if (ev->warned) {
        ev->warned = 0;
        ngx_log_error(NGX_LOG_NOTICE, ev->log, 0,
                      "mfa: Redis at \"%V\" sends keyspace events again: "
                      "sessions are cached", ev->addr);
    }

    ev->proven = rn->round;
    ev->alive = rn->sent;
}


void
ngx_http_mfa_events_connected(ngx_http_mfa_events_t *ev)
{
    ev->first = 0;
    ev->pending = 0;
    ev->ac = NULL;
}


void
ngx_http_mfa_events_reset(ngx_http_mfa_events_t *ev)
{
    ev->proven = 0;
    ev->alive = 0;
    ev->since = 0;
}
