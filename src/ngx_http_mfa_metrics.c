
/*
 * ngx_http_mfa_module: the gate's counters, kept in a shared memory zone
 * so that every worker adds to the same ones, and "mfa_metrics", the
 * content handler that prints them (like stub_status) in the Prometheus
 * text format.  The counters survive a reload; they start at 0 with
 * nginx.
 */


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include <time.h>

#include "ngx_http_mfa.h"
#include "mfa_metrics.h"


#define NGX_HTTP_MFA_METRICS_ZONE  (8 * ngx_pagesize)


typedef struct {
    ngx_atomic_t  decisions[MFA_METRIC_DECISIONS];
    ngx_atomic_t  cache_hits;
    ngx_atomic_t  cache_misses;
    ngx_atomic_t  round_trips[MFA_METRIC_BUCKETS];
    ngx_atomic_t  round_trip_us;
    ngx_atomic_t  errors[MFA_METRIC_ERRORS];
    ngx_atomic_t  reconnects;
    ngx_atomic_t  in_flight;
    ngx_atomic_t  answers[MFA_METRIC_ANSWERS];
} ngx_http_mfa_metrics_shm_t;


static ngx_int_t ngx_http_mfa_metrics_init_zone(ngx_shm_zone_t *shm_zone,
    void *data);
static ngx_int_t ngx_http_mfa_metrics_handler(ngx_http_request_t *r);


static ngx_http_mfa_metrics_shm_t  *ngx_http_mfa_metrics;


ngx_int_t
ngx_http_mfa_metrics_zone(ngx_conf_t *cf)
{
    ngx_shm_zone_t  *shm_zone;

    static ngx_str_t  name = ngx_string("mfa_metrics");

    shm_zone = ngx_shared_memory_add(cf, &name, NGX_HTTP_MFA_METRICS_ZONE,
                                     &ngx_http_mfa_module);
    if (shm_zone == NULL) {
        return NGX_ERROR;
    }

    shm_zone->init = ngx_http_mfa_metrics_init_zone;

    return NGX_OK;
}


static ngx_int_t
ngx_http_mfa_metrics_init_zone(ngx_shm_zone_t *shm_zone, void *data)
{
    ngx_slab_pool_t  *shpool;

    if (data != NULL) {
        /* a reload: the counters go on */
        shm_zone->data = data;
        ngx_http_mfa_metrics = data;
        return NGX_OK;
    }

    shpool = (ngx_slab_pool_t *) shm_zone->shm.addr;

    ngx_http_mfa_metrics = ngx_slab_calloc(shpool,
                                           sizeof(ngx_http_mfa_metrics_shm_t));
    if (ngx_http_mfa_metrics == NULL) {
        return NGX_ERROR;
    }

    shm_zone->data = ngx_http_mfa_metrics;

    return NGX_OK;
}


void
ngx_http_mfa_metrics_decision(mfa_gate_decision_t *d)
{
    mfa_metric_decision_e  i;

    i = mfa_metrics_decision(d->action, d->status);

    if (ngx_http_mfa_metrics != NULL && i < MFA_METRIC_DECISIONS) {
        (void) ngx_atomic_fetch_add(&ngx_http_mfa_metrics->decisions[i], 1);
    }
}


void
ngx_http_mfa_metrics_cache(ngx_uint_t hits, ngx_uint_t misses)
{
    if (ngx_http_mfa_metrics == NULL) {
        return;
    }

    if (hits) {
        (void) ngx_atomic_fetch_add(&ngx_http_mfa_metrics->cache_hits, hits);
    }

    if (misses) {
        (void) ngx_atomic_fetch_add(&ngx_http_mfa_metrics->cache_misses,
                                    misses);
    }
}


uint64_t
ngx_http_mfa_metrics_now(void)
{
    struct timespec  ts;

    (void) clock_gettime(CLOCK_MONOTONIC, &ts);

    return (uint64_t) ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}


void
ngx_http_mfa_metrics_sent(void)
{
    if (ngx_http_mfa_metrics != NULL) {
        (void) ngx_atomic_fetch_add(&ngx_http_mfa_metrics->in_flight, 1);
    }
}


void
ngx_http_mfa_metrics_answered(uint64_t sent, ngx_uint_t replied)
{
    uint64_t                     us;
    ngx_http_mfa_metrics_shm_t  *m;

    m = ngx_http_mfa_metrics;

    if (m == NULL) {
        return;
    }

    (void) ngx_atomic_fetch_add(&m->in_flight, (ngx_atomic_int_t) -1);

    if (!replied) {
        (void) ngx_atomic_fetch_add(&m->errors[MFA_METRIC_NO_REPLY], 1);
        return;
    }

    us = ngx_http_mfa_metrics_now() - sent;

    (void) ngx_atomic_fetch_add(&m->round_trips[mfa_metrics_bucket(us)], 1);
    (void) ngx_atomic_fetch_add(&m->round_trip_us, (ngx_atomic_int_t) us);
}


void
ngx_http_mfa_metrics_error(mfa_metric_error_e e)
{
    if (ngx_http_mfa_metrics != NULL) {
        (void) ngx_atomic_fetch_add(&ngx_http_mfa_metrics->errors[e], 1);
    }
}


void
ngx_http_mfa_metrics_answer(ngx_uint_t kind)
{
    if (ngx_http_mfa_metrics != NULL && kind < MFA_METRIC_ANSWERS) {
        (void) ngx_atomic_fetch_add(&ngx_http_mfa_metrics->answers[kind], 1);
    }
}


void
ngx_http_mfa_metrics_reconnect(void)
{
    if (ngx_http_mfa_metrics != NULL) {
        (void) ngx_atomic_fetch_add(&ngx_http_mfa_metrics->reconnects, 1);
    }
}


char *
ngx_http_mfa_metrics_directive(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf)
{
    ngx_http_core_loc_conf_t  *clcf;
    ngx_http_mfa_main_conf_t  *mmcf;

    mmcf = ngx_http_conf_get_module_main_conf(cf, ngx_http_mfa_module);
    mmcf->metrics = 1;

    clcf = ngx_http_conf_get_module_loc_conf(cf, ngx_http_core_module);
    clcf->handler = ngx_http_mfa_metrics_handler;

    return NGX_CONF_OK;
}


static ngx_int_t
ngx_http_mfa_metrics_handler(ngx_http_request_t *r)
{
    size_t                       i;
    ngx_str_t                    body, type;
    mfa_buf_t                    b;
    mfa_metrics_t                m;
    ngx_http_mfa_metrics_shm_t  *shm;

    if (!(r->method & (NGX_HTTP_GET|NGX_HTTP_HEAD))) {
        return NGX_HTTP_NOT_ALLOWED;
    }

    shm = ngx_http_mfa_metrics;

    if (shm == NULL) {
        ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                      "mfa: \"mfa_metrics\" has no counters: the module is "
                      "not configured (no \"mfa_redis\")");
        return NGX_HTTP_NOT_FOUND;
    }

    /* each counter read once; they go on moving meanwhile */

    for (i = 0; i < MFA_METRIC_DECISIONS; i++) {
        m.decisions[i] = shm->decisions[i];
    }

    for (i = 0; i < MFA_METRIC_BUCKETS; i++) {
        m.round_trips[i] = shm->round_trips[i];
    }

    for (i = 0; i < MFA_METRIC_ERRORS; i++) {
        m.errors[i] = shm->errors[i];
    }

    for (i = 0; i < MFA_METRIC_ANSWERS; i++) {
        m.answers[i] = shm->answers[i];
    }

    m.cache_hits = shm->cache_hits;
    m.cache_misses = shm->cache_misses;
    m.round_trip_us = shm->round_trip_us;
    m.reconnects = shm->reconnects;
    m.in_flight = (int64_t) (ngx_atomic_int_t) shm->in_flight;

    body.data = ngx_pnalloc(r->pool, MFA_METRICS_TEXT_MAX);
    if (body.data == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    mfa_buf_init(&b, (char *) body.data, MFA_METRICS_TEXT_MAX);
    mfa_metrics_render(&m, &b);

    if (mfa_buf_status(&b) != MFA_OK) {
        ngx_log_error(NGX_LOG_ALERT, r->connection->log, 0,
                      "mfa: the metrics do not fit in %d bytes",
                      MFA_METRICS_TEXT_MAX);
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    body.len = b.len;
    ngx_str_set(&type, "text/plain; version=0.0.4; charset=utf-8");

    return ngx_http_mfa_send(r, NGX_HTTP_OK, &type, &body);
}
