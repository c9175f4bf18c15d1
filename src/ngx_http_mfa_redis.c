
/*
 * ngx_http_mfa_module: the per-worker Redis connection.
 *
 * One hiredis async context per worker, its socket attached to nginx's
 * event loop, shared by every request of the worker: commands are
 * pipelined and hiredis matches replies to callbacks in order.
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
 */


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_event.h>

#include <hiredis/async.h>

#include "ngx_http_mfa_redis.h"
#include "ngx_http_mfa_metrics.h"


#define NGX_HTTP_MFA_REDIS_BACKOFF_MIN  50
#define NGX_HTTP_MFA_REDIS_BACKOFF_MAX  1000
/* while Redis stays down, one failed attempt in this many is logged */
#define NGX_HTTP_MFA_REDIS_LOG_EVERY    60


typedef struct {
    ngx_http_mfa_redis_conf_t  *conf;
    ngx_log_t                  *log;
    redisAsyncContext          *ac;
    ngx_connection_t           *conn;
    ngx_event_t                 connect_timer;
    ngx_event_t                 reconnect_timer;
    ngx_msec_t                  backoff;
    ngx_uint_t                  failures;
    /* since when Redis cannot be asked (0: it can), and how many queries
       failed meanwhile: one line when it is back, not one a query */
    ngx_msec_t                  down_since;
    ngx_uint_t                  failed;
    ngx_uint_t                  exiting;
} ngx_http_mfa_redis_t;


struct ngx_http_mfa_redis_query_s {
    ngx_http_mfa_redis_handler_pt   handler;
    void                           *data;
    ngx_event_t                     timer;
    /* a script's: the command, to send again with EVAL after NOSCRIPT */
    const char                     *script;
    size_t                          script_len;
    int                             argc;
    const char                    **argv;
    size_t                         *argvlen;
    uint64_t                        sent;       /* for the metrics, in us */
    unsigned                        retried:1;
};


static void ngx_http_mfa_redis_connect(ngx_http_mfa_redis_t *rd);
static void ngx_http_mfa_redis_reset(ngx_http_mfa_redis_t *rd,
    const char *why);
static void ngx_http_mfa_redis_schedule(ngx_http_mfa_redis_t *rd);
static void ngx_http_mfa_redis_down(ngx_http_mfa_redis_t *rd);
static void ngx_http_mfa_redis_connect_failed(ngx_http_mfa_redis_t *rd,
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
static ngx_int_t ngx_http_mfa_redis_issue(ngx_http_mfa_redis_query_t *q,
    int argc, const char **argv, const size_t *argvlen);
static void ngx_http_mfa_redis_reply(redisAsyncContext *ac, void *r,
    void *privdata);
static ngx_uint_t ngx_http_mfa_redis_noscript(ngx_http_mfa_redis_query_t *q,
    redisReply *reply);
static ngx_int_t ngx_http_mfa_redis_attach(ngx_http_mfa_redis_t *rd);
static void ngx_http_mfa_redis_read_handler(ngx_event_t *ev);
static void ngx_http_mfa_redis_write_handler(ngx_event_t *ev);
static void ngx_http_mfa_redis_watch(ngx_http_mfa_redis_t *rd,
    ngx_event_t *ev, ngx_int_t event, ngx_uint_t on);
static void ngx_http_mfa_redis_add_read(void *privdata);
static void ngx_http_mfa_redis_del_read(void *privdata);
static void ngx_http_mfa_redis_add_write(void *privdata);
static void ngx_http_mfa_redis_del_write(void *privdata);
static void ngx_http_mfa_redis_cleanup(void *privdata);
static void ngx_http_mfa_redis_dummy_handler(ngx_event_t *ev);


/* per worker: created in init_process, gone in exit_process */
static ngx_http_mfa_redis_t  *ngx_http_mfa_redis;


ngx_int_t
ngx_http_mfa_redis_init(ngx_cycle_t *cycle, ngx_http_mfa_redis_conf_t *conf)
{
    ngx_http_mfa_redis_t  *rd;

    rd = ngx_pcalloc(cycle->pool, sizeof(ngx_http_mfa_redis_t));
    if (rd == NULL) {
        return NGX_ERROR;
    }

    rd->conf = conf;
    rd->log = cycle->log;
    rd->backoff = NGX_HTTP_MFA_REDIS_BACKOFF_MIN;

    rd->connect_timer.handler = ngx_http_mfa_redis_connect_timeout;
    rd->connect_timer.data = rd;
    rd->connect_timer.log = cycle->log;
    rd->connect_timer.cancelable = 1;

    rd->reconnect_timer.handler = ngx_http_mfa_redis_reconnect_handler;
    rd->reconnect_timer.data = rd;
    rd->reconnect_timer.log = cycle->log;
    rd->reconnect_timer.cancelable = 1;

    ngx_http_mfa_redis = rd;

    ngx_http_mfa_redis_connect(rd);

    return NGX_OK;
}


void
ngx_http_mfa_redis_exit(void)
{
    redisAsyncContext     *ac;
    ngx_http_mfa_redis_t  *rd;

    rd = ngx_http_mfa_redis;

    if (rd == NULL) {
        return;
    }

    rd->exiting = 1;

    if (rd->connect_timer.timer_set) {
        ngx_del_timer(&rd->connect_timer);
    }

    if (rd->reconnect_timer.timer_set) {
        ngx_del_timer(&rd->reconnect_timer);
    }

    ac = rd->ac;

    if (ac != NULL) {
        rd->ac = NULL;
        redisAsyncFree(ac);
    }

    ngx_http_mfa_redis = NULL;
}


static void
ngx_http_mfa_redis_connect(ngx_http_mfa_redis_t *rd)
{
    int                         n;
    char                        db[NGX_INT_T_LEN];
    const char                 *argv[3];
    size_t                      argvlen[3];
    redisAsyncContext          *ac;
    ngx_http_mfa_redis_conf_t  *conf;

    conf = rd->conf;

    if (conf->unix_socket) {
        ac = redisAsyncConnectUnix((char *) conf->host.data);

    } else {
        ac = redisAsyncConnect((char *) conf->host.data, conf->port);
    }

    if (ac == NULL) {
        ngx_log_error(NGX_LOG_ERR, rd->log, 0,
                      "mfa: cannot connect to Redis at \"%V\": "
                      "out of memory", &conf->addr);
        ngx_http_mfa_redis_schedule(rd);
        return;
    }

    if (ac->err) {
        ngx_http_mfa_redis_connect_failed(rd, ac->errstr);
        redisAsyncFree(ac);
        return;
    }

    rd->ac = ac;
    ac->data = rd;

    if (ngx_http_mfa_redis_attach(rd) != NGX_OK) {
        rd->ac = NULL;
        redisAsyncFree(ac);
        ngx_http_mfa_redis_schedule(rd);
        return;
    }

    redisAsyncSetConnectCallback(ac, ngx_http_mfa_redis_on_connect);
    redisAsyncSetDisconnectCallback(ac, ngx_http_mfa_redis_on_disconnect);

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

        redisAsyncCommandArgv(ac, ngx_http_mfa_redis_setup_reply, "AUTH",
                              n, argv, argvlen);
    }

    if (conf->db != 0) {
        argv[0] = "SELECT";
        argvlen[0] = 6;
        argv[1] = db;
        argvlen[1] = ngx_sprintf((u_char *) db, "%i", conf->db)
                     - (u_char *) db;

        redisAsyncCommandArgv(ac, ngx_http_mfa_redis_setup_reply, "SELECT",
                              2, argv, argvlen);
    }

    /* the first write event tells that the connection is established */

    ngx_http_mfa_redis_add_write(rd);

    ngx_add_timer(&rd->connect_timer, conf->timeout);
}


/*
 * Frees the context: hiredis runs every pending callback with a NULL
 * reply, then the cleanup hook releases the nginx connection.
 */

static void
ngx_http_mfa_redis_reset(ngx_http_mfa_redis_t *rd, const char *why)
{
    redisAsyncContext  *ac;

    ac = rd->ac;

    if (ac == NULL) {
        return;
    }

    ngx_log_error(NGX_LOG_ERR, rd->log, 0,
                  "mfa: Redis at \"%V\" %s, reconnecting",
                  &rd->conf->addr, why);

    rd->ac = NULL;
    redisAsyncFree(ac);

    ngx_http_mfa_redis_schedule(rd);
}


/* the connection is gone or could not be made: a reconnection later */

static void
ngx_http_mfa_redis_schedule(ngx_http_mfa_redis_t *rd)
{
    ngx_http_mfa_redis_down(rd);

    if (rd->exiting || ngx_exiting || ngx_terminate || ngx_quit) {
        return;
    }

    if (rd->connect_timer.timer_set) {
        ngx_del_timer(&rd->connect_timer);
    }

    if (!rd->reconnect_timer.timer_set) {
        ngx_add_timer(&rd->reconnect_timer, rd->backoff);
    }

    rd->backoff = ngx_min(rd->backoff * 2, NGX_HTTP_MFA_REDIS_BACKOFF_MAX);
}


static void
ngx_http_mfa_redis_down(ngx_http_mfa_redis_t *rd)
{
    if (rd->down_since == 0) {
        rd->down_since = ngx_current_msec ? ngx_current_msec : 1;
        rd->failed = 0;
    }
}


static void
ngx_http_mfa_redis_connect_failed(ngx_http_mfa_redis_t *rd, const char *why)
{
    if (rd->failures++ % NGX_HTTP_MFA_REDIS_LOG_EVERY == 0) {
        ngx_log_error(NGX_LOG_ERR, rd->log, 0,
                      "mfa: cannot connect to Redis at \"%V\": %s",
                      &rd->conf->addr, why);
    }

    ngx_http_mfa_redis_schedule(rd);
}


static void
ngx_http_mfa_redis_reconnect_handler(ngx_event_t *ev)
{
    ngx_http_mfa_redis_t  *rd = ev->data;

    if (rd->ac == NULL && !rd->exiting) {
        ngx_http_mfa_redis_connect(rd);
    }
}


static void
ngx_http_mfa_redis_connect_timeout(ngx_event_t *ev)
{
    ngx_http_mfa_redis_t  *rd = ev->data;

    ngx_http_mfa_redis_reset(rd, "did not accept the connection in time");
}


static void
ngx_http_mfa_redis_query_timeout(ngx_event_t *ev)
{
    ngx_http_mfa_redis_t  *rd;

    rd = ngx_http_mfa_redis;

    /*
     * replies come in order: one late reply holds up every later one, so
     * the connection is dropped and every pending query fails now
     */

    if (rd != NULL) {
        ngx_http_mfa_redis_reset(rd, "did not answer in time");
    }
}


static void
ngx_http_mfa_redis_on_connect(const redisAsyncContext *ac, int status)
{
    ngx_http_mfa_redis_t  *rd = ac->data;

    if (rd->connect_timer.timer_set) {
        ngx_del_timer(&rd->connect_timer);
    }

    if (status != REDIS_OK) {
        /* hiredis frees the context when this returns */
        rd->ac = NULL;
        ngx_http_mfa_redis_connect_failed(rd, ac->errstr);
        return;
    }

    if (rd->down_since != 0) {
        ngx_http_mfa_metrics_reconnect();
        ngx_log_error(NGX_LOG_NOTICE, rd->log, 0,
                      "mfa: Redis at \"%V\" is back after %M ms and %ui "
                      "failed connection attempts; %ui queries failed "
                      "meanwhile", &rd->conf->addr,
                      ngx_current_msec - rd->down_since, rd->failures,
                      rd->failed);
    }

    rd->failures = 0;
    rd->down_since = 0;
    rd->failed = 0;

    ngx_log_debug1(NGX_LOG_DEBUG_HTTP, rd->log, 0,
                   "mfa: connected to Redis at \"%V\"", &rd->conf->addr);
}


static void
ngx_http_mfa_redis_on_disconnect(const redisAsyncContext *ac, int status)
{
    ngx_http_mfa_redis_t  *rd = ac->data;

    if (rd->ac != ac) {
        /* freed by us: already logged and scheduled */
        return;
    }

    rd->ac = NULL;

    if (rd->exiting) {
        return;
    }

    ngx_log_error(NGX_LOG_ERR, rd->log, 0,
                  "mfa: lost the connection to Redis at \"%V\": %s",
                  &rd->conf->addr,
                  status == REDIS_OK ? "closed" : ac->errstr);

    ngx_http_mfa_redis_schedule(rd);
}


static void
ngx_http_mfa_redis_setup_reply(redisAsyncContext *ac, void *r,
    void *privdata)
{
    redisReply  *reply = r;

    ngx_http_mfa_redis_t  *rd;

    rd = ac->data;

    if (reply == NULL || reply->type != REDIS_REPLY_ERROR) {
        return;
    }

    /* a wrong password or database: queries would fail, so stop here */

    ngx_log_error(NGX_LOG_ERR, rd->log, 0,
                  "mfa: Redis at \"%V\" refused %s: %*s", &rd->conf->addr,
                  (char *) privdata, (size_t) reply->len, reply->str);

    rd->ac = NULL;
    redisAsyncFree(ac);

    ngx_http_mfa_redis_schedule(rd);
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
    ngx_http_mfa_redis_handler_pt handler, void *data)
{
    ngx_http_mfa_redis_query_t  *q;

    argv[0] = "EVALSHA";
    argvlen[0] = 7;
    argv[1] = (char *) sha->data;
    argvlen[1] = sha->len;

    q = ngx_http_mfa_redis_send(log, argc, argv, argvlen, handler, data);

    if (q != NULL) {
        q->script = (char *) script->data;
        q->script_len = script->len;
        q->argc = argc;
        q->argv = argv;
        q->argvlen = argvlen;
    }

    return q;
}


/* appends the command and starts the query's timer */

static ngx_int_t
ngx_http_mfa_redis_issue(ngx_http_mfa_redis_query_t *q, int argc,
    const char **argv, const size_t *argvlen)
{
    ngx_http_mfa_redis_t  *rd;

    rd = ngx_http_mfa_redis;

    if (rd == NULL) {
        return NGX_ERROR;
    }

    if (rd->ac == NULL
        || redisAsyncCommandArgv(rd->ac, ngx_http_mfa_redis_reply, q, argc,
                                 argv, argvlen)
           != REDIS_OK)
    {
        rd->failed++;
        ngx_http_mfa_metrics_error(MFA_METRIC_NOT_CONNECTED);
        return NGX_ERROR;
    }

    q->sent = ngx_http_mfa_metrics_now();
    ngx_http_mfa_metrics_sent();

    /* not cancelable: a graceful shutdown waits for the answer */

    q->timer.handler = ngx_http_mfa_redis_query_timeout;
    q->timer.data = q;
    q->timer.log = ngx_cycle->log;

    ngx_add_timer(&q->timer, rd->conf->timeout);

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

    ngx_http_mfa_redis_t  *rd;

    if (q->timer.timer_set) {
        ngx_del_timer(&q->timer);
    }

    ngx_http_mfa_metrics_answered(q->sent, r != NULL);

    /* a server that accepts then closes must not reset the backoff */

    rd = ac->data;

    if (rd != NULL) {
        if (r != NULL) {
            rd->backoff = NGX_HTTP_MFA_REDIS_BACKOFF_MIN;

        } else {
            rd->failed++;
        }
    }

    if (q->data != NULL && ngx_http_mfa_redis_noscript(q, r)) {
        /* the script is not cached (Redis restarted): sent once, whole */

        q->retried = 1;
        q->argv[0] = "EVAL";
        q->argvlen[0] = 4;
        q->argv[1] = q->script;
        q->argvlen[1] = q->script_len;

        if (ngx_http_mfa_redis_issue(q, q->argc, q->argv, q->argvlen)
            == NGX_OK)
        {
            return;
        }

        r = NULL;
    }

    if (r != NULL && ((redisReply *) r)->type == REDIS_REPLY_ERROR) {
        ngx_http_mfa_metrics_error(MFA_METRIC_ERROR_REPLY);
    }

    if (q->data != NULL) {
        q->handler(q->data, r);
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
ngx_http_mfa_redis_attach(ngx_http_mfa_redis_t *rd)
{
    ngx_connection_t  *c;

    c = ngx_get_connection(rd->ac->c.fd, rd->log);
    if (c == NULL) {
        return NGX_ERROR;
    }

    c->data = rd;
    c->log = rd->log;
    c->read->handler = ngx_http_mfa_redis_read_handler;
    c->write->handler = ngx_http_mfa_redis_write_handler;
    c->read->log = rd->log;
    c->write->log = rd->log;

    rd->conn = c;

    rd->ac->ev.data = rd;
    rd->ac->ev.addRead = ngx_http_mfa_redis_add_read;
    rd->ac->ev.delRead = ngx_http_mfa_redis_del_read;
    rd->ac->ev.addWrite = ngx_http_mfa_redis_add_write;
    rd->ac->ev.delWrite = ngx_http_mfa_redis_del_write;
    rd->ac->ev.cleanup = ngx_http_mfa_redis_cleanup;

    return NGX_OK;
}


static void
ngx_http_mfa_redis_read_handler(ngx_event_t *ev)
{
    ngx_connection_t      *c = ev->data;
    ngx_http_mfa_redis_t  *rd = c->data;

    redisAsyncContext  *ac;

    if (c->close) {
        /* worker_shutdown_timeout or idle close on exit */
        rd->exiting = 1;
        ac = rd->ac;

        if (ac != NULL) {
            rd->ac = NULL;
            redisAsyncFree(ac);
        }

        return;
    }

    if (rd->ac != NULL) {
        redisAsyncHandleRead(rd->ac);
    }
}


static void
ngx_http_mfa_redis_write_handler(ngx_event_t *ev)
{
    ngx_connection_t      *c = ev->data;
    ngx_http_mfa_redis_t  *rd = c->data;

    if (rd->ac != NULL) {
        redisAsyncHandleWrite(rd->ac);
    }
}


/* the same level-triggered flags on add and on delete (see above) */

static void
ngx_http_mfa_redis_watch(ngx_http_mfa_redis_t *rd, ngx_event_t *ev,
    ngx_int_t event, ngx_uint_t on)
{
    if (on && !ev->active) {
        if (ngx_add_event(ev, event, NGX_LEVEL_EVENT) != NGX_OK) {
            ngx_log_error(NGX_LOG_ALERT, rd->log, 0,
                          "mfa: cannot watch the Redis connection");
        }

    } else if (!on && ev->active) {
        ngx_del_event(ev, event, NGX_LEVEL_EVENT);
    }
}


static void
ngx_http_mfa_redis_add_read(void *privdata)
{
    ngx_http_mfa_redis_t  *rd = privdata;

    ngx_http_mfa_redis_watch(rd, rd->conn->read, NGX_READ_EVENT, 1);
}


static void
ngx_http_mfa_redis_del_read(void *privdata)
{
    ngx_http_mfa_redis_t  *rd = privdata;

    ngx_http_mfa_redis_watch(rd, rd->conn->read, NGX_READ_EVENT, 0);
}


static void
ngx_http_mfa_redis_add_write(void *privdata)
{
    ngx_http_mfa_redis_t  *rd = privdata;

    ngx_http_mfa_redis_watch(rd, rd->conn->write, NGX_WRITE_EVENT, 1);
}


static void
ngx_http_mfa_redis_del_write(void *privdata)
{
    ngx_http_mfa_redis_t  *rd = privdata;

    ngx_http_mfa_redis_watch(rd, rd->conn->write, NGX_WRITE_EVENT, 0);
}


/*
 * hiredis closes the socket itself right after this hook: take it out of
 * the event loop and give the connection back, without closing the fd.
 */

static void
ngx_http_mfa_redis_cleanup(void *privdata)
{
    ngx_http_mfa_redis_t  *rd = privdata;

    ngx_connection_t  *c;

    c = rd->conn;

    if (c == NULL) {
        return;
    }

    ngx_http_mfa_redis_watch(rd, c->read, NGX_READ_EVENT, 0);
    ngx_http_mfa_redis_watch(rd, c->write, NGX_WRITE_EVENT, 0);

    rd->conn = NULL;

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
