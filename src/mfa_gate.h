
/*
 * The gate: one decision per request (docs/internals.md), from what the glue
 * read in Redis to "through", "challenge", "enrol", "deny" or
 * "unavailable", and the shape of the answer.
 */


#ifndef MFA_GATE_H
#define MFA_GATE_H


#include "mfa_keys.h"
#include "mfa_record.h"


/* the active company, a "not the user's" mark, the session's company, and
   every company of the user's for "mfa_policy_scope any" */
#define MFA_GATE_MAX_POLICIES  (MFA_SCOPE_ANY_MAX + 3)

/* indexes of the session paths */
#define MFA_PATH_USER          0
#define MFA_PATH_COMPANY       1
#define MFA_PATH_ADMIN         2
#define MFA_PATHS              3


typedef enum {
    MFA_GATE_THROUGH = 0,
    MFA_GATE_CHALLENGE,
    MFA_GATE_ENROLL,
    MFA_GATE_DENY,
    MFA_GATE_UNAVAILABLE
} mfa_gate_action_e;


typedef enum {
    MFA_RECORD_ABSENT = 0,
    MFA_RECORD_OK,
    MFA_RECORD_INVALID
} mfa_record_e;


typedef enum {
    MFA_REQUEST_NAVIGATION = 0,     /* 302 to the page */
    MFA_REQUEST_FORM,               /* a browser's form: 303 to the page */
    MFA_REQUEST_API                 /* 401 and JSON */
} mfa_request_kind_e;


typedef enum {
    MFA_METHOD_READ = 0,            /* GET, HEAD */
    MFA_METHOD_POST,
    MFA_METHOD_OTHER
} mfa_method_e;


typedef struct {
    unsigned      enabled:1;        /* "mfa on" here */
    unsigned      own_page:1;       /* a request for the module's pages */
    unsigned      fail_open:1;      /* "mfa_fail open" */
    unsigned      has_session_id:1; /* the request names a session */
    unsigned      lookup_failed:1;  /* Redis unreachable or too slow */
    unsigned      verified:1;       /* this session passed the challenge
                                       for the current enrolment */
    unsigned      required:1;       /* the policy in scope requires 2FA */
    unsigned      visitor_bare:1;   /* "mfa_visitor_cookie off": a
                                       visitor's cookie does not go up */
    unsigned      visitor:1;        /* the session record exists but
                                       names no user */
    mfa_record_e  session;          /* the dashboard's session record */
    mfa_record_e  user;             /* the user's 2FA record: absent means
                                       not enrolled */
    mfa_record_e  policy;           /* the company policy in scope */
} mfa_gate_input_t;


typedef struct {
    mfa_gate_action_e   action;
    /* for X-MFA-Status when through, NULL when the request is untouched */
    const char         *status;
    /* why, for the log, when denied or unavailable */
    const char         *reason;
    /* through with the session it was decided on: the upstream gets the
       session cookie; else it gets no copy of it */
    unsigned            session:1;
} mfa_gate_decision_t;


/* what to read, from the configuration */
typedef struct {
    const mfa_format_t *format;          /* the session record's */
    mfa_str_t           paths[MFA_PATHS];   /* len 0: not configured */
    mfa_str_t           company;         /* from "mfa_company"; len 0: none */
} mfa_gate_spec_t;


/* what was read in Redis, in one round trip; data NULL means absent */
typedef struct {
    mfa_record_e        session;         /* ABSENT, OK, or INVALID for a
                                            key of the wrong type or a
                                            record too large */
    size_t              too_large;       /* too large: the size it is
                                            larger than, unread */
    mfa_str_t           record;          /* json: the session string */
    mfa_str_t           fields[MFA_PATHS];  /* hash: the paths' fields */
    mfa_str_t           user;            /* the user id the keys used */
    mfa_str_t           company;         /* the company id they used */
    mfa_str_t           gen;             /* enrolment generation */
    mfa_str_t           since;           /* enrolled since: set iff enrolled */
    mfa_str_t           verified;        /* the session's verified marker */
    size_t              npolicies;
    mfa_str_t           policies[MFA_GATE_MAX_POLICIES];
} mfa_gate_state_t;


/* who the request is for, read from the session */
typedef struct {
    mfa_session_value_t  user;
    mfa_session_value_t  company;       /* the active company */
    mfa_session_value_t  admin;         /* the session's admin flag */
    /* the active company is the session's own, not one "mfa_company"
       named otherwise: only then does the admin flag apply to it */
    int                  own_company;
} mfa_gate_identity_t;


/*
 * Reads the session record with the configured paths and fills the
 * gate's input, in two steps.  The first reads the session record alone
 * (st's session, record and fields): in->session and in->visitor, and the
 * identity as the record names it, so that it can be kept.  The second,
 * for a session that names a valid user (in->session OK), reads the rest
 * of st for that identity: the user's 2FA record, the verified marker (it
 * must say "<user> <gen>") and the policies ("0", "1" or absent; "!"
 * unreadable, "~" a company the request names that is not the user's,
 * "#" more companies than "mfa_policy_scope any" reads).  Anything present
 * but unreadable makes the part INVALID and says why in err; the gate then
 * denies.
 */
void mfa_gate_identify(const mfa_gate_spec_t *spec,
    const mfa_gate_state_t *st, mfa_gate_input_t *in,
    mfa_gate_identity_t *id, mfa_err_t *err);
void mfa_gate_judge(const mfa_gate_spec_t *spec, const mfa_gate_state_t *st,
    mfa_gate_input_t *in, mfa_gate_identity_t *id, mfa_err_t *err);

/* "<user> <gen>": the value of a verified marker */
size_t mfa_gate_verified_value(const char *user, size_t user_len,
    const char *gen, size_t gen_len, char *out);

void mfa_gate_decide(const mfa_gate_input_t *in, mfa_gate_decision_t *out);

/*
 * What a browser is doing.  A request marked as a script's
 * (X-Requested-With, a Sec-Fetch-Mode other than "navigate") or not
 * asking for HTML is an API call.  Otherwise a GET or HEAD is a
 * navigation, and a POST is a form submission when the browser says it
 * navigates (Sec-Fetch-Mode: navigate) or, without Sec-Fetch-Mode, when
 * its body is of a type an HTML form sends.  Header values may be NULL
 * when absent.
 */
mfa_request_kind_e mfa_request_kind(mfa_method_e method,
    const mfa_str_t *accept, const mfa_str_t *requested_with,
    const mfa_str_t *fetch_mode, const mfa_str_t *content_type);

/*
 * "<pages>enroll?return=<uri>" or "<pages>challenge?return=<uri>", the uri
 * percent-encoded, or "/" in its place when it is not a safe local path.
 * With out == NULL, returns the length needed.
 */
size_t mfa_gate_location(const mfa_str_t *pages, mfa_gate_action_e action,
    const mfa_str_t *uri, char *out);

/* {"error":"mfa_..._required","location":"<location>"}; out NULL: length */
size_t mfa_gate_json_body(mfa_gate_action_e action, const mfa_str_t *location,
    char *out);


#endif /* MFA_GATE_H */
