
/*
 * The app's answer to the gate's introspection subrequest
 * (src/mfa_introspect.h).
 */


#include <string.h>

#include "mfa_introspect.h"


/* who failed, in every message */
#define MFA_INTROSPECTION                                                     \
    "the app's introspection (\"mfa_session_introspect\")"


void
mfa_introspect_read(int status, const char *body, size_t len,
    mfa_str_t user, int credential, mfa_introspect_t *out, mfa_err_t *err)
{
    mfa_err_t            why;
    mfa_str_t            path;
    mfa_session_value_t  who;

    static const char  session[] = "session";

    memset(out, 0, sizeof(mfa_introspect_t));

    if (status == 401) {
        out->kind = MFA_INTROSPECT_VISITOR;
        return;
    }

    out->kind = MFA_INTROSPECT_FAILED;

    if (status == 0) {
        mfa_err_set(err, MFA_INTROSPECTION " could not be asked or did not "
                    "answer whole (the lines before say why)");
        return;
    }

    if (status != 200) {
        mfa_err_set(err, MFA_INTROSPECTION " answered %d, not 200 or 401",
                    status);
        return;
    }

    if (len == 0) {
        mfa_err_set(err, MFA_INTROSPECTION " answered 200 without a body");
        return;
    }

    path.data = session;
    path.len = sizeof(session) - 1;

    if (mfa_session_json_get(body, len, &path, 1, &out->session, &why)
        != MFA_OK)
    {
        mfa_err_set(err, MFA_INTROSPECTION ": %s", why.msg);
        return;
    }

    if (out->session.found
        && (out->session.boolean || out->session.len == 0))
    {
        mfa_err_set(err, MFA_INTROSPECTION ": \"session\" is not a "
                    "non-empty string or an integer");
        return;
    }

    if (!out->session.found && !credential) {
        /* nothing to bind a user to: a visitor only */

        if (mfa_session_json_get(body, len, &user, 1, &who, &why) != MFA_OK
            || who.found)
        {
            mfa_err_set(err, MFA_INTROSPECTION " names a user but no "
                        "\"session\", and the request has no session "
                        "credential the gate reads");
            return;
        }

        out->kind = MFA_INTROSPECT_VISITOR;
        return;
    }

    out->kind = MFA_INTROSPECT_RECORD;
}
