
/*
 * ngx_http_mfa_module: the request and response headers the module reads,
 * adds, removes and rewrites, and the small responses it sends itself.
 */


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include "ngx_http_mfa.h"
#include "ngx_http_mfa_log.h"
#include "mfa_url.h"


static ngx_uint_t ngx_http_mfa_named(ngx_table_elt_t *h, const char *name,
    size_t len);


/* a header named so in any case, "_" standing for "-" */

static ngx_uint_t
ngx_http_mfa_named(ngx_table_elt_t *h, const char *name, size_t len)
{
    size_t  i;
    u_char  c;

    if (h->key.len != len) {
        return 0;
    }

    for (i = 0; i < len; i++) {
        c = ngx_tolower(h->key.data[i]);

        if (c == '_') {
            c = '-';
        }

        if (c != (u_char) name[i]) {
            return 0;
        }
    }

    return 1;
}


/*
 * "X-MFA-User", "X-MFA-Status" and "X-MFA-Introspection" (which the
 * location of "mfa_session_introspect" may set for the app's route to
 * know it is asked by nginx) in any case, and with "_" for "-", which
 * FastCGI and uwsgi back ends read alike ("underscores_in_headers on")
 */

ngx_uint_t
ngx_http_mfa_own_header(ngx_table_elt_t *h)
{
    return ngx_http_mfa_named(h, "x-mfa-user", sizeof("x-mfa-user") - 1)
           || ngx_http_mfa_named(h, "x-mfa-status",
                                 sizeof("x-mfa-status") - 1)
           || ngx_http_mfa_named(h, "x-mfa-introspection",
                                 sizeof("x-mfa-introspection") - 1);
}


ngx_uint_t
ngx_http_mfa_is_cookie(ngx_table_elt_t *h)
{
    return h->key.len == sizeof("Cookie") - 1
           && ngx_strncasecmp(h->key.data, (u_char *) "Cookie",
                              sizeof("Cookie") - 1) == 0;
}


/*
 * The request's header list without the headers drop() picks, and with
 * add (when not NULL) at its end; *added points to add's place in it.
 * The list is rebuilt in place, since its "last" points into itself.
 */

ngx_int_t
ngx_http_mfa_rebuild_headers(ngx_http_request_t *r,
    ngx_uint_t (*drop)(ngx_table_elt_t *h), ngx_table_elt_t *add,
    ngx_table_elt_t **added)
{
    ngx_uint_t        i, n, found;
    ngx_array_t       keep;
    ngx_list_part_t  *part;
    ngx_table_elt_t  *h, *e;

    n = 0;
    found = (add != NULL);

    for (part = &r->headers_in.headers.part; part; part = part->next) {
        h = part->elts;

        for (i = 0; i < part->nelts; i++) {
            n++;

            if (drop(&h[i])) {
                found = 1;
            }
        }
    }

    if (!found) {
        return NGX_OK;
    }

    if (ngx_array_init(&keep, r->pool, n + 1, sizeof(ngx_table_elt_t))
        != NGX_OK)
    {
        return NGX_ERROR;
    }

    for (part = &r->headers_in.headers.part; part; part = part->next) {
        h = part->elts;

        for (i = 0; i < part->nelts; i++) {
            if (!drop(&h[i])) {
                e = ngx_array_push(&keep);
                *e = h[i];
            }
        }
    }

    if (add != NULL) {
        e = ngx_array_push(&keep);
        *e = *add;
    }

    if (ngx_list_init(&r->headers_in.headers, r->pool, n + 2,
                      sizeof(ngx_table_elt_t))
        != NGX_OK)
    {
        return NGX_ERROR;
    }

    e = keep.elts;

    for (i = 0; i < keep.nelts; i++) {
        h = ngx_list_push(&r->headers_in.headers);
        if (h == NULL) {
            return NGX_ERROR;
        }

        *h = e[i];

        if (add != NULL && i == keep.nelts - 1) {
            *added = h;
        }
    }

    return NGX_OK;
}


/* client-sent copies of the headers the gate sets are never passed on */

ngx_int_t
ngx_http_mfa_strip_headers(ngx_http_request_t *r)
{
    return ngx_http_mfa_rebuild_headers(r, ngx_http_mfa_own_header, NULL,
                                        NULL);
}


/* a request header for the upstream, value copied; the name's hash is
   computed at its first use, its strings are not copied */

ngx_int_t
ngx_http_mfa_add_header(ngx_http_request_t *r,
    ngx_http_mfa_header_name_t *name, u_char *value, size_t len)
{
    ngx_table_elt_t  *h;

    if (r->headers_in.headers.last == NULL) {
        /* an HTTP/0.9 request: nginx made no list of headers */
        if (ngx_list_init(&r->headers_in.headers, r->pool, 2,
                          sizeof(ngx_table_elt_t))
            != NGX_OK)
        {
            return NGX_ERROR;
        }
    }

    h = ngx_list_push(&r->headers_in.headers);
    if (h == NULL) {
        return NGX_ERROR;
    }

    if (name->hash == 0) {
        name->hash = ngx_hash_key(name->lowcase.data, name->lowcase.len);
    }

    h->key = name->key;
    h->lowcase_key = name->lowcase.data;
    h->hash = name->hash;
    h->value.len = len;
    h->value.data = ngx_pnalloc(r->pool, len);
    if (h->value.data == NULL) {
        return NGX_ERROR;
    }

    ngx_memcpy(h->value.data, value, len);

#if (nginx_version >= 1023000)
    h->next = NULL;
#endif

    return NGX_OK;
}


ngx_int_t
ngx_http_mfa_set_header(ngx_http_request_t *r, char *key, char *value)
{
    ngx_table_elt_t  *h;

    h = ngx_list_push(&r->headers_out.headers);
    if (h == NULL) {
        return NGX_ERROR;
    }

    h->hash = 1;
    h->key.data = (u_char *) key;
    h->key.len = ngx_strlen(key);
    h->value.data = (u_char *) value;
    h->value.len = ngx_strlen(value);
#if (nginx_version >= 1023000)
    h->next = NULL;
#endif

    return NGX_OK;
}


mfa_str_t
ngx_http_mfa_header_in(ngx_http_request_t *r, char *name)
{
    size_t            len;
    mfa_str_t         v;
    ngx_uint_t        i;
    ngx_list_part_t  *part;
    ngx_table_elt_t  *h;

    len = ngx_strlen(name);

    for (part = &r->headers_in.headers.part; part; part = part->next) {
        h = part->elts;

        for (i = 0; i < part->nelts; i++) {
            if (h[i].key.len == len
                && ngx_strncasecmp(h[i].key.data, (u_char *) name, len) == 0)
            {
                v.data = (char *) h[i].value.data;
                v.len = h[i].value.len;
                return v;
            }
        }
    }

    v.data = NULL;
    v.len = 0;

    return v;
}


/*
 * Whether the browser says the request comes from another site
 * (Sec-Fetch-Site); "none" (typed or bookmarked) is accepted when
 * allow_none is set.  A browser that sends no Sec-Fetch-Site still sends
 * Origin with a POST or PUT: it must name the Host.  Logged when refused.
 */

ngx_uint_t
ngx_http_mfa_cross_site(ngx_http_request_t *r, ngx_uint_t allow_none)
{
    mfa_str_t         site, origin;
    ngx_uint_t        unlogged;
    ngx_table_elt_t  *host;

    static ngx_http_mfa_log_limit_t  site_log, origin_log;

    site = ngx_http_mfa_header_in(r, "Sec-Fetch-Site");

    if (site.data == NULL) {
        origin = ngx_http_mfa_header_in(r, "Origin");
        host = r->headers_in.host;

        if (origin.data == NULL
            || (host != NULL
                && mfa_origin_is_host(origin.data, origin.len,
                                      (const char *) host->value.data,
                                      host->value.len)))
        {
            return 0;
        }

        if (ngx_http_mfa_log_due(&origin_log, &unlogged)) {
            ngx_log_error(NGX_LOG_WARN, r->connection->log, 0,
                          "mfa: request to the pages refused: its Origin "
                          "is not its Host (and %ui more refused since the "
                          "last such line)", unlogged);
        }

        return 1;
    }

    if ((site.len == 11 && ngx_strncmp(site.data, "same-origin", 11) == 0)
        || (allow_none && site.len == 4
            && ngx_strncmp(site.data, "none", 4) == 0))
    {
        return 0;
    }

    if (ngx_http_mfa_log_due(&site_log, &unlogged)) {
        ngx_log_error(NGX_LOG_WARN, r->connection->log, 0,
                      "mfa: request to the pages refused: Sec-Fetch-Site: "
                      "%*s (and %ui more refused since the last such line)",
                      ngx_min(site.len, 32), site.data, unlogged);
    }

    return 1;
}


/* a redirect's Location (the response's status is the caller's) */

ngx_int_t
ngx_http_mfa_set_location(ngx_http_request_t *r, u_char *url, size_t len)
{
    ngx_table_elt_t  *h;

    ngx_http_clear_location(r);

    h = ngx_list_push(&r->headers_out.headers);
    if (h == NULL) {
        return NGX_ERROR;
    }

    h->hash = 1;
    ngx_str_set(&h->key, "Location");
    h->value.data = url;
    h->value.len = len;
#if (nginx_version >= 1023000)
    h->next = NULL;
#endif
    r->headers_out.location = h;

    return ngx_http_mfa_set_header(r, "Cache-Control", "no-store");
}


/* a small response with a body, "Cache-Control: no-store" */

ngx_int_t
ngx_http_mfa_send(ngx_http_request_t *r, ngx_uint_t status, ngx_str_t *type,
    ngx_str_t *body)
{
    ngx_int_t     rc;
    ngx_buf_t    *b;
    ngx_chain_t   out;

    if (ngx_http_discard_request_body(r) != NGX_OK) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    if (ngx_http_mfa_set_header(r, "Cache-Control", "no-store") != NGX_OK) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    r->headers_out.status = status;
    r->headers_out.content_length_n = body->len;
    r->headers_out.content_type = *type;
    r->headers_out.content_type_len = type->len;
    r->headers_out.content_type_lowcase = NULL;

    rc = ngx_http_send_header(r);

    if (rc == NGX_ERROR || rc > NGX_OK || r->header_only) {
        return rc;
    }

    b = ngx_calloc_buf(r->pool);
    if (b == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    b->pos = body->data;
    b->last = body->data + body->len;
    b->memory = 1;
    b->last_buf = (r == r->main) ? 1 : 0;
    b->last_in_chain = 1;

    out.buf = b;
    out.next = NULL;

    return ngx_http_output_filter(r, &out);
}
