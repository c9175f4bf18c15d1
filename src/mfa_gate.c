
/*
 * The gate's decision table (SPEC section 3), in one function, and the
 * redirect or JSON answer that goes with it.
 */


#include <string.h>
#include <strings.h>

#include "mfa_gate.h"
#include "mfa_url.h"


static int mfa_str_contains(const mfa_str_t *s, const char *needle);
static size_t mfa_append(char *out, size_t n, const char *s, size_t len);


void
mfa_gate_decide(const mfa_gate_input_t *in, mfa_gate_decision_t *out)
{
    out->action = MFA_GATE_THROUGH;
    out->status = NULL;
    out->reason = NULL;

    if (!in->enabled || in->own_page) {
        return;
    }

    if (!in->has_session_id) {
        out->status = "anonymous";
        return;
    }

    if (in->lookup_failed) {
        if (in->fail_open) {
            out->status = "unchecked";
            out->reason = "2FA state could not be read, let through "
                          "by \"mfa_fail open\"";
            return;
        }

        out->action = MFA_GATE_UNAVAILABLE;
        out->reason = "2FA state could not be read";
        return;
    }

    switch (in->session) {

    case MFA_RECORD_ABSENT:
        out->status = "anonymous";
        return;

    case MFA_RECORD_INVALID:
        out->action = MFA_GATE_DENY;
        out->reason = "session record is unreadable or names no valid user";
        return;

    case MFA_RECORD_OK:
        break;
    }

    switch (in->user) {

    case MFA_RECORD_INVALID:
        out->action = MFA_GATE_DENY;
        out->reason = "user 2FA record is unreadable";
        return;

    case MFA_RECORD_OK:
        if (in->verified) {
            out->status = "verified";

        } else {
            out->action = MFA_GATE_CHALLENGE;
        }

        return;

    case MFA_RECORD_ABSENT:
        break;
    }

    if (in->policy == MFA_RECORD_INVALID) {
        out->action = MFA_GATE_DENY;
        out->reason = "company 2FA policy is unreadable";
        return;
    }

    if (in->required) {
        out->action = MFA_GATE_ENROLL;
        return;
    }

    out->status = "not_required";
}


static int
mfa_str_contains(const mfa_str_t *s, const char *needle)
{
    size_t  i, n;

    n = strlen(needle);

    if (s == NULL || s->data == NULL || s->len < n) {
        return 0;
    }

    for (i = 0; i + n <= s->len; i++) {
        if (strncasecmp(s->data + i, needle, n) == 0) {
            return 1;
        }
    }

    return 0;
}


mfa_request_kind_e
mfa_request_kind(int get_or_head, const mfa_str_t *accept,
    const mfa_str_t *requested_with, const mfa_str_t *fetch_mode)
{
    if (!get_or_head) {
        return MFA_REQUEST_API;
    }

    if (requested_with != NULL && requested_with->data != NULL) {
        return MFA_REQUEST_API;
    }

    if (fetch_mode != NULL && fetch_mode->data != NULL
        && !(fetch_mode->len == 8
             && strncasecmp(fetch_mode->data, "navigate", 8) == 0))
    {
        return MFA_REQUEST_API;
    }

    if (mfa_str_contains(accept, "text/html")
        || mfa_str_contains(accept, "application/xhtml+xml"))
    {
        return MFA_REQUEST_NAVIGATION;
    }

    return MFA_REQUEST_API;
}


static size_t
mfa_append(char *out, size_t n, const char *s, size_t len)
{
    if (out != NULL) {
        memcpy(out + n, s, len);
    }

    return n + len;
}


size_t
mfa_gate_location(const mfa_str_t *pages, mfa_gate_action_e action,
    const mfa_str_t *uri, char *out)
{
    size_t       n;
    const char  *page;

    page = (action == MFA_GATE_ENROLL) ? "enroll?return="
                                       : "challenge?return=";

    n = mfa_append(out, 0, pages->data, pages->len);
    n = mfa_append(out, n, page, strlen(page));

    if (!mfa_return_url_valid(uri->data, uri->len)) {
        return mfa_append(out, n, "%2F", 3);
    }

    return n + mfa_percent_encode(uri->data, uri->len,
                                  out != NULL ? out + n : NULL);
}


size_t
mfa_gate_json_body(mfa_gate_action_e action, const mfa_str_t *location,
    char *out)
{
    size_t       n;
    const char  *error;

    /* the location is a checked prefix and percent-encoding: no escaping */

    error = (action == MFA_GATE_ENROLL) ? "mfa_enrollment_required"
                                        : "mfa_challenge_required";

    n = mfa_append(out, 0, "{\"error\":\"", 10);
    n = mfa_append(out, n, error, strlen(error));
    n = mfa_append(out, n, "\",\"location\":\"", 14);
    n = mfa_append(out, n, location->data, location->len);
    n = mfa_append(out, n, "\"}", 2);

    return n;
}
