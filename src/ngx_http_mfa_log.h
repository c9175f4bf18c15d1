
/*
 * ngx_http_mfa_module: log lines that any client can make repeat at will
 * (a Redis outage, a wrong bearer token, a forged form) are written at
 * most once a second per kind, with how many were not.
 */


#ifndef _NGX_HTTP_MFA_LOG_H_INCLUDED_
#define _NGX_HTTP_MFA_LOG_H_INCLUDED_


#include <ngx_config.h>
#include <ngx_core.h>


/* one kind of line: a static of the code that logs it, in each worker */
typedef struct {
    ngx_msec_t  last;
    ngx_uint_t  unlogged;
} ngx_http_mfa_log_limit_t;


/*
 * Whether a line of this kind may be written now; if so, *unlogged is how
 * many were not since the last one, else it is counted.
 */
ngx_uint_t ngx_http_mfa_log_due(ngx_http_mfa_log_limit_t *limit,
    ngx_uint_t *unlogged);


/*
 * The same, for a line whose text requests choose (a session record that
 * does not read, say): each text at most once a second, the counts of the
 * 16 texts seen last kept.
 */
ngx_uint_t ngx_http_mfa_log_due_text(const char *text, ngx_uint_t *unlogged);

/* "mfa: <text>", with how many such lines were not written */
void ngx_http_mfa_log_repeated(ngx_log_t *log, ngx_uint_t level,
    const char *text, ngx_uint_t unlogged);


#endif /* _NGX_HTTP_MFA_LOG_H_INCLUDED_ */
