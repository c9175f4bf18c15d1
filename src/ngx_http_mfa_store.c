
/*
 * ngx_http_mfa_module: the pages' Redis script (src/lua/store.lua, which
 * says what each operation takes and answers), sent and its reply copied.
 *
 * Everything that must not race happens inside one script run: the
 * lockout check, the replay check of a TOTP step, the use of a recovery
 * code, the failure counters, and the change that follows a right code
 * (enrolment, verification, disable, new recovery codes) with its audit
 * entry.  The codes themselves are checked in nginx, which holds the key
 * that opens the secrets; the script only sees the sealed secret it must
 * still find in place, the step that matched, and keyed hashes.
 */


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include <openssl/sha.h>

#include "ngx_http_mfa_store.h"
#include "lua/store.h"


/* an IPv6 /64 network: "xxxx:...::/64" */
#define NGX_HTTP_MFA_ADDR_KEY_LEN  (NGX_INET6_ADDRSTRLEN + 3)


static u_char *ngx_http_mfa_store_addr(ngx_connection_t *c, u_char *p);
static void ngx_http_mfa_store_done(void *data, redisReply *reply);
static void ngx_http_mfa_store_confirmed(void *data, ngx_uint_t done);
static ngx_int_t ngx_http_mfa_store_copy(ngx_http_request_t *r,
    ngx_http_mfa_store_t *st, redisReply *reply);
static ngx_int_t ngx_http_mfa_store_str(ngx_http_request_t *r, ngx_str_t *s,
    redisReply *e);
static ngx_int_t ngx_http_mfa_store_list(ngx_http_request_t *r,
    ngx_http_mfa_store_t *st, redisReply *reply);


static u_char  ngx_http_mfa_store_sha[SHA_DIGEST_LENGTH * 2];


void
ngx_http_mfa_store_init(void)
{
    u_char  md[SHA_DIGEST_LENGTH];

    SHA1((u_char *) mfa_lua_store,
         sizeof(mfa_lua_store) - 1, md);
    ngx_hex_dump(ngx_http_mfa_store_sha, md, SHA_DIGEST_LENGTH);
}


ngx_int_t
ngx_http_mfa_store_start(ngx_http_request_t *r, ngx_http_mfa_store_t *st,
    const char *op, ngx_str_t *digest)
{
    u_char                    *p, *start;
    size_t                     len;
    ngx_str_t                 *addr;
    ngx_http_mfa_ctx_t        *ctx;
    mfa_session_value_t       *user, *company;
    ngx_http_mfa_loc_conf_t   *mlcf;
    ngx_http_mfa_main_conf_t  *mmcf;

    mlcf = ngx_http_get_module_loc_conf(r, ngx_http_mfa_module);
    mmcf = ngx_http_get_module_main_conf(r, ngx_http_mfa_module);
    ctx = ngx_http_get_module_ctx(r, ngx_http_mfa_module);

    user = &ctx->identity.user;
    company = &ctx->identity.company;
    addr = &r->connection->addr_text;

    /* the numbers and the client's key */

    len = 2 * NGX_TIME_T_LEN + mmcf->key_addr.len
          + ngx_max(addr->len, NGX_HTTP_MFA_ADDR_KEY_LEN);

    p = ngx_pnalloc(r->pool, len);
    if (p == NULL) {
        return NGX_ERROR;
    }

    st->argc = NGX_HTTP_MFA_STORE_NUMKEYS;
    st->op = op;
    st->failed = 0;
    st->unsaved = 0;

    /* "read" and "company" only read: no replica need confirm them */
    st->writes = ngx_strcmp(op, "read") != 0
                 && ngx_strcmp(op, "company") != 0;
    st->list = NULL;
    st->nlist = 0;

    ngx_http_mfa_store_arg(st, "0", 1);
    ngx_http_mfa_store_arg(st, op, ngx_strlen(op));

    if (ngx_http_mfa_store_key(r, st, &mmcf->key_user,
                               (u_char *) user->data, user->len, "")
        != NGX_OK)
    {
        return NGX_ERROR;
    }

    ngx_http_mfa_store_arg(st, user->data, user->len);

    st->argv[st->argc] = (char *) p;
    p = ngx_sprintf(p, "%T", ngx_time());
    st->argvlen[st->argc] = p - (u_char *) st->argv[st->argc];
    st->argc++;

    if (ngx_http_mfa_store_key(r, st, &mmcf->key_pending, digest->data,
                               digest->len, "")
        != NGX_OK
        || ngx_http_mfa_store_key(r, st, &mmcf->key_verified, digest->data,
                                  digest->len, "")
           != NGX_OK)
    {
        return NGX_ERROR;
    }

    st->argv[st->argc] = (char *) p;
    p = ngx_sprintf(p, "%T", mlcf->verified_ttl);
    st->argvlen[st->argc] = p - (u_char *) st->argv[st->argc];
    st->argc++;

    ngx_http_mfa_store_arg(st, mmcf->key_audit.data, mmcf->key_audit.len);

    start = p;
    p = ngx_cpymem(p, mmcf->key_addr.data, mmcf->key_addr.len);
    p = ngx_http_mfa_store_addr(r->connection, p);
    ngx_http_mfa_store_arg(st, start, p - start);

    ngx_http_mfa_store_arg(st, company->data,
                           company->found ? company->len : 0);
    ngx_http_mfa_store_arg(st, addr->data, addr->len);

    return NGX_OK;
}


/* a key argument: "<prefix><id><suffix>" (prefix: "<mfa_prefix>user:"...) */

ngx_int_t
ngx_http_mfa_store_key(ngx_http_request_t *r, ngx_http_mfa_store_t *st,
    ngx_str_t *prefix, u_char *id, size_t len, const char *suffix)
{
    char       *p, *last;
    mfa_str_t   pre, name;

    pre.data = (const char *) prefix->data;
    pre.len = prefix->len;
    name.data = (const char *) id;
    name.len = len;

    p = ngx_pnalloc(r->pool, mfa_key_len(pre, name, suffix));
    if (p == NULL) {
        return NGX_ERROR;
    }

    last = mfa_key_write(p, pre, name, suffix);

    ngx_http_mfa_store_arg(st, (u_char *) p, last - p);

    return NGX_OK;
}


/*
 * What the per-address limit counts: the client's IPv4 address, or the
 * /64 network of an IPv6 one (one site, or one customer of an ISP, holds
 * a whole /64).  IPv4-mapped IPv6 addresses count as IPv4.
 */

static u_char *
ngx_http_mfa_store_addr(ngx_connection_t *c, u_char *p)
{
#if (NGX_HAVE_INET6)
    u_char                net[16];
    struct sockaddr_in6  *sin6;

    if (c->sockaddr->sa_family == AF_INET6) {
        sin6 = (struct sockaddr_in6 *) c->sockaddr;

        if (!IN6_IS_ADDR_V4MAPPED(&sin6->sin6_addr)) {
            ngx_memcpy(net, sin6->sin6_addr.s6_addr, 8);
            ngx_memzero(net + 8, 8);

            p += ngx_inet6_ntop(net, p, NGX_INET6_ADDRSTRLEN);

            return ngx_cpymem(p, "/64", 3);
        }
    }
#endif

    return ngx_cpymem(p, c->addr_text.data, c->addr_text.len);
}


void
ngx_http_mfa_store_arg(ngx_http_mfa_store_t *st, const void *data,
    size_t len)
{
    if (st->argc >= NGX_HTTP_MFA_STORE_MAX_ARGS) {
        /* a programming error: the arrays are sized for every operation */
        st->failed = 1;
        return;
    }

    /* hiredis wants a pointer even for an empty argument */

    st->argv[st->argc] = len ? data : "";
    st->argvlen[st->argc] = len;
    st->argc++;
}


ngx_int_t
ngx_http_mfa_store_send(ngx_http_request_t *r, ngx_http_mfa_ctx_t *ctx,
    ngx_http_mfa_store_t *st)
{
    ngx_str_t  script, sha;

    if (st->failed) {
        return NGX_ERROR;
    }

    script.data = (u_char *) mfa_lua_store;
    script.len = sizeof(mfa_lua_store) - 1;
    sha.data = ngx_http_mfa_store_sha;
    sha.len = sizeof(ngx_http_mfa_store_sha);

    st->ctx = ctx;
    ctx->request = r;
    ctx->query = ngx_http_mfa_redis_script(r->connection->log, &script, &sha,
                                           st->argc, st->argv, st->argvlen,
                                           ngx_http_mfa_store_done,
                                           st->writes
                                           ? ngx_http_mfa_store_confirmed
                                           : NULL, st);

    if (ctx->query == NULL) {
        st->failed = 1;
        return NGX_ERROR;
    }

    ctx->waiting = 1;

    return NGX_OK;
}


static void
ngx_http_mfa_store_done(void *data, redisReply *reply)
{
    ngx_http_mfa_store_t  *st = data;

    ngx_http_request_t  *r;
    ngx_http_mfa_ctx_t  *ctx;

    ctx = st->ctx;
    r = ctx->request;

    if (reply == NULL) {
        st->failed = 1;

    } else if (reply->type == REDIS_REPLY_ERROR) {
        ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                      "mfa: Redis answered a page's operation with an "
                      "error: %*s", (size_t) ngx_min(reply->len, 200),
                      reply->str);
        st->failed = 1;

    } else if (ngx_http_mfa_store_copy(r, st, reply) != NGX_OK) {
        st->failed = 1;
    }

    if (!st->writes) {
        ngx_http_mfa_store_confirmed(st, 1);
    }
}


/* a write is told done only once Redis (and its replicas) have it */

static void
ngx_http_mfa_store_confirmed(void *data, ngx_uint_t done)
{
    ngx_http_mfa_store_t  *st = data;

    ngx_http_request_t  *r;
    ngx_http_mfa_ctx_t  *ctx;

    ctx = st->ctx;
    r = ctx->request;
    ctx->query = NULL;

    /*
     * written, but no replica confirmed it: a failover may lose it.  An
     * outcome that changed nothing the user is told of (a wrong code and
     * its count, a lockout, a refused policy change) is told as it is.
     */

    if (!done && !st->failed
        && (ngx_strcmp(st->op, "pending") == 0
            || ngx_http_mfa_store_is(st, 0, '1')))
    {
        st->failed = 1;
        st->unsaved = 1;
    }

    ctx->waiting = 0;

    /* phases are not run from hiredis's callback but from a posted event */

    ngx_post_event(r->connection->write, &ngx_posted_events);
}


static ngx_int_t
ngx_http_mfa_store_copy(ngx_http_request_t *r, ngx_http_mfa_store_t *st,
    redisReply *reply)
{
    size_t       i;
    ngx_str_t   *s;
    redisReply  *e;

    if (reply->type != REDIS_REPLY_ARRAY
        || reply->elements > NGX_HTTP_MFA_STORE_MAX_RES)
    {
        ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                      "mfa: unexpected reply to a page's operation");
        return NGX_ERROR;
    }

    for (i = 0; i < reply->elements; i++) {
        e = reply->element[i];
        s = &st->res[i];

        switch (e->type) {

        case REDIS_REPLY_INTEGER:
            s->data = ngx_pnalloc(r->pool, NGX_INT64_LEN);
            if (s->data == NULL) {
                return NGX_ERROR;
            }

            s->len = ngx_sprintf(s->data, "%L", e->integer) - s->data;
            break;

        case REDIS_REPLY_STRING:
            if (ngx_http_mfa_store_str(r, s, e) != NGX_OK) {
                return NGX_ERROR;
            }

            break;

        case REDIS_REPLY_ARRAY:
            if (st->list != NULL
                || ngx_http_mfa_store_list(r, st, e) != NGX_OK)
            {
                return NGX_ERROR;
            }

            s->data = NULL;
            s->len = 0;
            break;

        default: /* nil */
            s->data = NULL;
            s->len = 0;
            break;
        }
    }

    st->nres = reply->elements;

    return NGX_OK;
}


/* a string of the reply, copied NUL-terminated for the core */

static ngx_int_t
ngx_http_mfa_store_str(ngx_http_request_t *r, ngx_str_t *s, redisReply *e)
{
    s->data = ngx_pnalloc(r->pool, e->len + 1);
    if (s->data == NULL) {
        return NGX_ERROR;
    }

    ngx_memcpy(s->data, e->str, e->len);
    s->data[e->len] = '\0';
    s->len = e->len;

    return NGX_OK;
}


/* the one array a reply may hold: strings (others are left empty) */

static ngx_int_t
ngx_http_mfa_store_list(ngx_http_request_t *r, ngx_http_mfa_store_t *st,
    redisReply *reply)
{
    size_t       i;
    ngx_str_t   *s;
    redisReply  *e;

    st->list = ngx_pcalloc(r->pool, (reply->elements + 1) * sizeof(ngx_str_t));
    if (st->list == NULL) {
        return NGX_ERROR;
    }

    for (i = 0; i < reply->elements; i++) {
        e = reply->element[i];
        s = &st->list[i];

        if (e->type == REDIS_REPLY_STRING
            && ngx_http_mfa_store_str(r, s, e) != NGX_OK)
        {
            return NGX_ERROR;
        }
    }

    st->nlist = reply->elements;

    return NGX_OK;
}
