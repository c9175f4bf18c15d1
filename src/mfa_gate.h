
/*
 * The gate: one decision per request (SPEC section 3), from what the glue
 * read in Redis to "through", "challenge", "enrol", "deny" or
 * "unavailable", and the shape of the answer.
 */


#ifndef MFA_GATE_H
#define MFA_GATE_H


#include "mfa_core.h"


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
    MFA_REQUEST_NAVIGATION = 0,
    MFA_REQUEST_API
} mfa_request_kind_e;


typedef struct {
    unsigned      enabled:1;        /* "mfa on" here */
    unsigned      own_page:1;       /* a request for the module's pages */
    unsigned      fail_open:1;      /* "mfa_fail open" */
    unsigned      has_session_id:1; /* the request names a session */
    unsigned      lookup_failed:1;  /* Redis unreachable or too slow */
    unsigned      verified:1;       /* this session passed the challenge
                                       for the current enrolment */
    unsigned      required:1;       /* the policy in scope requires 2FA */
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
} mfa_gate_decision_t;


void mfa_gate_decide(const mfa_gate_input_t *in, mfa_gate_decision_t *out);

/*
 * A navigation is a GET or HEAD that asks for HTML and is not marked as
 * a script's request (X-Requested-With, Sec-Fetch-Mode other than
 * "navigate").  Header values may be NULL when absent.
 */
mfa_request_kind_e mfa_request_kind(int get_or_head, const mfa_str_t *accept,
    const mfa_str_t *requested_with, const mfa_str_t *fetch_mode);

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
