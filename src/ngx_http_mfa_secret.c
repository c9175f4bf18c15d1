
/*
 * ngx_http_mfa_module: secrets read from the configuration (the master
 * keys, the API token, the Redis password, the frameworks' cookie
 * secrets) live in pages of their own that core dumps leave out
 * (MADV_DONTDUMP), and are wiped when the configuration that read them is
 * released (a reload, the exit).
 */


#include <ngx_config.h>
#include <ngx_core.h>

#include <openssl/crypto.h>

#include "ngx_http_mfa.h"


typedef struct {
    void    *data;
    size_t   size;
} ngx_http_mfa_secret_t;


static void ngx_http_mfa_secret_free(void *data);


void *
ngx_http_mfa_secret_alloc(ngx_conf_t *cf, size_t size)
{
    void                   *p;
    ngx_pool_cleanup_t     *cln;
    ngx_http_mfa_secret_t  *s;

    size = ngx_align(size ? size : 1, ngx_pagesize);

    cln = ngx_pool_cleanup_add(cf->pool, sizeof(ngx_http_mfa_secret_t));
    if (cln == NULL) {
        return NULL;
    }

    p = ngx_memalign(ngx_pagesize, size, cf->log);
    if (p == NULL) {
        return NULL;
    }

    ngx_memzero(p, size);

#if defined(MADV_DONTDUMP)
    if (madvise(p, size, MADV_DONTDUMP) != 0) {
        ngx_conf_log_error(NGX_LOG_WARN, cf, ngx_errno,
                           "mfa: madvise(MADV_DONTDUMP) failed: secrets may "
                           "appear in core dumps");
    }
#endif

    s = cln->data;
    s->data = p;
    s->size = size;
    cln->handler = ngx_http_mfa_secret_free;

    return p;
}


static void
ngx_http_mfa_secret_free(void *data)
{
    ngx_http_mfa_secret_t  *s = data;

    OPENSSL_cleanse(s->data, s->size);
    ngx_free(s->data);
}
