
/*
 * ngx_http_mfa_module: a page's Redis steps.  A page sends one store
 * operation at a time (src/lua/store.lua) and names the step that reads
 * its reply; the reply wakes the request up through a posted write event,
 * never from inside hiredis, and the step runs then.
 */


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include "ngx_http_mfa_page.h"


/* sends the prepared store operation; "next" runs with its reply */

void
ngx_http_mfa_pages_query(ngx_http_request_t *r, ngx_http_mfa_page_t *pg,
    ngx_http_mfa_step_pt next)
{
    ngx_http_mfa_ctx_t  *ctx;

    ctx = ngx_http_get_module_ctx(r, ngx_http_mfa_module);

    pg->next = next;

    if (ngx_http_mfa_store_send(r, ctx, &pg->store) != NGX_OK) {
        pg->next = NULL;
        next(r, pg);
    }
}


/* a Redis reply arrived (a posted write event): run the next step */

void
ngx_http_mfa_pages_resume(ngx_http_request_t *r)
{
    ngx_http_mfa_ctx_t    *ctx;
    ngx_http_mfa_step_pt   next;

    ctx = ngx_http_get_module_ctx(r, ngx_http_mfa_module);

    if (ctx == NULL || ctx->waiting || ctx->page == NULL
        || ctx->page->next == NULL)
    {
        return;
    }

    next = ctx->page->next;
    ctx->page->next = NULL;

    next(r, ctx->page);
}
