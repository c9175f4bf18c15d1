
/*
 * The module's HTML pages (enrolment, recovery codes, challenge,
 * settings, messages) in English and French: self-contained markup with
 * inline CSS under a nonce, no script, every value escaped.
 */


#ifndef MFA_HTML_H
#define MFA_HTML_H


#include "mfa_buf.h"
#include "mfa_recovery.h"


typedef enum {
    MFA_LANG_EN = 0,
    MFA_LANG_FR,
    MFA_LANGS
} mfa_lang_e;


typedef enum {
    MFA_PAGE_ENROLL = 0,        /* QR code, secret, code form */
    MFA_PAGE_CODES,             /* the recovery codes, shown once */
    MFA_PAGE_CHALLENGE,         /* code form: TOTP or recovery code */
    MFA_PAGE_SETTINGS,          /* status and actions */
    MFA_PAGE_ADMIN,             /* a company's policy switch, its members */
    MFA_PAGE_MESSAGE            /* a title, a text, a link */
} mfa_page_e;


/* what a page says above its form, or what a message page is about */
typedef enum {
    MFA_MSG_NONE = 0,
    MFA_MSG_WRONG_CODE,         /* wrong, replayed or unknown: one text */
    MFA_MSG_LOCKED,             /* too many failures: wait "wait" seconds */
    MFA_MSG_EXPIRED,            /* the pending secret expired */
    MFA_MSG_DISABLED,           /* 2FA was turned off */
    MFA_MSG_REGENERATED,        /* new recovery codes */
    MFA_MSG_ENROLLED,           /* 2FA was turned on */
    MFA_MSG_LOGIN,              /* no dashboard session */
    MFA_MSG_FORBIDDEN,          /* the request was refused (CSRF...) */
    MFA_MSG_UNAVAILABLE,        /* Redis is unreachable */
    MFA_MSG_NOT_ADMIN,          /* the admin page, for a non-admin */
    MFA_MSG_ERROR               /* anything else */
} mfa_msg_e;


/* a company member on the admin page */
typedef struct {
    const char      *id;
    int64_t          since;         /* 0: 2FA off */
    int64_t          locked_until;  /* 0: not locked out */
} mfa_member_t;


typedef struct {
    mfa_page_e       page;
    mfa_lang_e       lang;
    mfa_msg_e        msg;
    int64_t          wait;          /* MFA_MSG_LOCKED: seconds left */

    const char      *nonce;         /* CSP nonce of the style element */
    const char      *pages;         /* the pages' prefix, "/_mfa/" */
    const char      *csrf;          /* the token every form carries */
    const char      *return_url;    /* already validated */
    const char      *logout_url;    /* NULL: no logout link */

    /* MFA_PAGE_ENROLL */
    const char      *otpauth;
    const char      *secret;        /* base32 */
    const char      *qr_text;       /* what the QR code encodes */

    /* MFA_PAGE_CODES */
    const char     (*codes)[MFA_RECOVERY_LEN + 1];
    size_t           ncodes;

    /* MFA_PAGE_SETTINGS */
    int              enrolled;
    int              required;      /* a company mandates 2FA */
    int64_t          since;         /* Unix time */
    long             codes_left;

    /* MFA_PAGE_ADMIN; "required" above is the company's policy */
    const char      *company;
    const char      *changed_by;    /* NULL: never changed */
    int64_t          changed_at;
    int              members_known; /* the company has a members set */
    const mfa_member_t  *members;   /* the first nmembers of total */
    size_t           nmembers;
    size_t           members_total;
    int64_t          now;           /* for "locked out until" */
} mfa_page_t;


/*
 * Chooses English or French from an Accept-Language value (NULL when
 * absent): the supported language with the highest q, the one listed
 * first on a tie, English when neither is asked for.
 */
mfa_lang_e mfa_lang_pick(const char *value, size_t len);

/* "en" or "fr" */
const char *mfa_lang_name(mfa_lang_e lang);

/* appends the whole page; MFA_TOO_LARGE when the buffer was too small */
int mfa_html_render(const mfa_page_t *page, mfa_buf_t *b, mfa_err_t *err);


#endif /* MFA_HTML_H */
