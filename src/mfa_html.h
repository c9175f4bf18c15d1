
/*
 * The module's HTML pages (enrolment, recovery codes, challenge,
 * settings, admin, messages) in English and French: self-contained markup
 * with inline CSS and one small script under a nonce (copy, print, the
 * end of a lockout); every page works without the script; every value is
 * escaped.
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
    MFA_MSG_NOT_SAVED,          /* written, but no replica confirmed it */
    MFA_MSG_NOT_ADMIN,          /* the admin page, for a non-admin */
    MFA_MSG_CONFIRM,            /* the confirmation box was not ticked */
    MFA_MSG_POLICY_ON,          /* the admin required 2FA */
    MFA_MSG_POLICY_OFF,         /* the admin stopped requiring it */
    MFA_MSG_RATE,               /* too many policy changes */
    MFA_MSG_REENROLLED,         /* a new phone replaced the old one */
    MFA_MSG_ERROR               /* anything else */
} mfa_msg_e;


/* the form a message is about: its field is flagged and focused */
typedef enum {
    MFA_FORM_CODE = 0,          /* enrolment, or the challenge's app code */
    MFA_FORM_RECOVERY,          /* the challenge's recovery code */
    MFA_FORM_REGENERATE,        /* settings: new recovery codes */
    MFA_FORM_REENROLL,          /* settings: set up a new phone */
    MFA_FORM_DISABLE            /* settings: turn 2FA off */
} mfa_form_e;


/* at this many recovery codes left or fewer, the settings page warns */
#define MFA_CODES_LOW  3


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
    mfa_form_e       form;          /* the form msg is about */
    int64_t          wait;          /* seconds of lockout left, 0: none */
    int64_t          now;           /* Unix time: the end of a lockout,
                                       "locked out until", the codes file */

    const char      *nonce;         /* CSP nonce of the style element */
    const char      *pages;         /* the pages' prefix, "/_mfa/" */
    const char      *csrf;          /* the token every form carries */
    const char      *return_url;    /* already validated */
    const char      *logout_url;    /* NULL: no logout link */
    const char      *user;          /* the session's user, or NULL */
    const char      *company;       /* the active company's id, or NULL */
    const char      *company_name;  /* its display name, or NULL */
    int              required;      /* the active company mandates 2FA */

    /* MFA_PAGE_ENROLL */
    const char      *otpauth;
    const char      *secret;        /* base32 */
    const char      *qr_text;       /* what the QR code encodes */
    int              replace;       /* a new phone for an enrolled user */

    /* MFA_PAGE_CODES */
    const char     (*codes)[MFA_RECOVERY_LEN + 1];
    size_t           ncodes;
    const char      *issuer;        /* names the codes file */
    const char      *site;          /* the Host the codes are for */

    /* MFA_PAGE_SETTINGS */
    int              enrolled;
    int64_t          since;         /* Unix time */
    long             codes_left;

    /* MFA_PAGE_ADMIN; "required" above is the company's policy */
    int              confirm;       /* ask before the switch to !required */
    const char      *changed_by;    /* NULL: never changed */
    int64_t          changed_at;
    int              members_known; /* the company has a members set */
    const mfa_member_t  *members;   /* the first nmembers of total */
    size_t           nmembers;
    size_t           members_total;
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
