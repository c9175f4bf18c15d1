
/*
 * ngx_http_mfa_module: at most one line a second of each kind that
 * requests can repeat (see ngx_http_mfa_log.h).
 */


#include <ngx_config.h>
#include <ngx_core.h>

#include "ngx_http_mfa_log.h"


#define NGX_HTTP_MFA_LOG_TEXTS  16


typedef struct {
    uint32_t                  hash;
    ngx_http_mfa_log_limit_t  limit;
} ngx_http_mfa_log_text_t;


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


ngx_uint_t
ngx_http_mfa_log_due_text(const char *text, ngx_uint_t *unlogged)
{
    uint32_t                  hash;
    ngx_uint_t                i, oldest;
    ngx_http_mfa_log_text_t  *t;

    static ngx_http_mfa_log_text_t  texts[NGX_HTTP_MFA_LOG_TEXTS];

    hash = ngx_crc32_short((u_char *) text, ngx_strlen(text));
    oldest = 0;

    for (i = 0; i < NGX_HTTP_MFA_LOG_TEXTS; i++) {
        if (texts[i].limit.last != 0 && texts[i].hash == hash) {
            return ngx_http_mfa_log_due(&texts[i].limit, unlogged);
        }

        if (texts[i].limit.last < texts[oldest].limit.last) {
            oldest = i;
        }
    }

    /* a text not seen lately takes the place of the oldest */

    t = &texts[oldest];
    t->hash = hash;
    t->limit.last = 0;
    t->limit.unlogged = 0;

    return ngx_http_mfa_log_due(&t->limit, unlogged);
}


void
ngx_http_mfa_log_repeated(ngx_log_t *log, ngx_uint_t level, const char *text,
    ngx_uint_t unlogged)
{
    if (unlogged == 0) {
        ngx_log_error(level, log, 0, "mfa: %s", text);
        return;
    }

    ngx_log_error(level, log, 0, "mfa: %s (and %ui more times since the "
                  "last such line)", text, unlogged);
}
