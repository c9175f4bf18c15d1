
/*
 * ngx_http_mfa_module: the per-worker Redis connections.
 *
 * One hiredis async context per worker for queries, its socket attached
 * to nginx's event loop, shared by every request of the worker: commands
 * are pipelined and hiredis matches replies to callbacks in order.
 *
 * hiredis 0.14 has no timeouts and no way to cancel a callback, so:
 * - every query is a small object of ours (never the request) that
 *   hiredis gets as privdata; a request that goes away only detaches it;
 * - every query has a timer; when one fires, the connection is stuck
 *   (replies come in order), so it is freed, which fails every pending
 *   query at once, and a reconnection follows with a growing delay;
 * - events are level-triggered on add and on delete alike, so that a
 *   reply larger than hiredis's 16 KB read is read on the next turn;
 * - addresses are numeric or unix sockets, checked at configuration
 *   time, so hiredis's getaddrinfo() never waits on DNS.
 *
 * With a cache (ngx_http_mfa_redis_track()), a second connection
 * subscribes to "__redis__:invalidate" and to a channel of the worker's
 * own, and the query connection turns CLIENT TRACKING on, redirected to
 * it: Redis then names there every key the worker read that changed.
 * Every 250 ms the invalidation connection subscribes to the worker's
 * channel again; Redis confirms in order, so each confirmation proves
 * that every invalidation sent before it arrived (docs/internals.md: the
 * exact cache).  hiredis 0.14 cannot PING a subscribed connection, and a
 * PUBLISH on the query connection would hold its reads up whenever Redis
 * pauses writes (CLIENT PAUSE, a failover).
 *
 * With "mfa_redis_sentinel", a third connection, to one sentinel at a
 * time, asks where the master is and then follows "+switch-master".  The
 * two others connect only once the address is known, and the query
 * connection takes no query before ROLE says "master"; a master that
 * moves, or a Redis that is no master, drops both (their queries fail,
 * the cache is flushed) and they connect again to the master named now.
 *
 * With "mfa_redis_replicas", the pages' scripts that write go on a fourth
 * connection, each followed by WAIT: a WAIT blocks its connection until
 * the replicas confirm or the time is up, and on the query connection it
 * would hold up every lookup of the worker behind it.
 */


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_event.h>

#include <hiredis/async.h>
#include <openssl/rand.h>

#include "ngx_http_mfa_redis.h"
#include "ngx_http_mfa_metrics.h"
#include "ngx_http_mfa_reply.h"
#include "ngx_http_mfa_log.h"
#include "ngx_http_mfa_events.h"
#include "mfa_resp.h"


#define NGX_HTTP_MFA_REDIS_BACKOFF_MIN  50
#define NGX_HTTP_MFA_REDIS_BACKOFF_MAX  1000
/* while Redis stays down, one failed attempt in this many is logged */
#define NGX_HTTP_MFA_REDIS_LOG_EVERY    60
/* how often the invalidation connection is proven to work */
#define NGX_HTTP_MFA_REDIS_PING         250
#define NGX_HTTP_MFA_REDIS_PINGS        8
/* a command formatted on the stack; a longer one (a script) allocated */
#define NGX_HTTP_MFA_REDIS_COMMAND      1024

#define NGX_HTTP_MFA_REDIS_INVALIDATE   "__redis__:invalidate"
#define NGX_HTTP_MFA_REDIS_ALIVE        "__mfa__:alive:"


typedef struct ngx_http_mfa_redis_s  ngx_http_mfa_redis_t;


/* one connection: the queries', the invalidations', the writes' or a
   sentinel's */
typedef struct {
    ngx_http_mfa_redis_t       *rd;
    const char                 *name;      /* for logs */
    ngx_str_t                  *where;     /* the address, for logs */
    redisAsyncContext          *ac;
    ngx_connection_t           *conn;
    ngx_event_t                 connect_timer;
    ngx_event_t                 reconnect_timer;
    ngx_msec_t                  backoff;
    ngx_uint_t                  failures;
    /* since when it is down (0: up) */
    ngx_msec_t                  down_since;
    unsigned                    invalidations:1;
    unsigned                    sentinel:1;
    /* queries may be sent: ROLE said "master" (always, without sentinels) */
    unsigned                    ready:1;
    /* the write connection: its WAITs not answered yet */
    ngx_uint_t                  waits;
    /* ROLE, the canary key: checks to pass before queries are sent */
    ngx_uint_t                  checks;
} ngx_http_mfa_redis_link_t;


struct ngx_http_mfa_redis_s {
    ngx_http_mfa_redis_conf_t  *conf;
    ngx_log_t                  *log;
    ngx_http_mfa_redis_link_t   query;
    ngx_http_mfa_redis_link_t   inval;
    /* "mfa_redis_replicas": the writes that wait for them */
    ngx_http_mfa_redis_link_t   write;
    /* where the master is: the configured address, or the sentinels' */
    ngx_str_t                   addr;
    u_char                      addr_buf[NGX_SOCKADDR_STRLEN + 8];
    u_char                      host[NGX_SOCKADDR_STRLEN + 1];
    in_port_t                   port;
    unsigned                    known:1;
    /* "mfa_redis_sentinel": the connection, and which sentinel it is to */
    ngx_http_mfa_redis_link_t   sentinel;
    ngx_uint_t                  next_sentinel;
    /* queries failed while Redis could not be asked: one line when it is
       back, not one a query */
    ngx_uint_t                  failed;
    ngx_uint_t                  exiting;

    /* client-side caching: NULL without a cache */
    void                      (*invalidate)(u_char *key, size_t len);
    void                      (*flush)(void);
    /* the invalidation connection's id, once subscribed (0: not yet) */
    long long                   inval_id;
    long long                   pending_id;
    /* one more whenever either connection changes: a late CLIENT
       TRACKING reply of an older pair is ignored */
    ngx_uint_t                  epoch;
    ngx_uint_t                  tracking;
    u_char                      channel[sizeof(NGX_HTTP_MFA_REDIS_ALIVE)
                                        + 32];
    size_t                      channel_len;
    /* the subscriptions to the worker's channel not yet confirmed: when
       each was sent, oldest first */
    ngx_event_t                 ping_timer;
    ngx_msec_t                  ping_sent[NGX_HTTP_MFA_REDIS_PINGS];
    ngx_uint_t                  ping_head;
    ngx_uint_t                  ping_tail;
    ngx_msec_t                  alive;
    ngx_uint_t                  canary_pings;

    /* "mfa_session_events": the keyevent channels, the probe */
    ngx_http_mfa_events_t       events;
    /* read already in this turn of the event loop: reset by a posted
       event, after the turn's events */
    ngx_event_t                 drained_ev;
    ngx_uint_t                  drained;
};


struct ngx_http_mfa_redis_query_s {
    ngx_http_mfa_redis_handler_pt   handler;
    ngx_http_mfa_redis_confirm_pt   confirm;
    void                           *data;
    ngx_http_mfa_redis_link_t      *link;
    ngx_event_t                     timer;
    /* a script's: the command, to send again with EVAL after NOSCRIPT */
    const char                     *script;
    size_t                          script_len;
    int                             argc;
    const char                    **argv;
    size_t                         *argvlen;
    uint64_t                        sent;       /* for the metrics, in us */
    unsigned                        retried:1;
    /* on the write connection: a WAIT sent after it, still to come */
    unsigned                        waits:1;
    /* NOSCRIPT came before a WAIT: the script again once that is in */
    unsigned                        resend:1;
    unsigned                        failed:1;
};


static void ngx_http_mfa_redis_link_init(ngx_http_mfa_redis_t *rd,
    ngx_http_mfa_redis_link_t *link, const char *name);
static void ngx_http_mfa_redis_event(ngx_event_t *ev,
    ngx_event_handler_pt handler, void *data, ngx_log_t *log);
static void ngx_http_mfa_redis_connect(ngx_http_mfa_redis_link_t *link);
static ngx_int_t ngx_http_mfa_redis_open(ngx_http_mfa_redis_link_t *link,
    redisAsyncContext *ac);
static void ngx_http_mfa_redis_sentinel_connect(
    ngx_http_mfa_redis_link_t *link);
static void ngx_http_mfa_redis_master_reply(redisAsyncContext *ac, void *r,
    void *privdata);
static void ngx_http_mfa_redis_switch(redisAsyncContext *ac, void *r,
    void *privdata);
static redisReply *ngx_http_mfa_redis_pushed(redisAsyncContext *ac,
    redisReply *reply);
static void ngx_http_mfa_redis_master_at(ngx_http_mfa_redis_t *rd,
    u_char *host, size_t len, ngx_int_t port, const char *why);
static void ngx_http_mfa_redis_moved(ngx_http_mfa_redis_t *rd);
static void ngx_http_mfa_redis_role_reply(redisAsyncContext *ac, void *r,
    void *privdata);
static void ngx_http_mfa_redis_canary(ngx_http_mfa_redis_link_t *link,
    ngx_uint_t hold);
static void ngx_http_mfa_redis_canary_reply(redisAsyncContext *ac, void *r,
    void *privdata);
static void ngx_http_mfa_redis_checked(ngx_http_mfa_redis_link_t *link);
static void ngx_http_mfa_redis_up(ngx_http_mfa_redis_link_t *link);
static void ngx_http_mfa_redis_retry(ngx_http_mfa_redis_link_t *link);
static void ngx_http_mfa_redis_free(ngx_http_mfa_redis_link_t *link);
static void ngx_http_mfa_redis_drop(ngx_http_mfa_redis_link_t *link);
static void ngx_http_mfa_redis_reset(ngx_http_mfa_redis_link_t *link,
    const char *why);
static void ngx_http_mfa_redis_schedule(ngx_http_mfa_redis_link_t *link);
static void ngx_http_mfa_redis_connect_failed(ngx_http_mfa_redis_link_t *link,
    const char *why);
static void ngx_http_mfa_redis_reconnect_handler(ngx_event_t *ev);
static void ngx_http_mfa_redis_connect_timeout(ngx_event_t *ev);
static void ngx_http_mfa_redis_query_timeout(ngx_event_t *ev);
static void ngx_http_mfa_redis_on_connect(const redisAsyncContext *ac,
    int status);
static void ngx_http_mfa_redis_on_disconnect(const redisAsyncContext *ac,
    int status);
static void ngx_http_mfa_redis_setup_reply(redisAsyncContext *ac,
    void *r, void *privdata);
static void ngx_http_mfa_redis_subscribe(ngx_http_mfa_redis_link_t *link);
static void ngx_http_mfa_redis_id_reply(redisAsyncContext *ac, void *r,
    void *privdata);
static void ngx_http_mfa_redis_message(redisAsyncContext *ac, void *r,
    void *privdata);
static void ngx_http_mfa_redis_alive(ngx_http_mfa_redis_t *rd);
static void ngx_http_mfa_redis_invalidated(ngx_http_mfa_redis_t *rd,
    char *key, size_t len);
static void ngx_http_mfa_redis_track_on(ngx_http_mfa_redis_t *rd);
static void ngx_http_mfa_redis_tracking_reply(redisAsyncContext *ac,
    void *r, void *privdata);
static void ngx_http_mfa_redis_untrack(ngx_http_mfa_redis_t *rd);
static void ngx_http_mfa_redis_ping(ngx_event_t *ev);
static void ngx_http_mfa_redis_drained(ngx_event_t *ev);
static void ngx_http_mfa_redis_waited(redisAsyncContext *ac, void *r,
    void *privdata);
static ngx_int_t ngx_http_mfa_redis_resend(ngx_http_mfa_redis_query_t *q);
static void ngx_http_mfa_redis_done(ngx_http_mfa_redis_query_t *q,
    ngx_uint_t done);
static ngx_int_t ngx_http_mfa_redis_issue(ngx_http_mfa_redis_query_t *q,
    int argc, const char **argv, const size_t *argvlen);
static void ngx_http_mfa_redis_reply(redisAsyncContext *ac, void *r,
    void *privdata);
static ngx_uint_t ngx_http_mfa_redis_noscript(ngx_http_mfa_redis_query_t *q,
    redisReply *reply);
static ngx_int_t ngx_http_mfa_redis_attach(ngx_http_mfa_redis_link_t *link);
static void ngx_http_mfa_redis_read_handler(ngx_event_t *ev);
static void ngx_http_mfa_redis_write_handler(ngx_event_t *ev);
static void ngx_http_mfa_redis_watch(ngx_http_mfa_redis_link_t *link,
    ngx_event_t *ev, ngx_int_t event, ngx_uint_t on);
static void ngx_http_mfa_redis_add_read(void *privdata);
static void ngx_http_mfa_redis_del_read(void *privdata);
static void ngx_http_mfa_redis_add_write(void *privdata);
static void ngx_http_mfa_redis_del_write(void *privdata);
static void ngx_http_mfa_redis_cleanup(void *privdata);
static void ngx_http_mfa_redis_dummy_handler(ngx_event_t *ev);


/* per worker: created in init_process, gone in exit_process */
static ngx_http_mfa_redis_t  *ngx_http_mfa_redis;

/* set by the cache before init_process creates the connections */
static void  (*ngx_http_mfa_redis_on_invalidate)(u_char *key, size_t len);
static void  (*ngx_http_mfa_redis_on_flush)(void);


void
ngx_http_mfa_redis_track(void (*invalidate)(u_char *key, size_t len),
    void (*flush)(void))
{
    ngx_http_mfa_redis_on_invalidate = invalidate;
    ngx_http_mfa_redis_on_flush = flush;
}


ngx_int_t
ngx_http_mfa_redis_init(ngx_cycle_t *cycle, ngx_http_mfa_redis_conf_t *conf)
{
    u_char                 id[16];
    ngx_http_mfa_redis_t  *rd;

    rd = ngx_pcalloc(cycle->pool, sizeof(ngx_http_mfa_redis_t));
    if (rd == NULL) {
        return NGX_ERROR;
    }

    rd->conf = conf;
    rd->log = cycle->log;
    rd->addr = conf->addr;

    ngx_http_mfa_redis_link_init(rd, &rd->query, "");

    ngx_http_mfa_redis = rd;

    if (conf->sentinels == NULL) {
        rd->known = 1;
        rd->port = conf->port;
        ngx_cpystrn(rd->host, conf->host.data,
                    ngx_min(conf->host.len + 1, sizeof(rd->host)));

    } else {
        ngx_http_mfa_redis_link_init(rd, &rd->sentinel, "sentinel ");
        rd->sentinel.sentinel = 1;
        rd->next_sentinel = ngx_random()
                            % conf->sentinels->nelts;
    }

    if (ngx_http_mfa_redis_on_invalidate != NULL) {
        rd->invalidate = ngx_http_mfa_redis_on_invalidate;
        rd->flush = ngx_http_mfa_redis_on_flush;

        /* the worker's own channel, unique across workers and nodes */

        if (RAND_bytes(id, sizeof(id)) != 1) {
            ngx_log_error(NGX_LOG_EMERG, cycle->log, 0,
                          "mfa: OpenSSL cannot name the worker's channel");
            return NGX_ERROR;
        }

        rd->channel_len = ngx_hex_dump(ngx_cpymem(rd->channel,
                                       NGX_HTTP_MFA_REDIS_ALIVE,
                                       sizeof(NGX_HTTP_MFA_REDIS_ALIVE) - 1),
                                       id, sizeof(id))
                          - rd->channel;

        if (conf->events) {
            ngx_http_mfa_events_init(&rd->events, conf->db, &conf->prefix,
                                     id, sizeof(id), cycle->log, &rd->addr,
                                     rd->flush);
        }

        ngx_http_mfa_redis_event(&rd->ping_timer, ngx_http_mfa_redis_ping, rd,
                                 cycle->log);
        ngx_http_mfa_redis_event(&rd->drained_ev, ngx_http_mfa_redis_drained,
                                 rd, cycle->log);

        ngx_http_mfa_redis_link_init(rd, &rd->inval, "invalidation ");
        rd->inval.invalidations = 1;

        ngx_http_mfa_redis_connect(&rd->inval);
    }

    ngx_http_mfa_redis_connect(&rd->query);

    /* with keyspace events, the probe is written there too */

    if (conf->replicas || conf->events) {
        ngx_http_mfa_redis_link_init(rd, &rd->write, "write ");
        ngx_http_mfa_redis_connect(&rd->write);
    }

    if (conf->sentinels != NULL) {
        ngx_http_mfa_redis_connect(&rd->sentinel);
    }

    return NGX_OK;
}


static void
ngx_http_mfa_redis_link_init(ngx_http_mfa_redis_t *rd,
    ngx_http_mfa_redis_link_t *link, const char *name)
{
    link->rd = rd;
    link->name = name;
    link->where = &rd->addr;
    link->backoff = NGX_HTTP_MFA_REDIS_BACKOFF_MIN;

    ngx_http_mfa_redis_event(&link->connect_timer,
                             ngx_http_mfa_redis_connect_timeout, link,
                             rd->log);
    ngx_http_mfa_redis_event(&link->reconnect_timer,
                             ngx_http_mfa_redis_reconnect_handler, link,
                             rd->log);
}


/* a timer or posted event of the worker's own: none holds up an exit */

static void
ngx_http_mfa_redis_event(ngx_event_t *ev, ngx_event_handler_pt handler,
    void *data, ngx_log_t *log)
{
    ev->handler = handler;
    ev->data = data;
    ev->log = log;
    ev->cancelable = 1;
}


void
ngx_http_mfa_redis_exit(void)
{
    ngx_http_mfa_redis_t  *rd;

    rd = ngx_http_mfa_redis;

    if (rd == NULL) {
        return;
    }

    rd->exiting = 1;

    if (rd->ping_timer.timer_set) {
        ngx_del_timer(&rd->ping_timer);
    }

    if (rd->drained_ev.posted) {
        ngx_delete_posted_event(&rd->drained_ev);
    }

    ngx_http_mfa_redis_free(&rd->query);
    ngx_http_mfa_redis_free(&rd->inval);
    ngx_http_mfa_redis_free(&rd->write);
    ngx_http_mfa_redis_free(&rd->sentinel);
    ngx_http_mfa_reply_exit();

    ngx_http_mfa_redis = NULL;
}


/* the connection goes, with its timers: nothing is scheduled */

static void
ngx_http_mfa_redis_free(ngx_http_mfa_redis_link_t *link)
{
    redisAsyncContext  *ac;

    if (link->connect_timer.timer_set) {
        ngx_del_timer(&link->connect_timer);
    }

    if (link->reconnect_timer.timer_set) {
        ngx_del_timer(&link->reconnect_timer);
    }

    ac = link->ac;

    if (ac != NULL) {
        link->ac = NULL;
        redisAsyncFree(ac);
    }
}


static void
ngx_http_mfa_redis_connect(ngx_http_mfa_redis_link_t *link)
{
    int                         n;
    char                        db[NGX_INT_T_LEN];
    const char                 *argv[3];
    size_t                      argvlen[3];
    redisAsyncContext          *ac;
    ngx_http_mfa_redis_t       *rd;
    ngx_http_mfa_redis_conf_t  *conf;

    rd = link->rd;
    conf = rd->conf;

    if (link->sentinel) {
        ngx_http_mfa_redis_sentinel_connect(link);
        return;
    }

    if (!rd->known) {
        /* the sentinels have not named the master yet: they will */
        return;
    }

    link->ready = 0;
    link->checks = 0;

    if (link == &rd->write && conf->events) {
        ngx_http_mfa_events_connected(&rd->events);
    }

    if (conf->unix_socket) {
        ac = redisAsyncConnectUnix((char *) rd->host);

    } else {
        ac = redisAsyncConnect((char *) rd->host, rd->port);
    }

    if (ngx_http_mfa_redis_open(link, ac) != NGX_OK) {
        return;
    }

    /* AUTH and SELECT go first in the pipeline, before any query */

    if (conf->password.len) {
        n = 0;
        argv[n] = "AUTH";
        argvlen[n++] = 4;

        if (conf->user.len) {
            argv[n] = (char *) conf->user.data;
            argvlen[n++] = conf->user.len;
        }

        argv[n] = (char *) conf->password.data;
        argvlen[n++] = conf->password.len;

        ngx_http_mfa_redis_command(ac, ngx_http_mfa_redis_setup_reply,
                                   "AUTH", n, argv, argvlen);
    }

    if (conf->db != 0) {
        argv[0] = "SELECT";
        argvlen[0] = 6;
        argv[1] = db;
        argvlen[1] = ngx_sprintf((u_char *) db, "%i", conf->db)
                     - (u_char *) db;

        ngx_http_mfa_redis_command(ac, ngx_http_mfa_redis_setup_reply,
                                   "SELECT", 2, argv, argvlen);
    }

    if (conf->sentinels != NULL) {
        /* no query before Redis says it is the master */
        argv[0] = "ROLE";
        argvlen[0] = 4;

        ngx_http_mfa_redis_command(ac, ngx_http_mfa_redis_role_reply, NULL,
                                   1, argv, argvlen);
        link->checks++;
    }

    if (link->invalidations) {
        ngx_http_mfa_redis_subscribe(link);

    } else {
        if (link == &rd->query && rd->inval_id != 0) {
            ngx_http_mfa_redis_track_on(rd);
        }

        /* after CLIENT TRACKING: the canary's changes are heard of */

        if (conf->canary.len) {
            ngx_http_mfa_redis_canary(link, 1);
        }
    }

    link->ready = (link->checks == 0);

    /* the first write event tells that the connection is established */

    ngx_http_mfa_redis_add_write(link);

    ngx_add_timer(&link->connect_timer, conf->timeout);
}


/*
 * A context just made for the link, attached to nginx's event loop with
 * the link's callbacks; NGX_DECLINED when it could not be (the link is
 * scheduled to try again)
 */

static ngx_int_t
ngx_http_mfa_redis_open(ngx_http_mfa_redis_link_t *link,
    redisAsyncContext *ac)
{
    if (ac == NULL) {
        ngx_http_mfa_redis_connect_failed(link, "out of memory");
        return NGX_DECLINED;
    }

    if (ac->err) {
        ngx_http_mfa_redis_connect_failed(link, ac->errstr);
        redisAsyncFree(ac);
        return NGX_DECLINED;
    }

    link->ac = ac;
    ac->data = link;
    ac->c.reader->fn = &ngx_http_mfa_reply_functions;

    if (ngx_http_mfa_redis_attach(link) != NGX_OK) {
        ngx_http_mfa_redis_drop(link);
        return NGX_DECLINED;
    }

    redisAsyncSetConnectCallback(ac, ngx_http_mfa_redis_on_connect);
    redisAsyncSetDisconnectCallback(ac, ngx_http_mfa_redis_on_disconnect);

    return NGX_OK;
}


/*
 * Frees the context: hiredis runs every pending callback with a NULL
 * reply, then the cleanup hook releases the nginx connection.
 */

static void
ngx_http_mfa_redis_reset(ngx_http_mfa_redis_link_t *link, const char *why)
{
    if (link->ac == NULL) {
        return;
    }

    ngx_log_error(NGX_LOG_ERR, link->rd->log, 0,
                  "mfa: %s at \"%V\" %s, reconnecting the %sconnection",
                  link->sentinel ? "sentinel" : "Redis",
                  link->where, why, link->name);

    ngx_http_mfa_redis_drop(link);
}


/*
 * The link's context freed (inside one of its callbacks, hiredis does it
 * once the callback returns) and a reconnection scheduled
 */

static void
ngx_http_mfa_redis_drop(ngx_http_mfa_redis_link_t *link)
{
    redisAsyncContext  *ac;

    ac = link->ac;

    if (ac == NULL) {
        return;
    }

    link->ac = NULL;
    redisAsyncFree(ac);

    ngx_http_mfa_redis_schedule(link);
}


/* the connection is gone or could not be made: a reconnection later */

static void
ngx_http_mfa_redis_schedule(ngx_http_mfa_redis_link_t *link)
{
    ngx_http_mfa_redis_t  *rd;

    rd = link->rd;
    link->ready = 0;

    if (link->sentinel) {
        /* the next sentinel, next time */
        rd->next_sentinel++;
        ngx_http_mfa_redis_retry(link);
        return;
    }

    if (link->down_since == 0) {
        link->down_since = ngx_current_msec ? ngx_current_msec : 1;

        if (link == &rd->query) {
            rd->failed = 0;
        }
    }

    /* an invalidation may be lost from now on: nothing cached is used */

    if (link->invalidations) {
        rd->inval_id = 0;
        rd->pending_id = 0;
    }

    if (link != &rd->write) {
        ngx_http_mfa_redis_untrack(rd);
    }

    ngx_http_mfa_redis_retry(link);
}


/* the link's next attempt, with a delay that grows */

static void
ngx_http_mfa_redis_retry(ngx_http_mfa_redis_link_t *link)
{
    if (link->rd->exiting || ngx_exiting || ngx_terminate || ngx_quit) {
        return;
    }

    if (link->connect_timer.timer_set) {
        ngx_del_timer(&link->connect_timer);
    }

    if (!link->reconnect_timer.timer_set) {
        ngx_add_timer(&link->reconnect_timer, link->backoff);
    }

    link->backoff = ngx_min(link->backoff * 2,
                            NGX_HTTP_MFA_REDIS_BACKOFF_MAX);
}


static void
ngx_http_mfa_redis_connect_failed(ngx_http_mfa_redis_link_t *link,
    const char *why)
{
    if (link->failures++ % NGX_HTTP_MFA_REDIS_LOG_EVERY == 0) {
        ngx_log_error(NGX_LOG_ERR, link->rd->log, 0,
                      "mfa: cannot connect to %s at \"%V\"%s: %s",
                      link->sentinel ? "sentinel" : "Redis", link->where,
                      link->invalidations ? " for invalidations"
                      : (link == &link->rd->write) ? " for writes" : "",
                      why);
    }

    ngx_http_mfa_redis_schedule(link);
}


static void
ngx_http_mfa_redis_reconnect_handler(ngx_event_t *ev)
{
    ngx_http_mfa_redis_link_t  *link = ev->data;

    if (link->ac == NULL && !link->rd->exiting) {
        ngx_http_mfa_redis_connect(link);
    }
}


static void
ngx_http_mfa_redis_connect_timeout(ngx_event_t *ev)
{
    ngx_http_mfa_redis_link_t  *link = ev->data;

    ngx_http_mfa_redis_reset(link, "did not accept the connection in time");
}


static void
ngx_http_mfa_redis_query_timeout(ngx_event_t *ev)
{
    ngx_http_mfa_redis_query_t  *q = ev->data;

    /*
     * replies come in order: one late reply holds up every later one, so
     * the connection is dropped and every pending query fails now
     */

    if (ngx_http_mfa_redis != NULL) {
        ngx_http_mfa_redis_reset(q->link, "did not answer in time");
    }
}


static void
ngx_http_mfa_redis_on_connect(const redisAsyncContext *ac, int status)
{
    ngx_http_mfa_redis_link_t  *link = ac->data;

    ngx_http_mfa_redis_t  *rd;

    rd = link->rd;

    if (link->connect_timer.timer_set) {
        ngx_del_timer(&link->connect_timer);
    }

    if (status != REDIS_OK) {
        /* hiredis frees the context when this returns */
        link->ac = NULL;
        ngx_http_mfa_redis_connect_failed(link, ac->errstr);
        return;
    }

    if (link->sentinel) {
        link->failures = 0;
        ngx_log_debug1(NGX_LOG_DEBUG_HTTP, rd->log, 0,
                       "mfa: connection to sentinel \"%V\" made",
                       link->where);
        return;
    }

    ngx_log_debug2(NGX_LOG_DEBUG_HTTP, rd->log, 0,
                   "mfa: %sconnection to Redis at \"%V\" made",
                   link->name, &rd->addr);

    /* with checks to pass (ROLE, the canary key), up once they have */

    if (link->checks == 0) {
        ngx_http_mfa_redis_up(link);
    }
}


static void
ngx_http_mfa_redis_up(ngx_http_mfa_redis_link_t *link)
{
    ngx_http_mfa_redis_t  *rd;

    rd = link->rd;

    if (link->down_since != 0 && link == &rd->write) {
        ngx_log_error(NGX_LOG_NOTICE, rd->log, 0,
                      "mfa: the write connection to Redis at \"%V\" is back "
                      "after %M ms", &rd->addr,
                      ngx_current_msec - link->down_since);
    }

    if (link->down_since != 0 && link == &rd->query) {
        ngx_http_mfa_metrics_reconnect();
        ngx_log_error(NGX_LOG_NOTICE, rd->log, 0,
                      "mfa: Redis at \"%V\" is back after %M ms and %ui "
                      "failed connection attempts; %ui queries failed "
                      "meanwhile", &rd->addr,
                      ngx_current_msec - link->down_since, link->failures,
                      rd->failed);
        rd->failed = 0;
    }

    /* the invalidation connection counts as up once subscribed */

    if (!link->invalidations) {
        link->failures = 0;
    }

    link->down_since = 0;
}


static void
ngx_http_mfa_redis_on_disconnect(const redisAsyncContext *ac, int status)
{
    ngx_http_mfa_redis_link_t  *link = ac->data;

    if (link->ac != ac) {
        /* freed by us: already logged and scheduled */
        return;
    }

    link->ac = NULL;

    if (link->rd->exiting) {
        return;
    }

    if (link->invalidations && link->rd->inval_id == 0) {
        /* refused before it subscribed: a line now and then */
        ngx_http_mfa_redis_connect_failed(link, status == REDIS_OK
                                                ? "closed" : ac->errstr);
        return;
    }

    ngx_log_error(NGX_LOG_ERR, link->rd->log, 0,
                  "mfa: lost the %sconnection to %s at \"%V\": %s",
                  link->name, link->sentinel ? "sentinel" : "Redis",
                  link->where,
                  status == REDIS_OK ? "closed" : ac->errstr);

    ngx_http_mfa_redis_schedule(link);
}


static void
ngx_http_mfa_redis_setup_reply(redisAsyncContext *ac, void *r,
    void *privdata)
{
    redisReply  *reply = r;

    ngx_http_mfa_redis_link_t  *link;

    link = ac->data;

    if (reply == NULL || reply->type != REDIS_REPLY_ERROR) {
        return;
    }

    /* a wrong password or database: queries would fail, so stop here */

    ngx_log_error(NGX_LOG_ERR, link->rd->log, 0,
                  "mfa: %s at \"%V\" refused %s: %*s",
                  link->sentinel ? "sentinel" : "Redis", link->where,
                  (char *) privdata,
                  (size_t) reply->len, reply->str);

    ngx_http_mfa_redis_drop(link);
}


/*
 * A sentinel, the next of the list: its password, where the master is,
 * then "+switch-master" followed for as long as the connection lasts
 */

static void
ngx_http_mfa_redis_sentinel_connect(ngx_http_mfa_redis_link_t *link)
{
    const char                     *argv[3];
    size_t                          argvlen[3];
    redisAsyncContext              *ac;
    ngx_http_mfa_redis_t           *rd;
    ngx_http_mfa_redis_conf_t      *conf;
    ngx_http_mfa_redis_sentinel_t  *s;

    rd = link->rd;
    conf = rd->conf;

    s = (ngx_http_mfa_redis_sentinel_t *) conf->sentinels->elts
        + rd->next_sentinel % conf->sentinels->nelts;
    link->where = &s->addr;

    ac = redisAsyncConnect((char *) s->host.data, s->port);

    if (ngx_http_mfa_redis_open(link, ac) != NGX_OK) {
        return;
    }

    if (conf->sentinel_password.len) {
        argv[0] = "AUTH";
        argvlen[0] = 4;
        argv[1] = (char *) conf->sentinel_password.data;
        argvlen[1] = conf->sentinel_password.len;

        ngx_http_mfa_redis_command(ac, ngx_http_mfa_redis_setup_reply,
                                   "AUTH", 2, argv, argvlen);
    }

    argv[0] = "SENTINEL";
    argvlen[0] = 8;
    argv[1] = "get-master-addr-by-name";
    argvlen[1] = sizeof("get-master-addr-by-name") - 1;
    argv[2] = (char *) conf->master.data;
    argvlen[2] = conf->master.len;

    ngx_http_mfa_redis_command(ac, ngx_http_mfa_redis_master_reply, NULL,
                               3, argv, argvlen);

    argv[0] = "SUBSCRIBE";
    argvlen[0] = 9;
    argv[1] = "+switch-master";
    argvlen[1] = sizeof("+switch-master") - 1;

    ngx_http_mfa_redis_command(ac, ngx_http_mfa_redis_switch, NULL,
                               2, argv, argvlen);

    ngx_http_mfa_redis_add_write(link);

    ngx_add_timer(&link->connect_timer, conf->timeout);
}


static void
ngx_http_mfa_redis_master_reply(redisAsyncContext *ac, void *r,
    void *privdata)
{
    redisReply  *reply = r;

    ngx_int_t                   port;
    redisReply                 *h, *p;
    ngx_http_mfa_redis_link_t  *link;

    link = ac->data;

    if (reply == NULL || link->ac != ac) {
        return;
    }

    h = (reply->type == REDIS_REPLY_ARRAY && reply->elements == 2)
        ? reply->element[0] : NULL;
    p = (h != NULL) ? reply->element[1] : NULL;

    port = (p != NULL && p->type == REDIS_REPLY_STRING)
           ? ngx_atoi((u_char *) p->str, p->len) : NGX_ERROR;

    if (h != NULL && h->type == REDIS_REPLY_STRING && h->len > 0
        && port > 0 && port < 65536)
    {
        ngx_http_mfa_redis_master_at(link->rd, (u_char *) h->str, h->len,
                                     port, "a sentinel's answer");
        return;
    }

    ngx_log_error(NGX_LOG_ERR, link->rd->log, 0,
                  "mfa: sentinel \"%V\" %s master \"%V\"", link->where,
                  reply->type == REDIS_REPLY_NIL ? "monitors no"
                  : "did not give the address of the",
                  &link->rd->conf->master);

    ngx_http_mfa_redis_reset(link, "cannot be asked");
}


/* "+switch-master": "<name> <old ip> <old port> <new ip> <new port>" */

static void
ngx_http_mfa_redis_switch(redisAsyncContext *ac, void *r, void *privdata)
{
    redisReply  *reply = r;

    u_char                     *p, *last, *word[5];
    size_t                      len[5];
    ngx_int_t                   port;
    ngx_uint_t                  n;
    redisReply                 *kind, *payload;
    ngx_http_mfa_redis_t       *rd;
    ngx_http_mfa_redis_link_t  *link;

    link = ac->data;
    rd = link->rd;
    kind = ngx_http_mfa_redis_pushed(ac, reply);

    if (kind == NULL || kind->len != 7
        || ngx_strncmp(kind->str, "message", 7) != 0)
    {
        return;
    }

    payload = reply->element[2];

    if (payload->type != REDIS_REPLY_STRING) {
        return;
    }

    p = (u_char *) payload->str;
    last = p + payload->len;

    for (n = 0; n < 5 && p < last; n++) {
        word[n] = p;

        while (p < last && *p != ' ') {
            p++;
        }

        len[n] = p - word[n];

        while (p < last && *p == ' ') {
            p++;
        }
    }

    if (n != 5 || len[0] != rd->conf->master.len
        || ngx_strncmp(word[0], rd->conf->master.data, len[0]) != 0)
    {
        return;
    }

    port = ngx_atoi(word[4], len[4]);

    if (len[3] == 0 || port <= 0 || port > 65535) {
        return;
    }

    ngx_http_mfa_redis_master_at(rd, word[3], len[3], port,
                                 "+switch-master");
}


/* the master is at host:port now: the connections go there */

static void
ngx_http_mfa_redis_master_at(ngx_http_mfa_redis_t *rd, u_char *host,
    size_t len, ngx_int_t port, const char *why)
{
    if (len >= sizeof(rd->host)) {
        return;
    }

    if (rd->known && rd->port == (in_port_t) port
        && ngx_strlen(rd->host) == len && ngx_strncmp(rd->host, host, len) == 0)
    {
        return;
    }

    ngx_memcpy(rd->host, host, len);
    rd->host[len] = '\0';
    rd->port = (in_port_t) port;

    rd->addr.data = rd->addr_buf;
    rd->addr.len = ngx_snprintf(rd->addr_buf, sizeof(rd->addr_buf),
                                ngx_strlchr(host, host + len, ':')
                                ? "[%s]:%i" : "%s:%i", rd->host, port)
                   - rd->addr_buf;

    ngx_log_error(NGX_LOG_NOTICE, rd->log, 0,
                  "mfa: the master \"%V\" is at \"%V\" (%s)",
                  &rd->conf->master, &rd->addr, why);

    rd->known = 1;

    ngx_http_mfa_redis_moved(rd);
}


/*
 * Both connections to the master go (their queries fail, the cache is
 * flushed) and come again, to the address known now
 */

static void
ngx_http_mfa_redis_moved(ngx_http_mfa_redis_t *rd)
{
    ngx_uint_t                  i;
    ngx_http_mfa_redis_link_t  *links[3], *link;

    links[0] = &rd->query;
    links[1] = &rd->inval;
    links[2] = &rd->write;

    for (i = 0; i < 3; i++) {
        link = links[i];

        if (link->rd == NULL) {
            /* no invalidation connection (no cache), no write connection */
            continue;
        }

        ngx_http_mfa_redis_drop(link);

        /* at once, not after the delay of the failures before */

        link->backoff = NGX_HTTP_MFA_REDIS_BACKOFF_MIN;

        if (link->reconnect_timer.timer_set) {
            ngx_del_timer(&link->reconnect_timer);
        }

        if (link->connect_timer.timer_set) {
            ngx_del_timer(&link->connect_timer);
        }

        ngx_http_mfa_redis_connect(link);
    }
}


/* the query connection's ROLE: queries only once it says "master" */

static void
ngx_http_mfa_redis_role_reply(redisAsyncContext *ac, void *r,
    void *privdata)
{
    redisReply  *reply = r;

    redisReply                 *role;
    ngx_http_mfa_redis_t       *rd;
    ngx_http_mfa_redis_link_t  *link;

    link = ac->data;
    rd = link->rd;

    if (reply == NULL || link->ac != ac) {
        return;
    }

    role = (reply->type == REDIS_REPLY_ARRAY && reply->elements > 0)
           ? reply->element[0] : NULL;

    if (role != NULL && role->type == REDIS_REPLY_STRING && role->len == 6
        && ngx_strncmp(role->str, "master", 6) == 0)
    {
        ngx_http_mfa_redis_checked(link);
        return;
    }

    /* a failover under way, or a sentinel's view behind: ask again */

    ngx_log_error(NGX_LOG_ERR, rd->log, 0,
                  "mfa: Redis at \"%V\" is not the master \"%V\" (ROLE: "
                  "%*s): asking the sentinels again", &rd->addr,
                  &rd->conf->master,
                  (size_t) (role != NULL && role->type == REDIS_REPLY_STRING
                            ? role->len : 1),
                  role != NULL && role->type == REDIS_REPLY_STRING
                  ? role->str : "?");

    ngx_http_mfa_redis_drop(link);

    ngx_http_mfa_redis_reset(&rd->sentinel, "is asked again");
}


/*
 * "mfa_redis_canary_key": the key must exist, or the data in this Redis is
 * not the module's (restarted empty, flushed, another database): queries
 * are not sent (hold: none until it answers), and the connection is made
 * again until the key is there.
 */

static void
ngx_http_mfa_redis_canary(ngx_http_mfa_redis_link_t *link, ngx_uint_t hold)
{
    const char                 *argv[2];
    size_t                      argvlen[2];
    ngx_http_mfa_redis_conf_t  *conf;

    conf = link->rd->conf;

    argv[0] = "EXISTS";
    argvlen[0] = 6;
    argv[1] = (char *) conf->canary.data;
    argvlen[1] = conf->canary.len;

    if (ngx_http_mfa_redis_command(link->ac, ngx_http_mfa_redis_canary_reply,
                                   (void *) (uintptr_t) hold, 2, argv,
                                   argvlen)
        != REDIS_OK)
    {
        return;
    }

    if (hold) {
        link->checks++;
        link->ready = 0;
    }
}


static void
ngx_http_mfa_redis_canary_reply(redisAsyncContext *ac, void *r,
    void *privdata)
{
    redisReply  *reply = r;

    ngx_uint_t                  unlogged;
    ngx_http_mfa_redis_t       *rd;
    ngx_http_mfa_redis_link_t  *link;

    static ngx_http_mfa_log_limit_t  missing_log;

    link = ac->data;
    rd = link->rd;

    if (reply == NULL || link->ac != ac) {
        return;
    }

    if (reply->type == REDIS_REPLY_INTEGER && reply->integer == 1) {
        if (privdata != NULL) {
            ngx_http_mfa_redis_checked(link);
        }

        return;
    }

    if (ngx_http_mfa_log_due(&missing_log, &unlogged)) {
        ngx_log_error(NGX_LOG_ERR, rd->log, 0,
                      "mfa: the key \"%V\" is missing at Redis \"%V\" (%s): "
                      "its data is not the module's (started empty, "
                      "flushed, another database?), so every request fails "
                      "as when Redis is down until the key is there again "
                      "(and %ui more such lines)", &rd->conf->canary,
                      &rd->addr,
                      reply->type == REDIS_REPLY_ERROR ? "EXISTS refused"
                                                        : "EXISTS: 0",
                      unlogged);
    }

    ngx_http_mfa_redis_drop(link);
}


/* a check passed: queries may be sent once every one has */

static void
ngx_http_mfa_redis_checked(ngx_http_mfa_redis_link_t *link)
{
    if (link->checks > 0 && --link->checks == 0) {
        link->ready = 1;
        ngx_http_mfa_redis_up(link);
    }
}


/*
 * The invalidation connection: its id first, then its subscriptions.
 * hiredis runs the callbacks of ordinary commands before those of a
 * subscribed connection, so the id is known when the subscription is
 * confirmed.
 */

static void
ngx_http_mfa_redis_subscribe(ngx_http_mfa_redis_link_t *link)
{
    int                    n;
    ngx_uint_t             e;
    const char            *argv[3 + MFA_EVENTS];
    size_t                 argvlen[3 + MFA_EVENTS];
    ngx_http_mfa_redis_t  *rd;

    rd = link->rd;

    argv[0] = "CLIENT";
    argvlen[0] = 6;
    argv[1] = "ID";
    argvlen[1] = 2;

    ngx_http_mfa_redis_command(link->ac, ngx_http_mfa_redis_id_reply, NULL,
                               2, argv, argvlen);

    argv[0] = "SUBSCRIBE";
    argvlen[0] = 9;
    argv[1] = NGX_HTTP_MFA_REDIS_INVALIDATE;
    argvlen[1] = sizeof(NGX_HTTP_MFA_REDIS_INVALIDATE) - 1;
    argv[2] = (char *) link->rd->channel;
    argvlen[2] = link->rd->channel_len;
    n = 3;

    if (rd->conf->events) {
        for (e = 0; e < MFA_EVENTS; e++) {
            argv[n] = (char *) rd->events.channel[e];
            argvlen[n++] = rd->events.channel_len[e];
        }
    }

    link->rd->ping_head = 0;
    link->rd->ping_tail = 0;
    link->rd->ping_sent[link->rd->ping_head++ % NGX_HTTP_MFA_REDIS_PINGS] =
                                                            ngx_current_msec;

    ngx_http_mfa_redis_command(link->ac, ngx_http_mfa_redis_message, NULL,
                               n, argv, argvlen);
}


static void
ngx_http_mfa_redis_id_reply(redisAsyncContext *ac, void *r, void *privdata)
{
    redisReply  *reply = r;

    ngx_http_mfa_redis_link_t  *link;

    link = ac->data;

    if (reply != NULL && reply->type == REDIS_REPLY_INTEGER
        && reply->integer > 0)
    {
        link->rd->pending_id = reply->integer;
    }
}


/*
 * A reply on a subscribed connection still in use, as Redis pushes them
 * (kind, channel, payload): its kind, a string; NULL for anything else
 */

static redisReply *
ngx_http_mfa_redis_pushed(redisAsyncContext *ac, redisReply *reply)
{
    ngx_http_mfa_redis_link_t  *link = ac->data;

    if (reply == NULL || link->ac != ac || reply->type != REDIS_REPLY_ARRAY
        || reply->elements != 3
        || reply->element[0]->type != REDIS_REPLY_STRING)
    {
        return NULL;
    }

    return reply->element[0];
}


/*
 * A subscription confirmed, or a message: on the worker's channel, on the
 * invalidation channel, or a keyspace event
 */

static void
ngx_http_mfa_redis_message(redisAsyncContext *ac, void *r, void *privdata)
{
    redisReply  *reply = r;

    int                         event;
    size_t                      i;
    ngx_uint_t                  invalidation;
    redisReply                 *kind, *channel, *payload, *key;
    ngx_http_mfa_redis_t       *rd;
    ngx_http_mfa_redis_link_t  *link;

    link = ac->data;
    rd = link->rd;
    kind = ngx_http_mfa_redis_pushed(ac, reply);

    if (kind == NULL) {
        return;
    }

    channel = reply->element[1];
    payload = reply->element[2];

    if (channel->type != REDIS_REPLY_STRING) {
        return;
    }

    if ((size_t) channel->len == rd->channel_len
        && ngx_strncmp(channel->str, rd->channel, rd->channel_len) == 0)
    {
        if (kind->len == 9 && ngx_strncmp(kind->str, "subscribe", 9) == 0) {
            ngx_http_mfa_redis_alive(rd);
        }

        return;
    }

    invalidation = (channel->len == sizeof(NGX_HTTP_MFA_REDIS_INVALIDATE) - 1
                    && ngx_strncmp(channel->str, NGX_HTTP_MFA_REDIS_INVALIDATE,
                                   channel->len) == 0);

    if (kind->len == 9 && ngx_strncmp(kind->str, "subscribe", 9) == 0) {
        if (!invalidation) {
            /* a keyspace event's channel: the probe proves them */
            return;
        }

        if (rd->pending_id == 0) {
            ngx_http_mfa_redis_reset(link, "did not give its client id");
            return;
        }

        rd->inval_id = rd->pending_id;
        link->failures = 0;

        if (rd->query.ac != NULL) {
            ngx_http_mfa_redis_track_on(rd);
        }

        return;
    }

    if (kind->len != 7 || ngx_strncmp(kind->str, "message", 7) != 0) {
        return;
    }

    if (!invalidation) {
        /* a keyspace event: its key is forgotten whoever's it is (every
           key of the database is heard of, not only those read) */

        event = rd->conf->events ? mfa_events_event(channel->str,
                                                    channel->len)
                                 : -1;

        if (event >= 0 && payload->type == REDIS_REPLY_STRING) {
            ngx_http_mfa_redis_invalidated(rd, payload->str, payload->len);
            ngx_http_mfa_events_heard(&rd->events, event,
                                      (u_char *) payload->str, payload->len);
        }

        return;
    }

    if (payload->type == REDIS_REPLY_ARRAY) {
        for (i = 0; i < payload->elements; i++) {
            key = payload->element[i];

            if (key->type == REDIS_REPLY_STRING) {
                ngx_http_mfa_redis_invalidated(rd, key->str, key->len);
            }
        }

        return;
    }

    /* FLUSHALL, FLUSHDB, or Redis forgot what it tracked */

    ngx_log_debug0(NGX_LOG_DEBUG_HTTP, rd->log, 0,
                   "mfa: Redis invalidated every key");

    rd->flush();

    if (rd->conf->canary.len && rd->query.ac != NULL) {
        ngx_http_mfa_redis_canary(&rd->query, 1);
    }
}


/* a key changed: forgotten; the canary checked again */

static void
ngx_http_mfa_redis_invalidated(ngx_http_mfa_redis_t *rd, char *key,
    size_t len)
{
    rd->invalidate((u_char *) key, len);

    if (rd->conf->canary.len == len && rd->query.ac != NULL
        && ngx_strncmp(key, rd->conf->canary.data, len) == 0)
    {
        ngx_http_mfa_redis_canary(&rd->query, 1);
    }
}


/* a subscription to the worker's channel confirmed: sent when? */

static void
ngx_http_mfa_redis_alive(ngx_http_mfa_redis_t *rd)
{
    if (rd->ping_tail == rd->ping_head) {
        return;
    }

    rd->alive = rd->ping_sent[rd->ping_tail++ % NGX_HTTP_MFA_REDIS_PINGS];
}


/*
 * The query connection's reads tracked, or with keyspace events every
 * change of a key under the module's prefix broadcast (BCAST): session
 * keys are then not tracked, so that a touch does not invalidate them
 */

static void
ngx_http_mfa_redis_track_on(ngx_http_mfa_redis_t *rd)
{
    int          n, argc;
    char         id[NGX_INT64_LEN];
    const char  *argv[8];
    size_t       argvlen[8];

    argv[0] = "CLIENT";
    argvlen[0] = 6;
    argv[1] = "TRACKING";
    argvlen[1] = 8;
    argv[2] = "on";
    argvlen[2] = 2;
    argv[3] = "REDIRECT";
    argvlen[3] = 8;
    argv[4] = id;
    n = ngx_sprintf((u_char *) id, "%L", (int64_t) rd->inval_id)
        - (u_char *) id;
    argvlen[4] = n;
    argc = 5;

    if (rd->conf->events) {
        /* a prefix given again would overlap itself: off first */
        argv[2] = "off";
        argvlen[2] = 3;
        ngx_http_mfa_redis_command(rd->query.ac, NULL, NULL, 3, argv,
                                   argvlen);
        argv[2] = "on";
        argvlen[2] = 2;

        argv[argc] = "BCAST";
        argvlen[argc++] = 5;
        argv[argc] = "PREFIX";
        argvlen[argc++] = 6;
        argv[argc] = (char *) rd->conf->prefix.data;
        argvlen[argc++] = rd->conf->prefix.len;
    }

    ngx_http_mfa_redis_command(rd->query.ac,
                               ngx_http_mfa_redis_tracking_reply,
                               (void *) (uintptr_t) rd->epoch,
                               argc, argv, argvlen);
}


static void
ngx_http_mfa_redis_tracking_reply(redisAsyncContext *ac, void *r,
    void *privdata)
{
    redisReply  *reply = r;

    ngx_http_mfa_redis_link_t  *link;
    ngx_http_mfa_redis_t       *rd;

    link = ac->data;
    rd = link->rd;

    if (reply == NULL || (uintptr_t) privdata != rd->epoch
        || rd->inval_id == 0 || link->ac != ac)
    {
        return;
    }

    if (reply->type == REDIS_REPLY_ERROR) {
        ngx_log_error(NGX_LOG_WARN, rd->log, 0,
                      "mfa: Redis at \"%V\" refused CLIENT TRACKING (%*s): "
                      "every request asks Redis", &rd->addr,
                      (size_t) reply->len, reply->str);
        return;
    }

    /*
     * Reads sent from now on are tracked; the replies of those sent before
     * came first, and were not kept
     */

    rd->flush();
    rd->tracking = 1;
    rd->alive = 0;

    /* read again now that it is tracked: its deletion will be heard of */

    if (rd->conf->canary.len) {
        ngx_http_mfa_redis_canary(link, 0);
    }

    ngx_http_mfa_redis_ping(&rd->ping_timer);
}


/* an invalidation may be lost: nothing cached is used until tracked again */

static void
ngx_http_mfa_redis_untrack(ngx_http_mfa_redis_t *rd)
{
    if (rd->flush == NULL) {
        return;
    }

    rd->epoch++;
    rd->tracking = 0;
    rd->flush();

    ngx_http_mfa_events_reset(&rd->events);

    if (rd->ping_timer.timer_set) {
        ngx_del_timer(&rd->ping_timer);
    }
}


static void
ngx_http_mfa_redis_ping(ngx_event_t *ev)
{
    ngx_http_mfa_redis_t  *rd = ev->data;

    const char  *argv[2];
    size_t       argvlen[2];

    if (!rd->tracking || rd->inval.ac == NULL || rd->exiting) {
        return;
    }

    /* with as many unconfirmed, the connection is stuck: none more */

    if (rd->ping_head - rd->ping_tail < NGX_HTTP_MFA_REDIS_PINGS) {
        argv[0] = "SUBSCRIBE";
        argvlen[0] = 9;
        argv[1] = (char *) rd->channel;
        argvlen[1] = rd->channel_len;

        if (ngx_http_mfa_redis_command(rd->inval.ac,
                                       ngx_http_mfa_redis_message,
                                       NULL, 2, argv, argvlen)
            == REDIS_OK)
        {
            rd->ping_sent[rd->ping_head++ % NGX_HTTP_MFA_REDIS_PINGS] =
                                                            ngx_current_msec;
        }
    }

    /*
     * the canary once a second too: SWAPDB (and whatever else replaces
     * the data without Redis saying so) is found within that bound
     */

    if (rd->conf->canary.len && rd->query.ac != NULL && rd->query.ready
        && ++rd->canary_pings % (1000 / NGX_HTTP_MFA_REDIS_PING) == 0)
    {
        ngx_http_mfa_redis_canary(&rd->query, 0);
    }

    if (rd->conf->events && rd->write.ac != NULL && rd->write.ready) {
        ngx_http_mfa_events_probe(&rd->events, rd->write.ac);
    }

    ngx_add_timer(&rd->ping_timer, NGX_HTTP_MFA_REDIS_PING);
}


ngx_uint_t
ngx_http_mfa_redis_events(ngx_msec_t *alive)
{
    ngx_http_mfa_redis_t  *rd;

    rd = ngx_http_mfa_redis;

    if (rd == NULL || !rd->conf->events) {
        return 0;
    }

    *alive = rd->events.alive;

    return 1;
}


ngx_uint_t
ngx_http_mfa_redis_tracking(ngx_msec_t *alive)
{
    ngx_http_mfa_redis_t  *rd;

    rd = ngx_http_mfa_redis;

    /*
     * not while queries are held (the canary key invalidated, and its
     * EXISTS not answered yet): what Redis holds is in doubt, and the
     * request that found the invalidation is the next one
     */

    if (rd == NULL || !rd->tracking || rd->alive == 0 || !rd->query.ready) {
        return 0;
    }

    *alive = rd->alive;

    return 1;
}


/*
 * Once a turn of the event loop: every request of the turn arrived before
 * epoll_wait() returned, and so did every invalidation that came before
 * them, which the first read of the turn gets.
 */

void
ngx_http_mfa_redis_drain(void)
{
    ngx_http_mfa_redis_t  *rd;

    rd = ngx_http_mfa_redis;

    if (rd == NULL || rd->inval_id == 0 || rd->inval.ac == NULL
        || rd->drained)
    {
        return;
    }

    rd->drained = 1;
    ngx_post_event(&rd->drained_ev, &ngx_posted_events);

    redisAsyncHandleRead(rd->inval.ac);
}


static void
ngx_http_mfa_redis_drained(ngx_event_t *ev)
{
    ngx_http_mfa_redis_t  *rd = ev->data;

    rd->drained = 0;
}


ngx_http_mfa_redis_query_t *
ngx_http_mfa_redis_send(ngx_log_t *log, int argc, const char **argv,
    const size_t *argvlen, ngx_http_mfa_redis_handler_pt handler, void *data)
{
    ngx_http_mfa_redis_query_t  *q;

    q = ngx_alloc(sizeof(ngx_http_mfa_redis_query_t), log);
    if (q == NULL) {
        return NULL;
    }

    ngx_memzero(q, sizeof(ngx_http_mfa_redis_query_t));

    q->handler = handler;
    q->data = data;

    if (ngx_http_mfa_redis_issue(q, argc, argv, argvlen) != NGX_OK) {
        ngx_free(q);
        return NULL;
    }

    return q;
}


ngx_http_mfa_redis_query_t *
ngx_http_mfa_redis_script(ngx_log_t *log, ngx_str_t *script, ngx_str_t *sha,
    int argc, const char **argv, size_t *argvlen,
    ngx_http_mfa_redis_handler_pt handler,
    ngx_http_mfa_redis_confirm_pt confirm, void *data)
{
    ngx_http_mfa_redis_query_t  *q;

    q = ngx_alloc(sizeof(ngx_http_mfa_redis_query_t), log);
    if (q == NULL) {
        return NULL;
    }

    ngx_memzero(q, sizeof(ngx_http_mfa_redis_query_t));

    argv[0] = "EVALSHA";
    argvlen[0] = 7;
    argv[1] = (char *) sha->data;
    argvlen[1] = sha->len;

    q->handler = handler;
    q->confirm = confirm;
    q->data = data;
    q->script = (char *) script->data;
    q->script_len = script->len;
    q->argc = argc;
    q->argv = argv;
    q->argvlen = argvlen;

    if (ngx_http_mfa_redis_issue(q, argc, argv, argvlen) != NGX_OK) {
        ngx_free(q);
        return NULL;
    }

    return q;
}


/*
 * Appends a command to the connection's output, formatted by the core
 * (hiredis's own formatting built it through several reallocations).
 */

int
ngx_http_mfa_redis_command(redisAsyncContext *ac, redisCallbackFn *fn,
    void *privdata, int argc, const char **argv, const size_t *argvlen)
{
    int     rc;
    char   *cmd, buf[NGX_HTTP_MFA_REDIS_COMMAND];
    size_t  len;

    len = mfa_resp_len(argc, argv, argvlen);
    cmd = buf;

    if (len >= sizeof(buf)) {
        /* a script, sent whole once after NOSCRIPT */
        cmd = ngx_alloc(len + 1, ngx_cycle->log);
        if (cmd == NULL) {
            return REDIS_ERR;
        }
    }

    /* hiredis finds the command's name with strchr(): a NUL after it */
    *mfa_resp_write(cmd, argc, argv, argvlen) = '\0';

    rc = redisAsyncFormattedCommand(ac, fn, privdata, cmd, len);

    /* AUTH's is the password */
    ngx_explicit_memzero(cmd, len);

    if (cmd != buf) {
        ngx_free(cmd);
    }

    return rc;
}


/*
 * Appends the command, and a write's WAIT, and starts the query's timer:
 * a write waits for the replicas as well as for Redis.
 */

static ngx_int_t
ngx_http_mfa_redis_issue(ngx_http_mfa_redis_query_t *q, int argc,
    const char **argv, const size_t *argvlen)
{
    char                        n[NGX_INT_T_LEN], ms[NGX_INT_T_LEN];
    const char                 *wargv[3];
    size_t                      wargvlen[3];
    ngx_msec_t                  timeout;
    ngx_http_mfa_redis_t       *rd;
    ngx_http_mfa_redis_link_t  *link;
    ngx_http_mfa_redis_conf_t  *conf;

    rd = ngx_http_mfa_redis;

    if (rd == NULL) {
        return NGX_ERROR;
    }

    conf = rd->conf;
    link = (q->confirm != NULL && conf->replicas) ? &rd->write : &rd->query;
    timeout = conf->timeout;

    if (link->ac == NULL || !link->ready
        || ngx_http_mfa_redis_command(link->ac, ngx_http_mfa_redis_reply,
                                      q, argc, argv, argvlen)
           != REDIS_OK)
    {
        if (link == &rd->query) {
            rd->failed++;
        }

        ngx_http_mfa_metrics_error(MFA_METRIC_NOT_CONNECTED);
        return NGX_ERROR;
    }

    if (link == &rd->write) {
        wargv[0] = "WAIT";
        wargvlen[0] = 4;
        wargv[1] = n;
        wargvlen[1] = ngx_sprintf((u_char *) n, "%ui", conf->replicas)
                      - (u_char *) n;
        wargv[2] = ms;
        wargvlen[2] = ngx_sprintf((u_char *) ms, "%M", conf->replicas_timeout)
                      - (u_char *) ms;

        if (ngx_http_mfa_redis_command(link->ac, ngx_http_mfa_redis_waited,
                                       q, 3, wargv, wargvlen)
            == REDIS_OK)
        {
            /* a WAIT blocks the connection: this one comes after those
               queued before it */

            q->waits = 1;
            link->waits++;
            timeout += link->waits * conf->replicas_timeout;

        } else {
            /* the script is out already: its reply fails the write */
            q->failed = 1;
        }
    }

    q->link = link;
    q->sent = ngx_http_mfa_metrics_now();
    ngx_http_mfa_metrics_sent();

    /* not cancelable: a graceful shutdown waits for the answer */

    q->timer.handler = ngx_http_mfa_redis_query_timeout;
    q->timer.data = q;
    q->timer.log = ngx_cycle->log;

    ngx_add_timer(&q->timer, timeout);

    return NGX_OK;
}


void
ngx_http_mfa_redis_detach(ngx_http_mfa_redis_query_t *q)
{
    q->data = NULL;
}


static void
ngx_http_mfa_redis_reply(redisAsyncContext *ac, void *r, void *privdata)
{
    ngx_http_mfa_redis_query_t  *q = privdata;

    ngx_http_mfa_redis_link_t  *link;

    ngx_http_mfa_metrics_answered(q->sent, r != NULL);

    /* a server that accepts then closes must not reset the backoff */

    link = ac->data;

    if (link != NULL) {
        if (r != NULL) {
            link->backoff = NGX_HTTP_MFA_REDIS_BACKOFF_MIN;

        } else if (link == &link->rd->query) {
            link->rd->failed++;
        }
    }

    if (q->data != NULL && ngx_http_mfa_redis_noscript(q, r)) {
        /* the script is not cached (Redis restarted): sent once, whole,
           after the WAIT behind it, if any */

        q->retried = 1;

        if (q->waits) {
            q->resend = 1;
            return;
        }

        if (ngx_http_mfa_redis_resend(q) == NGX_OK) {
            return;
        }

        r = NULL;
    }

    if (r == NULL) {
        q->failed = 1;

    } else if (((redisReply *) r)->type == REDIS_REPLY_ERROR) {
        q->failed = 1;
        ngx_http_mfa_metrics_error(MFA_METRIC_ERROR_REPLY);
    }

    if (q->data != NULL) {
        q->handler(q->data, r);
    }

    if (q->waits == 0) {
        ngx_http_mfa_redis_done(q, !q->failed);
    }
}


/* a write's WAIT: how many replicas have it */

static void
ngx_http_mfa_redis_waited(redisAsyncContext *ac, void *r, void *privdata)
{
    redisReply                  *reply = r;
    ngx_http_mfa_redis_query_t  *q = privdata;

    ngx_uint_t                  unlogged;
    ngx_http_mfa_redis_t       *rd;
    ngx_http_mfa_redis_link_t  *link;

    static ngx_http_mfa_log_limit_t  short_log;

    link = q->link;
    rd = link->rd;
    q->waits = 0;
    link->waits--;

    if (q->resend) {
        /* the request may have gone meanwhile: its arguments with it */

        q->resend = 0;

        if (reply != NULL && q->data != NULL
            && ngx_http_mfa_redis_resend(q) == NGX_OK)
        {
            return;
        }

        q->failed = 1;

        if (q->data != NULL) {
            q->handler(q->data, NULL);
        }

    } else if (q->failed) {
        /* the write failed already: nothing to confirm */

    } else if (reply == NULL) {
        q->failed = 1;
        ngx_http_mfa_metrics_error(MFA_METRIC_NO_REPLY);

    } else if (reply->type == REDIS_REPLY_ERROR) {
        q->failed = 1;
        ngx_http_mfa_metrics_error(MFA_METRIC_ERROR_REPLY);

        if (ngx_http_mfa_log_due(&short_log, &unlogged)) {
            ngx_log_error(NGX_LOG_ERR, rd->log, 0,
                          "mfa: Redis at \"%V\" refused WAIT: %*s (and %ui "
                          "more since the last such line)", link->where,
                          (size_t) ngx_min(reply->len, 200), reply->str,
                          unlogged);
        }

    } else if (reply->type != REDIS_REPLY_INTEGER
               || reply->integer < (long long) rd->conf->replicas)
    {
        q->failed = 1;
        ngx_http_mfa_metrics_error(MFA_METRIC_NOT_REPLICATED);

        if (ngx_http_mfa_log_due(&short_log, &unlogged)) {
            ngx_log_error(NGX_LOG_WARN, rd->log, 0,
                          "mfa: a write at \"%V\" reached %L of the %ui "
                          "replicas asked for within %M ms: it is reported "
                          "as not saved (and %ui more since the last such "
                          "line)", link->where,
                          reply->type == REDIS_REPLY_INTEGER
                          ? reply->integer : 0LL,
                          rd->conf->replicas, rd->conf->replicas_timeout,
                          unlogged);
        }
    }

    ngx_http_mfa_redis_done(q, !q->failed);
}


/* the script whole, after NOSCRIPT */

static ngx_int_t
ngx_http_mfa_redis_resend(ngx_http_mfa_redis_query_t *q)
{
    q->failed = 0;
    q->argv[0] = "EVAL";
    q->argvlen[0] = 4;
    q->argv[1] = q->script;
    q->argvlen[1] = q->script_len;

    return ngx_http_mfa_redis_issue(q, q->argc, q->argv, q->argvlen);
}


/* the query answered: a write hears whether it is done, then it goes */

static void
ngx_http_mfa_redis_done(ngx_http_mfa_redis_query_t *q, ngx_uint_t done)
{
    if (q->timer.timer_set) {
        ngx_del_timer(&q->timer);
    }

    if (q->data != NULL && q->confirm != NULL) {
        q->confirm(q->data, done);
    }

    ngx_free(q);
}


static ngx_uint_t
ngx_http_mfa_redis_noscript(ngx_http_mfa_redis_query_t *q, redisReply *reply)
{
    return q->script != NULL && !q->retried && reply != NULL
           && reply->type == REDIS_REPLY_ERROR && reply->len > 8
           && ngx_strncmp(reply->str, "NOSCRIPT", 8) == 0;
}


static ngx_int_t
ngx_http_mfa_redis_attach(ngx_http_mfa_redis_link_t *link)
{
    ngx_log_t         *log;
    ngx_connection_t  *c;

    log = link->rd->log;

    c = ngx_get_connection(link->ac->c.fd, log);
    if (c == NULL) {
        return NGX_ERROR;
    }

    c->data = link;
    c->log = log;
    c->read->handler = ngx_http_mfa_redis_read_handler;
    c->write->handler = ngx_http_mfa_redis_write_handler;
    c->read->log = log;
    c->write->log = log;

    link->conn = c;

    link->ac->ev.data = link;
    link->ac->ev.addRead = ngx_http_mfa_redis_add_read;
    link->ac->ev.delRead = ngx_http_mfa_redis_del_read;
    link->ac->ev.addWrite = ngx_http_mfa_redis_add_write;
    link->ac->ev.delWrite = ngx_http_mfa_redis_del_write;
    link->ac->ev.cleanup = ngx_http_mfa_redis_cleanup;

    return NGX_OK;
}


static void
ngx_http_mfa_redis_read_handler(ngx_event_t *ev)
{
    ngx_connection_t           *c = ev->data;
    ngx_http_mfa_redis_link_t  *link = c->data;

    if (c->close) {
        /* worker_shutdown_timeout or idle close on exit */
        link->rd->exiting = 1;
        ngx_http_mfa_redis_free(link);
        return;
    }

    if (link->ac != NULL) {
        redisAsyncHandleRead(link->ac);
    }
}


static void
ngx_http_mfa_redis_write_handler(ngx_event_t *ev)
{
    ngx_connection_t           *c = ev->data;
    ngx_http_mfa_redis_link_t  *link = c->data;

    if (link->ac != NULL) {
        redisAsyncHandleWrite(link->ac);
    }
}


/* the same level-triggered flags on add and on delete (see above) */

static void
ngx_http_mfa_redis_watch(ngx_http_mfa_redis_link_t *link, ngx_event_t *ev,
    ngx_int_t event, ngx_uint_t on)
{
    if (on && !ev->active) {
        if (ngx_add_event(ev, event, NGX_LEVEL_EVENT) != NGX_OK) {
            ngx_log_error(NGX_LOG_ALERT, link->rd->log, 0,
                          "mfa: cannot watch the Redis connection");
        }

    } else if (!on && ev->active) {
        ngx_del_event(ev, event, NGX_LEVEL_EVENT);
    }
}


static void
ngx_http_mfa_redis_add_read(void *privdata)
{
    ngx_http_mfa_redis_link_t  *link = privdata;

    ngx_http_mfa_redis_watch(link, link->conn->read, NGX_READ_EVENT, 1);
}


static void
ngx_http_mfa_redis_del_read(void *privdata)
{
    ngx_http_mfa_redis_link_t  *link = privdata;

    ngx_http_mfa_redis_watch(link, link->conn->read, NGX_READ_EVENT, 0);
}


static void
ngx_http_mfa_redis_add_write(void *privdata)
{
    ngx_http_mfa_redis_link_t  *link = privdata;

    ngx_http_mfa_redis_watch(link, link->conn->write, NGX_WRITE_EVENT, 1);
}


static void
ngx_http_mfa_redis_del_write(void *privdata)
{
    ngx_http_mfa_redis_link_t  *link = privdata;

    ngx_http_mfa_redis_watch(link, link->conn->write, NGX_WRITE_EVENT, 0);
}


/*
 * hiredis closes the socket itself right after this hook: take it out of
 * the event loop and give the connection back, without closing the fd.
 */

static void
ngx_http_mfa_redis_cleanup(void *privdata)
{
    ngx_http_mfa_redis_link_t  *link = privdata;

    ngx_connection_t  *c;

    c = link->conn;

    if (c == NULL) {
        return;
    }

    ngx_http_mfa_redis_watch(link, c->read, NGX_READ_EVENT, 0);
    ngx_http_mfa_redis_watch(link, c->write, NGX_WRITE_EVENT, 0);

    link->conn = NULL;

    if (c->read->posted) {
        ngx_delete_posted_event(c->read);
    }

    if (c->write->posted) {
        ngx_delete_posted_event(c->write);
    }

    c->read->handler = ngx_http_mfa_redis_dummy_handler;
    c->write->handler = ngx_http_mfa_redis_dummy_handler;

    ngx_free_connection(c);
    c->fd = (ngx_socket_t) -1;
}


static void
ngx_http_mfa_redis_dummy_handler(ngx_event_t *ev)
{
    ngx_log_debug0(NGX_LOG_DEBUG_HTTP, ev->log, 0, "mfa: Redis dummy handler");
}
