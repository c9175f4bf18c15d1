
/*
 * ngx_http_mfa_module: the request's context, which outlives internal
 * redirects (they clear r->ctx) in a pool cleanup, so that a request is
 * decided once, and its Redis query is detached when it goes away.
 */


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include "ngx_http_mfa.h"
#include "ngx_http_mfa_redis.h"


static void ngx_http_mfa_ctx_cleanup(void *data);


/* the context, found again after an internal redirect cleared r->ctx */

ngx_http_mfa_ctx_t *
ngx_http_mfa_get_ctx(ngx_http_request_t *r)
{
    ngx_pool_cleanup_t  *cln;
    ngx_http_mfa_ctx_t  *ctx;

    ctx = ngx_http_get_module_ctx(r, ngx_http_mfa_module);

    if (ctx != NULL || (!r->internal && r == r->main)) {
        return ctx;
    }

    for (cln = r->pool->cleanup; cln; cln = cln->next) {
        if (cln->handler == ngx_http_mfa_ctx_cleanup) {
            ctx = cln->data;
            ngx_http_set_ctx(r, ctx, ngx_http_mfa_module);
            return ctx;
        }
    }

    return NULL;
}


ngx_http_mfa_ctx_t *
ngx_http_mfa_create_ctx(ngx_http_request_t *r)
{
    ngx_pool_cleanup_t  *cln;
    ngx_http_mfa_ctx_t  *ctx;

    ctx = ngx_pcalloc(r->pool, sizeof(ngx_http_mfa_ctx_t));
    if (ctx == NULL) {
        return NULL;
    }

    cln = ngx_pool_cleanup_add(r->pool, 0);
    if (cln == NULL) {
        return NULL;
    }

    cln->handler = ngx_http_mfa_ctx_cleanup;
    cln->data = ctx;

    ngx_http_set_ctx(r, ctx, ngx_http_mfa_module);

    return ctx;
}


static void
ngx_http_mfa_ctx_cleanup(void *data)
{
    ngx_http_mfa_ctx_t  *ctx = data;

    if (ctx->query != NULL) {
        ngx_http_mfa_redis_detach(ctx->query);
        ctx->query = NULL;
    }
}


/* a context started over: its query, if any, detached first */

void
ngx_http_mfa_ctx_reset(ngx_http_mfa_ctx_t *ctx)
{
    ngx_http_mfa_ctx_cleanup(ctx);
    ngx_memzero(ctx, sizeof(ngx_http_mfa_ctx_t));
}
