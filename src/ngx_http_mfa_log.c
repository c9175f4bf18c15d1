
/*
 * ngx_http_mfa_module: at most one line a second of each kind that
 * requests can repeat (see ngx_http_mfa_log.h).
 */


#include <ngx_config.h>
#include <ngx_core.h>

#include "ngx_http_mfa_log.h"


ngx_uint_t
ngx_http_mfa_log_due(ngx_http_mfa_log_limit_t *limit, ngx_uint_t *unlogged)
{
    if (limit->last != 0 && ngx_current_msec - limit->last < 1000) {
        limit->unlogged++;
        return 0;
    }

    *unlogged = limit->unlogged;
    limit->last = ngx_current_msec;
    limit->unlogged = 0;

    return 1;
}
