
/*
 * ngx_http_mfa_module: the codes of the pages.  Secrets are opened here,
 * with the key only nginx holds, and cleansed from memory after use; a
 * TOTP code is checked against the whole window by the core, with the
 * parameters stored with the user's credential; recovery codes are
 * hashed under a key derived from the key their set names, with the
 * set's salt.
 */


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include <openssl/crypto.h>

#include "ngx_http_mfa_page.h"
#include "mfa_keys.h"


static void ngx_http_mfa_codes_ad(ngx_http_request_t *r, const char *field,
    mfa_seal_ad_t *ad);


ngx_int_t
ngx_http_mfa_codes_totp(ngx_http_request_t *r, ngx_http_mfa_page_t *pg,
    ngx_str_t *sealed, const char *field, uint64_t *step,
    ngx_str_t *resealed)
{
    int      rc;
    size_t   len;
    uint8_t  secret[MFA_SEALED_MAX];

    if (ngx_http_mfa_codes_open(r, sealed, field, secret, &len) != NGX_OK) {
        return NGX_ERROR;
    }

    rc = 0;

    if (pg->code != NULL) {
        rc = mfa_totp_verify(&pg->params, secret, len, ngx_time(),
                             pg->code->value, pg->code->value_len, step);
    }

    if (rc == 1 && resealed != NULL
        && ngx_http_mfa_codes_seal(r, MFA_FIELD_SECRET, secret, len,
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
ngx_http_mfa_codes_ad(ngx_http_request_t *r, const char *field,
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
ngx_http_mfa_codes_open(ngx_http_request_t *r, ngx_str_t *sealed,
    const char *field, uint8_t *secret, size_t *len)
{
    size_t                     n;
    uint8_t                    raw[MFA_SEALED_MAX];
    mfa_err_t                  err;
    mfa_seal_ad_t              ad;
    ngx_http_mfa_main_conf_t  *mmcf;

    mmcf = ngx_http_get_module_main_conf(r, ngx_http_mfa_module);
    ngx_http_mfa_codes_ad(r, field, &ad);

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
ngx_http_mfa_codes_seal(ngx_http_request_t *r, const char *field,
    const uint8_t *secret, size_t len, ngx_str_t *out)
{
    mfa_seal_ad_t              ad;
    ngx_http_mfa_main_conf_t  *mmcf;

    mmcf = ngx_http_get_module_main_conf(r, ngx_http_mfa_module);
    ngx_http_mfa_codes_ad(r, field, &ad);

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


/*
 * The credential read: its TOTP parameters (the configured ones for a
 * credential stored before they were stored with it) and its recovery-code
 * set's description; NGX_ERROR (logged) when either cannot be read.
 */

ngx_int_t
ngx_http_mfa_codes_credential(ngx_http_request_t *r, ngx_http_mfa_page_t *pg,
    ngx_str_t *totp, ngx_str_t *set)
{
    mfa_err_t            err;
    ngx_http_mfa_ctx_t  *ctx;

    ctx = ngx_http_get_module_ctx(r, ngx_http_mfa_module);

    if (totp->data != NULL
        && mfa_totp_params_parse((char *) totp->data, totp->len, &pg->params,
                                 &err)
           != MFA_OK)
    {
        ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                      "mfa: the credential of user \"%*s\" is unreadable: "
                      "%s", ctx->identity.user.len, ctx->identity.user.data,
                      err.msg);
        return NGX_ERROR;
    }

    /* a long period of its own: fewer steps either side, as nginx -t asks */

    if (pg->params.skew * pg->params.period > MFA_TOTP_MAX_DRIFT) {
        pg->params.skew = MFA_TOTP_MAX_DRIFT / pg->params.period;
    }

    pg->has_set = 0;

    if (set->data == NULL) {
        return NGX_OK;
    }

    if (mfa_recovery_set_parse((char *) set->data, set->len, &pg->set)
        != MFA_OK)
    {
        ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                      "mfa: the recovery codes of user \"%*s\" are "
                      "unreadable: \"" MFA_FIELD_RECOVERY "\" is not "
                      "\"<key id> <salt>\"", ctx->identity.user.len,
                      ctx->identity.user.data);
        return NGX_ERROR;
    }

    pg->has_set = 1;

    return NGX_OK;
}


/*
 * ten new recovery codes in pg->codes, their hashes in pg->hashes, the
 * description of their set in pg->new_set
 */

ngx_int_t
ngx_http_mfa_codes_new(ngx_http_request_t *r, ngx_http_mfa_page_t *pg)
{
    ngx_uint_t                 i;
    mfa_key_t                 *key;
    mfa_recovery_set_t         set;
    ngx_http_mfa_main_conf_t  *mmcf;

    mmcf = ngx_http_get_module_main_conf(r, ngx_http_mfa_module);
    key = mmcf->keys->elts;

    if (mfa_recovery_set_new(key->id, &set) != MFA_OK) {
        goto failed;
    }

    for (i = 0; i < MFA_RECOVERY_COUNT; i++) {
        if (mfa_recovery_generate(pg->codes[i]) != MFA_OK
            || ngx_http_mfa_codes_hash(r, key, &set, pg->codes[i],
                                       pg->hashes[i])
               != NGX_OK)
        {
            goto failed;
        }
    }

    pg->new_set.data = pg->new_set_buf;
    pg->new_set.len = mfa_recovery_set_format(&set, (char *) pg->new_set_buf);

    return NGX_OK;

failed:

    ngx_log_error(NGX_LOG_ALERT, r->connection->log, 0,
                  "mfa: cannot make recovery codes");
    return NGX_ERROR;
}


/*
 * The hashes a typed recovery code may have in pg->tried: under the key
 * its set names, or, for a set made before sets were described, under
 * each configured key.  Returns how many, or NGX_ERROR (logged) when the
 * set's key is not configured.
 */

ngx_int_t
ngx_http_mfa_codes_tried(ngx_http_request_t *r, ngx_http_mfa_page_t *pg,
    const char *code)
{
    ngx_uint_t                 i, n;
    mfa_key_t                 *keys;
    ngx_http_mfa_ctx_t        *ctx;
    ngx_http_mfa_main_conf_t  *mmcf;

    mmcf = ngx_http_get_module_main_conf(r, ngx_http_mfa_module);
    keys = mmcf->keys->elts;

    if (!pg->has_set) {
        n = ngx_min(mmcf->keys->nelts, NGX_HTTP_MFA_MAX_KEYS);

        for (i = 0; i < n; i++) {
            if (ngx_http_mfa_codes_hash(r, &keys[i], NULL, code,
                                        pg->tried[i])
                != NGX_OK)
            {
                goto failed;
            }
        }

        return n;
    }

    for (i = 0; i < mmcf->keys->nelts; i++) {
        if (keys[i].id == pg->set.key_id) {
            if (ngx_http_mfa_codes_hash(r, &keys[i], &pg->set, code,
                                        pg->tried[0])
                != NGX_OK)
            {
                goto failed;
            }

            return 1;
        }
    }

    ctx = ngx_http_get_module_ctx(r, ngx_http_mfa_module);

    ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                  "mfa: the recovery codes of user \"%*s\" were made "
                  "under key id %ui, which no key of "
                  "\"mfa_secret_key_file\" has", ctx->identity.user.len,
                  ctx->identity.user.data, (ngx_uint_t) pg->set.key_id);

    return NGX_ERROR;

failed:

    ngx_log_error(NGX_LOG_ALERT, r->connection->log, 0,
                  "mfa: OpenSSL cannot hash a recovery code");
    return NGX_ERROR;
}


ngx_int_t
ngx_http_mfa_codes_hash(ngx_http_request_t *r, mfa_key_t *key,
    const mfa_recovery_set_t *set, const char *code, char *hex)
{
    int                  rc;
    uint8_t              subkey[MFA_KEY_LEN];
    uint8_t              hash[MFA_RECOVERY_HASH_LEN];
    ngx_http_mfa_ctx_t  *ctx;

    ctx = ngx_http_get_module_ctx(r, ngx_http_mfa_module);

    rc = mfa_key_derive(key, "recovery", subkey);

    if (rc == MFA_OK) {
        rc = mfa_recovery_hash(subkey, set, ctx->identity.user.data,
                               ctx->identity.user.len, code, hash);
    }

    if (rc == MFA_OK) {
        ngx_hex_dump((u_char *) hex, hash, sizeof(hash));
    }

    OPENSSL_cleanse(subkey, sizeof(subkey));
    OPENSSL_cleanse(hash, sizeof(hash));

    return (rc == MFA_OK) ? NGX_OK : NGX_ERROR;
}


void
ngx_http_mfa_codes_params(ngx_http_request_t *r, mfa_totp_params_t *params)
{
    ngx_http_mfa_loc_conf_t  *mlcf;

    mlcf = ngx_http_get_module_loc_conf(r, ngx_http_mfa_module);

    params->alg = mlcf->totp_algorithm;
    params->digits = mlcf->totp_digits;
    params->period = mlcf->totp_period;
    params->skew = mlcf->totp_skew;
}
