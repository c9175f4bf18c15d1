
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


/* the replies' elements, by operation, as src/lua/store.lua returns them */

enum {                                  /* "pending" */
    NGX_HTTP_MFA_PENDING_SECRET = 0,
    NGX_HTTP_MFA_PENDING_TTL,
    NGX_HTTP_MFA_PENDING_REPLACE_OK,    /* 1: may replace the credential */
    NGX_HTTP_MFA_PENDING_COMPANY_NAME,
    NGX_HTTP_MFA_PENDING_N
};

enum {                                  /* "read" */
    NGX_HTTP_MFA_READ_SINCE = 0,        /* nil: not enrolled */
    NGX_HTTP_MFA_READ_SECRET,
    NGX_HTTP_MFA_READ_STEP,             /* the last TOTP step used */
    NGX_HTTP_MFA_READ_CODES_LEFT,
    NGX_HTTP_MFA_READ_LOCK_LEFT,        /* seconds */
    NGX_HTTP_MFA_READ_PENDING,
    NGX_HTTP_MFA_READ_GEN,
    NGX_HTTP_MFA_READ_TOTP,             /* the TOTP parameters */
    NGX_HTTP_MFA_READ_RECOVERY,         /* the recovery-code set */
    NGX_HTTP_MFA_READ_COMPANY_NAME,
    NGX_HTTP_MFA_READ_N
};

enum {                                  /* "attempt" */
    NGX_HTTP_MFA_ATTEMPT_STATUS = 0,    /* NGX_HTTP_MFA_ATTEMPT_* below */
    NGX_HTTP_MFA_ATTEMPT_VALUE,         /* codes left, or lockout seconds */
    NGX_HTTP_MFA_ATTEMPT_N
};

#define NGX_HTTP_MFA_ATTEMPT_FAILED   '0'
#define NGX_HTTP_MFA_ATTEMPT_DONE     '1'
#define NGX_HTTP_MFA_ATTEMPT_LOCKED   '2'   /* before trying */
#define NGX_HTTP_MFA_ATTEMPT_CHANGED  '3'   /* secret or codes changed */

enum {                                  /* "company" */
    NGX_HTTP_MFA_COMPANY_EXISTS = 0,
    NGX_HTTP_MFA_COMPANY_REQUIRE,
    NGX_HTTP_MFA_COMPANY_CHANGED_BY,
    NGX_HTTP_MFA_COMPANY_CHANGED_AT,
    NGX_HTTP_MFA_COMPANY_MEMBERS_KNOWN,
    NGX_HTTP_MFA_COMPANY_MEMBERS_TOTAL,
    NGX_HTTP_MFA_COMPANY_MEMBERS,       /* the list: id, since, until... */
    NGX_HTTP_MFA_COMPANY_NAME,
    NGX_HTTP_MFA_COMPANY_N
};

/* "policy": one element, NGX_HTTP_MFA_POLICY_STATUS, one of these */
#define NGX_HTTP_MFA_POLICY_STATUS    0
#define NGX_HTTP_MFA_POLICY_UNKNOWN   '0'   /* no such company */
#define NGX_HTTP_MFA_POLICY_DONE      '1'
#define NGX_HTTP_MFA_POLICY_RATE      '2'   /* too many changes a minute */

/* the reply's element i is the one-digit integer c */
#define ngx_http_mfa_store_is(st, i, c)                                      \
    ((st)->res[i].len == 1 && (st)->res[i].data[0] == (c))


typedef struct {
    ngx_http_mfa_ctx_t  *ctx;
    const char          *op;
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
    /* written, but not confirmed by the replicas ("mfa_redis_replicas") */
    unsigned             unsaved:1;
    unsigned             writes:1;      /* the operation may write */
} ngx_http_mfa_store_t;


void ngx_http_mfa_store_init(void);

/*
 * Fills the fixed arguments for the request's user and session; "op" is
 * "pending", "read", "attempt", "company" or "policy" (see the script).
 */
ngx_int_t ngx_http_mfa_store_start(ngx_http_request_t *r,
    ngx_http_mfa_store_t *st, const char *op, ngx_str_t *digest);

/* appends the key "<prefix><id><suffix>" as an argument */
ngx_int_t ngx_http_mfa_store_key(ngx_http_request_t *r,
    ngx_http_mfa_store_t *st, ngx_str_t *prefix, u_char *id, size_t len,
    const char *suffix);

/* appends an argument; the data must outlive the query */
void ngx_http_mfa_store_arg(ngx_http_mfa_store_t *st, const void *data,
    size_t len);

/*
 * Sends the operation.  The reply is copied into st->res, then the
 * request's write event is posted: for an operation that writes, once
 * the replicas asked for by "mfa_redis_replicas" have it (or st->failed
 * and st->unsaved are set).  NGX_ERROR when Redis is unreachable now
 * (st->failed is set).
 */
ngx_int_t ngx_http_mfa_store_send(ngx_http_request_t *r,
    ngx_http_mfa_ctx_t *ctx, ngx_http_mfa_store_t *st);


#endif /* _NGX_HTTP_MFA_STORE_H_INCLUDED_ */
