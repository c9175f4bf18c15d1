
/*
 * ngx_http_mfa_module: the pages' reads and writes of the user's 2FA
 * state, each one atomic script in Redis.
 */


#ifndef _NGX_HTTP_MFA_STORE_H_INCLUDED_
#define _NGX_HTTP_MFA_STORE_H_INCLUDED_


#include "ngx_http_mfa.h"


/* the arguments every operation starts with, in order */
enum {
    NGX_HTTP_MFA_STORE_COMMAND = 0,     /* EVALSHA or EVAL */
    NGX_HTTP_MFA_STORE_SCRIPT,
    NGX_HTTP_MFA_STORE_NUMKEYS,
    NGX_HTTP_MFA_STORE_OP,              /* ARGV[1] */
    NGX_HTTP_MFA_STORE_USER_KEY,
    NGX_HTTP_MFA_STORE_USER,
    NGX_HTTP_MFA_STORE_NOW,
    NGX_HTTP_MFA_STORE_PENDING_KEY,
    NGX_HTTP_MFA_STORE_VERIFIED_KEY,
    NGX_HTTP_MFA_STORE_VERIFIED_TTL,
    NGX_HTTP_MFA_STORE_AUDIT_KEY,
    NGX_HTTP_MFA_STORE_ADDR_KEY,
    NGX_HTTP_MFA_STORE_COMPANY,
    NGX_HTTP_MFA_STORE_ADDR,
    NGX_HTTP_MFA_STORE_FIXED            /* then the operation's own */
};

#define NGX_HTTP_MFA_STORE_MAX_ARGS   48
#define NGX_HTTP_MFA_STORE_MAX_RES    10


typedef struct {
    ngx_http_mfa_ctx_t  *ctx;
    ngx_uint_t           argc;
    const char          *argv[NGX_HTTP_MFA_STORE_MAX_ARGS];
    size_t               argvlen[NGX_HTTP_MFA_STORE_MAX_ARGS];
    /* the reply: strings (integers in decimal), data NULL for nil */
    ngx_str_t            res[NGX_HTTP_MFA_STORE_MAX_RES];
    ngx_uint_t           nres;
    /* an array in the reply (its place in res is nil) */
    ngx_str_t           *list;
    ngx_uint_t           nlist;
    unsigned             failed:1;      /* no reply, or an error reply */
} ngx_http_mfa_store_t;


void ngx_http_mfa_store_init(void);

/*
 * Fills the fixed arguments for the request's user and session; "op" is
 * "pending", "read", "attempt", "company" or "policy" (see the script).
 */
ngx_int_t ngx_http_mfa_store_start(ngx_http_request_t *r,
    ngx_http_mfa_store_t *st, const char *op, ngx_str_t *digest);

/* appends an argument; the data must outlive the query */
void ngx_http_mfa_store_arg(ngx_http_mfa_store_t *st, const void *data,
    size_t len);

/*
 * Sends the operation.  The reply is copied into st->res, then the
 * request's write event is posted.  NGX_ERROR when Redis is unreachable
 * now (st->failed is set).
 */
ngx_int_t ngx_http_mfa_store_send(ngx_http_request_t *r,
    ngx_http_mfa_ctx_t *ctx, ngx_http_mfa_store_t *st);


#endif /* _NGX_HTTP_MFA_STORE_H_INCLUDED_ */
