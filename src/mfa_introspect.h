
/*
 * The app's answer to the gate's introspection subrequest
 * ("mfa_session_introspect"), for stacks whose session nginx cannot read
 * (Laravel's cookie, encrypted with a new IV on every response; an app
 * that keeps no session but a token): one route of the app says who the
 * request is, as the app itself reads it.
 *
 *     200  {"session": "<the app's id of the session>", "user": "bob",
 *           "company": "acme", "admin": false}   (user null: a visitor)
 *     401  nobody is logged in (a visitor; the body is not read)
 *
 * "session" is what the verified marker is bound to: an id that stays
 * the same for one login and changes at the next (Laravel's session id).
 * Without it, the credential the gate read (the cookie's value, or the
 * header "mfa_session_id" names) is the session; a record that names a
 * user with neither cannot be bound to anything.  Any other status, a
 * body that is not a JSON object, or a "session" that is neither a
 * string nor an integer: the app could not be asked, as when Redis cannot
 * be ("mfa_fail" decides).  Who the answer names (user, company, admin)
 * is read like any JSON session record, by the gate.
 */


#ifndef MFA_INTROSPECT_H
#define MFA_INTROSPECT_H


#include "mfa_session.h"


typedef enum {
    MFA_INTROSPECT_RECORD = 0,      /* 200: the answer is the record */
    MFA_INTROSPECT_VISITOR,         /* 401: nobody logged in */
    MFA_INTROSPECT_FAILED           /* the app could not be asked */
} mfa_introspect_e;


typedef struct {
    mfa_introspect_e     kind;
    /* RECORD: the app's id of the session (found 0: none given) */
    mfa_session_value_t  session;
} mfa_introspect_t;


/*
 * Reads the answer: status, and the body of a 200; user is the user's
 * path in it, credential whether the gate read a session credential from
 * the request.  FAILED says why in err; no byte of the body is in the
 * message.
 */
void mfa_introspect_read(int status, const char *body, size_t len,
    mfa_str_t user, int credential, mfa_introspect_t *out, mfa_err_t *err);


#endif /* MFA_INTROSPECT_H */
