
/*
 * ngx_http_mfa_module: the codes of the pages.  Secrets are opened here,
 * with the key only nginx holds, and cleansed from memory after use; a
 * TOTP code is checked against the whole window by the core; recovery
 * codes are hashed under a key derived from each configured key.
 */


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include <openssl/crypto.h>

#include "ngx_http_mfa_pages.h"
#include "mfa_keys.h"


static void ngx_http_mfa_pages_ad(ngx_http_request_t *r, const char *field,
    mfa_seal_ad_t *ad);


ngx_int_t
ngx_http_mfa_pages_totp(ngx_http_request_t *r, ngx_http_mfa_page_t *pg,
    ngx_str_t *sealed, const char *field, uint64_t *step,
    ngx_str_t *resealed)
{
    int                rc;
    size_t             len;
    uint8_t            secret[MFA_SEALED_MAX];
    mfa_totp_params_t  params;

    if (ngx_http_mfa_pages_open(r, sealed, field, secret, &len) != NGX_OK) {
        return NGX_ERROR;
    }

    ngx_http_mfa_pages_params(r, &params);

    rc = 0;

    if (pg->code != NULL) {
        rc = mfa_totp_verify(&params, secret, len, ngx_time(),
                             pg->code->value, pg->code->value_len, step);
    }

    if (rc == 1 && resealed != NULL
        && ngx_http_mfa_pages_seal(r, MFA_FIELD_SECRET, secret, len,
                                   resealed)
           != NGX_OK)
    {
        rc = -1;
    }

    OPENSSL_cleanse(secret, sizeof(secret));

    return (rc == 1) ? NGX_OK : (rc < 0) ? NGX_ERROR : NGX_DECLINED;
}


/* what the request's user's sealed values are bound to */

static void
ngx_http_mfa_pages_ad(ngx_http_request_t *r, const char *field,
    mfa_seal_ad_t *ad)
{
    ngx_http_mfa_ctx_t        *ctx;
    ngx_http_mfa_main_conf_t  *mmcf;

    ctx = ngx_http_get_module_ctx(r, ngx_http_mfa_module);
    mmcf = ngx_http_get_module_main_conf(r, ngx_http_mfa_module);

    ad->prefix.data = (char *) mmcf->prefix.data;
    ad->prefix.len = mmcf->prefix.len;
    ad->field = field;
    ad->owner.data = ctx->identity.user.data;
    ad->owner.len = ctx->identity.user.len;
}


/* opens a sealed secret (base64url) of the request's user's field */

ngx_int_t
ngx_http_mfa_pages_open(ngx_http_request_t *r, ngx_str_t *sealed,
    const char *field, uint8_t *secret, size_t *len)
{
    size_t                     n;
    uint8_t                    raw[MFA_SEALED_MAX];
    mfa_err_t                  err;
    mfa_seal_ad_t              ad;
    ngx_http_mfa_main_conf_t  *mmcf;

    mmcf = ngx_http_get_module_main_conf(r, ngx_http_mfa_module);
    ngx_http_mfa_pages_ad(r, field, &ad);

    if (ngx_strcmp(field, MFA_FIELD_PENDING) == 0) {
        field = "pending secret";
    }

    if (mfa_sealed_from_text((char *) sealed->data, sealed->len, raw, &n)
        != MFA_OK)
    {
        ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                      "mfa: the %s of user \"%*s\" is not base64url",
                      field, ad.owner.len, ad.owner.data);
        return NGX_ERROR;
    }

    if (mfa_open(mmcf->keys->elts, mmcf->keys->nelts, &ad, raw, n, secret,
                 len, &err) != MFA_OK)
    {
        ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                      "mfa: the %s of user \"%*s\" cannot be opened: %s",
                      field, ad.owner.len, ad.owner.data, err.msg);
        return NGX_ERROR;
    }

    return NGX_OK;
}


/* seals a secret of the request's user's field, as text in the pool */

ngx_int_t
ngx_http_mfa_pages_seal(ngx_http_request_t *r, const char *field,
    const uint8_t *secret, size_t len, ngx_str_t *out)
{
    mfa_seal_ad_t              ad;
    ngx_http_mfa_main_conf_t  *mmcf;

    mmcf = ngx_http_get_module_main_conf(r, ngx_http_mfa_module);
    ngx_http_mfa_pages_ad(r, field, &ad);

    out->data = ngx_pnalloc(r->pool, MFA_SEALED_TEXT_MAX + 1);
    if (out->data == NULL) {
        return NGX_ERROR;
    }

    if (mfa_seal_text(mmcf->keys->elts, &ad, secret, len, (char *) out->data,
                      &out->len)
        != MFA_OK)
    {
        ngx_log_error(NGX_LOG_ALERT, r->connection->log, 0,
                      "mfa: cannot seal a secret");
        return NGX_ERROR;
    }

    return NGX_OK;
}


/* ten new recovery codes in pg->codes, their hashes in pg->hashes */

ngx_int_t
ngx_http_mfa_pages_new_codes(ngx_http_request_t *r, ngx_http_mfa_page_t *pg)
{
    ngx_uint_t                 i;
    ngx_http_mfa_main_conf_t  *mmcf;

    mmcf = ngx_http_get_module_main_conf(r, ngx_http_mfa_module);

    for (i = 0; i < MFA_RECOVERY_COUNT; i++) {
        if (mfa_recovery_generate(pg->codes[i]) != MFA_OK) {
            ngx_log_error(NGX_LOG_ALERT, r->connection->log, 0,
                          "mfa: cannot make recovery codes");
            return NGX_ERROR;
        }

        ngx_http_mfa_pages_hash(r, mmcf->keys->elts, pg->codes[i],
                                pg->hashes[i]);
    }

    return NGX_OK;
}


void
ngx_http_mfa_pages_hash(ngx_http_request_t *r, mfa_key_t *key,
    const char *code, char *hex)
{
    uint8_t              subkey[MFA_KEY_LEN];
    uint8_t              hash[MFA_RECOVERY_HASH_LEN];
    ngx_http_mfa_ctx_t  *ctx;

    ctx = ngx_http_get_module_ctx(r, ngx_http_mfa_module);

    mfa_key_derive(key, "recovery", subkey);
    mfa_recovery_hash(subkey, ctx->identity.user.data,
                      ctx->identity.user.len, code, hash);
    ngx_hex_dump((u_char *) hex, hash, sizeof(hash));

    OPENSSL_cleanse(subkey, sizeof(subkey));
}


void
ngx_http_mfa_pages_params(ngx_http_request_t *r, mfa_totp_params_t *params)
{
    ngx_http_mfa_loc_conf_t  *mlcf;

    mlcf = ngx_http_get_module_loc_conf(r, ngx_http_mfa_module);

    params->alg = mlcf->totp_algorithm;
    params->digits = mlcf->totp_digits;
    params->period = mlcf->totp_period;
    params->skew = mlcf->totp_skew;
}
