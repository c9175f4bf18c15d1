
/*
 * ngx_http_mfa_module: a request for the module's pages, its state and
 * what the files of the pages share: the flow (ngx_http_mfa_pages.c), the
 * responses (ngx_http_mfa_pages_out.c), the Redis steps
 * (ngx_http_mfa_pages_step.c), the code checks (ngx_http_mfa_codes.c) and
 * the admin page and the API (ngx_http_mfa_admin.c).
 */


#ifndef _NGX_HTTP_MFA_PAGE_H_INCLUDED_
#define _NGX_HTTP_MFA_PAGE_H_INCLUDED_


#include "ngx_http_mfa.h"
#include "ngx_http_mfa_store.h"
#include "mfa_html.h"
#include "mfa_recovery.h"
#include "mfa_totp.h"
#include "mfa_url.h"


#define NGX_HTTP_MFA_PAGE_SIZE      (64 * 1024)
/* more room on the admin page for each member: its id escaped, a row */
#define NGX_HTTP_MFA_MEMBER_SIZE(len)  (6 * (len) + 256)
#define NGX_HTTP_MFA_JSON_SIZE      1024
#define NGX_HTTP_MFA_SECRET_LEN     20
#define NGX_HTTP_MFA_CSRF_TTL       3600
#define NGX_HTTP_MFA_NONCE_LEN      16
/*
 * an otpauth URI: the issuer (64 bytes) twice and the account (128)
 * percent-encoded, the secret and the parameters
 */
#define NGX_HTTP_MFA_OTPAUTH_MAX    1536
/* recovery-code hashes tried per attempt: one per configured key */
#define NGX_HTTP_MFA_MAX_KEYS       8
#define NGX_HTTP_MFA_HASH_HEX       (MFA_RECOVERY_HASH_LEN * 2)


typedef enum {
    NGX_HTTP_MFA_PAGE_ENROLL = 0,
    NGX_HTTP_MFA_PAGE_CHALLENGE,
    NGX_HTTP_MFA_PAGE_SETTINGS,
    NGX_HTTP_MFA_PAGE_ADMIN,
    NGX_HTTP_MFA_API_STATUS,
    NGX_HTTP_MFA_API_POLICY     /* api/companies/<cid>/policy */
} ngx_http_mfa_page_name_e;


/* the admin page lists at most this many members */
#define NGX_HTTP_MFA_MEMBERS_MAX    1000


typedef enum {
    NGX_HTTP_MFA_AFTER_VERIFY = 0,
    NGX_HTTP_MFA_AFTER_DISABLE,
    NGX_HTTP_MFA_AFTER_REGENERATE,
    NGX_HTTP_MFA_AFTER_REENROLL,    /* a current code allows a new phone */
    NGX_HTTP_MFA_AFTER_ENROLL,      /* a new pending secret is confirmed */
    NGX_HTTP_MFA_AFTER_REPLACE      /* ... and replaces the credential */
} ngx_http_mfa_after_e;


typedef void (*ngx_http_mfa_step_pt)(ngx_http_request_t *r,
    ngx_http_mfa_page_t *pg);


struct ngx_http_mfa_page_s {
    ngx_http_request_t         *request;
    ngx_http_mfa_page_name_e    name;
    ngx_http_mfa_after_e        after;
    mfa_lang_e                  lang;
    mfa_msg_e                   msg;
    mfa_form_e                  form_kind;  /* the form msg is about */
    int64_t                     wait;
    /* the active company's display name, NUL-terminated, or NULL */
    char                       *company_name;
    /* the session's digest: binds the CSRF token and the pending secret */
    ngx_str_t                   digest;
    /* validated, NUL-terminated */
    char                       *return_url;
    /* what is wiped with the request: the body read, the page sent */
    ngx_str_t                   raw;
    ngx_str_t                   out;
    /* POST: the form and its "code" (NULL when absent); PUT: the body */
    mfa_form_t                 *form;
    const mfa_form_field_t     *code;
    ngx_str_t                   body;
    /* the API: the company in the URI */
    ngx_str_t                   company;
    ngx_http_mfa_store_t        store;
    ngx_http_mfa_step_pt        next;
    /* from a "read" or "pending" */
    ngx_str_t                   secret;
    ngx_str_t                   pending;
    int64_t                     since;
    long                        codes_left;
    /* the credential's TOTP parameters, its recovery-code set's */
    mfa_totp_params_t           params;
    mfa_recovery_set_t          set;
    /* the description of new recovery codes' set */
    ngx_str_t                   new_set;
    u_char                      new_set_buf[MFA_RECOVERY_SET_TEXT_MAX + 1];
    u_char                      totp[MFA_TOTP_PARAMS_TEXT_MAX + 1];
    /* new recovery codes and their hashes; hashes of a code tried */
    char                        codes[MFA_RECOVERY_COUNT]
                                     [MFA_RECOVERY_LEN + 1];
    char                        hashes[MFA_RECOVERY_COUNT]
                                      [NGX_HTTP_MFA_HASH_HEX];
    char                        tried[NGX_HTTP_MFA_MAX_KEYS]
                                     [NGX_HTTP_MFA_HASH_HEX];
    u_char                      step[NGX_INT64_LEN];
    unsigned                    has_set:1;  /* the set is described */
    unsigned                    require:1;  /* the policy to set */
    unsigned                    reread:1;   /* the secret was read again */
    unsigned                    post:1;     /* a POST or a PUT */
    unsigned                    api:1;      /* JSON in and out */
    unsigned                    token:1;    /* the API's bearer token */
    unsigned                    replace:1;  /* enroll: a new phone */
    unsigned                    confirm:1;  /* admin: ask first */
};


/* whether the query string's argument "name" is "1" */
ngx_uint_t ngx_http_mfa_pages_arg_set(ngx_http_request_t *r,
    const char *name);

/* a page's Redis steps: src/ngx_http_mfa_pages_step.c */
/* sends the prepared store operation; "next" runs with its reply */
void ngx_http_mfa_pages_query(ngx_http_request_t *r,
    ngx_http_mfa_page_t *pg, ngx_http_mfa_step_pt next);
/* the pages' write event handler: runs the step a reply was waited for */
void ngx_http_mfa_pages_resume(ngx_http_request_t *r);

/* the admin page and the API (ngx_http_mfa_admin.c) */

ngx_int_t ngx_http_mfa_admin_token(ngx_http_request_t *r);
void ngx_http_mfa_admin_run(ngx_http_request_t *r, ngx_http_mfa_page_t *pg);

/* responses: each one finalizes the request */

void ngx_http_mfa_pages_show_form(ngx_http_request_t *r,
    ngx_http_mfa_page_t *pg);
void ngx_http_mfa_pages_render(ngx_http_request_t *r,
    ngx_http_mfa_page_t *pg, mfa_page_t *page, ngx_uint_t status);
void ngx_http_mfa_pages_message(ngx_http_request_t *r,
    ngx_http_mfa_page_t *pg, mfa_msg_e msg, ngx_uint_t status);
void ngx_http_mfa_pages_redirect(ngx_http_request_t *r,
    const char *url);
void ngx_http_mfa_pages_to_page(ngx_http_request_t *r,
    ngx_http_mfa_page_t *pg, const char *name, const char *back);
char *ngx_http_mfa_pages_cstr(ngx_http_request_t *r, ngx_str_t *s);
char *ngx_http_mfa_pages_value(ngx_http_request_t *r,
    mfa_session_value_t *v);

/* the API's answers: a JSON body (returns the send's rc) */
ngx_int_t ngx_http_mfa_api_reply(ngx_http_request_t *r,
    ngx_uint_t status, ngx_str_t *body);
/* {"error":...,"message":...} (returns the send's rc) */
ngx_int_t ngx_http_mfa_api_error(ngx_http_request_t *r,
    ngx_uint_t status, const char *error, const char *message);
/* the same, and the request finalized */
void ngx_http_mfa_api_refuse(ngx_http_request_t *r, ngx_uint_t status,
    const char *error, const char *message);

/* codes and secrets: src/ngx_http_mfa_codes.c */

/*
 * NGX_OK and the matching step when the code is right for the sealed
 * secret of field (then, with resealed, the secret sealed again for the
 * user's "secret" field), NGX_DECLINED when it is not, NGX_ERROR when
 * the secret cannot be opened (logged).
 */
ngx_int_t ngx_http_mfa_codes_totp(ngx_http_request_t *r,
    ngx_http_mfa_page_t *pg, ngx_str_t *sealed, const char *field,
    uint64_t *step, ngx_str_t *resealed);
ngx_int_t ngx_http_mfa_codes_open(ngx_http_request_t *r,
    ngx_str_t *sealed, const char *field, uint8_t *secret, size_t *len);
ngx_int_t ngx_http_mfa_codes_seal(ngx_http_request_t *r, const char *field,
    const uint8_t *secret, size_t len, ngx_str_t *out);
ngx_int_t ngx_http_mfa_codes_credential(ngx_http_request_t *r,
    ngx_http_mfa_page_t *pg, ngx_str_t *totp, ngx_str_t *set);
ngx_int_t ngx_http_mfa_codes_new(ngx_http_request_t *r,
    ngx_http_mfa_page_t *pg);
ngx_int_t ngx_http_mfa_codes_tried(ngx_http_request_t *r,
    ngx_http_mfa_page_t *pg, const char *code);
ngx_int_t ngx_http_mfa_codes_hash(ngx_http_request_t *r, mfa_key_t *key,
    const mfa_recovery_set_t *set, const char *code, char *hex);
void ngx_http_mfa_codes_params(ngx_http_request_t *r,
    mfa_totp_params_t *params);


#endif /* _NGX_HTTP_MFA_PAGE_H_INCLUDED_ */
