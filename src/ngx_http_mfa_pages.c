
/*
 * ngx_http_mfa_module: the pages under "mfa_pages" (enroll, challenge,
 * settings).
 *
 * A page request runs as a chain of steps, each started by a Redis reply:
 * the gate's lookup says who the session is for and in which state; a
 * "read" (or "pending") returns the user's 2FA record; a POST then checks
 * the code here, with the key that opens the secret, and an "attempt"
 * commits the outcome atomically (see ngx_http_mfa_store.c).  The HTML
 * comes from the pure core (mfa_html.c).
 */


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#if (NGX_HTTP_V2)
#include <ngx_http_v2_module.h>
#endif

#include <openssl/crypto.h>

#include "ngx_http_mfa_page.h"
#include "ngx_http_mfa_log.h"
#include "mfa_base32.h"
#include "mfa_otpauth.h"
#include "mfa_url.h"


/* a code checked, for the script to count or commit */
typedef struct {
    const char  *kind;          /* "totp", "recovery" or "none" */
    uint64_t     step;          /* the TOTP step that matched */
    ngx_uint_t   ntried;        /* the recovery code's hashes in pg->tried */
} ngx_http_mfa_attempt_t;


static ngx_int_t ngx_http_mfa_pages_route(ngx_http_request_t *r,
    ngx_http_mfa_page_t *pg);
static ngx_int_t ngx_http_mfa_pages_api_policy(ngx_str_t *name,
    ngx_http_mfa_page_t *pg);
static void ngx_http_mfa_pages_body(ngx_http_request_t *r);
static void ngx_http_mfa_pages_wipe(void *data);
#if (NGX_HTTP_V2)
static void ngx_http_mfa_pages_wipe_h2(ngx_event_t *ev);
#endif
static ngx_int_t ngx_http_mfa_pages_return(ngx_http_request_t *r,
    ngx_http_mfa_page_t *pg, const char *data, size_t len);
static void ngx_http_mfa_pages_start(ngx_http_request_t *r,
    ngx_http_mfa_page_t *pg);
static void ngx_http_mfa_pages_identity(ngx_http_request_t *r,
    ngx_http_mfa_page_t *pg);
static void ngx_http_mfa_pages_enroll(ngx_http_request_t *r,
    ngx_http_mfa_page_t *pg, ngx_uint_t enrolled);
static void ngx_http_mfa_pages_challenge(ngx_http_request_t *r,
    ngx_http_mfa_page_t *pg, ngx_uint_t enrolled);
static void ngx_http_mfa_pages_settings(ngx_http_request_t *r,
    ngx_http_mfa_page_t *pg, ngx_uint_t enrolled);
static ngx_int_t ngx_http_mfa_pages_csrf(ngx_http_request_t *r,
    ngx_http_mfa_page_t *pg);
static void ngx_http_mfa_pages_new_pending(ngx_http_request_t *r,
    ngx_http_mfa_page_t *pg);
static void ngx_http_mfa_pages_pending_done(ngx_http_request_t *r,
    ngx_http_mfa_page_t *pg);
static void ngx_http_mfa_pages_enroll_show(ngx_http_request_t *r,
    ngx_http_mfa_page_t *pg);
static void ngx_http_mfa_pages_enroll_check(ngx_http_request_t *r,
    ngx_http_mfa_page_t *pg);
static void ngx_http_mfa_pages_enroll_done(ngx_http_request_t *r,
    ngx_http_mfa_page_t *pg);
static void ngx_http_mfa_pages_code_check(ngx_http_request_t *r,
    ngx_http_mfa_page_t *pg);
static ngx_int_t ngx_http_mfa_pages_code_try(ngx_http_request_t *r,
    ngx_http_mfa_page_t *pg, ngx_http_mfa_attempt_t *at);
static void ngx_http_mfa_pages_attempt(ngx_http_request_t *r,
    ngx_http_mfa_page_t *pg, ngx_http_mfa_attempt_t *at);
static void ngx_http_mfa_pages_enrolled(ngx_http_mfa_page_t *pg);
static void ngx_http_mfa_pages_code_done(ngx_http_request_t *r,
    ngx_http_mfa_page_t *pg);
static ngx_int_t ngx_http_mfa_pages_action(ngx_http_request_t *r,
    ngx_http_mfa_page_t *pg);
static void ngx_http_mfa_pages_read(ngx_http_request_t *r,
    ngx_http_mfa_page_t *pg, ngx_http_mfa_step_pt next);
static ngx_int_t ngx_http_mfa_pages_company_key(ngx_http_request_t *r,
    ngx_http_mfa_store_t *st);
static void ngx_http_mfa_pages_state_show(ngx_http_request_t *r,
    ngx_http_mfa_page_t *pg);


/* in the order of ngx_http_mfa_page_name_e */
static ngx_str_t  ngx_http_mfa_page_names[] = {
    ngx_string("enroll"),
    ngx_string("challenge"),
    ngx_string("settings"),
    ngx_string("admin"),
    ngx_string("api/status")
};


static ngx_str_t  ngx_http_mfa_form_type =
    ngx_string("application/x-www-form-urlencoded");
static ngx_str_t  ngx_http_mfa_json_type =
    ngx_string("application/json");


/* in the order of ngx_http_mfa_after_e */
static const char  *ngx_http_mfa_after_names[] = {
    "verify", "disable", "regenerate", "reenroll", "enroll", "replace"
};


ngx_int_t
ngx_http_mfa_pages_handler(ngx_http_request_t *r)
{
    ngx_int_t             rc;
    mfa_str_t             lang;
    ngx_pool_cleanup_t   *cln;
    ngx_http_mfa_ctx_t   *ctx;
    ngx_http_mfa_page_t  *pg;

    if (r != r->main) {
        /* a page is a whole response: never an SSI include or the like */
        return NGX_HTTP_NOT_FOUND;
    }

    pg = ngx_pcalloc(r->pool, sizeof(ngx_http_mfa_page_t));
    cln = ngx_pool_cleanup_add(r->pool, 0);

    if (pg == NULL || cln == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    /* codes typed and shown, and the pages showing them, go with the request */

    pg->request = r;
    cln->handler = ngx_http_mfa_pages_wipe;
    cln->data = pg;

    /* a new credential's; a "read" puts the user's own */
    ngx_http_mfa_codes_params(r, &pg->params);

    rc = ngx_http_mfa_pages_route(r, pg);

    if (rc != NGX_OK) {
        if (pg->api && rc != NGX_HTTP_INTERNAL_SERVER_ERROR) {
            return ngx_http_mfa_api_error(r, rc, "bad_request",
                                          "see the Allow header, or "
                                          "send at most 4 KB of "
                                          "application/json");
        }

        return rc;
    }

    ctx = ngx_http_mfa_get_ctx(r);

    if (ctx == NULL) {
        ctx = ngx_http_mfa_create_ctx(r);
        if (ctx == NULL) {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }

    } else {
        /* a gate decision made before an internal redirect: start over */
        ngx_http_mfa_ctx_reset(ctx);
    }

    ctx->conf = ngx_http_get_module_loc_conf(r, ngx_http_mfa_module);
    ctx->page = pg;
    ctx->no_cache = 1;

    lang = ngx_http_mfa_header_in(r, "Accept-Language");
    pg->lang = mfa_lang_pick(lang.data, lang.len);

    if (pg->post) {
        r->request_body_in_single_buf = 1;

        rc = ngx_http_read_client_request_body(r, ngx_http_mfa_pages_body);

        if (rc >= NGX_HTTP_SPECIAL_RESPONSE) {
            return rc;
        }

        return NGX_DONE;
    }

    if (ngx_http_discard_request_body(r) != NGX_OK) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    if (ngx_http_mfa_pages_return(r, pg, (char *) r->args.data, r->args.len)
        != NGX_OK)
    {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    pg->replace = ngx_http_mfa_pages_arg_set(r, "replace");

    r->main->count++;

    ngx_http_mfa_pages_start(r, pg);

    return NGX_DONE;
}


/*
 * Which page, which method.  A POST (the pages) must be a small urlencoded
 * form, a PUT (the API) a small JSON document.
 */

static ngx_int_t
ngx_http_mfa_pages_route(ngx_http_request_t *r, ngx_http_mfa_page_t *pg)
{
    char                     *allow;
    ngx_str_t                 name, *type;
    ngx_uint_t                i, n, write;
    ngx_http_mfa_loc_conf_t  *mlcf;

    mlcf = ngx_http_get_module_loc_conf(r, ngx_http_mfa_module);

    name.data = r->uri.data + mlcf->pages.len;
    name.len = r->uri.len - mlcf->pages.len;

    n = sizeof(ngx_http_mfa_page_names) / sizeof(ngx_str_t);

    for (i = 0; i < n; i++) {
        if (name.len == ngx_http_mfa_page_names[i].len
            && ngx_strncmp(name.data, ngx_http_mfa_page_names[i].data,
                           name.len) == 0)
        {
            break;
        }
    }

    if (i == n) {
        if (ngx_http_mfa_pages_api_policy(&name, pg) != NGX_OK) {
            return NGX_HTTP_NOT_FOUND;
        }

        i = NGX_HTTP_MFA_API_POLICY;
    }

    pg->name = i;
    pg->api = (i == NGX_HTTP_MFA_API_STATUS || i == NGX_HTTP_MFA_API_POLICY);

    switch (i) {

    case NGX_HTTP_MFA_API_STATUS:
        write = 0;
        type = NULL;
        allow = "GET, HEAD";
        break;

    case NGX_HTTP_MFA_API_POLICY:
        write = NGX_HTTP_PUT;
        type = &ngx_http_mfa_json_type;
        allow = "GET, HEAD, PUT";
        break;

    default:
        write = NGX_HTTP_POST;
        type = &ngx_http_mfa_form_type;
        allow = "GET, HEAD, POST";
        break;
    }

    if (r->method & (NGX_HTTP_GET|NGX_HTTP_HEAD)) {
        return NGX_OK;
    }

    if (r->method != write) {
        if (ngx_http_mfa_set_header(r, "Allow", allow) != NGX_OK) {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }

        return NGX_HTTP_NOT_ALLOWED;
    }

    pg->post = 1;

    if (r->headers_in.content_type == NULL
        || r->headers_in.content_type->value.len < type->len
        || ngx_strncasecmp(r->headers_in.content_type->value.data,
                           type->data, type->len) != 0)
    {
        return NGX_HTTP_UNSUPPORTED_MEDIA_TYPE;
    }

    if (r->headers_in.content_length_n > MFA_FORM_MAX_BODY) {
        return NGX_HTTP_REQUEST_ENTITY_TOO_LARGE;
    }

    return NGX_OK;
}


/* "api/companies/<cid>/policy" */

static ngx_int_t
ngx_http_mfa_pages_api_policy(ngx_str_t *name, ngx_http_mfa_page_t *pg)
{
    static ngx_str_t  prefix = ngx_string("api/companies/");
    static ngx_str_t  suffix = ngx_string("/policy");

    if (name->len <= prefix.len + suffix.len
        || ngx_strncmp(name->data, prefix.data, prefix.len) != 0
        || ngx_strncmp(name->data + name->len - suffix.len, suffix.data,
                       suffix.len) != 0)
    {
        return NGX_DECLINED;
    }

    pg->company.data = name->data + prefix.len;
    pg->company.len = name->len - prefix.len - suffix.len;

    if (!mfa_id_valid((char *) pg->company.data, pg->company.len)
        || ngx_strlchr(pg->company.data,
                       pg->company.data + pg->company.len, '/') != NULL)
    {
        return NGX_DECLINED;
    }

    return NGX_OK;
}


/* the POST body is read: parse the form, then go on as for a GET */

static void
ngx_http_mfa_pages_body(ngx_http_request_t *r)
{
    u_char                   *body, *p;
    size_t                    len;
    mfa_err_t                 err;
    ngx_chain_t              *cl;
    ngx_http_mfa_ctx_t       *ctx;
    ngx_http_mfa_page_t      *pg;
    const mfa_form_field_t   *ret, *f;

    ctx = ngx_http_get_module_ctx(r, ngx_http_mfa_module);
    pg = ctx->page;

    if (r->request_body == NULL || r->request_body->temp_file != NULL) {
        /* a body that did not fit in memory is never a form of ours */
        ngx_http_finalize_request(r, NGX_HTTP_REQUEST_ENTITY_TOO_LARGE);
        return;
    }

    len = 0;

    for (cl = r->request_body->bufs; cl; cl = cl->next) {
        if (cl->buf->in_file) {
            ngx_http_finalize_request(r, NGX_HTTP_REQUEST_ENTITY_TOO_LARGE);
            return;
        }

        len += cl->buf->last - cl->buf->pos;
    }

    if (len > MFA_FORM_MAX_BODY) {
        ngx_http_finalize_request(r, NGX_HTTP_REQUEST_ENTITY_TOO_LARGE);
        return;
    }

    body = ngx_pnalloc(r->pool, len + 1);
    pg->form = pg->api ? NULL : ngx_palloc(r->pool, sizeof(mfa_form_t));

    if (body == NULL || (!pg->api && pg->form == NULL)) {
        ngx_http_finalize_request(r, NGX_HTTP_INTERNAL_SERVER_ERROR);
        return;
    }

    pg->raw.data = body;
    pg->raw.len = len + 1;

    p = body;

    for (cl = r->request_body->bufs; cl; cl = cl->next) {
        p = ngx_cpymem(p, cl->buf->pos, cl->buf->last - cl->buf->pos);
    }

    *p = '\0';

    if (pg->api) {
        pg->body.data = body;
        pg->body.len = len;

        if (ngx_http_mfa_pages_return(r, pg, NULL, 0) != NGX_OK) {
            ngx_http_finalize_request(r, NGX_HTTP_INTERNAL_SERVER_ERROR);
            return;
        }

        ngx_http_mfa_pages_start(r, pg);
        return;
    }

    if (mfa_form_parse((char *) body, len, pg->form, &err) != MFA_OK) {
        ngx_log_error(NGX_LOG_INFO, r->connection->log, 0,
                      "mfa: form refused: %s", err.msg);
        ngx_http_finalize_request(r, NGX_HTTP_BAD_REQUEST);
        return;
    }

    pg->code = mfa_form_get(pg->form, "code");
    ret = mfa_form_get(pg->form, "return");
    f = mfa_form_get(pg->form, "replace");
    pg->replace = (f != NULL && f->value_len == 1 && f->value[0] == '1');

    if (ngx_http_mfa_pages_return(r, pg, ret ? ret->value : NULL,
                                  ret ? ret->value_len : 0)
        != NGX_OK)
    {
        ngx_http_finalize_request(r, NGX_HTTP_INTERNAL_SERVER_ERROR);
        return;
    }

    ngx_http_mfa_pages_start(r, pg);
}


#if (NGX_HTTP_V2)
static ngx_event_t  ngx_http_mfa_pages_h2_wipe;
#endif


/*
 * The request's pool cleanup: what held a code or a secret in the clear
 * (the body as read and as parsed, the codes made, the page sent) is
 * wiped before the pool frees it; over HTTP/2, after a body, the worker's
 * frame buffer too, once this event is over.  (A body that arrived while
 * an earlier phase held the request, limit_req say, went through the
 * stream's preread buffer, which nginx frees before the body handler
 * runs: out of reach, see docs/security.md.)
 */

static void
ngx_http_mfa_pages_wipe(void *data)
{
    ngx_http_mfa_page_t *pg = data;

    ngx_chain_t  *cl;

    OPENSSL_cleanse(pg->codes, sizeof(pg->codes));
    OPENSSL_cleanse(pg->tried, sizeof(pg->tried));

    if (pg->form != NULL) {
        OPENSSL_cleanse(pg->form, sizeof(mfa_form_t));
    }

    if (pg->raw.data != NULL) {
        OPENSSL_cleanse(pg->raw.data, pg->raw.len);
    }

    if (pg->out.data != NULL) {
        OPENSSL_cleanse(pg->out.data, pg->out.len);
    }

#if (NGX_HTTP_V2)
    if (pg->request->stream != NULL && pg->request->request_body != NULL) {

        if (!ngx_http_mfa_pages_h2_wipe.posted) {
            ngx_http_mfa_pages_h2_wipe.handler = ngx_http_mfa_pages_wipe_h2;
            ngx_http_mfa_pages_h2_wipe.log = ngx_cycle->log;
            ngx_post_event(&ngx_http_mfa_pages_h2_wipe, &ngx_posted_events);
        }
    }
#endif

    if (pg->request->request_body == NULL) {
        return;
    }

    for (cl = pg->request->request_body->bufs; cl; cl = cl->next) {
        if (!cl->buf->in_file && cl->buf->pos != NULL) {
            OPENSSL_cleanse(cl->buf->pos, cl->buf->last - cl->buf->pos);
        }
    }
}


#if (NGX_HTTP_V2)

/*
 * A worker reads the frames of all its HTTP/2 connections into one buffer
 * (http2_recv_buffer_size), where a form's bytes stay until later reads
 * overwrite them.  Between events the buffer holds nothing nginx still
 * needs (a frame's unread part is kept by its connection), so it is wiped
 * once the event that ended the request is over.
 */

static void
ngx_http_mfa_pages_wipe_h2(ngx_event_t *ev)
{
    ngx_http_v2_main_conf_t  *h2mcf;

    h2mcf = ngx_http_cycle_get_module_main_conf(ngx_cycle,
                                                ngx_http_v2_module);

    if (h2mcf != NULL && h2mcf->recv_buffer != NULL) {
        OPENSSL_cleanse(h2mcf->recv_buffer, h2mcf->recv_buffer_size);
    }
}

#endif


/*
 * pg->return_url: the "return" value of a query string (data is the query
 * string) or of a form (data is the value), when it is a safe local path;
 * "/" otherwise.
 */

static ngx_int_t
ngx_http_mfa_pages_return(ngx_http_request_t *r, ngx_http_mfa_page_t *pg,
    const char *data, size_t len)
{
    mfa_err_t                err;
    mfa_form_t              *args;
    const mfa_form_field_t  *f;

    if (!pg->post && data != NULL) {
        args = ngx_palloc(r->pool, sizeof(mfa_form_t));
        if (args == NULL) {
            return NGX_ERROR;
        }

        f = NULL;

        if (mfa_form_parse(data, len, args, &err) == MFA_OK) {
            f = mfa_form_get(args, "return");
        }

        data = f ? f->value : NULL;
        len = f ? f->value_len : 0;
    }

    if (data == NULL || !mfa_return_url_valid(data, len)) {
        data = "/";
        len = 1;
    }

    pg->return_url = ngx_pnalloc(r->pool, len + 1);
    if (pg->return_url == NULL) {
        return NGX_ERROR;
    }

    ngx_memcpy(pg->return_url, data, len);
    pg->return_url[len] = '\0';

    return NGX_OK;
}


/* who is this: the gate's lookup, without the verified-decision cache */

static void
ngx_http_mfa_pages_start(ngx_http_request_t *r, ngx_http_mfa_page_t *pg)
{
    ngx_int_t            rc;
    ngx_http_mfa_ctx_t  *ctx;

    ctx = ngx_http_get_module_ctx(r, ngx_http_mfa_module);

    r->write_event_handler = ngx_http_mfa_pages_resume;
    r->read_event_handler = ngx_http_test_reading;

    if (pg->api) {
        rc = ngx_http_mfa_admin_token(r);

        if (rc == NGX_OK) {
            /* the bearer token: no session is looked up */
            pg->token = 1;
            ngx_http_mfa_admin_run(r, pg);
            return;
        }

        if (rc == NGX_ERROR) {
            ngx_http_mfa_api_refuse(r, NGX_HTTP_UNAUTHORIZED,
                                    "invalid_token",
                                    "the bearer token is not valid");
            return;
        }
    }

    rc = ngx_http_mfa_lookup(r, ctx);

    if (rc == NGX_ERROR) {
        ngx_http_finalize_request(r, NGX_HTTP_INTERNAL_SERVER_ERROR);
        return;
    }

    if (rc == NGX_OK) {
        ngx_http_mfa_pages_identity(r, pg);
        return;
    }

    pg->next = ngx_http_mfa_pages_identity;
}


static void
ngx_http_mfa_pages_identity(ngx_http_request_t *r, ngx_http_mfa_page_t *pg)
{
    ngx_uint_t           enrolled;
    ngx_http_mfa_ctx_t  *ctx;

    ctx = ngx_http_get_module_ctx(r, ngx_http_mfa_module);

    /* the digest of the session id the lookup checked, and nothing else
       (none for the API with its token) */

    pg->digest = ctx->digest;

    if (pg->api) {
        ngx_http_mfa_admin_run(r, pg);
        return;
    }

    if (ctx->in.lookup_failed) {
        ngx_http_mfa_pages_message(r, pg, MFA_MSG_UNAVAILABLE,
                                   NGX_HTTP_SERVICE_UNAVAILABLE);
        return;
    }

    if (ctx->decision.action == MFA_GATE_DENY) {
        ngx_http_mfa_pages_message(r, pg, MFA_MSG_ERROR,
                                   NGX_HTTP_FORBIDDEN);
        return;
    }

    if (!ctx->identity.user.found) {
        ngx_http_mfa_pages_message(r, pg, MFA_MSG_LOGIN, NGX_HTTP_FORBIDDEN);
        return;
    }

    if (pg->post && ngx_http_mfa_pages_csrf(r, pg) != NGX_OK) {
        ngx_http_mfa_pages_message(r, pg, MFA_MSG_FORBIDDEN,
                                   NGX_HTTP_FORBIDDEN);
        return;
    }

    enrolled = (ctx->in.user == MFA_RECORD_OK);

    switch (pg->name) {

    case NGX_HTTP_MFA_PAGE_ENROLL:
        ngx_http_mfa_pages_enroll(r, pg, enrolled);
        return;

    case NGX_HTTP_MFA_PAGE_ADMIN:
        ngx_http_mfa_admin_run(r, pg);
        return;

    case NGX_HTTP_MFA_PAGE_CHALLENGE:
        ngx_http_mfa_pages_challenge(r, pg, enrolled);
        return;

    default: /* NGX_HTTP_MFA_PAGE_SETTINGS */
        ngx_http_mfa_pages_settings(r, pg, enrolled);
        return;
    }
}


/* the enrolment page, for a user known and a session checked */

static void
ngx_http_mfa_pages_enroll(ngx_http_request_t *r, ngx_http_mfa_page_t *pg,
    ngx_uint_t enrolled)
{
    ngx_http_mfa_ctx_t  *ctx;

    ctx = ngx_http_get_module_ctx(r, ngx_http_mfa_module);

    if (enrolled && !pg->replace) {
        ngx_http_mfa_pages_redirect(r, pg->return_url);
        return;
    }

    if (enrolled && !ctx->in.verified) {
        /* a new phone is for a session that passed the old one */
        ngx_http_mfa_pages_to_page(r, pg, "settings", NULL);
        return;
    }

    pg->after = pg->replace ? NGX_HTTP_MFA_AFTER_REPLACE
                            : NGX_HTTP_MFA_AFTER_ENROLL;

    if (!pg->post) {
        ngx_http_mfa_pages_new_pending(r, pg);
        return;
    }

    ngx_http_mfa_pages_read(r, pg, ngx_http_mfa_pages_enroll_check);
}


/* the challenge */

static void
ngx_http_mfa_pages_challenge(ngx_http_request_t *r, ngx_http_mfa_page_t *pg,
    ngx_uint_t enrolled)
{
    ngx_http_mfa_ctx_t      *ctx;
    const mfa_form_field_t  *f;

    ctx = ngx_http_get_module_ctx(r, ngx_http_mfa_module);

    if (!enrolled || ctx->in.verified) {
        ngx_http_mfa_pages_redirect(r, pg->return_url);
        return;
    }

    /* a GET too reads the user's state: a lockout shows at once */

    pg->after = NGX_HTTP_MFA_AFTER_VERIFY;

    if (pg->post) {
        f = mfa_form_get(pg->form, "form");

        if (f != NULL && f->value_len == 8
            && ngx_strncmp(f->value, "recovery", 8) == 0)
        {
            pg->form_kind = MFA_FORM_RECOVERY;
        }
    }

    ngx_http_mfa_pages_read(r, pg, pg->post
                                   ? ngx_http_mfa_pages_code_check
                                   : ngx_http_mfa_pages_state_show);
}


/* the settings: the state, and the actions that take a current code */

static void
ngx_http_mfa_pages_settings(ngx_http_request_t *r, ngx_http_mfa_page_t *pg,
    ngx_uint_t enrolled)
{
    u_char                   *url;
    ngx_http_mfa_ctx_t       *ctx;
    ngx_http_mfa_loc_conf_t  *mlcf;

    ctx = ngx_http_get_module_ctx(r, ngx_http_mfa_module);
    mlcf = ngx_http_get_module_loc_conf(r, ngx_http_mfa_module);

    if (enrolled && !ctx->in.verified) {
        /* an enrolled user's settings need a verified session */
        url = ngx_pnalloc(r->pool, mlcf->pages.len + sizeof("settings"));
        if (url == NULL) {
            ngx_http_finalize_request(r, NGX_HTTP_INTERNAL_SERVER_ERROR);
            return;
        }

        ngx_sprintf(url, "%Vsettings%Z", &mlcf->pages);
        ngx_http_mfa_pages_to_page(r, pg, "challenge", (char *) url);
        return;
    }

    if (!pg->post) {
        ngx_http_mfa_pages_read(r, pg, ngx_http_mfa_pages_state_show);
        return;
    }

    if (ngx_http_mfa_pages_action(r, pg) != NGX_OK) {
        ngx_http_mfa_pages_message(r, pg, MFA_MSG_ERROR,
                                   NGX_HTTP_BAD_REQUEST);
        return;
    }

    if (!enrolled) {
        ngx_http_mfa_pages_to_page(r, pg, "settings", NULL);
        return;
    }

    ngx_http_mfa_pages_read(r, pg, pg->msg == MFA_MSG_CONFIRM
                                   ? ngx_http_mfa_pages_state_show
                                   : ngx_http_mfa_pages_code_check);
}


ngx_uint_t
ngx_http_mfa_pages_arg_set(ngx_http_request_t *r, const char *name)
{
    ngx_str_t  value;

    if (ngx_http_arg(r, (u_char *) name, ngx_strlen(name), &value) != NGX_OK)
    {
        return 0;
    }

    return value.len == 1 && value.data[0] == '1';
}


/*
 * A POST needs the token of a form this session was shown, and must not
 * come from another site (Sec-Fetch-Site, when the browser sends it).
 */

static ngx_int_t
ngx_http_mfa_pages_csrf(ngx_http_request_t *r, ngx_http_mfa_page_t *pg)
{
    uint8_t                    key[MFA_KEY_LEN];
    ngx_int_t                  ok;
    mfa_key_t                 *keys;
    ngx_uint_t                 i, unlogged;
    const mfa_form_field_t    *token;
    ngx_http_mfa_main_conf_t  *mmcf;

    static ngx_http_mfa_log_limit_t  csrf_log;

    mmcf = ngx_http_get_module_main_conf(r, ngx_http_mfa_module);

    if (ngx_http_mfa_cross_site(r, 1)) {
        return NGX_ERROR;
    }

    token = mfa_form_get(pg->form, "csrf");
    keys = mmcf->keys->elts;
    ok = 0;

    /* forms are signed with the first key; one shown before a key
       rotation was signed with a key now listed after it */

    for (i = 0; token != NULL && !ok && i < mmcf->keys->nelts; i++) {
        ok = mfa_key_derive(&keys[i], "csrf", key) == MFA_OK
             && mfa_token_check(key, "csrf", pg->digest.data, pg->digest.len,
                                token->value, token->value_len, ngx_time());
    }

    OPENSSL_cleanse(key, sizeof(key));

    if (!ok) {
        if (ngx_http_mfa_log_due(&csrf_log, &unlogged)) {
            ngx_log_error(NGX_LOG_WARN, r->connection->log, 0,
                          "mfa: POST to the pages refused: %s CSRF token "
                          "(and %ui more refused since the last such line)",
                          token ? "invalid" : "no", unlogged);
        }

        return NGX_ERROR;
    }

    return NGX_OK;
}


/* the enrolment page: a new pending secret, or the session's current one */

static void
ngx_http_mfa_pages_new_pending(ngx_http_request_t *r, ngx_http_mfa_page_t *pg)
{
    uint8_t     secret[NGX_HTTP_MFA_SECRET_LEN];
    ngx_int_t   rc;
    ngx_str_t   text;

    if (ngx_http_mfa_store_start(r, &pg->store, "pending", &pg->digest)
        != NGX_OK)
    {
        ngx_http_finalize_request(r, NGX_HTTP_INTERNAL_SERVER_ERROR);
        return;
    }

    rc = NGX_ERROR;

    if (mfa_random(secret, sizeof(secret)) == MFA_OK
        && ngx_http_mfa_codes_seal(r, MFA_FIELD_PENDING, secret,
                                   sizeof(secret), &text) == NGX_OK)
    {
        rc = NGX_OK;
    }

    OPENSSL_cleanse(secret, sizeof(secret));

    if (rc != NGX_OK) {
        ngx_log_error(NGX_LOG_ALERT, r->connection->log, 0,
                      "mfa: cannot make a new secret");
        ngx_http_finalize_request(r, NGX_HTTP_INTERNAL_SERVER_ERROR);
        return;
    }

    ngx_http_mfa_store_arg(&pg->store, text.data, text.len);

    if (ngx_http_mfa_pages_company_key(r, &pg->store) != NGX_OK) {
        ngx_http_finalize_request(r, NGX_HTTP_INTERNAL_SERVER_ERROR);
        return;
    }

    ngx_http_mfa_pages_query(r, pg, ngx_http_mfa_pages_pending_done);
}


static void
ngx_http_mfa_pages_pending_done(ngx_http_request_t *r,
    ngx_http_mfa_page_t *pg)
{
    ngx_str_t  *res;

    res = pg->store.res;

    if (pg->store.failed || pg->store.nres < NGX_HTTP_MFA_PENDING_N
        || res[NGX_HTTP_MFA_PENDING_SECRET].data == NULL)
    {
        ngx_http_mfa_pages_message(r, pg, MFA_MSG_UNAVAILABLE,
                                   NGX_HTTP_SERVICE_UNAVAILABLE);
        return;
    }

    if (pg->replace
        && !ngx_http_mfa_store_is(&pg->store, NGX_HTTP_MFA_PENDING_REPLACE_OK,
                                  '1'))
    {
        /* no current code allowed a new phone: settings first */
        ngx_http_mfa_pages_to_page(r, pg, "settings", NULL);
        return;
    }

    pg->pending = res[NGX_HTTP_MFA_PENDING_SECRET];
    pg->company_name = (char *) res[NGX_HTTP_MFA_PENDING_COMPANY_NAME].data;

    ngx_http_mfa_pages_enroll_show(r, pg);
}


static void
ngx_http_mfa_pages_enroll_show(ngx_http_request_t *r, ngx_http_mfa_page_t *pg)
{
    char                       otpauth[NGX_HTTP_MFA_OTPAUTH_MAX];
    char                       b32[mfa_base32_encoded_len(
                                       MFA_SEALED_MAX) + 1];
    size_t                     len, n;
    uint8_t                    secret[MFA_SEALED_MAX];
    mfa_err_t                  err;
    mfa_page_t                 page;
    ngx_http_mfa_ctx_t        *ctx;
    ngx_http_mfa_main_conf_t  *mmcf;

    ctx = ngx_http_get_module_ctx(r, ngx_http_mfa_module);
    mmcf = ngx_http_get_module_main_conf(r, ngx_http_mfa_module);

    if (ngx_http_mfa_codes_open(r, &pg->pending, MFA_FIELD_PENDING, secret,
                                &len)
        != NGX_OK)
    {
        ngx_http_mfa_pages_message(r, pg, MFA_MSG_ERROR,
                                   NGX_HTTP_FORBIDDEN);
        return;
    }

    n = mfa_base32_encode(secret, len, b32);
    b32[n] = '\0';

    if (mfa_otpauth_uri(ngx_http_mfa_pages_cstr(r, &mmcf->issuer),
                        ctx->identity.user.data, secret, len, &pg->params,
                        otpauth, sizeof(otpauth), &n, &err)
        != MFA_OK)
    {
        OPENSSL_cleanse(secret, sizeof(secret));
        ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                      "mfa: cannot build the otpauth URI: %s", err.msg);
        ngx_http_mfa_pages_message(r, pg, MFA_MSG_ERROR,
                                   NGX_HTTP_INTERNAL_SERVER_ERROR);
        return;
    }

    OPENSSL_cleanse(secret, sizeof(secret));

    ngx_memzero(&page, sizeof(mfa_page_t));
    page.page = MFA_PAGE_ENROLL;
    page.otpauth = otpauth;
    page.qr_text = otpauth;
    page.secret = b32;
    page.replace = pg->replace;

    ngx_http_mfa_pages_render(r, pg, &page, NGX_HTTP_OK);

    OPENSSL_cleanse(b32, sizeof(b32));
    OPENSSL_cleanse(otpauth, sizeof(otpauth));
}


/* POST enroll, after the "read": the code against the pending secret */

static void
ngx_http_mfa_pages_enroll_check(ngx_http_request_t *r,
    ngx_http_mfa_page_t *pg)
{
    u_char                *p;
    ngx_int_t              rc;
    uint64_t               step;
    ngx_str_t              secret;
    ngx_http_mfa_store_t  *st;

    st = &pg->store;

    if (st->failed || st->nres < NGX_HTTP_MFA_READ_N) {
        ngx_http_mfa_pages_message(r, pg, MFA_MSG_UNAVAILABLE,
                                   NGX_HTTP_SERVICE_UNAVAILABLE);
        return;
    }

    pg->company_name = (char *) st->res[NGX_HTTP_MFA_READ_COMPANY_NAME].data;

    if (st->res[NGX_HTTP_MFA_READ_SINCE].data != NULL && !pg->replace) {
        /* enrolled meanwhile, from another session */
        ngx_http_mfa_pages_redirect(r, pg->return_url);
        return;
    }

    if (st->res[NGX_HTTP_MFA_READ_PENDING].data == NULL) {
        pg->msg = MFA_MSG_EXPIRED;
        ngx_http_mfa_pages_new_pending(r, pg);
        return;
    }

    pg->pending = st->res[NGX_HTTP_MFA_READ_PENDING];

    /* the secret becomes the user's: sealed again for that field */

    rc = ngx_http_mfa_codes_totp(r, pg, &pg->pending, MFA_FIELD_PENDING,
                                 &step, &secret);

    if (rc == NGX_ERROR) {
        ngx_http_mfa_pages_message(r, pg, MFA_MSG_ERROR, NGX_HTTP_FORBIDDEN);
        return;
    }

    if (rc == NGX_DECLINED) {
        /* nothing is stored: the same secret, with an error */
        pg->msg = MFA_MSG_WRONG_CODE;
        ngx_http_mfa_pages_enroll_show(r, pg);
        return;
    }

    if (ngx_http_mfa_codes_new(r, pg) != NGX_OK
        || ngx_http_mfa_store_start(r, st, "attempt", &pg->digest) != NGX_OK)
    {
        ngx_http_finalize_request(r, NGX_HTTP_INTERNAL_SERVER_ERROR);
        return;
    }

    /* "<the pending secret checked> <the user's secret to store>" */

    p = ngx_pnalloc(r->pool, pg->pending.len + 1 + secret.len);
    if (p == NULL) {
        ngx_http_finalize_request(r, NGX_HTTP_INTERNAL_SERVER_ERROR);
        return;
    }

    ngx_http_mfa_store_arg(st, "pending", 7);
    ngx_http_mfa_store_arg(st, p, pg->pending.len + 1 + secret.len);
    ngx_sprintf(p, "%V %V", &pg->pending, &secret);
    ngx_http_mfa_store_arg(st, pg->step,
                           ngx_sprintf(pg->step, "%uL", step) - pg->step);
    ngx_http_mfa_store_arg(st, ngx_http_mfa_after_names[pg->after],
                           ngx_strlen(ngx_http_mfa_after_names[pg->after]));
    ngx_http_mfa_store_arg(st, "", 0);
    ngx_http_mfa_store_arg(st, pg->totp,
                           mfa_totp_params_format(&pg->params,
                                                  (char *) pg->totp));
    ngx_http_mfa_store_arg(st, pg->new_set.data, pg->new_set.len);
    ngx_http_mfa_store_arg(st, "0", 1);

    for (rc = 0; rc < MFA_RECOVERY_COUNT; rc++) {
        ngx_http_mfa_store_arg(st, pg->hashes[rc], NGX_HTTP_MFA_HASH_HEX);
    }

    ngx_http_mfa_pages_query(r, pg, ngx_http_mfa_pages_enroll_done);
}


static void
ngx_http_mfa_pages_enroll_done(ngx_http_request_t *r, ngx_http_mfa_page_t *pg)
{
    mfa_page_t           page;

    if (pg->store.failed || pg->store.nres < NGX_HTTP_MFA_ATTEMPT_N) {
        ngx_http_mfa_pages_message(r, pg, MFA_MSG_UNAVAILABLE,
                                   NGX_HTTP_SERVICE_UNAVAILABLE);
        return;
    }

    if (!ngx_http_mfa_store_is(&pg->store, NGX_HTTP_MFA_ATTEMPT_STATUS,
                               NGX_HTTP_MFA_ATTEMPT_DONE))
    {
        /* the pending secret changed or expired meanwhile, or the new
           phone is no longer allowed: start over */
        ngx_http_mfa_pages_to_page(r, pg, pg->replace ? "settings" : "enroll",
                                   pg->replace ? NULL : pg->return_url);
        return;
    }

    if (pg->replace) {
        pg->msg = MFA_MSG_REENROLLED;
    }

    ngx_memzero(&page, sizeof(mfa_page_t));
    page.page = MFA_PAGE_CODES;
    page.codes = (const char (*)[MFA_RECOVERY_LEN + 1]) pg->codes;
    page.ncodes = MFA_RECOVERY_COUNT;

    ngx_http_mfa_pages_render(r, pg, &page, NGX_HTTP_OK);
}


/*
 * POST challenge or settings, after the "read": check the code (TOTP or
 * recovery code) and send the attempt, which the script accepts only if
 * the user is not locked out, the secret is still the one checked, the
 * step is newer than the last one used, or the recovery code unused.
 */

static void
ngx_http_mfa_pages_code_check(ngx_http_request_t *r, ngx_http_mfa_page_t *pg)
{
    ngx_http_mfa_store_t    *st;
    ngx_http_mfa_attempt_t   at;

    st = &pg->store;

    if (st->failed || st->nres < NGX_HTTP_MFA_READ_N) {
        ngx_http_mfa_pages_message(r, pg, MFA_MSG_UNAVAILABLE,
                                   NGX_HTTP_SERVICE_UNAVAILABLE);
        return;
    }

    pg->company_name = (char *) st->res[NGX_HTTP_MFA_READ_COMPANY_NAME].data;

    if (st->res[NGX_HTTP_MFA_READ_SINCE].data == NULL
        || st->res[NGX_HTTP_MFA_READ_SECRET].data == NULL)
    {
        /* not enrolled (any more) */
        if (pg->name == NGX_HTTP_MFA_PAGE_SETTINGS) {
            ngx_http_mfa_pages_to_page(r, pg, "settings", NULL);

        } else {
            ngx_http_mfa_pages_redirect(r, pg->return_url);
        }

        return;
    }

    pg->secret = st->res[NGX_HTTP_MFA_READ_SECRET];
    ngx_http_mfa_pages_enrolled(pg);

    if (ngx_http_mfa_codes_credential(r, pg, &st->res[NGX_HTTP_MFA_READ_TOTP],
                                      &st->res[NGX_HTTP_MFA_READ_RECOVERY])
        != NGX_OK)
    {
        ngx_http_mfa_pages_message(r, pg, MFA_MSG_ERROR, NGX_HTTP_FORBIDDEN);
        return;
    }

    if (pg->wait > 0) {
        /* locked out: the code is not even looked at */
        pg->msg = MFA_MSG_LOCKED;
        ngx_http_mfa_pages_show_form(r, pg);
        return;
    }

    if (ngx_http_mfa_pages_code_try(r, pg, &at) != NGX_OK) {
        ngx_http_mfa_pages_message(r, pg, MFA_MSG_ERROR, NGX_HTTP_FORBIDDEN);
        return;
    }

    ngx_http_mfa_pages_attempt(r, pg, &at);
}


/*
 * The code typed, checked here: a TOTP code against the secret (the step
 * that matched), a recovery code hashed as the set may have it.  A wrong
 * code is an attempt all the same ("none" or no step), which the script
 * counts.
 */

static ngx_int_t
ngx_http_mfa_pages_code_try(ngx_http_request_t *r, ngx_http_mfa_page_t *pg,
    ngx_http_mfa_attempt_t *at)
{
    char       code[MFA_RECOVERY_LEN + 1];
    ngx_int_t  rc;

    at->kind = "none";
    at->step = 0;
    at->ntried = 0;

    if (pg->code == NULL) {
        return NGX_OK;
    }

    switch (mfa_code_classify(pg->code->value, pg->code->value_len, code)) {

    case MFA_CODE_TOTP:
        rc = ngx_http_mfa_codes_totp(r, pg, &pg->secret, MFA_FIELD_SECRET,
                                     &at->step, NULL);

        if (rc == NGX_ERROR) {
            return NGX_ERROR;
        }

        if (rc == NGX_OK) {
            at->kind = "totp";
        }

        return NGX_OK;

    case MFA_CODE_RECOVERY:
        rc = ngx_http_mfa_codes_tried(r, pg, code);
        OPENSSL_cleanse(code, sizeof(code));

        if (rc == NGX_ERROR) {
            return NGX_ERROR;
        }

        at->ntried = rc;
        at->kind = "recovery";

        return NGX_OK;

    default:
        return NGX_OK;
    }
}


/*
 * The attempt sent to the script, which accepts it only if the user is
 * not locked out, the secret is still the one checked, the step is newer
 * than the last one used, or the recovery code unused.
 */

static void
ngx_http_mfa_pages_attempt(ngx_http_request_t *r, ngx_http_mfa_page_t *pg,
    ngx_http_mfa_attempt_t *at)
{
    ngx_uint_t             i;
    const char            *after;
    ngx_str_t             *set;
    ngx_http_mfa_store_t  *st;

    st = &pg->store;

    if (pg->after == NGX_HTTP_MFA_AFTER_REGENERATE
        && ngx_http_mfa_codes_new(r, pg) != NGX_OK)
    {
        ngx_http_finalize_request(r, NGX_HTTP_INTERNAL_SERVER_ERROR);
        return;
    }

    /* the recovery-code set read, which the code was hashed with */
    set = &st->res[NGX_HTTP_MFA_READ_RECOVERY];

    if (ngx_http_mfa_store_start(r, st, "attempt", &pg->digest) != NGX_OK) {
        ngx_http_finalize_request(r, NGX_HTTP_INTERNAL_SERVER_ERROR);
        return;
    }

    after = ngx_http_mfa_after_names[pg->after];

    ngx_http_mfa_store_arg(st, at->kind, ngx_strlen(at->kind));
    ngx_http_mfa_store_arg(st, pg->secret.data, pg->secret.len);
    ngx_http_mfa_store_arg(st, pg->step,
                           ngx_sprintf(pg->step, "%uL", at->step) - pg->step);
    ngx_http_mfa_store_arg(st, after, ngx_strlen(after));
    ngx_http_mfa_store_arg(st, set->data, set->len);
    ngx_http_mfa_store_arg(st, "", 0);
    ngx_http_mfa_store_arg(st, pg->new_set.data, pg->new_set.len);
    ngx_http_mfa_store_arg(st, &"012345678"[at->ntried], 1);

    for (i = 0; i < at->ntried; i++) {
        ngx_http_mfa_store_arg(st, pg->tried[i], NGX_HTTP_MFA_HASH_HEX);
    }

    if (pg->after == NGX_HTTP_MFA_AFTER_REGENERATE) {
        for (i = 0; i < MFA_RECOVERY_COUNT; i++) {
            ngx_http_mfa_store_arg(st, pg->hashes[i], NGX_HTTP_MFA_HASH_HEX);
        }
    }

    ngx_http_mfa_pages_query(r, pg, ngx_http_mfa_pages_code_done);
}


/* an enrolled user's state, from the "read" reply */

static void
ngx_http_mfa_pages_enrolled(ngx_http_mfa_page_t *pg)
{
    ngx_str_t  *res;

    res = pg->store.res;

    pg->since = ngx_atotm(res[NGX_HTTP_MFA_READ_SINCE].data,
                          res[NGX_HTTP_MFA_READ_SINCE].len);
    pg->codes_left = ngx_atoi(res[NGX_HTTP_MFA_READ_CODES_LEFT].data,
                              res[NGX_HTTP_MFA_READ_CODES_LEFT].len);
    pg->wait = ngx_atoi(res[NGX_HTTP_MFA_READ_LOCK_LEFT].data,
                        res[NGX_HTTP_MFA_READ_LOCK_LEFT].len);
}


static void
ngx_http_mfa_pages_code_done(ngx_http_request_t *r, ngx_http_mfa_page_t *pg)
{
    mfa_page_t             page;
    ngx_http_mfa_store_t  *st;

    st = &pg->store;

    if (st->failed || st->nres < NGX_HTTP_MFA_ATTEMPT_N
        || st->res[NGX_HTTP_MFA_ATTEMPT_STATUS].len != 1)
    {
        ngx_http_mfa_pages_message(r, pg, MFA_MSG_UNAVAILABLE,
                                   NGX_HTTP_SERVICE_UNAVAILABLE);
        return;
    }

    if (ngx_http_mfa_store_is(st, NGX_HTTP_MFA_ATTEMPT_STATUS,
                              NGX_HTTP_MFA_ATTEMPT_CHANGED)
        && !pg->reread)
    {
        /* the secret changed since it was read: read it again, once */

        pg->reread = 1;
        ngx_http_mfa_pages_read(r, pg, ngx_http_mfa_pages_code_check);
        return;
    }

    if (!ngx_http_mfa_store_is(st, NGX_HTTP_MFA_ATTEMPT_STATUS,
                               NGX_HTTP_MFA_ATTEMPT_DONE))
    {
        /*
         * wrong, replayed or unknown: told alike, with the lockout it
         * started; locked out before trying: the code was not checked,
         * and is not called wrong
         */
        pg->wait = ngx_atoi(st->res[NGX_HTTP_MFA_ATTEMPT_VALUE].data,
                            st->res[NGX_HTTP_MFA_ATTEMPT_VALUE].len);
        pg->wait = ngx_max(pg->wait, 0);
        pg->msg = ngx_http_mfa_store_is(st, NGX_HTTP_MFA_ATTEMPT_STATUS,
                                        NGX_HTTP_MFA_ATTEMPT_LOCKED)
                  ? MFA_MSG_LOCKED : MFA_MSG_WRONG_CODE;
        ngx_http_mfa_pages_show_form(r, pg);
        return;
    }

    switch (pg->after) {

    case NGX_HTTP_MFA_AFTER_VERIFY:
        ngx_http_mfa_pages_redirect(r, pg->return_url);
        return;

    case NGX_HTTP_MFA_AFTER_DISABLE:
        ngx_memzero(&page, sizeof(mfa_page_t));
        page.page = MFA_PAGE_SETTINGS;
        pg->msg = MFA_MSG_DISABLED;
        ngx_http_mfa_pages_render(r, pg, &page, NGX_HTTP_OK);
        return;

    case NGX_HTTP_MFA_AFTER_REENROLL:
        /* the current code allowed it: the new phone's key */
        ngx_http_mfa_pages_to_page(r, pg, "enroll?replace=1",
                                   pg->return_url);
        return;

    default: /* NGX_HTTP_MFA_AFTER_REGENERATE */
        ngx_memzero(&page, sizeof(mfa_page_t));
        page.page = MFA_PAGE_CODES;
        page.codes = (const char (*)[MFA_RECOVERY_LEN + 1]) pg->codes;
        page.ncodes = MFA_RECOVERY_COUNT;
        pg->msg = MFA_MSG_REGENERATED;
        ngx_http_mfa_pages_render(r, pg, &page, NGX_HTTP_OK);
        return;
    }
}


/*
 * The settings form's action: pg->after and the form it came from; a
 * disable needs its confirmation box ticked (else pg->msg says so).
 * NGX_ERROR for an unknown action.
 */

static ngx_int_t
ngx_http_mfa_pages_action(ngx_http_request_t *r, ngx_http_mfa_page_t *pg)
{
    mfa_str_t                action;
    const mfa_form_field_t  *f;

    f = mfa_form_get(pg->form, "action");
    action.data = f ? f->value : "";
    action.len = f ? f->value_len : 0;

    if (action.len == 7 && ngx_strncmp(action.data, "disable", 7) == 0) {
        pg->after = NGX_HTTP_MFA_AFTER_DISABLE;
        pg->form_kind = MFA_FORM_DISABLE;

        f = mfa_form_get(pg->form, "confirm");

        if (f == NULL || f->value_len != 1 || f->value[0] != '1') {
            /* nothing is checked, nothing counted: the box first */
            pg->msg = MFA_MSG_CONFIRM;
        }

        return NGX_OK;
    }

    if (action.len == 10 && ngx_strncmp(action.data, "regenerate", 10) == 0)
    {
        pg->after = NGX_HTTP_MFA_AFTER_REGENERATE;
        pg->form_kind = MFA_FORM_REGENERATE;
        return NGX_OK;
    }

    if (action.len == 8 && ngx_strncmp(action.data, "reenroll", 8) == 0) {
        pg->after = NGX_HTTP_MFA_AFTER_REENROLL;
        pg->form_kind = MFA_FORM_REENROLL;
        return NGX_OK;
    }

    return NGX_ERROR;
}


/*
 * The "read" of the user's state (and of the active company's display
 * name); "next" runs with its reply.
 */

static void
ngx_http_mfa_pages_read(ngx_http_request_t *r, ngx_http_mfa_page_t *pg,
    ngx_http_mfa_step_pt next)
{
    if (ngx_http_mfa_store_start(r, &pg->store, "read", &pg->digest)
        != NGX_OK
        || ngx_http_mfa_pages_company_key(r, &pg->store) != NGX_OK)
    {
        ngx_http_finalize_request(r, NGX_HTTP_INTERNAL_SERVER_ERROR);
        return;
    }

    ngx_http_mfa_pages_query(r, pg, next);
}


/* appends the active company's key, or "" without one */

static ngx_int_t
ngx_http_mfa_pages_company_key(ngx_http_request_t *r,
    ngx_http_mfa_store_t *st)
{
    ngx_http_mfa_ctx_t        *ctx;
    mfa_session_value_t       *company;
    ngx_http_mfa_main_conf_t  *mmcf;

    ctx = ngx_http_get_module_ctx(r, ngx_http_mfa_module);
    mmcf = ngx_http_get_module_main_conf(r, ngx_http_mfa_module);
    company = &ctx->identity.company;

    if (!company->found) {
        ngx_http_mfa_store_arg(st, "", 0);
        return NGX_OK;
    }

    return ngx_http_mfa_store_key(r, st, &mmcf->key_company,
                                  (u_char *) company->data, company->len, "");
}


/*
 * GET challenge or settings (or a settings form refused before any check),
 * after the "read": the page, with a lockout in progress shown at once.
 */

static void
ngx_http_mfa_pages_state_show(ngx_http_request_t *r, ngx_http_mfa_page_t *pg)
{
    ngx_http_mfa_store_t  *st;

    st = &pg->store;

    if (st->failed || st->nres < NGX_HTTP_MFA_READ_N) {
        ngx_http_mfa_pages_message(r, pg, MFA_MSG_UNAVAILABLE,
                                   NGX_HTTP_SERVICE_UNAVAILABLE);
        return;
    }

    pg->company_name = (char *) st->res[NGX_HTTP_MFA_READ_COMPANY_NAME].data;

    if (st->res[NGX_HTTP_MFA_READ_SINCE].data == NULL
        && pg->name == NGX_HTTP_MFA_PAGE_CHALLENGE)
    {
        /* not enrolled any more */
        ngx_http_mfa_pages_redirect(r, pg->return_url);
        return;
    }

    if (st->res[NGX_HTTP_MFA_READ_SINCE].data != NULL) {
        ngx_http_mfa_pages_enrolled(pg);
        pg->wait = ngx_max(pg->wait, 0);
    }

    ngx_http_mfa_pages_show_form(r, pg);
}
