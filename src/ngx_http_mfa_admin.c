
/*
 * ngx_http_mfa_module: the admin page and the JSON API.
 *
 * <pages>admin shows the active company's policy, its last change and its
 * members' 2FA status to an admin of that company (the session's
 * mfa_session_admin path is truthy), with the one-click switch.
 * <pages>api/status answers the session's own state;
 * <pages>api/companies/<cid>/policy reads and sets a company's policy,
 * for that company's admins by session or for the bearer token of
 * mfa_api_token_file.  Admins are subject to the policy like everyone:
 * a session the gate would send to the challenge or to enrolment goes
 * there first.
 */


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include <openssl/sha.h>

#include "ngx_http_mfa_page.h"
#include "ngx_http_mfa_log.h"
#include "mfa_api.h"
#include "mfa_keys.h"


static ngx_int_t ngx_http_mfa_admin_allowed(ngx_http_request_t *r,
    ngx_http_mfa_page_t *pg);
static ngx_int_t ngx_http_mfa_admin_status(ngx_http_request_t *r);
static void ngx_http_mfa_admin_gate(ngx_http_request_t *r,
    ngx_http_mfa_page_t *pg);
static ngx_int_t ngx_http_mfa_admin_start(ngx_http_request_t *r,
    ngx_http_mfa_page_t *pg, const char *op);
static void ngx_http_mfa_admin_written(ngx_http_request_t *r,
    ngx_http_mfa_page_t *pg);
static void ngx_http_mfa_admin_show(ngx_http_request_t *r,
    ngx_http_mfa_page_t *pg);
static void ngx_http_mfa_admin_page(ngx_http_request_t *r,
    ngx_http_mfa_page_t *pg);
static time_t ngx_http_mfa_admin_time(ngx_str_t *s);
static void ngx_http_mfa_admin_unavailable(ngx_http_request_t *r,
    ngx_http_mfa_page_t *pg);


/*
 * NGX_OK for the right bearer token, NGX_DECLINED without one, NGX_ERROR
 * for a wrong one (or one sent when none is configured).  The digests are
 * compared, in constant time, so that neither the token nor its length
 * shows in the timing.
 */

ngx_int_t
ngx_http_mfa_admin_token(ngx_http_request_t *r)
{
    u_char                     given[SHA256_DIGEST_LENGTH];
    u_char                     want[SHA256_DIGEST_LENGTH];
    ngx_str_t                  token;
    ngx_uint_t                 unlogged;
    ngx_table_elt_t           *h;
    ngx_http_mfa_main_conf_t  *mmcf;

    /* anyone can send a token: the lines are limited */
    static ngx_http_mfa_log_limit_t  none_log, wrong_log;

    mmcf = ngx_http_get_module_main_conf(r, ngx_http_mfa_module);
    h = r->headers_in.authorization;

    if (h == NULL || h->value.len < 7
        || ngx_strncasecmp(h->value.data, (u_char *) "Bearer ", 7) != 0)
    {
        return NGX_DECLINED;
    }

    token.data = h->value.data + 7;
    token.len = h->value.len - 7;

    while (token.len && token.data[0] == ' ') {
        token.data++;
        token.len--;
    }

    if (mmcf->api_token.len == 0) {
        if (ngx_http_mfa_log_due(&none_log, &unlogged)) {
            ngx_log_error(NGX_LOG_WARN, r->connection->log, 0,
                          "mfa: a bearer token was sent to the API, but no "
                          "\"mfa_api_token_file\" is configured (and %ui "
                          "more times since the last such line)", unlogged);
        }

        return NGX_ERROR;
    }

    SHA256(token.data, token.len, given);
    SHA256(mmcf->api_token.data, mmcf->api_token.len, want);

    if (!mfa_ct_equal(given, want, SHA256_DIGEST_LENGTH)) {
        if (ngx_http_mfa_log_due(&wrong_log, &unlogged)) {
            ngx_log_error(NGX_LOG_WARN, r->connection->log, 0,
                          "mfa: wrong bearer token for the API (and %ui more "
                          "since the last such line)", unlogged);
        }

        return NGX_ERROR;
    }

    return NGX_OK;
}


void
ngx_http_mfa_admin_run(ngx_http_request_t *r, ngx_http_mfa_page_t *pg)
{
    int                       require;
    mfa_err_t                 err;
    const char               *op;
    ngx_http_mfa_ctx_t       *ctx;
    mfa_session_value_t      *id;
    const mfa_form_field_t   *f;

    ctx = ngx_http_get_module_ctx(r, ngx_http_mfa_module);

    if (pg->token) {
        if (pg->name == NGX_HTTP_MFA_API_STATUS) {
            ngx_http_mfa_api_refuse(r, NGX_HTTP_BAD_REQUEST, "no_user",
                                    "the status is a session's; a bearer "
                                    "token has none");
            return;
        }

    } else if (ngx_http_mfa_admin_allowed(r, pg) != NGX_OK) {
        return;
    }

    if (!pg->token && pg->name == NGX_HTTP_MFA_API_STATUS) {
        ngx_http_finalize_request(r, ngx_http_mfa_admin_status(r));
        return;
    }

    if (!pg->post) {
        op = "company";

    } else if (pg->api) {
        /* the token or the session, and a JSON PUT (no form can send it) */

        if (mfa_api_policy_parse((char *) pg->body.data, pg->body.len,
                                 &require, &err) != MFA_OK)
        {
            ngx_http_mfa_api_refuse(r, NGX_HTTP_BAD_REQUEST, "bad_json",
                                    err.msg);
            return;
        }

        pg->require = require;
        op = "policy";

    } else {
        f = mfa_form_get(pg->form, "require_2fa");

        if (f == NULL || f->value_len != 1
            || (f->value[0] != '0' && f->value[0] != '1'))
        {
            ngx_http_mfa_pages_message(r, pg, MFA_MSG_ERROR,
                                       NGX_HTTP_BAD_REQUEST);
            return;
        }

        pg->require = (f->value[0] == '1');

        /* the switch only asks; the confirmation step changes the policy */

        f = mfa_form_get(pg->form, "confirm");
        pg->confirm = (f == NULL || f->value_len != 1 || f->value[0] != '1');
        op = pg->confirm ? "company" : "policy";
    }

    if (pg->company.len == 0) {
        /* the admin page: the session's active company */
        id = &ctx->identity.company;
        pg->company.data = (u_char *) id->data;
        pg->company.len = id->len;
    }

    if (ngx_http_mfa_admin_start(r, pg, op) != NGX_OK) {
        ngx_http_finalize_request(r, NGX_HTTP_INTERNAL_SERVER_ERROR);
        return;
    }

    ngx_http_mfa_pages_query(r, pg, (pg->post && !pg->confirm)
                                    ? ngx_http_mfa_admin_written
                                    : ngx_http_mfa_admin_show);
}


/*
 * A session may use the admin page and the policy API when it is an admin
 * of the company in question and the gate lets it through; NGX_OK, or
 * the request is answered.
 */

static ngx_int_t
ngx_http_mfa_admin_allowed(ngx_http_request_t *r, ngx_http_mfa_page_t *pg)
{
    ngx_http_mfa_ctx_t       *ctx;
    mfa_gate_identity_t      *id;

    ctx = ngx_http_get_module_ctx(r, ngx_http_mfa_module);
    id = &ctx->identity;

    if (pg->api) {
        /* the admin page had these answered as pages */

        if (ctx->in.lookup_failed) {
            ngx_http_mfa_admin_unavailable(r, pg);
            return NGX_DONE;
        }

        if (ctx->decision.action == MFA_GATE_DENY) {
            ngx_http_mfa_api_refuse(r, NGX_HTTP_FORBIDDEN, "forbidden",
                                    "this session cannot be read");
            return NGX_DONE;
        }

        if (!id->user.found) {
            ngx_http_mfa_api_refuse(r, NGX_HTTP_UNAUTHORIZED,
                                    "login_required",
                                    "log in to the dashboard, or send the "
                                    "API's bearer token");
            return NGX_DONE;
        }

        if (pg->name == NGX_HTTP_MFA_API_STATUS) {
            return NGX_OK;
        }
    }

    if (ctx->decision.action == MFA_GATE_CHALLENGE
        || ctx->decision.action == MFA_GATE_ENROLL)
    {
        ngx_http_mfa_admin_gate(r, pg);
        return NGX_DONE;
    }

    /*
     * The admin flag is the session's, for the session's own company: a
     * company named by the request (mfa_company) is not one it administers.
     */

    if (!id->admin.found || !mfa_value_truthy(id->admin.data, id->admin.len)
        || !id->company.found || !id->own_company
        || (pg->api && (pg->company.len != id->company.len
                        || ngx_strncmp(pg->company.data, id->company.data,
                                       id->company.len) != 0)))
    {
        if (pg->api) {
            ngx_http_mfa_api_refuse(r, NGX_HTTP_FORBIDDEN, "forbidden",
                                    "only an administrator of this company, "
                                    "acting for it, may do this");

        } else {
            ngx_http_mfa_pages_message(r, pg, MFA_MSG_NOT_ADMIN,
                                       NGX_HTTP_FORBIDDEN);
        }

        return NGX_DONE;
    }

    if (pg->api && pg->post && ngx_http_mfa_cross_site(r, 0)) {
        ngx_http_mfa_api_refuse(r, NGX_HTTP_FORBIDDEN, "forbidden",
                                "cross-site requests are refused");
        return NGX_DONE;
    }

    return NGX_OK;
}


/* the session's own state */

static ngx_int_t
ngx_http_mfa_admin_status(ngx_http_request_t *r)
{
    u_char               *p;
    mfa_buf_t             b;
    ngx_str_t             body;
    ngx_http_mfa_ctx_t   *ctx;
    mfa_gate_identity_t  *id;

    ctx = ngx_http_get_module_ctx(r, ngx_http_mfa_module);
    id = &ctx->identity;

    p = ngx_pnalloc(r->pool, NGX_HTTP_MFA_JSON_SIZE);
    if (p == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    mfa_buf_init(&b, (char *) p, NGX_HTTP_MFA_JSON_SIZE);

    if (mfa_api_status_json(id->user.data,
                            id->company.found ? id->company.data : NULL,
                            ctx->in.user == MFA_RECORD_OK, ctx->in.verified,
                            ctx->in.required, &b)
        != MFA_OK)
    {
        return ngx_http_mfa_api_error(r, NGX_HTTP_INTERNAL_SERVER_ERROR,
                                      "internal",
                                      "the state is not valid UTF-8");
    }

    body.data = p;
    body.len = b.len;

    return ngx_http_mfa_api_reply(r, NGX_HTTP_OK, &body);
}


/* an admin who must pass the challenge or enrol first */

static void
ngx_http_mfa_admin_gate(ngx_http_request_t *r, ngx_http_mfa_page_t *pg)
{
    char                     *loc, *body;
    size_t                    len;
    mfa_str_t                 pages, back, location;
    ngx_str_t                 json;
    ngx_http_mfa_ctx_t       *ctx;
    ngx_http_mfa_loc_conf_t  *mlcf;

    ctx = ngx_http_get_module_ctx(r, ngx_http_mfa_module);
    mlcf = ngx_http_get_module_loc_conf(r, ngx_http_mfa_module);

    pages.data = (char *) mlcf->pages.data;
    pages.len = mlcf->pages.len;

    /* back to this very page (a GET's query string too: a notice) */

    if (!pg->post && !pg->api) {
        back.data = (char *) r->unparsed_uri.data;
        back.len = r->unparsed_uri.len;

    } else {
        back.data = ngx_pnalloc(r->pool,
                                mlcf->pages.len + sizeof("admin") - 1);
        if (back.data == NULL) {
            ngx_http_finalize_request(r, NGX_HTTP_INTERNAL_SERVER_ERROR);
            return;
        }

        back.len = ngx_sprintf((u_char *) back.data, "%Vadmin", &mlcf->pages)
                   - (u_char *) back.data;
    }

    len = mfa_gate_location(&pages, ctx->decision.action, &back, NULL);

    loc = ngx_pnalloc(r->pool, len + 1);
    if (loc == NULL) {
        ngx_http_finalize_request(r, NGX_HTTP_INTERNAL_SERVER_ERROR);
        return;
    }

    len = mfa_gate_location(&pages, ctx->decision.action, &back, loc);
    loc[len] = '\0';

    if (!pg->api) {
        ngx_http_mfa_pages_redirect(r, loc);
        return;
    }

    location.data = loc;
    location.len = len;

    len = mfa_gate_json_body(ctx->decision.action, &location, NULL);

    body = ngx_pnalloc(r->pool, len);
    if (body == NULL) {
        ngx_http_finalize_request(r, NGX_HTTP_INTERNAL_SERVER_ERROR);
        return;
    }

    json.data = (u_char *) body;
    json.len = mfa_gate_json_body(ctx->decision.action, &location, body);

    ngx_http_finalize_request(r, ngx_http_mfa_api_reply(r,
                                                  NGX_HTTP_UNAUTHORIZED,
                                                  &json));
}


/* "company" or "policy" for pg->company */

static ngx_int_t
ngx_http_mfa_admin_start(ngx_http_request_t *r, ngx_http_mfa_page_t *pg,
    const char *op)
{
    u_char                    *p, *by;
    size_t                     len, who;
    ngx_http_mfa_ctx_t        *ctx;
    ngx_http_mfa_store_t      *st;
    mfa_session_value_t       *user;
    ngx_http_mfa_main_conf_t  *mmcf;

    ctx = ngx_http_get_module_ctx(r, ngx_http_mfa_module);
    mmcf = ngx_http_get_module_main_conf(r, ngx_http_mfa_module);
    st = &pg->store;
    user = &ctx->identity.user;

    if (ngx_http_mfa_store_start(r, st, op, &pg->digest) != NGX_OK) {
        return NGX_ERROR;
    }

    /* the audit entry's company is the company changed */

    st->argv[NGX_HTTP_MFA_STORE_COMPANY] = (char *) pg->company.data;
    st->argvlen[NGX_HTTP_MFA_STORE_COMPANY] = pg->company.len;

    if (ngx_http_mfa_store_key(r, st, &mmcf->key_company, pg->company.data,
                               pg->company.len, "")
        != NGX_OK
        || ngx_http_mfa_store_key(r, st, &mmcf->key_company, pg->company.data,
                                  pg->company.len, MFA_KEY_COMPANY_MEMBERS)
           != NGX_OK)
    {
        return NGX_ERROR;
    }

    /* a number, or "who" ("api:token", "admin:<uid>") and the actor's
       rate key (no longer than "who") */
    who = sizeof("api:token") + sizeof("admin:") + user->len;
    len = NGX_INT_T_LEN + who + mmcf->prefix.len + sizeof(MFA_KEY_RATE_POLICY)
          + who;

    p = ngx_pnalloc(r->pool, len);
    if (p == NULL) {
        return NGX_ERROR;
    }

    if (ngx_strcmp(op, "company") == 0) {
        ngx_http_mfa_store_arg(st, mmcf->key_user.data, mmcf->key_user.len);
        ngx_http_mfa_store_arg(st, p,
                               ngx_sprintf(p, "%ui",
                                           (ngx_uint_t)
                                           NGX_HTTP_MFA_MEMBERS_MAX) - p);
        return NGX_OK;
    }

    ngx_http_mfa_store_arg(st, pg->require ? "1" : "0", 1);

    by = p;

    if (pg->token) {
        p = ngx_cpymem(p, "api:token", 9);

    } else {
        p = ngx_sprintf(p, "%s:%*s", pg->api ? "api" : "admin",
                        user->len, user->data);
    }

    ngx_http_mfa_store_arg(st, by, p - by);

    /* the admin page may set a company nothing knew yet; the API not */
    ngx_http_mfa_store_arg(st, pg->api ? "0" : "1", 1);

    /*
     * "<prefix>rate:policy:user:<uid>" (or ":token"): how many changes the
     * actor made this minute, through the page and the API alike
     */

    by = p;

    if (pg->token) {
        p = ngx_sprintf(p, "%V" MFA_KEY_RATE_POLICY "token", &mmcf->prefix);

    } else {
        p = ngx_sprintf(p, "%V" MFA_KEY_RATE_POLICY "user:%*s",
                        &mmcf->prefix, user->len, user->data);
    }

    ngx_http_mfa_store_arg(st, by, p - by);

    return NGX_OK;
}


static void
ngx_http_mfa_admin_written(ngx_http_request_t *r, ngx_http_mfa_page_t *pg)
{
    u_char                   *url;
    ngx_uint_t                unlogged;
    ngx_http_mfa_store_t     *st;
    ngx_http_mfa_loc_conf_t  *mlcf;

    static ngx_http_mfa_log_limit_t  rate_log;

    mlcf = ngx_http_get_module_loc_conf(r, ngx_http_mfa_module);
    st = &pg->store;

    if (st->failed || st->nres < 1) {
        ngx_http_mfa_admin_unavailable(r, pg);
        return;
    }

    if (ngx_http_mfa_store_is(st, NGX_HTTP_MFA_POLICY_STATUS,
                              NGX_HTTP_MFA_POLICY_RATE))
    {
        if (ngx_http_mfa_log_due(&rate_log, &unlogged)) {
            ngx_log_error(NGX_LOG_WARN, r->connection->log, 0,
                          "mfa: policy change refused: more than %d a "
                          "minute by one actor (and %ui more since the last "
                          "such line)", MFA_POLICY_RATE, unlogged);
        }

        if (pg->api) {
            ngx_http_mfa_api_refuse(r, NGX_HTTP_TOO_MANY_REQUESTS,
                                    "too_many_changes",
                                    "too many policy changes: try again in "
                                    "a minute");
            return;
        }

        url = ngx_pnalloc(r->pool, mlcf->pages.len + sizeof("admin"));
        if (url == NULL) {
            ngx_http_finalize_request(r, NGX_HTTP_INTERNAL_SERVER_ERROR);
            return;
        }

        ngx_sprintf(url, "%Vadmin%Z", &mlcf->pages);
        pg->return_url = (char *) url;

        ngx_http_mfa_pages_message(r, pg, MFA_MSG_RATE,
                                   NGX_HTTP_TOO_MANY_REQUESTS);
        return;
    }

    if (!ngx_http_mfa_store_is(st, NGX_HTTP_MFA_POLICY_STATUS,
                               NGX_HTTP_MFA_POLICY_DONE))
    {
        /* only the API refuses to create a company */
        ngx_http_mfa_api_refuse(r, NGX_HTTP_NOT_FOUND, "unknown_company",
                                "no such company");
        return;
    }

    if (!pg->api) {
        /* after the POST, the page is loaded again with a GET, which
           says it is done */

        url = ngx_pnalloc(r->pool, mlcf->pages.len + sizeof("admin?done=1"));
        if (url == NULL) {
            ngx_http_finalize_request(r, NGX_HTTP_INTERNAL_SERVER_ERROR);
            return;
        }

        ngx_sprintf(url, "%Vadmin?done=%d%Z", &mlcf->pages,
                    pg->require ? 1 : 0);
        ngx_http_mfa_pages_redirect(r, (char *) url);
        return;
    }

    /* the API answers the new state */

    pg->post = 0;

    if (ngx_http_mfa_admin_start(r, pg, "company") != NGX_OK) {
        ngx_http_finalize_request(r, NGX_HTTP_INTERNAL_SERVER_ERROR);
        return;
    }

    ngx_http_mfa_pages_query(r, pg, ngx_http_mfa_admin_show);
}


/* the "company" reply (NGX_HTTP_MFA_COMPANY_*) */

static void
ngx_http_mfa_admin_show(ngx_http_request_t *r, ngx_http_mfa_page_t *pg)
{
    u_char                *p;
    mfa_buf_t              b;
    ngx_str_t              body, *res;
    ngx_http_mfa_store_t  *st;

    st = &pg->store;
    res = st->res;

    if (st->failed || st->nres < NGX_HTTP_MFA_COMPANY_N) {
        ngx_http_mfa_admin_unavailable(r, pg);
        return;
    }

    if (!pg->api) {
        ngx_http_mfa_admin_page(r, pg);
        return;
    }

    if (!ngx_http_mfa_store_is(st, NGX_HTTP_MFA_COMPANY_EXISTS, '1')) {
        ngx_http_mfa_api_refuse(r, NGX_HTTP_NOT_FOUND, "unknown_company",
                                "no such company");
        return;
    }

    p = ngx_pnalloc(r->pool, NGX_HTTP_MFA_JSON_SIZE);
    if (p == NULL) {
        ngx_http_finalize_request(r, NGX_HTTP_INTERNAL_SERVER_ERROR);
        return;
    }

    mfa_buf_init(&b, (char *) p, NGX_HTTP_MFA_JSON_SIZE);

    if (mfa_api_policy_json(ngx_http_mfa_pages_cstr(r, &pg->company),
                            ngx_http_mfa_store_is(st,
                                                  NGX_HTTP_MFA_COMPANY_REQUIRE,
                                                  '1'),
                            (char *) res[NGX_HTTP_MFA_COMPANY_CHANGED_BY].data,
                            ngx_http_mfa_admin_time(
                                &res[NGX_HTTP_MFA_COMPANY_CHANGED_AT]),
                            &b)
        != MFA_OK)
    {
        ngx_http_mfa_api_refuse(r, NGX_HTTP_INTERNAL_SERVER_ERROR,
                                "internal", "the policy is not valid UTF-8");
        return;
    }

    body.data = p;
    body.len = b.len;

    ngx_http_finalize_request(r, ngx_http_mfa_api_reply(r, NGX_HTTP_OK,
                                                        &body));
}


static void
ngx_http_mfa_admin_page(ngx_http_request_t *r, ngx_http_mfa_page_t *pg)
{
    ngx_int_t              total;
    ngx_uint_t             i, n;
    mfa_page_t             page;
    mfa_member_t          *m;
    ngx_str_t             *res, *l, done;
    ngx_http_mfa_store_t  *st;

    st = &pg->store;
    res = st->res;
    n = st->nlist / 3;

    m = ngx_pcalloc(r->pool, (n + 1) * sizeof(mfa_member_t));
    if (m == NULL) {
        ngx_http_finalize_request(r, NGX_HTTP_INTERNAL_SERVER_ERROR);
        return;
    }

    for (i = 0; i < n; i++) {
        l = &st->list[i * 3];

        m[i].id = l[0].data ? (char *) l[0].data : "";
        m[i].since = l[1].len ? ngx_atotm(l[1].data, l[1].len) : 0;
        m[i].locked_until = l[2].len ? ngx_atotm(l[2].data, l[2].len) : 0;
    }

    ngx_memzero(&page, sizeof(mfa_page_t));
    page.page = MFA_PAGE_ADMIN;
    page.company = ngx_http_mfa_pages_cstr(r, &pg->company);
    page.company_name = (char *) res[NGX_HTTP_MFA_COMPANY_NAME].data;
    page.required = ngx_http_mfa_store_is(st, NGX_HTTP_MFA_COMPANY_REQUIRE,
                                          '1');

    if (pg->confirm) {
        /* the step before the switch to the policy asked for */
        page.confirm = 1;
        page.required = !pg->require;

    } else if (ngx_http_arg(r, (u_char *) "done", 4, &done) == NGX_OK
               && done.len == 1 && done.data[0] - '0' == page.required)
    {
        /* back from the change: it is done */
        pg->msg = page.required ? MFA_MSG_POLICY_ON : MFA_MSG_POLICY_OFF;
    }
    page.changed_by = (char *) res[NGX_HTTP_MFA_COMPANY_CHANGED_BY].data;
    page.changed_at = ngx_http_mfa_admin_time(
                          &res[NGX_HTTP_MFA_COMPANY_CHANGED_AT]);
    page.members_known = ngx_http_mfa_store_is(st,
                                            NGX_HTTP_MFA_COMPANY_MEMBERS_KNOWN,
                                            '1');
    page.members = m;
    page.nmembers = n;
    total = res[NGX_HTTP_MFA_COMPANY_MEMBERS_TOTAL].data
            ? ngx_atoi(res[NGX_HTTP_MFA_COMPANY_MEMBERS_TOTAL].data,
                       res[NGX_HTTP_MFA_COMPANY_MEMBERS_TOTAL].len)
            : 0;
    page.members_total = (total > 0) ? (size_t) total : 0;
    page.now = ngx_time();

    ngx_http_mfa_pages_render(r, pg, &page, NGX_HTTP_OK);
}


/* a time of the reply: Unix time, 0 when absent */

static time_t
ngx_http_mfa_admin_time(ngx_str_t *s)
{
    return s->data ? ngx_atotm(s->data, s->len) : 0;
}


/* Redis did not answer, or its replicas: 503, as JSON or as a page */

static void
ngx_http_mfa_admin_unavailable(ngx_http_request_t *r, ngx_http_mfa_page_t *pg)
{
    if (pg->api && pg->store.unsaved) {
        ngx_http_mfa_api_refuse(r, NGX_HTTP_SERVICE_UNAVAILABLE,
                                "not_replicated", "the change was made, but "
                                "not confirmed by enough Redis replicas in "
                                "time: it may be lost in a failover");
        return;
    }

    if (pg->api) {
        ngx_http_mfa_api_refuse(r, NGX_HTTP_SERVICE_UNAVAILABLE,
                                "unavailable", "Redis cannot be reached");
        return;
    }

    ngx_http_mfa_pages_message(r, pg, MFA_MSG_UNAVAILABLE,
                               NGX_HTTP_SERVICE_UNAVAILABLE);
}
