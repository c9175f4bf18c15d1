
/*
 * ngx_http_mfa_module: the per-worker Redis connection.
 */


#ifndef _NGX_HTTP_MFA_REDIS_H_INCLUDED_
#define _NGX_HTTP_MFA_REDIS_H_INCLUDED_


#include <ngx_config.h>
#include <ngx_core.h>

#include <hiredis/hiredis.h>
#include <hiredis/async.h>


/* a sentinel's address */
typedef struct {
    ngx_str_t                   addr;      /* as configured, for logs */
    ngx_str_t                   host;      /* NUL-terminated IP */
    in_port_t                   port;
} ngx_http_mfa_redis_sentinel_t;


typedef struct {
    ngx_str_t                   addr;      /* as configured, for logs */
    ngx_str_t                   host;      /* NUL-terminated: IP or path */
    in_port_t                   port;
    unsigned                    unix_socket:1;
    ngx_msec_t                  timeout;
    ngx_str_t                   user;
    ngx_str_t                   password;
    ngx_int_t                   db;
    /*
     * "mfa_redis_sentinel": the master's name (addr, host and port are
     * then what the sentinels say, once they have), the sentinels
     * (ngx_http_mfa_redis_sentinel_t), their own password
     */
    ngx_str_t                   master;
    ngx_array_t                *sentinels;
    ngx_str_t                   sentinel_password;
    /*
     * "mfa_redis_replicas": a script that writes is confirmed only once
     * this many replicas have it (WAIT), within replicas_timeout
     */
    ngx_uint_t                  replicas;
    ngx_msec_t                  replicas_timeout;
    /* "mfa_redis_canary_key": Redis counts as down while it is missing */
    ngx_str_t                   canary;
    /*
     * "mfa_session_events": session keys are heard of by keyspace events,
     * not tracked; the module's own keys (under prefix) are tracked in
     * BCAST mode
     */
    ngx_flag_t                  events;
    ngx_str_t                   prefix;
} ngx_http_mfa_redis_conf_t;


typedef struct ngx_http_mfa_redis_query_s  ngx_http_mfa_redis_query_t;

/*
 * Called once per query with the reply, or with NULL when the query
 * failed (not connected, timed out, connection lost).  Not called for a
 * detached query.  The reply is freed when the handler returns.
 */
typedef void (*ngx_http_mfa_redis_handler_pt)(void *data, redisReply *reply);

/*
 * A write's outcome, after its handler: 1 when it may be told done (with
 * "mfa_redis_replicas", enough replicas have it), 0 when not (no reply,
 * or not replicated in time).  Not called for a detached query.
 */
typedef void (*ngx_http_mfa_redis_confirm_pt)(void *data, ngx_uint_t done);


ngx_int_t ngx_http_mfa_redis_init(ngx_cycle_t *cycle,
    ngx_http_mfa_redis_conf_t *conf);
void ngx_http_mfa_redis_exit(void);

/*
 * Client-side caching, asked for before ngx_http_mfa_redis_init(): a
 * second connection subscribes to Redis's invalidation messages, and the
 * query connection's reads are tracked (CLIENT TRACKING on, redirected to
 * it).  "invalidate" hears of each key that changed, "flush" when every
 * key may have: Redis flushed, or a connection was lost or set up again.
 */
void ngx_http_mfa_redis_track(void (*invalidate)(u_char *key, size_t len),
    void (*flush)(void));

/*
 * Whether the reads sent now are tracked and their invalidations
 * delivered, and queries not held (the canary key in doubt); "alive" is
 * when the latest message known to have come through the invalidation
 * connection was sent.
 */
ngx_uint_t ngx_http_mfa_redis_tracking(ngx_msec_t *alive);

/*
 * With "mfa_session_events": 1, and "alive" is when the latest probe
 * proven to have its keyspace events heard, without a round missed since
 * the cache was last flushed, was sent (0: none yet).  Without: 0.
 */
ngx_uint_t ngx_http_mfa_redis_events(ngx_msec_t *alive);

/* handles what the invalidation connection has received already */
void ngx_http_mfa_redis_drain(void);

/*
 * Sends a command (binary-safe argv) on the worker's connection, pipelined
 * behind the others.  Returns NULL at once when Redis is not reachable
 * now, so that the caller fails fast instead of waiting.
 */
ngx_http_mfa_redis_query_t *ngx_http_mfa_redis_send(ngx_log_t *log,
    int argc, const char **argv, const size_t *argvlen,
    ngx_http_mfa_redis_handler_pt handler, void *data);

/*
 * Runs a Lua script with EVALSHA; if Redis does not know it (NOSCRIPT,
 * after a restart or SCRIPT FLUSH), sends it once more with EVAL before
 * the handler hears of it.  argv[0] and argv[1] are the command and the
 * script's digest, filled here; argv and argvlen must live as long as the
 * query is attached.  A script that writes gives "confirm": with
 * "mfa_redis_replicas" it runs on the worker's write connection, followed
 * by WAIT, and "confirm" hears the outcome after the handler the reply.
 */
ngx_http_mfa_redis_query_t *ngx_http_mfa_redis_script(ngx_log_t *log,
    ngx_str_t *script, ngx_str_t *sha, int argc, const char **argv,
    size_t *argvlen, ngx_http_mfa_redis_handler_pt handler,
    ngx_http_mfa_redis_confirm_pt confirm, void *data);

/* the owner goes away: the reply, when it comes, is dropped */
void ngx_http_mfa_redis_detach(ngx_http_mfa_redis_query_t *q);

/*
 * Appends a command (binary-safe argv) to a connection's output, formatted
 * in one pass by the core (src/mfa_resp.c).  REDIS_OK or REDIS_ERR.
 */
int ngx_http_mfa_redis_command(redisAsyncContext *ac, redisCallbackFn *fn,
    void *privdata, int argc, const char **argv, const size_t *argvlen);


#endif /* _NGX_HTTP_MFA_REDIS_H_INCLUDED_ */
