
/*
 * ngx_http_mfa_module: "mfa_session_introspect URI", for a stack whose
 * session nginx cannot read (Laravel's encrypted cookie, a token the app
 * alone verifies).  Before the gate reads anything in Redis, a subrequest
 * asks one route of the app who the request is, for every gated request,
 * as a GET without a body and with the request's headers as the client
 * sent them: the upstream gets the same ones (no Cookie header is
 * rewritten), so the app is asked about exactly what it will act on,
 * however it reads its cookie.  The answer (src/mfa_introspect.h) is the
 * session record the gate reads, and its "session" the id the verified
 * marker is bound to; then the lookup reads the rest in Redis as for any
 * session.  Nothing of an answer is kept for the next request: a cached
 * "nobody" would let a user who just logged in through for as long as it
 * is kept.
 */


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include "ngx_http_mfa.h"
#include "ngx_http_mfa_log.h"
#include "ngx_http_mfa_metrics.h"
#include "mfa_introspect.h"


static ngx_int_t ngx_http_mfa_introspect_done(ngx_http_request_t *sr,
    void *data, ngx_int_t rc);


char *
ngx_http_mfa_session_introspect(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf)
{
    ngx_http_mfa_loc_conf_t  *mlcf = conf;

    u_char     *q;
    ngx_str_t  *value;

    if (mlcf->introspect.data != NULL) {
        return "is duplicate";
    }

    value = cf->args->elts;

    if (value[1].len == 0 || value[1].data[0] != '/') {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "\"mfa_session_introspect\" \"%V\" is not a URI "
                           "of this server: it must start with \"/\"",
                           &value[1]);
        return NGX_CONF_ERROR;
    }

    mlcf->introspect = value[1];
    ngx_str_null(&mlcf->introspect_args);

    q = ngx_strlchr(value[1].data, value[1].data + value[1].len, '?');

    if (q != NULL) {
        mlcf->introspect.len = q - value[1].data;
        mlcf->introspect_args.data = q + 1;
        mlcf->introspect_args.len = value[1].data + value[1].len - (q + 1);
    }

    return NGX_CONF_OK;
}


/*
 * The block's introspection, once merged: the answer is a JSON record at
 * "user", "company" and "admin" unless the block says otherwise; it
 * replaces the session key, and any other format.
 */

char *
ngx_http_mfa_introspect_merge(ngx_conf_t *cf, ngx_http_mfa_loc_conf_t *conf,
    mfa_format_t *json)
{
    if (conf->introspect.data == NULL) {
        return NGX_CONF_OK;
    }

    if (conf->session_format != json
        && conf->session_format->format != MFA_FORMAT_JSON)
    {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "\"mfa_session_introspect\" reads the app's "
                           "answer as JSON: it cannot be used with another "
                           "\"mfa_session_format\"");
        return NGX_CONF_ERROR;
    }

    conf->session_format = json;

    if (conf->session_user.len == 0) {
        ngx_str_set(&conf->session_user, "user");
    }

    if (conf->session_company.len == 0) {
        ngx_str_set(&conf->session_company, "company");
    }

    if (conf->session_admin.len == 0) {
        ngx_str_set(&conf->session_admin, "admin");
    }

    return NGX_CONF_OK;
}


/* the question to the app, in a subrequest the request waits for */

ngx_int_t
ngx_http_mfa_introspect(ngx_http_request_t *r, ngx_http_mfa_ctx_t *ctx)
{
    ngx_http_request_t          *sr;
    ngx_http_mfa_loc_conf_t     *mlcf;
    ngx_http_post_subrequest_t  *ps;

    mlcf = ngx_http_get_module_loc_conf(r, ngx_http_mfa_module);

    ps = ngx_palloc(r->pool, sizeof(ngx_http_post_subrequest_t));
    if (ps == NULL) {
        return NGX_ERROR;
    }

    ps->handler = ngx_http_mfa_introspect_done;
    ps->data = ctx;

    if (ngx_http_subrequest(r, &mlcf->introspect,
                            mlcf->introspect_args.len
                            ? &mlcf->introspect_args : NULL,
                            &sr, ps,
                            NGX_HTTP_SUBREQUEST_WAITED
                            | NGX_HTTP_SUBREQUEST_IN_MEMORY)
        != NGX_OK)
    {
        return NGX_ERROR;
    }

    /* a GET (ngx_http_subrequest() made it one) without the body */

    sr->request_body = NULL;
    sr->headers_in.content_length = NULL;
    sr->headers_in.content_length_n = -1;
    sr->headers_in.chunked = 0;

    ngx_log_debug1(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                   "mfa: asking the app who the session is, \"%V\"",
                   &mlcf->introspect);

    ctx->introspect = sr;
    ctx->waiting = 1;

    return NGX_AGAIN;
}


/* the answer, when the subrequest is done: the session's facts next */

static ngx_int_t
ngx_http_mfa_introspect_done(ngx_http_request_t *sr, void *data,
    ngx_int_t rc)
{
    ngx_http_mfa_ctx_t *ctx = data;

    int                       status;
    size_t                    len;
    ngx_str_t                 id;
    mfa_err_t                 err;
    ngx_int_t                 rv;
    mfa_str_t                 record, user;
    ngx_uint_t                unlogged;
    const char               *body;
    mfa_introspect_t          ans;
    ngx_http_request_t       *r;
    ngx_http_mfa_loc_conf_t  *mlcf;

    if (ctx->introspect != sr) {
        /* finalized again, or the context started over */
        return rc;
    }

    ctx->introspect = NULL;
    r = sr->parent;

    /* "return 401" and upstream errors come as rc, the rest as a status */

    if (rc == NGX_ERROR || sr->connection->error) {
        status = 0;

    } else if (rc >= NGX_HTTP_SPECIAL_RESPONSE) {
        status = (int) rc;

    } else {
        status = (int) sr->headers_out.status;
    }

    body = NULL;
    len = 0;

    if (sr->out != NULL && sr->out->buf != NULL) {
        body = (const char *) sr->out->buf->pos;
        len = sr->out->buf->last - sr->out->buf->pos;
    }

    ngx_log_debug2(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                   "mfa: the app answered %d, %uz bytes", status, len);

    mlcf = ngx_http_get_module_loc_conf(r, ngx_http_mfa_module);

    user.data = (const char *) mlcf->session_user.data;
    user.len = mlcf->session_user.len;

    if (r->connection->error
        && (r->connection->read->eof || r->connection->read->error))
    {
        /* the client went away: nobody to answer, nothing to log */
        ngx_http_mfa_metrics_answer(MFA_INTROSPECT_FAILED);
        ngx_http_mfa_lookup_without(r, ctx, NGX_HTTP_MFA_GONE);
        ctx->waiting = 0;
        return rc;
    }

    err.msg[0] = '\0';
    mfa_introspect_read(status, body, len, user, ctx->sid.len != 0, &ans,
                        &err);
    ngx_http_mfa_metrics_answer(ans.kind);

    switch (ans.kind) {

    case MFA_INTROSPECT_FAILED:
        if (ngx_http_mfa_log_due_text(err.msg, &unlogged)) {
            ngx_http_mfa_log_repeated(r->connection->log, NGX_LOG_ERR,
                                      err.msg, unlogged);
        }

        ngx_http_mfa_lookup_without(r, ctx, NGX_HTTP_MFA_UNREADABLE);
        rv = NGX_OK;
        break;

    case MFA_INTROSPECT_VISITOR:
        ngx_http_mfa_lookup_without(r, ctx, NGX_HTTP_MFA_VISITOR);
        rv = NGX_OK;
        break;

    default: /* MFA_INTROSPECT_RECORD */
        if (ans.session.found) {
            id.data = (u_char *) ans.session.data;
            id.len = ans.session.len;

        } else {
            id = ctx->sid;
        }

        record.data = body;
        record.len = len;

        rv = ngx_http_mfa_lookup_facts(r, ctx, &id, &record);
    }

    if (rv == NGX_ERROR) {
        return NGX_ERROR;
    }

    if (rv == NGX_OK) {
        ctx->waiting = 0;
    }

    return rc;
}
