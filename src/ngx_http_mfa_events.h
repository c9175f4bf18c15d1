
/*
 * ngx_http_mfa_module: "mfa_session_events", a worker's side of Redis's
 * keyspace events: the channels it listens to, and the probe that proves,
 * four times a second, that Redis sends them (src/mfa_events.h says what
 * a round writes and hears).  src/ngx_http_mfa_redis.c owns the
 * connections and calls in here.
 */


#ifndef _NGX_HTTP_MFA_EVENTS_H_INCLUDED_
#define _NGX_HTTP_MFA_EVENTS_H_INCLUDED_


#include <ngx_config.h>
#include <ngx_core.h>

#include <hiredis/async.h>

#include "mfa_events.h"


/* rounds sent and not yet heard of, at most */
#define NGX_HTTP_MFA_EVENTS_ROUNDS  8

/* "<prefix>probe:<worker>:<n>": the prefix 32 bytes at most, the worker
   32 hex digits, n 20 digits at most */
#define NGX_HTTP_MFA_EVENTS_KEY     (32 + sizeof("probe:") - 1 + 32 + 1 + 20)


/* a round sent: what of it was heard */
typedef struct {
    uint64_t                    round;
    ngx_msec_t                  sent;
    unsigned                    heard:1;       /* its events */
    unsigned                    stamped:1;     /* its INFO, then: */
    unsigned                    changed:1;     /* a stamp unlike the last */
} ngx_http_mfa_events_round_t;


typedef struct {
    ngx_log_t                  *log;
    ngx_str_t                  *addr;      /* Redis's, for logs */
    /* what was cached goes: a round was missed */
    void                      (*flush)(void);

    u_char                      channel[MFA_EVENTS][MFA_EVENTS_CHANNEL_MAX];
    size_t                      channel_len[MFA_EVENTS];

    u_char                      base[NGX_HTTP_MFA_EVENTS_KEY];
    size_t                      base_len;
    mfa_probe_t                 probe;
    /* the connection the rounds are written on now */
    redisAsyncContext          *ac;
    /* the latest round sent, the first on that connection, the latest
       proven without a round missed since the cache was flushed */
    uint64_t                    round;
    uint64_t                    first;
    uint64_t                    proven;
    ngx_http_mfa_events_round_t rounds[NGX_HTTP_MFA_EVENTS_ROUNDS];
    /* the latest INFO commandstats's stamp */
    mfa_events_stamp_t          stamp;
    unsigned                    stamped:1;
    /* rounds whose SET is not answered yet */
    ngx_uint_t                  pending;
    /* when the latest round proven was sent (0: none since the last
       reset), when probing began */
    ngx_msec_t                  alive;
    ngx_msec_t                  since;
    unsigned                    warned:1;
} ngx_http_mfa_events_t;


/* the channels of database db, the probe's keys under prefix */
void ngx_http_mfa_events_init(ngx_http_mfa_events_t *ev, ngx_int_t db,
    ngx_str_t *prefix, u_char *id, size_t id_len, ngx_log_t *log,
    ngx_str_t *addr, void (*flush)(void));

/* a round on the write connection, ac, ready for writes */
void ngx_http_mfa_events_probe(ngx_http_mfa_events_t *ev,
    redisAsyncContext *ac);

/* an event heard about a key (event -1: a channel not listened to) */
void ngx_http_mfa_events_heard(ngx_http_mfa_events_t *ev, int event,
    u_char *key, size_t len);

/* the write connection made again: its first round expects no expiry */
void ngx_http_mfa_events_connected(ngx_http_mfa_events_t *ev);

/* the invalidations lost: nothing is proven until a round is again */
void ngx_http_mfa_events_reset(ngx_http_mfa_events_t *ev);


#endif /* _NGX_HTTP_MFA_EVENTS_H_INCLUDED_ */
