
/*
 * ngx_http_mfa_module: its variables, for mfa_session_key, log_format,
 * map and if.
 *
 *   $mfa_session_id   the session id read and checked (empty: none)
 *   $mfa_session_id_sha256
 *                     its SHA-256 in hex (Rack's private session ids)
 *   $mfa_status       the gate's decision: verified, not_required,
 *                     anonymous, unchecked, challenge, enroll, deny or
 *                     unavailable; empty where the gate did not decide
 *   $mfa_user         the user the decision was about
 *   $mfa_company      the active company it was about
 */


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include "ngx_http_mfa.h"


#define NGX_HTTP_MFA_VAR_STATUS   0
#define NGX_HTTP_MFA_VAR_USER     1
#define NGX_HTTP_MFA_VAR_COMPANY  2

#define NGX_HTTP_MFA_VAR_ID       0
#define NGX_HTTP_MFA_VAR_ID_HASH  1


static ngx_int_t ngx_http_mfa_session_id_variable(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data);
static ngx_int_t ngx_http_mfa_decision_variable(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data);
static void ngx_http_mfa_variable_set(ngx_http_variable_value_t *v,
    u_char *data, size_t len);


static ngx_http_variable_t  ngx_http_mfa_variables[] = {

    { ngx_string("mfa_session_id"), NULL, ngx_http_mfa_session_id_variable,
      NGX_HTTP_MFA_VAR_ID, NGX_HTTP_VAR_NOCACHEABLE, 0 },

    { ngx_string("mfa_session_id_sha256"), NULL,
      ngx_http_mfa_session_id_variable, NGX_HTTP_MFA_VAR_ID_HASH,
      NGX_HTTP_VAR_NOCACHEABLE, 0 },

    { ngx_string("mfa_status"), NULL, ngx_http_mfa_decision_variable,
      NGX_HTTP_MFA_VAR_STATUS, NGX_HTTP_VAR_NOCACHEABLE, 0 },

    { ngx_string("mfa_user"), NULL, ngx_http_mfa_decision_variable,
      NGX_HTTP_MFA_VAR_USER, NGX_HTTP_VAR_NOCACHEABLE, 0 },

    { ngx_string("mfa_company"), NULL, ngx_http_mfa_decision_variable,
      NGX_HTTP_MFA_VAR_COMPANY, NGX_HTTP_VAR_NOCACHEABLE, 0 },

      ngx_http_null_variable
};


ngx_int_t
ngx_http_mfa_add_variables(ngx_conf_t *cf)
{
    ngx_http_variable_t  *var, *v;

    for (v = ngx_http_mfa_variables; v->name.len; v++) {
        var = ngx_http_add_variable(cf, &v->name, v->flags);
        if (var == NULL) {
            return NGX_ERROR;
        }

        var->get_handler = v->get_handler;
        var->data = v->data;
    }

    return NGX_OK;
}


static void
ngx_http_mfa_variable_set(ngx_http_variable_value_t *v, u_char *data,
    size_t len)
{
    if (len == 0) {
        v->not_found = 1;
        return;
    }

    v->len = len;
    v->valid = 1;
    v->no_cacheable = 1;
    v->not_found = 0;
    v->data = data;
}


/*
 * $mfa_session_id: the checked id, empty without a session;
 * $mfa_session_id_sha256: its SHA-256 in hex, empty without one
 */

static ngx_int_t
ngx_http_mfa_session_id_variable(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data)
{
    u_char                   *hex;
    ngx_str_t                 id;
    mfa_cookie_t             *cookie;
    ngx_http_mfa_ctx_t       *ctx;
    ngx_http_mfa_loc_conf_t  *mlcf;

    ctx = ngx_http_mfa_get_ctx(r);

    if (ctx != NULL && ctx->sid_set) {
        id = ctx->sid;

    } else {
        /* outside the gate: a log format, an "mfa off" location */
        mlcf = ngx_http_get_module_loc_conf(r, ngx_http_mfa_module);

        if (ngx_http_mfa_session_id(r, mlcf, &id, &cookie) != NGX_OK) {
            return NGX_ERROR;
        }
    }

    if (data == NGX_HTTP_MFA_VAR_ID || id.len == 0) {
        ngx_http_mfa_variable_set(v, id.data, id.len);
        return NGX_OK;
    }

    hex = ngx_pnalloc(r->pool, MFA_SHA256_HEX_LEN + 1);
    if (hex == NULL) {
        return NGX_ERROR;
    }

    if (mfa_sha256_hex(id.data, id.len, (char *) hex) != MFA_OK) {
        ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                      "mfa: SHA-256 of the session id failed");
        return NGX_ERROR;
    }

    ngx_http_mfa_variable_set(v, hex, MFA_SHA256_HEX_LEN);

    return NGX_OK;
}


/* $mfa_status, $mfa_user, $mfa_company: what the gate decided */

static ngx_int_t
ngx_http_mfa_decision_variable(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data)
{
    const char           *s;
    ngx_http_mfa_ctx_t   *ctx;
    mfa_gate_identity_t  *id;

    static const char  *actions[] = {
        "through", "challenge", "enroll", "deny", "unavailable"
    };

    ctx = ngx_http_mfa_get_ctx(r);

    if (ctx == NULL || !ctx->done || ctx->page != NULL) {
        v->not_found = 1;
        return NGX_OK;
    }

    id = &ctx->identity;

    switch (data) {

    case NGX_HTTP_MFA_VAR_STATUS:
        s = (ctx->decision.action == MFA_GATE_THROUGH)
            ? ctx->decision.status : actions[ctx->decision.action];

        if (s == NULL) {
            v->not_found = 1;
            return NGX_OK;
        }

        ngx_http_mfa_variable_set(v, (u_char *) s, ngx_strlen(s));
        return NGX_OK;

    case NGX_HTTP_MFA_VAR_USER:
        ngx_http_mfa_variable_set(v, (u_char *) id->user.data,
                                  id->user.found ? id->user.len : 0);
        return NGX_OK;

    default: /* NGX_HTTP_MFA_VAR_COMPANY */
        ngx_http_mfa_variable_set(v, (u_char *) id->company.data,
                                  id->company.found ? id->company.len : 0);
        return NGX_OK;
    }
}
