
/*
 * ngx_http_mfa_module: the counters "mfa_metrics" prints, summed over the
 * workers in a shared memory zone (ngx_http_mfa_metrics.c).  Every call is
 * a no-op until the zone exists.
 */


#ifndef _NGX_HTTP_MFA_METRICS_H_INCLUDED_
#define _NGX_HTTP_MFA_METRICS_H_INCLUDED_


#include <ngx_config.h>
#include <ngx_core.h>

#include "mfa_metrics.h"


ngx_int_t ngx_http_mfa_metrics_zone(ngx_conf_t *cf);
char *ngx_http_mfa_metrics_directive(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);

void ngx_http_mfa_metrics_decision(mfa_gate_decision_t *d);
void ngx_http_mfa_metrics_cache(ngx_uint_t hits, ngx_uint_t misses);

/* a monotonic clock in microseconds, for round trips */
uint64_t ngx_http_mfa_metrics_now(void);
void ngx_http_mfa_metrics_sent(void);
/* a query sent at "sent" is over: answered (replied) or not */
void ngx_http_mfa_metrics_answered(uint64_t sent, ngx_uint_t replied);
void ngx_http_mfa_metrics_error(mfa_metric_error_e e);
void ngx_http_mfa_metrics_reconnect(void);
/* an answer to "mfa_session_introspect", as mfa_introspect_e */
void ngx_http_mfa_metrics_answer(ngx_uint_t kind);


#endif /* _NGX_HTTP_MFA_METRICS_H_INCLUDED_ */
