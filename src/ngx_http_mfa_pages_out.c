
/*
 * ngx_http_mfa_module: the pages' responses.  A page is rendered by the
 * pure core (mfa_html.c) into one buffer and sent with the headers every
 * page has: no-store, a strict CSP with a fresh nonce for the inline style,
 * no framing, no sniffing, no referrer.
 */


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include <openssl/crypto.h>

#include "ngx_http_mfa_page.h"
#include "mfa_api.h"
#include "mfa_base64.h"
#include "mfa_url.h"


/* the page's form again (challenge or settings), with pg->msg */

void
ngx_http_mfa_pages_show_form(ngx_http_request_t *r, ngx_http_mfa_page_t *pg)
{
    mfa_page_t   page;
    ngx_uint_t   status;

    ngx_memzero(&page, sizeof(mfa_page_t));

    if (pg->name == NGX_HTTP_MFA_PAGE_SETTINGS) {
        page.page = MFA_PAGE_SETTINGS;
        page.enrolled = (pg->since > 0);
        page.since = pg->since;
        page.codes_left = pg->codes_left;

    } else {
        page.page = MFA_PAGE_CHALLENGE;
    }

    /* a POST refused for a lockout; a page merely showing one is a 200 */

    status = (pg->post && pg->wait > 0) ? NGX_HTTP_TOO_MANY_REQUESTS
                                        : NGX_HTTP_OK;

    ngx_http_mfa_pages_render(r, pg, &page, status);
}


/*
 * Fills what every page has, renders it and sends it; the caller's page
 * is left as it was (what is filled in points into this function's
 * stack).
 */

void
ngx_http_mfa_pages_render(ngx_http_request_t *r, ngx_http_mfa_page_t *pg,
    mfa_page_t *shown, ngx_uint_t status)
{
    u_char                     nonce_raw[NGX_HTTP_MFA_NONCE_LEN];
    u_char                    *csp;
    uint8_t                    key[MFA_KEY_LEN];
    char                       nonce[mfa_base64url_encoded_len(
                                         NGX_HTTP_MFA_NONCE_LEN) + 1];
    char                       csrf[MFA_TOKEN_LEN + 1];
    u_char                    *wait;
    size_t                     size;
    mfa_buf_t                  b;
    mfa_err_t                  err;
    ngx_int_t                  rc;
    ngx_str_t                  body, type, host;
    ngx_uint_t                 i;
    mfa_page_t                 copy, *page;
    ngx_http_mfa_ctx_t        *ctx;
    ngx_http_mfa_loc_conf_t   *mlcf;
    ngx_http_mfa_main_conf_t  *mmcf;

    static u_char  csp_fmt[] =
        "default-src 'none'; style-src 'nonce-%s'; script-src 'nonce-%s'; "
        "form-action 'self'; frame-ancestors 'none'; base-uri 'none'%Z";

    copy = *shown;
    page = &copy;

    mlcf = ngx_http_get_module_loc_conf(r, ngx_http_mfa_module);
    mmcf = ngx_http_get_module_main_conf(r, ngx_http_mfa_module);
    ctx = ngx_http_get_module_ctx(r, ngx_http_mfa_module);

    if (mfa_random(nonce_raw, sizeof(nonce_raw)) != MFA_OK) {
        ngx_http_finalize_request(r, NGX_HTTP_INTERNAL_SERVER_ERROR);
        return;
    }

    nonce[mfa_base64url_encode(nonce_raw, sizeof(nonce_raw), nonce)] = '\0';

    csrf[0] = '\0';

    if (pg->digest.len) {
        rc = (mfa_key_derive(mmcf->keys->elts, "csrf", key) == MFA_OK
              && mfa_token_make(key, "csrf", pg->digest.data, pg->digest.len,
                                ngx_time() + NGX_HTTP_MFA_CSRF_TTL, csrf)
                 == MFA_OK);
        OPENSSL_cleanse(key, sizeof(key));

        if (!rc) {
            ngx_log_error(NGX_LOG_ALERT, r->connection->log, 0,
                          "mfa: OpenSSL cannot sign a CSRF token");
            ngx_http_finalize_request(r, NGX_HTTP_INTERNAL_SERVER_ERROR);
            return;
        }

        csrf[MFA_TOKEN_LEN] = '\0';
    }

    page->lang = pg->lang;
    page->msg = pg->msg;
    page->form = pg->form_kind;
    page->wait = pg->wait;
    page->now = ngx_time();
    page->nonce = nonce;
    page->pages = ngx_http_mfa_pages_cstr(r, &mlcf->pages);
    page->csrf = csrf;
    page->return_url = pg->return_url;
    page->logout_url = mlcf->logout_url.len
                       ? ngx_http_mfa_pages_cstr(r, &mlcf->logout_url) : NULL;
    page->issuer = ngx_http_mfa_pages_cstr(r, &mmcf->issuer);

    /* who and where: the session's, as the gate read it */

    if (ctx != NULL && ctx->identity.user.found) {
        page->user = ngx_http_mfa_pages_value(r, &ctx->identity.user);
    }

    if (page->page != MFA_PAGE_ADMIN && ctx != NULL) {
        /* the admin page's company and policy are the ones it shows */
        page->required = ctx->in.required;

        if (ctx->identity.company.found) {
            page->company = ngx_http_mfa_pages_value(r,
                                                     &ctx->identity.company);
        }
    }

    if (page->company_name == NULL) {
        page->company_name = pg->company_name;
    }

    host = r->headers_in.server;
    host.len = ngx_min(host.len, 255);
    page->site = host.len ? ngx_http_mfa_pages_cstr(r, &host) : NULL;

    size = NGX_HTTP_MFA_PAGE_SIZE;

    for (i = 0; i < page->nmembers; i++) {
        size += NGX_HTTP_MFA_MEMBER_SIZE(ngx_strlen(page->members[i].id));
    }

    body.data = ngx_pnalloc(r->pool, size);
    csp = ngx_pnalloc(r->pool, sizeof(csp_fmt) + 2 * sizeof(nonce));

    if (body.data == NULL || csp == NULL || page->pages == NULL) {
        ngx_http_finalize_request(r, NGX_HTTP_INTERNAL_SERVER_ERROR);
        return;
    }

    mfa_buf_init(&b, (char *) body.data, size);

    if (mfa_html_render(page, &b, &err) != MFA_OK) {
        ngx_log_error(NGX_LOG_ALERT, r->connection->log, 0,
                      "mfa: cannot render a page: %s", err.msg);
        ngx_http_finalize_request(r, NGX_HTTP_INTERNAL_SERVER_ERROR);
        return;
    }

    body.len = b.len;
    pg->out = body;

    ngx_sprintf(csp, (char *) csp_fmt, nonce, nonce);

    if (ngx_http_mfa_set_header(r, "Content-Security-Policy", (char *) csp)
           != NGX_OK
        || ngx_http_mfa_set_header(r, "X-Frame-Options", "DENY") != NGX_OK
        || ngx_http_mfa_set_header(r, "X-Content-Type-Options", "nosniff")
           != NGX_OK
        || ngx_http_mfa_set_header(r, "Referrer-Policy", "no-referrer")
           != NGX_OK)
    {
        ngx_http_finalize_request(r, NGX_HTTP_INTERNAL_SERVER_ERROR);
        return;
    }

    if (status == NGX_HTTP_TOO_MANY_REQUESTS
        || status == NGX_HTTP_SERVICE_UNAVAILABLE)
    {
        wait = ngx_pnalloc(r->pool, NGX_INT64_LEN + 1);
        if (wait == NULL) {
            ngx_http_finalize_request(r, NGX_HTTP_INTERNAL_SERVER_ERROR);
            return;
        }

        ngx_sprintf(wait, "%L%Z", (int64_t) (pg->wait > 0 ? pg->wait : 5));

        if (ngx_http_mfa_set_header(r, "Retry-After", (char *) wait)
            != NGX_OK)
        {
            ngx_http_finalize_request(r, NGX_HTTP_INTERNAL_SERVER_ERROR);
            return;
        }
    }

    ngx_str_set(&type, "text/html; charset=utf-8");

    rc = ngx_http_mfa_send(r, status, &type, &body);

    ngx_http_finalize_request(r, rc);
}


void
ngx_http_mfa_pages_message(ngx_http_request_t *r, ngx_http_mfa_page_t *pg,
    mfa_msg_e msg, ngx_uint_t status)
{
    mfa_page_t  page;

    ngx_memzero(&page, sizeof(mfa_page_t));
    page.page = MFA_PAGE_MESSAGE;

    /* Redis answered, but the replicas did not confirm a write */

    if (msg == MFA_MSG_UNAVAILABLE && pg->store.unsaved) {
        msg = MFA_MSG_NOT_SAVED;
    }

    pg->msg = msg;
    pg->digest.len = 0;

    ngx_http_mfa_pages_render(r, pg, &page, status);
}


/*
 * The gate's 503 for a browser (Redis cannot be read): the translated
 * page, whose link tries the same URL again.
 */

void
ngx_http_mfa_pages_unavailable(ngx_http_request_t *r)
{
    mfa_str_t             lang;
    ngx_http_mfa_page_t  *pg;

    pg = ngx_pcalloc(r->pool, sizeof(ngx_http_mfa_page_t));
    if (pg == NULL) {
        ngx_http_finalize_request(r, NGX_HTTP_INTERNAL_SERVER_ERROR);
        return;
    }

    pg->request = r;

    lang = ngx_http_mfa_header_in(r, "Accept-Language");
    pg->lang = mfa_lang_pick(lang.data, lang.len);

    pg->return_url = (char *) "/";

    if (r->method & (NGX_HTTP_GET|NGX_HTTP_HEAD)
        && mfa_return_url_valid((char *) r->unparsed_uri.data,
                                r->unparsed_uri.len))
    {
        pg->return_url = ngx_http_mfa_pages_cstr(r, &r->unparsed_uri);
        if (pg->return_url == NULL) {
            ngx_http_finalize_request(r, NGX_HTTP_INTERNAL_SERVER_ERROR);
            return;
        }
    }

    ngx_http_mfa_pages_message(r, pg, MFA_MSG_UNAVAILABLE,
                               NGX_HTTP_SERVICE_UNAVAILABLE);
}


/* 303 See Other: after a POST, the browser GETs the URL */

void
ngx_http_mfa_pages_redirect(ngx_http_request_t *r, const char *url)
{
    if (ngx_http_mfa_set_location(r, (u_char *) url, ngx_strlen(url))
        != NGX_OK)
    {
        ngx_http_finalize_request(r, NGX_HTTP_INTERNAL_SERVER_ERROR);
        return;
    }

    ngx_http_finalize_request(r, NGX_HTTP_SEE_OTHER);
}


/* to another of the pages, "<pages><name>[?return=<back>]" (or
   "&return=" after a name with a query string) */

void
ngx_http_mfa_pages_to_page(ngx_http_request_t *r, ngx_http_mfa_page_t *pg,
    const char *name, const char *back)
{
    u_char                   *url, *p;
    size_t                    len;
    ngx_http_mfa_loc_conf_t  *mlcf;

    mlcf = ngx_http_get_module_loc_conf(r, ngx_http_mfa_module);

    len = mlcf->pages.len + ngx_strlen(name) + sizeof("?return=") + 1;

    if (back != NULL) {
        len += mfa_percent_encode(back, ngx_strlen(back), NULL);
    }

    url = ngx_pnalloc(r->pool, len);
    if (url == NULL) {
        ngx_http_finalize_request(r, NGX_HTTP_INTERNAL_SERVER_ERROR);
        return;
    }

    p = ngx_sprintf(url, "%V%s", &mlcf->pages, name);

    if (back != NULL) {
        /* name may have a query string of its own */
        p = ngx_cpymem(p, ngx_strchr(name, '?') ? "&return=" : "?return=", 8);
        p += mfa_percent_encode(back, ngx_strlen(back), (char *) p);
    }

    *p = '\0';

    ngx_http_mfa_pages_redirect(r, (char *) url);
}


/* a value read from the session, NUL-terminated */

char *
ngx_http_mfa_pages_value(ngx_http_request_t *r, mfa_session_value_t *v)
{
    ngx_str_t  s;

    s.data = (u_char *) v->data;
    s.len = v->len;

    return ngx_http_mfa_pages_cstr(r, &s);
}


char *
ngx_http_mfa_pages_cstr(ngx_http_request_t *r, ngx_str_t *s)
{
    u_char  *p;

    p = ngx_pnalloc(r->pool, s->len + 1);
    if (p == NULL) {
        return NULL;
    }

    ngx_memcpy(p, s->data, s->len);
    p[s->len] = '\0';

    return (char *) p;
}


/* an API answer: JSON, no-store, no sniffing; returns the send's rc */

ngx_int_t
ngx_http_mfa_api_reply(ngx_http_request_t *r, ngx_uint_t status,
    ngx_str_t *body)
{
    ngx_str_t  type;

    if (ngx_http_mfa_set_header(r, "X-Content-Type-Options", "nosniff")
        != NGX_OK)
    {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    ngx_str_set(&type, "application/json");

    return ngx_http_mfa_send(r, status, &type, body);
}


/* {"error":...,"message":...} */

ngx_int_t
ngx_http_mfa_api_error(ngx_http_request_t *r, ngx_uint_t status,
    const char *error, const char *message)
{
    u_char     *p;
    mfa_buf_t   b;
    ngx_str_t   body;

    p = ngx_pnalloc(r->pool, NGX_HTTP_MFA_JSON_SIZE);
    if (p == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    mfa_buf_init(&b, (char *) p, NGX_HTTP_MFA_JSON_SIZE);

    if (mfa_api_error_json(error, message, &b) != MFA_OK) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    body.data = p;
    body.len = b.len;

    return ngx_http_mfa_api_reply(r, status, &body);
}


void
ngx_http_mfa_api_refuse(ngx_http_request_t *r, ngx_uint_t status,
    const char *error, const char *message)
{
    ngx_http_finalize_request(r, ngx_http_mfa_api_error(r, status,
                                                        error, message));
}
