
/*
 * ngx_http_mfa_module: two-factor authentication (TOTP) in front of an
 * existing web dashboard.
 *
 * This file holds the module definition, its directives and their
 * validation, and the access-phase handler.
 */


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include "mfa_crypto.h"
#include "mfa_session.h"
#include "mfa_totp.h"
#include "mfa_url.h"


#define NGX_HTTP_MFA_FORMAT_JSON    0
#define NGX_HTTP_MFA_FORMAT_HASH    1

#define NGX_HTTP_MFA_SCOPE_ACTIVE   0
#define NGX_HTTP_MFA_SCOPE_ANY      1

#define NGX_HTTP_MFA_FAIL_CLOSED    0
#define NGX_HTTP_MFA_FAIL_OPEN      1

#define NGX_HTTP_MFA_REDIS_PORT     6379
#define NGX_HTTP_MFA_REDIS_MAX_DB   65535
#define NGX_HTTP_MFA_SECRET_MAX     256


typedef struct {
    ngx_str_t                  redis;
    /* NUL-terminated numeric host, or the unix socket path */
    ngx_str_t                  redis_host;
    in_port_t                  redis_port;
    ngx_uint_t                 redis_unix;
    ngx_msec_t                 redis_timeout;
    ngx_str_t                  redis_user;
    ngx_str_t                  redis_password;
    ngx_int_t                  redis_db;
    ngx_str_t                  prefix;
    /* mfa_key_t: the first seals, all open */
    ngx_array_t               *keys;
    ngx_str_t                  issuer;
} ngx_http_mfa_main_conf_t;


typedef struct {
    ngx_flag_t                 enable;
    ngx_http_complex_value_t  *session_id;
    ngx_http_complex_value_t  *session_key;
    ngx_uint_t                 session_format;
    ngx_str_t                  session_user;
    ngx_str_t                  session_company;
    ngx_str_t                  session_admin;
    ngx_http_complex_value_t  *company;
    ngx_str_t                  pages;
    ngx_uint_t                 policy_scope;
    ngx_uint_t                 fail;
    time_t                     verified_ttl;
    ngx_uint_t                 totp_digits;
    time_t                     totp_period;
    ngx_uint_t                 totp_algorithm;
    ngx_uint_t                 totp_skew;
} ngx_http_mfa_loc_conf_t;


typedef struct {
    ngx_conf_post_handler_pt   post_handler;
    ngx_int_t                  low;
    ngx_int_t                  high;
} ngx_http_mfa_bounds_t;


static ngx_int_t ngx_http_mfa_handler(ngx_http_request_t *r);

static char *ngx_http_mfa_redis(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
static char *ngx_http_mfa_redis_password_file(ngx_conf_t *cf,
    ngx_command_t *cmd, void *conf);
static char *ngx_http_mfa_secret_key_file(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
static char *ngx_http_mfa_set_enum(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
static char *ngx_http_mfa_check_path(ngx_conf_t *cf, void *post, void *data);
static char *ngx_http_mfa_check_pages(ngx_conf_t *cf, void *post,
    void *data);
static char *ngx_http_mfa_check_issuer(ngx_conf_t *cf, void *post,
    void *data);
static char *ngx_http_mfa_check_num(ngx_conf_t *cf, void *post, void *data);
static char *ngx_http_mfa_check_sec(ngx_conf_t *cf, void *post, void *data);
static char *ngx_http_mfa_check_msec(ngx_conf_t *cf, void *post,
    void *data);
static char *ngx_http_mfa_out_of_bounds(ngx_conf_t *cf,
    ngx_http_mfa_bounds_t *b, const char *unit);
static char *ngx_http_mfa_check_prefix(ngx_conf_t *cf, void *post,
    void *data);

static void *ngx_http_mfa_create_main_conf(ngx_conf_t *cf);
static char *ngx_http_mfa_init_main_conf(ngx_conf_t *cf, void *conf);
static void *ngx_http_mfa_create_loc_conf(ngx_conf_t *cf);
static char *ngx_http_mfa_merge_loc_conf(ngx_conf_t *cf, void *parent,
    void *child);
static ngx_int_t ngx_http_mfa_init(ngx_conf_t *cf);


static ngx_conf_enum_t  ngx_http_mfa_session_formats[] = {
    { ngx_string("json"), NGX_HTTP_MFA_FORMAT_JSON },
    { ngx_string("hash"), NGX_HTTP_MFA_FORMAT_HASH },
    { ngx_null_string, 0 }
};


static ngx_conf_enum_t  ngx_http_mfa_policy_scopes[] = {
    { ngx_string("active"), NGX_HTTP_MFA_SCOPE_ACTIVE },
    { ngx_string("any"), NGX_HTTP_MFA_SCOPE_ANY },
    { ngx_null_string, 0 }
};


static ngx_conf_enum_t  ngx_http_mfa_fail_modes[] = {
    { ngx_string("closed"), NGX_HTTP_MFA_FAIL_CLOSED },
    { ngx_string("open"), NGX_HTTP_MFA_FAIL_OPEN },
    { ngx_null_string, 0 }
};


static ngx_conf_enum_t  ngx_http_mfa_algorithms[] = {
    { ngx_string("sha1"), MFA_TOTP_SHA1 },
    { ngx_string("sha256"), MFA_TOTP_SHA256 },
    { ngx_string("sha512"), MFA_TOTP_SHA512 },
    { ngx_null_string, 0 }
};


static ngx_http_mfa_bounds_t  ngx_http_mfa_digits_bounds = {
    ngx_http_mfa_check_num, MFA_TOTP_MIN_DIGITS, MFA_TOTP_MAX_DIGITS
};


static ngx_http_mfa_bounds_t  ngx_http_mfa_skew_bounds = {
    ngx_http_mfa_check_num, 0, MFA_TOTP_MAX_SKEW
};


static ngx_http_mfa_bounds_t  ngx_http_mfa_db_bounds = {
    ngx_http_mfa_check_num, 0, NGX_HTTP_MFA_REDIS_MAX_DB
};


static ngx_http_mfa_bounds_t  ngx_http_mfa_period_bounds = {
    ngx_http_mfa_check_sec, 1, MFA_TOTP_MAX_PERIOD
};


static ngx_http_mfa_bounds_t  ngx_http_mfa_ttl_bounds = {
    ngx_http_mfa_check_sec, 60, 30 * 24 * 60 * 60
};


static ngx_http_mfa_bounds_t  ngx_http_mfa_timeout_bounds = {
    ngx_http_mfa_check_msec, 1, 60000
};


static ngx_conf_post_handler_pt  ngx_http_mfa_path_post =
    ngx_http_mfa_check_path;
static ngx_conf_post_handler_pt  ngx_http_mfa_pages_post =
    ngx_http_mfa_check_pages;
static ngx_conf_post_handler_pt  ngx_http_mfa_issuer_post =
    ngx_http_mfa_check_issuer;
static ngx_conf_post_handler_pt  ngx_http_mfa_prefix_post =
    ngx_http_mfa_check_prefix;


static ngx_command_t  ngx_http_mfa_commands[] = {

    { ngx_string("mfa_redis"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE1,
      ngx_http_mfa_redis,
      NGX_HTTP_MAIN_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("mfa_redis_timeout"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_msec_slot,
      NGX_HTTP_MAIN_CONF_OFFSET,
      offsetof(ngx_http_mfa_main_conf_t, redis_timeout),
      &ngx_http_mfa_timeout_bounds },

    { ngx_string("mfa_redis_password_file"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE1,
      ngx_http_mfa_redis_password_file,
      NGX_HTTP_MAIN_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("mfa_redis_db"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_num_slot,
      NGX_HTTP_MAIN_CONF_OFFSET,
      offsetof(ngx_http_mfa_main_conf_t, redis_db),
      &ngx_http_mfa_db_bounds },

    { ngx_string("mfa_redis_prefix"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_str_slot,
      NGX_HTTP_MAIN_CONF_OFFSET,
      offsetof(ngx_http_mfa_main_conf_t, prefix),
      &ngx_http_mfa_prefix_post },

    { ngx_string("mfa_secret_key_file"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_1MORE,
      ngx_http_mfa_secret_key_file,
      NGX_HTTP_MAIN_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("mfa_issuer"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_str_slot,
      NGX_HTTP_MAIN_CONF_OFFSET,
      offsetof(ngx_http_mfa_main_conf_t, issuer),
      &ngx_http_mfa_issuer_post },

    { ngx_string("mfa"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_FLAG,
      ngx_conf_set_flag_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_mfa_loc_conf_t, enable),
      NULL },

    { ngx_string("mfa_session_id"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_http_set_complex_value_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_mfa_loc_conf_t, session_id),
      NULL },

    { ngx_string("mfa_session_key"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_http_set_complex_value_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_mfa_loc_conf_t, session_key),
      NULL },

    { ngx_string("mfa_session_format"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_http_mfa_set_enum,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_mfa_loc_conf_t, session_format),
      &ngx_http_mfa_session_formats },

    { ngx_string("mfa_session_user"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_str_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_mfa_loc_conf_t, session_user),
      &ngx_http_mfa_path_post },

    { ngx_string("mfa_session_company"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_str_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_mfa_loc_conf_t, session_company),
      &ngx_http_mfa_path_post },

    { ngx_string("mfa_session_admin"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_str_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_mfa_loc_conf_t, session_admin),
      &ngx_http_mfa_path_post },

    { ngx_string("mfa_company"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_http_set_complex_value_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_mfa_loc_conf_t, company),
      NULL },

    { ngx_string("mfa_pages"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_str_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_mfa_loc_conf_t, pages),
      &ngx_http_mfa_pages_post },

    { ngx_string("mfa_policy_scope"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_http_mfa_set_enum,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_mfa_loc_conf_t, policy_scope),
      &ngx_http_mfa_policy_scopes },

    { ngx_string("mfa_fail"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_http_mfa_set_enum,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_mfa_loc_conf_t, fail),
      &ngx_http_mfa_fail_modes },

    { ngx_string("mfa_verified_ttl"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_sec_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_mfa_loc_conf_t, verified_ttl),
      &ngx_http_mfa_ttl_bounds },

    { ngx_string("mfa_totp_digits"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_num_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_mfa_loc_conf_t, totp_digits),
      &ngx_http_mfa_digits_bounds },

    { ngx_string("mfa_totp_period"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_sec_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_mfa_loc_conf_t, totp_period),
      &ngx_http_mfa_period_bounds },

    { ngx_string("mfa_totp_algorithm"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_CONF_TAKE1,
      ngx_http_mfa_set_enum,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_mfa_loc_conf_t, totp_algorithm),
      &ngx_http_mfa_algorithms },

    { ngx_string("mfa_totp_skew"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_num_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_mfa_loc_conf_t, totp_skew),
      &ngx_http_mfa_skew_bounds },

      ngx_null_command
};


static ngx_http_module_t  ngx_http_mfa_module_ctx = {
    NULL,                                  /* preconfiguration */
    ngx_http_mfa_init,                     /* postconfiguration */

    ngx_http_mfa_create_main_conf,         /* create main configuration */
    ngx_http_mfa_init_main_conf,           /* init main configuration */

    NULL,                                  /* create server configuration */
    NULL,                                  /* merge server configuration */

    ngx_http_mfa_create_loc_conf,          /* create location configuration */
    ngx_http_mfa_merge_loc_conf            /* merge location configuration */
};


ngx_module_t  ngx_http_mfa_module = {
    NGX_MODULE_V1,
    &ngx_http_mfa_module_ctx,              /* module context */
    ngx_http_mfa_commands,                 /* module directives */
    NGX_HTTP_MODULE,                       /* module type */
    NULL,                                  /* init master */
    NULL,                                  /* init module */
    NULL,                                  /* init process */
    NULL,                                  /* init thread */
    NULL,                                  /* exit thread */
    NULL,                                  /* exit process */
    NULL,                                  /* exit master */
    NGX_MODULE_V1_PADDING
};


static ngx_int_t
ngx_http_mfa_handler(ngx_http_request_t *r)
{
    ngx_http_mfa_loc_conf_t  *mlcf;

    mlcf = ngx_http_get_module_loc_conf(r, ngx_http_mfa_module);

    if (!mlcf->enable) {
        return NGX_DECLINED;
    }

    /* fail closed until the gate is wired to Redis */

    ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                  "mfa: the gate is not available in this build");

    return NGX_HTTP_SERVICE_UNAVAILABLE;
}


static char *
ngx_http_mfa_redis(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_mfa_main_conf_t *mmcf = conf;

    ngx_str_t  *value;
    ngx_url_t   u;

    if (mmcf->redis.data != NULL) {
        return "is duplicate";
    }

    value = cf->args->elts;
    mmcf->redis = value[1];

    if (value[1].len > 5 && ngx_strncmp(value[1].data, "unix:", 5) == 0) {

        if (value[1].len == 5 || value[1].data[5] != '/') {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "\"mfa_redis\" unix socket \"%V\" must be "
                               "an absolute path", &value[1]);
            return NGX_CONF_ERROR;
        }

        mmcf->redis_unix = 1;
        mmcf->redis_host.len = value[1].len - 5;
        mmcf->redis_host.data = ngx_pnalloc(cf->pool, mmcf->redis_host.len + 1);
        if (mmcf->redis_host.data == NULL) {
            return NGX_CONF_ERROR;
        }

        ngx_cpystrn(mmcf->redis_host.data, value[1].data + 5,
                    mmcf->redis_host.len + 1);

        return NGX_CONF_OK;
    }

    ngx_memzero(&u, sizeof(ngx_url_t));

    u.url = value[1];
    u.default_port = NGX_HTTP_MFA_REDIS_PORT;
    u.no_resolve = 1;

    if (ngx_parse_url(cf->pool, &u) != NGX_OK || u.uri.len != 0) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "\"mfa_redis\" has an invalid address \"%V\"%s%s",
                           &value[1], u.err ? ": " : "",
                           u.err ? u.err : "");
        return NGX_CONF_ERROR;
    }

    /* hiredis resolves names with a blocking getaddrinfo(): numbers only */

    if (u.naddrs == 0) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "\"mfa_redis\" address \"%V\" must be a numeric "
                           "IP address or \"unix:/path\", not a host name",
                           &value[1]);
        return NGX_CONF_ERROR;
    }

    mmcf->redis_port = u.port;
    mmcf->redis_host.len = u.host.len;
    mmcf->redis_host.data = ngx_pnalloc(cf->pool, u.host.len + 1);
    if (mmcf->redis_host.data == NULL) {
        return NGX_CONF_ERROR;
    }

    /* "[::1]" is given to hiredis as "::1" */

    if (u.host.len > 2 && u.host.data[0] == '[') {
        mmcf->redis_host.len = u.host.len - 2;
        ngx_cpystrn(mmcf->redis_host.data, u.host.data + 1,
                    mmcf->redis_host.len + 1);

    } else {
        ngx_cpystrn(mmcf->redis_host.data, u.host.data, u.host.len + 1);
    }

    return NGX_CONF_OK;
}


static char *
ngx_http_mfa_redis_password_file(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf)
{
    ngx_http_mfa_main_conf_t *mmcf = conf;

    u_char       *p, *last, *word;
    ssize_t       n;
    ngx_fd_t      fd;
    ngx_str_t    *value, words[3];
    ngx_uint_t    nwords;
    ngx_file_t    file;
    ngx_file_info_t  fi;
    u_char        buf[NGX_HTTP_MFA_SECRET_MAX + 1];

    if (mmcf->redis_password.data != NULL) {
        return "is duplicate";
    }

    value = cf->args->elts;

    if (ngx_conf_full_name(cf->cycle, &value[1], 1) != NGX_OK) {
        return NGX_CONF_ERROR;
    }

    fd = ngx_open_file(value[1].data, NGX_FILE_RDONLY, NGX_FILE_OPEN, 0);
    if (fd == NGX_INVALID_FILE) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, ngx_errno,
                           "\"mfa_redis_password_file\" cannot open \"%V\"",
                           &value[1]);
        return NGX_CONF_ERROR;
    }

    ngx_memzero(&file, sizeof(ngx_file_t));
    file.fd = fd;
    file.name = value[1];
    file.log = cf->log;

    if (ngx_fd_info(fd, &fi) == NGX_FILE_ERROR
        || (fi.st_mode & (S_IRWXG|S_IRWXO)))
    {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "\"mfa_redis_password_file\" \"%V\" is accessible "
                           "by group or others; make it 0600 or 0400",
                           &value[1]);
        goto failed;
    }

    n = ngx_read_file(&file, buf, NGX_HTTP_MFA_SECRET_MAX + 1, 0);

    if (n == NGX_ERROR) {
        goto failed;
    }

    if (n > NGX_HTTP_MFA_SECRET_MAX) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "\"mfa_redis_password_file\" \"%V\" is longer "
                           "than %d bytes", &value[1],
                           NGX_HTTP_MFA_SECRET_MAX);
        goto failed;
    }

    ngx_close_file(fd);

    /* "password" or "user password", one line */

    nwords = 0;
    p = buf;
    last = buf + n;

    while (p < last && nwords < 3) {
        while (p < last && (*p == ' ' || *p == '\t' || *p == CR || *p == LF)) {
            p++;
        }

        word = p;

        while (p < last && *p != ' ' && *p != '\t' && *p != CR && *p != LF) {
            p++;
        }

        if (p > word) {
            words[nwords].data = word;
            words[nwords].len = p - word;
            nwords++;
        }
    }

    if (nwords == 0 || nwords > 2) {
        ngx_explicit_memzero(buf, sizeof(buf));
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "\"mfa_redis_password_file\" \"%V\" must hold "
                           "\"password\" or \"user password\" on one line",
                           &value[1]);
        return NGX_CONF_ERROR;
    }

    if (nwords == 2) {
        mmcf->redis_user.data = ngx_pstrdup(cf->pool, &words[0]);
        mmcf->redis_user.len = words[0].len;
    }

    mmcf->redis_password.data = ngx_pstrdup(cf->pool, &words[nwords - 1]);
    mmcf->redis_password.len = words[nwords - 1].len;

    ngx_explicit_memzero(buf, sizeof(buf));

    if (mmcf->redis_password.data == NULL
        || (nwords == 2 && mmcf->redis_user.data == NULL))
    {
        return NGX_CONF_ERROR;
    }

    return NGX_CONF_OK;

failed:

    ngx_close_file(fd);
    ngx_explicit_memzero(buf, sizeof(buf));

    return NGX_CONF_ERROR;
}


static char *
ngx_http_mfa_secret_key_file(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_mfa_main_conf_t *mmcf = conf;

    ngx_str_t   *value;
    mfa_err_t    err;
    mfa_key_t   *key;
    ngx_uint_t   i;

    if (mmcf->keys != NULL) {
        return "is duplicate";
    }

    mmcf->keys = ngx_array_create(cf->pool, cf->args->nelts - 1,
                                  sizeof(mfa_key_t));
    if (mmcf->keys == NULL) {
        return NGX_CONF_ERROR;
    }

    value = cf->args->elts;

    for (i = 1; i < cf->args->nelts; i++) {

        if (ngx_conf_full_name(cf->cycle, &value[i], 1) != NGX_OK) {
            return NGX_CONF_ERROR;
        }

        key = ngx_array_push(mmcf->keys);
        if (key == NULL) {
            return NGX_CONF_ERROR;
        }

        if (mfa_key_load((char *) value[i].data, key, &err) != MFA_OK) {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "\"mfa_secret_key_file\": %s", err.msg);
            return NGX_CONF_ERROR;
        }
    }

    return NGX_CONF_OK;
}


static char *
ngx_http_mfa_set_enum(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    char  *p = conf;

    u_char           *msg, *last;
    ngx_str_t        *value;
    ngx_uint_t       *np, i;
    ngx_conf_enum_t  *e;

    np = (ngx_uint_t *) (p + cmd->offset);

    if (*np != NGX_CONF_UNSET_UINT) {
        return "is duplicate";
    }

    value = cf->args->elts;
    e = cmd->post;

    for (i = 0; e[i].name.len != 0; i++) {
        if (e[i].name.len == value[1].len
            && ngx_strcmp(e[i].name.data, value[1].data) == 0)
        {
            *np = e[i].value;
            return NGX_CONF_OK;
        }
    }

    msg = ngx_pnalloc(cf->pool, 128);
    if (msg == NULL) {
        return NGX_CONF_ERROR;
    }

    last = ngx_snprintf(msg, 80, "has an invalid value \"%V\", it must be ",
                        &value[1]);

    for (i = 0; e[i].name.len != 0; i++) {
        last = ngx_snprintf(last, msg + 127 - last, "%s\"%V\"",
                            i == 0 ? "" : (e[i + 1].name.len ? ", " : " or "),
                            &e[i].name);
    }

    *last = '\0';

    return (char *) msg;
}


static char *
ngx_http_mfa_check_path(ngx_conf_t *cf, void *post, void *data)
{
    ngx_str_t  *path = data;

    if (!mfa_session_path_valid((char *) path->data, path->len)) {
        return "needs a path such as \"user.id\": names separated by dots, "
               "no empty name, no space";
    }

    return NGX_CONF_OK;
}


static char *
ngx_http_mfa_check_pages(ngx_conf_t *cf, void *post, void *data)
{
    ngx_str_t  *pages = data;

    if (!mfa_pages_prefix_valid((char *) pages->data, pages->len)) {
        return "needs a location prefix such as \"/_mfa/\": starting and "
               "ending with \"/\", letters, digits and \"-._~\" only";
    }

    return NGX_CONF_OK;
}


static char *
ngx_http_mfa_check_issuer(ngx_conf_t *cf, void *post, void *data)
{
    ngx_str_t  *issuer = data;

    ngx_uint_t  i;

    if (issuer->len == 0 || issuer->len > 64) {
        return "needs a name of 1 to 64 bytes";
    }

    for (i = 0; i < issuer->len; i++) {
        if (issuer->data[i] == ':' || issuer->data[i] < 0x20
            || issuer->data[i] == 0x7f)
        {
            return "must not contain a colon or a control character";
        }
    }

    return NGX_CONF_OK;
}


static char *
ngx_http_mfa_check_num(ngx_conf_t *cf, void *post, void *data)
{
    ngx_int_t  *np = data;

    ngx_http_mfa_bounds_t  *b = post;

    if (*np < b->low || *np > b->high) {
        return ngx_http_mfa_out_of_bounds(cf, b, "");
    }

    return NGX_CONF_OK;
}


static char *
ngx_http_mfa_check_sec(ngx_conf_t *cf, void *post, void *data)
{
    time_t  *sp = data;

    ngx_http_mfa_bounds_t  *b = post;

    if (*sp < b->low || *sp > b->high) {
        return ngx_http_mfa_out_of_bounds(cf, b, "s");
    }

    return NGX_CONF_OK;
}


static char *
ngx_http_mfa_check_msec(ngx_conf_t *cf, void *post, void *data)
{
    ngx_msec_t  *msp = data;

    ngx_http_mfa_bounds_t  *b = post;

    if (*msp < (ngx_msec_t) b->low || *msp > (ngx_msec_t) b->high) {
        return ngx_http_mfa_out_of_bounds(cf, b, "ms");
    }

    return NGX_CONF_OK;
}


static char *
ngx_http_mfa_out_of_bounds(ngx_conf_t *cf, ngx_http_mfa_bounds_t *b,
    const char *unit)
{
    u_char  *msg, *last;

    msg = ngx_pnalloc(cf->pool, 64);
    if (msg == NULL) {
        return NGX_CONF_ERROR;
    }

    last = ngx_snprintf(msg, 63, "must be from %i%s to %i%s",
                        b->low, unit, b->high, unit);
    *last = '\0';

    return (char *) msg;
}


static char *
ngx_http_mfa_check_prefix(ngx_conf_t *cf, void *post, void *data)
{
    ngx_str_t  *prefix = data;

    ngx_uint_t  i;

    if (prefix->len == 0 || prefix->len > 32) {
        return "needs a prefix of 1 to 32 bytes";
    }

    for (i = 0; i < prefix->len; i++) {
        if (prefix->data[i] <= 0x20 || prefix->data[i] >= 0x7f) {
            return "must be printable ASCII without spaces";
        }
    }

    return NGX_CONF_OK;
}


static void *
ngx_http_mfa_create_main_conf(ngx_conf_t *cf)
{
    ngx_http_mfa_main_conf_t  *mmcf;

    mmcf = ngx_pcalloc(cf->pool, sizeof(ngx_http_mfa_main_conf_t));
    if (mmcf == NULL) {
        return NULL;
    }

    /*
     * set by ngx_pcalloc():
     *
     *     mmcf->redis = { 0, NULL };
     *     mmcf->redis_host = { 0, NULL };
     *     mmcf->redis_unix = 0;
     *     mmcf->redis_user = { 0, NULL };
     *     mmcf->redis_password = { 0, NULL };
     *     mmcf->prefix = { 0, NULL };
     *     mmcf->keys = NULL;
     *     mmcf->issuer = { 0, NULL };
     */

    mmcf->redis_timeout = NGX_CONF_UNSET_MSEC;
    mmcf->redis_db = NGX_CONF_UNSET;

    return mmcf;
}


static char *
ngx_http_mfa_init_main_conf(ngx_conf_t *cf, void *conf)
{
    ngx_http_mfa_main_conf_t *mmcf = conf;

    ngx_conf_init_msec_value(mmcf->redis_timeout, 200);
    ngx_conf_init_value(mmcf->redis_db, 0);

    if (mmcf->prefix.data == NULL) {
        ngx_str_set(&mmcf->prefix, "mfa:");
    }

    if (mmcf->issuer.data == NULL) {
        ngx_str_set(&mmcf->issuer, "nginx");
    }

    return NGX_CONF_OK;
}


static void *
ngx_http_mfa_create_loc_conf(ngx_conf_t *cf)
{
    ngx_http_mfa_loc_conf_t  *conf;

    conf = ngx_pcalloc(cf->pool, sizeof(ngx_http_mfa_loc_conf_t));
    if (conf == NULL) {
        return NULL;
    }

    /*
     * set by ngx_pcalloc():
     *
     *     conf->session_id = NULL;
     *     conf->session_key = NULL;
     *     conf->session_user = { 0, NULL };
     *     conf->session_company = { 0, NULL };
     *     conf->session_admin = { 0, NULL };
     *     conf->company = NULL;
     *     conf->pages = { 0, NULL };
     */

    conf->enable = NGX_CONF_UNSET;
    conf->session_format = NGX_CONF_UNSET_UINT;
    conf->policy_scope = NGX_CONF_UNSET_UINT;
    conf->fail = NGX_CONF_UNSET_UINT;
    conf->verified_ttl = NGX_CONF_UNSET;
    conf->totp_digits = NGX_CONF_UNSET_UINT;
    conf->totp_period = NGX_CONF_UNSET;
    conf->totp_algorithm = NGX_CONF_UNSET_UINT;
    conf->totp_skew = NGX_CONF_UNSET_UINT;

    return conf;
}


static char *
ngx_http_mfa_merge_loc_conf(ngx_conf_t *cf, void *parent, void *child)
{
    ngx_http_mfa_loc_conf_t *prev = parent;
    ngx_http_mfa_loc_conf_t *conf = child;

    const char                *missing;
    ngx_http_mfa_main_conf_t  *mmcf;

    ngx_conf_merge_value(conf->enable, prev->enable, 0);

    if (conf->session_id == NULL) {
        conf->session_id = prev->session_id;
    }

    if (conf->session_key == NULL) {
        conf->session_key = prev->session_key;
    }

    if (conf->company == NULL) {
        conf->company = prev->company;
    }

    ngx_conf_merge_uint_value(conf->session_format, prev->session_format,
                              NGX_HTTP_MFA_FORMAT_JSON);
    ngx_conf_merge_str_value(conf->session_user, prev->session_user, "");
    ngx_conf_merge_str_value(conf->session_company, prev->session_company,
                             "");
    ngx_conf_merge_str_value(conf->session_admin, prev->session_admin, "");
    ngx_conf_merge_str_value(conf->pages, prev->pages, "/_mfa/");
    ngx_conf_merge_uint_value(conf->policy_scope, prev->policy_scope,
                              NGX_HTTP_MFA_SCOPE_ACTIVE);
    ngx_conf_merge_uint_value(conf->fail, prev->fail,
                              NGX_HTTP_MFA_FAIL_CLOSED);
    ngx_conf_merge_sec_value(conf->verified_ttl, prev->verified_ttl,
                             12 * 60 * 60);
    ngx_conf_merge_uint_value(conf->totp_digits, prev->totp_digits, 6);
    ngx_conf_merge_sec_value(conf->totp_period, prev->totp_period, 30);
    ngx_conf_merge_uint_value(conf->totp_algorithm, prev->totp_algorithm,
                              MFA_TOTP_SHA1);
    ngx_conf_merge_uint_value(conf->totp_skew, prev->totp_skew, 1);

    if (!conf->enable) {
        return NGX_CONF_OK;
    }

    mmcf = ngx_http_conf_get_module_main_conf(cf, ngx_http_mfa_module);

    if (mmcf->redis.data == NULL) {
        missing = "\"mfa_redis\" in the http block";

    } else if (mmcf->keys == NULL) {
        missing = "\"mfa_secret_key_file\" in the http block";

    } else if (conf->session_id == NULL) {
        missing = "\"mfa_session_id\"";

    } else if (conf->session_key == NULL) {
        missing = "\"mfa_session_key\"";

    } else if (conf->session_user.len == 0) {
        missing = "\"mfa_session_user\"";

    } else if (conf->session_company.len == 0 && conf->company == NULL
               && conf->policy_scope == NGX_HTTP_MFA_SCOPE_ACTIVE)
    {
        missing = "\"mfa_session_company\" or \"mfa_company\" to know "
                  "the active company (or \"mfa_policy_scope any\")";

    } else {
        return NGX_CONF_OK;
    }

    ngx_conf_log_error(NGX_LOG_EMERG, cf, 0, "\"mfa on\" needs %s", missing);

    return NGX_CONF_ERROR;
}


static ngx_int_t
ngx_http_mfa_init(ngx_conf_t *cf)
{
    ngx_http_handler_pt        *h;
    ngx_http_core_main_conf_t  *cmcf;

    cmcf = ngx_http_conf_get_module_main_conf(cf, ngx_http_core_module);

    h = ngx_array_push(&cmcf->phases[NGX_HTTP_ACCESS_PHASE].handlers);
    if (h == NULL) {
        return NGX_ERROR;
    }

    *h = ngx_http_mfa_handler;

    return NGX_OK;
}
