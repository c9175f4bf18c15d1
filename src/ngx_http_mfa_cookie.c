
/*
 * ngx_http_mfa_module: the session cookie ("mfa_session_cookie").
 *
 * The id the gate decides on is read from the request's Cookie headers by
 * the pure core, as the dashboard's framework reads it; $mfa_session_id
 * is that id.  When the request goes through, its Cookie headers become
 * one header that carries the session cookie at most once, canonical,
 * naming the session decided on, and no other spelling of it.
 */


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include "ngx_http_mfa.h"


static mfa_str_t *ngx_http_mfa_cookie_headers(ngx_http_request_t *r,
    size_t *n);
static ngx_int_t ngx_http_mfa_cookie_set(ngx_http_request_t *r,
    ngx_table_elt_t *h);


/* the indexes of $http_cookie and $cookie_*, flushed after a rewrite */
static ngx_uint_t  *ngx_http_mfa_cookie_vars;
static ngx_uint_t   ngx_http_mfa_cookie_nvars;


ngx_int_t
ngx_http_mfa_cookie_init_process(ngx_cycle_t *cycle)
{
    ngx_uint_t                  i;
    ngx_http_variable_t        *v;
    ngx_http_core_main_conf_t  *cmcf;

    cmcf = ngx_http_cycle_get_module_main_conf(cycle, ngx_http_core_module);

    v = cmcf->variables.elts;

    ngx_http_mfa_cookie_vars = ngx_alloc(cmcf->variables.nelts
                                         * sizeof(ngx_uint_t), cycle->log);
    if (ngx_http_mfa_cookie_vars == NULL) {
        return NGX_ERROR;
    }

    ngx_http_mfa_cookie_nvars = 0;

    for (i = 0; i < cmcf->variables.nelts; i++) {
        if ((v[i].name.len == sizeof("http_cookie") - 1
             && ngx_strncmp(v[i].name.data, "http_cookie",
                            sizeof("http_cookie") - 1) == 0)
            || (v[i].name.len > sizeof("cookie_") - 1
                && ngx_strncmp(v[i].name.data, "cookie_",
                               sizeof("cookie_") - 1) == 0))
        {
            ngx_http_mfa_cookie_vars[ngx_http_mfa_cookie_nvars++] = i;
        }
    }

    return NGX_OK;
}


void
ngx_http_mfa_cookie_exit_process(void)
{
    ngx_free(ngx_http_mfa_cookie_vars);
    ngx_http_mfa_cookie_vars = NULL;
    ngx_http_mfa_cookie_nvars = 0;
}


/* the values of the request's Cookie headers, in order */

static mfa_str_t *
ngx_http_mfa_cookie_headers(ngx_http_request_t *r, size_t *n)
{
    size_t             i;
    mfa_str_t         *s;
    ngx_table_elt_t   *h;
#if !(nginx_version >= 1023000)
    ngx_table_elt_t  **ph;
#endif

#if (nginx_version >= 1023000)

    for (*n = 0, h = r->headers_in.cookie; h; h = h->next) {
        (*n)++;
    }

#else

    *n = (r->headers_in.cookies.elts != NULL) ? r->headers_in.cookies.nelts
                                              : 0;
    ph = r->headers_in.cookies.elts;

#endif

    if (*n == 0) {
        return NULL;
    }

    s = ngx_palloc(r->pool, *n * sizeof(mfa_str_t));
    if (s == NULL) {
        return NULL;
    }

    for (i = 0; i < *n; i++) {
#if (nginx_version >= 1023000)
        h = (i == 0) ? r->headers_in.cookie : h->next;
#else
        h = ph[i];
#endif
        s[i].data = (char *) h->value.data;
        s[i].len = h->value.len;
    }

    return s;
}


/*
 * The session id a decision is about: from the session cookie, read by
 * the core as the framework reads it (*cookie, for the Cookie header the
 * upstream gets), or from "mfa_session_id".  Empty without a session.
 */

ngx_int_t
ngx_http_mfa_session_id(ngx_http_request_t *r, ngx_http_mfa_loc_conf_t *mlcf,
    ngx_str_t *id, mfa_cookie_t **cookie)
{
    size_t         n;
    ngx_int_t      rc;
    mfa_err_t      err;
    mfa_str_t     *headers;
    mfa_cookie_t  *c;

    ngx_str_null(id);
    *cookie = NULL;

    if (mlcf->cookie == NULL) {
        if (mlcf->session_id != NULL
            && ngx_http_complex_value(r, mlcf->session_id, id) != NGX_OK)
        {
            return NGX_ERROR;
        }

        return NGX_OK;
    }

    headers = ngx_http_mfa_cookie_headers(r, &n);

    if (headers == NULL) {
        return (n == 0) ? NGX_OK : NGX_ERROR;
    }

    c = ngx_palloc(r->pool, sizeof(mfa_cookie_t));
    if (c == NULL) {
        return NGX_ERROR;
    }

    err.msg[0] = '\0';
    rc = mfa_cookie_read(mlcf->cookie, headers, n, c, &err);

    ngx_log_debug3(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                   "mfa: session cookie \"%*s\": %s",
                   mlcf->cookie->name.len, mlcf->cookie->name.data,
                   rc == MFA_OK ? "read" : rc == MFA_NOT_FOUND ? "none"
                                                              : "refused");

    if (rc == MFA_OK) {
        id->data = (u_char *) c->id;
        id->len = c->id_len;
        *cookie = c;

    } else if (rc == MFA_ERROR) {
        /* no session, as for the dashboard; the value is not logged */
        ngx_log_error(NGX_LOG_INFO, r->connection->log, 0,
                      "mfa: session cookie \"%*s\" ignored: %s",
                      mlcf->cookie->name.len, mlcf->cookie->name.data,
                      err.msg);
    }

    return NGX_OK;
}


/*
 * The Cookie header the upstream gets: the session cookie c, read from
 * this request's headers, canonical, or (c NULL) no copy of it; the other
 * cookies as they came.  The request's Cookie headers become one, or none.
 */

ngx_int_t
ngx_http_mfa_cookie_rewrite(ngx_http_request_t *r, mfa_cookie_t *c)
{
    size_t                    n, len;
    u_char                   *p;
    mfa_str_t                *headers;
    ngx_table_elt_t          *h;
    ngx_http_mfa_loc_conf_t  *mlcf;

    mlcf = ngx_http_get_module_loc_conf(r, ngx_http_mfa_module);

    /*
     * with "mfa_session_introspect", the app was asked with the Cookie
     * header as the client sent it: the upstream gets the same bytes
     */

    if (mlcf->cookie == NULL || mlcf->introspect.data != NULL) {
        return NGX_OK;
    }

    headers = ngx_http_mfa_cookie_headers(r, &n);

    if (headers == NULL) {
        return (n == 0) ? NGX_OK : NGX_ERROR;
    }

    p = ngx_pnalloc(r->pool, mfa_cookie_write_max(headers, n, c));
    if (p == NULL) {
        return NGX_ERROR;
    }

    len = mfa_cookie_write(mlcf->cookie, headers, n, c, (char *) p);

    if (n == 1 && len == headers[0].len
        && ngx_memcmp(p, headers[0].data, len) == 0)
    {
        /* the browser's header as it was: nothing to change */
        return NGX_OK;
    }

    ngx_log_debug2(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                   "mfa: Cookie header rewritten for the upstream, %s the "
                   "session cookie, %uz bytes", c ? "with" : "without", len);

    if (len == 0) {
        return ngx_http_mfa_cookie_set(r, NULL);
    }

    h = ngx_pcalloc(r->pool, sizeof(ngx_table_elt_t));
    if (h == NULL) {
        return NGX_ERROR;
    }

    ngx_str_set(&h->key, "Cookie");
    h->lowcase_key = (u_char *) "cookie";
    h->hash = ngx_hash_key(h->lowcase_key, h->key.len);
    h->value.data = p;
    h->value.len = len;

    return ngx_http_mfa_cookie_set(r, h);
}


/* the request's Cookie headers replaced by h (NULL: none) */

static ngx_int_t
ngx_http_mfa_cookie_set(ngx_http_request_t *r, ngx_table_elt_t *h)
{
    ngx_uint_t         i;
    ngx_table_elt_t   *e;
#if !(nginx_version >= 1023000)
    ngx_table_elt_t  **ph;
#endif

    e = NULL;

    if (ngx_http_mfa_rebuild_headers(r, ngx_http_mfa_is_cookie, h, &e)
        != NGX_OK)
    {
        return NGX_ERROR;
    }

    /* the new header, as nginx keeps it for $http_cookie and $cookie_* */

#if (nginx_version >= 1023000)

    r->headers_in.cookie = e;

#else

    r->headers_in.cookies.nelts = 0;

    if (e != NULL) {
        /* a new array: a subrequest's copy shares the request's */

        if (ngx_array_init(&r->headers_in.cookies, r->pool, 1,
                           sizeof(ngx_table_elt_t *))
            != NGX_OK)
        {
            return NGX_ERROR;
        }

        ph = ngx_array_push(&r->headers_in.cookies);
        if (ph == NULL) {
            return NGX_ERROR;
        }

        *ph = e;
    }

#endif

    for (i = 0; i < ngx_http_mfa_cookie_nvars; i++) {
        r->variables[ngx_http_mfa_cookie_vars[i]].valid = 0;
        r->variables[ngx_http_mfa_cookie_vars[i]].not_found = 0;
    }

    return NGX_OK;
}
