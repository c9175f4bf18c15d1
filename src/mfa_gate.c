
/*
 * The gate's decision table (docs/internals.md), in one function, and the
 * redirect or JSON answer that goes with it.
 */


#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "mfa_gate.h"
#include "mfa_url.h"


static void mfa_gate_unreadable(const mfa_gate_spec_t *spec,
    const mfa_gate_state_t *st, const mfa_str_t *fields, size_t n,
    mfa_err_t *err);
static int mfa_str_is(const mfa_str_t *s, const char *value);
static int mfa_str_is_number(const mfa_str_t *s);
static int mfa_str_contains(const mfa_str_t *s, const char *needle);
static size_t mfa_append(char *out, size_t n, const char *s, size_t len);


static int
mfa_str_is(const mfa_str_t *s, const char *value)
{
    size_t  len;

    len = strlen(value);

    return s->data != NULL && s->len == len
           && memcmp(s->data, value, len) == 0;
}


static int
mfa_str_is_number(const mfa_str_t *s)
{
    size_t  i;

    if (s->data == NULL || s->len == 0 || s->len > 18) {
        return 0;
    }

    for (i = 0; i < s->len; i++) {
        if (s->data[i] < '0' || s->data[i] > '9') {
            return 0;
        }
    }

    return 1;
}


size_t
mfa_gate_verified_value(const char *user, size_t user_len, const char *gen,
    size_t gen_len, char *out)
{
    if (out != NULL) {
        memcpy(out, user, user_len);
        out[user_len] = ' ';
        memcpy(out + user_len + 1, gen, gen_len);
    }

    return user_len + 1 + gen_len;
}


void
mfa_gate_identify(const mfa_gate_spec_t *spec, const mfa_gate_state_t *st,
    mfa_gate_input_t *in, mfa_gate_identity_t *id, mfa_err_t *err)
{
    int                   rc;
    size_t                i, n;
    mfa_str_t             paths[MFA_PATHS], fields[MFA_PATHS];
    mfa_session_value_t   found[MFA_PATHS], *values[MFA_PATHS];

    in->session = st->session;
    in->user = MFA_RECORD_ABSENT;
    in->policy = MFA_RECORD_OK;
    in->verified = 0;
    in->required = 0;
    in->visitor = 0;

    /* a path not configured is found nowhere, and is no boolean */
    mfa_session_values_reset(&id->user, 1);
    mfa_session_values_reset(&id->company, 1);
    mfa_session_values_reset(&id->admin, 1);
    id->own_company = 0;

    if (st->session == MFA_RECORD_ABSENT) {
        return;
    }

    if (st->session == MFA_RECORD_INVALID && st->too_large) {
        mfa_err_set(err, "the session record is more than %zu bytes "
                    "(\"mfa_session_max_size\"): not read", st->too_large);
        return;
    }

    if (st->session == MFA_RECORD_INVALID) {
        mfa_err_set(err, "the session key holds a value of the wrong type");
        return;
    }

    /* the configured paths only, in order */

    values[MFA_PATH_USER] = &id->user;
    values[MFA_PATH_COMPANY] = &id->company;
    values[MFA_PATH_ADMIN] = &id->admin;

    n = 0;

    for (i = 0; i < MFA_PATHS; i++) {
        if (spec->paths[i].len == 0) {
            continue;
        }

        paths[n] = spec->paths[i];
        fields[n] = st->fields[i];
        n++;
    }

    if (spec->format->format == MFA_FORMAT_HASH) {
        rc = mfa_session_hash_get(fields, paths, n,
                                  spec->format->json_fields, found, err);

    } else {
        rc = mfa_record_read(spec->format, st->record.data, st->record.len,
                             paths, n, found, err);
    }

    if (rc != MFA_OK) {
        mfa_gate_unreadable(spec, st, fields, n, err);
        in->session = MFA_RECORD_INVALID;
        return;
    }

    n = 0;

    for (i = 0; i < MFA_PATHS; i++) {
        if (spec->paths[i].len != 0) {
            *values[i] = found[n++];
        }
    }

    /*
     * a record without a user is a visitor not logged in (express-session
     * and others store one for every visitor): the dashboard handles it
     */

    if (!id->user.found) {
        in->session = MFA_RECORD_ABSENT;
        in->visitor = 1;
        return;
    }

    if (id->user.boolean || id->company.boolean) {
        mfa_err_set(err, "the session's %s is a boolean, not an id",
                    id->user.boolean ? "user" : "company");
        in->session = MFA_RECORD_INVALID;
        return;
    }

    if (!mfa_id_valid(id->user.data, id->user.len)) {
        mfa_err_set(err, "the session's user id is not a valid id (1 to %d "
                    "bytes, no space, control character or colon)",
                    MFA_ID_MAX);
        in->session = MFA_RECORD_INVALID;
    }
}


/*
 * A record that does not read: what it looks like, when that is not the
 * format configured, goes into the log line, with the directive that
 * would read it.
 */

static void
mfa_gate_unreadable(const mfa_gate_spec_t *spec, const mfa_gate_state_t *st,
    const mfa_str_t *fields, size_t n, mfa_err_t *err)
{
    int          format;
    size_t       i, len;
    const char  *like;

    like = NULL;
    format = -1;

    if (spec->format->format != MFA_FORMAT_HASH) {
        like = mfa_record_guess(st->record.data, st->record.len, &format);

        if (format == (int) spec->format->format) {
            return;
        }

    } else {
        /* a field that holds something else than JSON, which no format
           here reads in a hash */

        for (i = 0; i < n; i++) {
            if (fields[i].data == NULL) {
                continue;
            }

            like = mfa_record_guess(fields[i].data, fields[i].len, &format);

            if (like != NULL && format != MFA_FORMAT_JSON) {
                break;
            }

            like = NULL;
        }

        format = -1;
    }

    if (like == NULL) {
        return;
    }

    len = strlen(err->msg);

    if (format < 0) {
        snprintf(err->msg + len, sizeof(err->msg) - len,
                 "; it looks like %s", like);

    } else {
        snprintf(err->msg + len, sizeof(err->msg) - len,
                 "; it looks like %s: \"mfa_session_format %s\" reads it",
                 like, mfa_format_name((mfa_format_e) format));
    }
}


void
mfa_gate_judge(const mfa_gate_spec_t *spec, const mfa_gate_state_t *st,
    mfa_gate_input_t *in, mfa_gate_identity_t *id, mfa_err_t *err)
{
    char    want[MFA_ID_MAX + 20];
    size_t  i, len;

    id->own_company = id->company.found;

    if (spec->company.len != 0) {
        id->own_company = id->company.found
                          && id->company.len == spec->company.len
                          && memcmp(id->company.data, spec->company.data,
                                    spec->company.len) == 0;

        if (spec->company.len >= sizeof(id->company.data)) {
            mfa_err_set(err, "\"mfa_company\" value is too long");
            in->policy = MFA_RECORD_INVALID;
            return;
        }

        memcpy(id->company.data, spec->company.data, spec->company.len);
        id->company.data[spec->company.len] = '\0';
        id->company.len = spec->company.len;
        id->company.found = 1;
    }

    /* the keys were read for the ids the script found: they must agree */

    if (st->user.data == NULL || st->user.len != id->user.len
        || memcmp(st->user.data, id->user.data, id->user.len) != 0)
    {
        mfa_err_set(err, "the session's user id was read differently by "
                    "Redis (a number beyond 2^53 or an ambiguous path?)");
        in->session = MFA_RECORD_INVALID;
        return;
    }

    if (id->company.found
        && (!mfa_id_valid(id->company.data, id->company.len)
            || st->company.data == NULL
            || st->company.len != id->company.len
            || memcmp(st->company.data, id->company.data, id->company.len)
               != 0))
    {
        mfa_err_set(err, "the active company id is not a valid id or was "
                    "read differently by Redis");
        in->policy = MFA_RECORD_INVALID;
    }

    /* the user's 2FA record: "since" is there only while enrolled */

    if (st->since.data != NULL) {
        if (!mfa_str_is_number(&st->since) || !mfa_str_is_number(&st->gen)) {
            mfa_err_set(err, "the user's 2FA record is unreadable");
            in->user = MFA_RECORD_INVALID;
            return;
        }

        in->user = MFA_RECORD_OK;

        len = mfa_gate_verified_value(id->user.data, id->user.len,
                                      st->gen.data, st->gen.len, want);

        in->verified = st->verified.data != NULL && st->verified.len == len
                       && memcmp(st->verified.data, want, len) == 0;
    }

    for (i = 0; i < st->npolicies; i++) {
        if (st->policies[i].data == NULL
            || mfa_str_is(&st->policies[i], "0"))
        {
            continue;
        }

        if (mfa_str_is(&st->policies[i], "1")) {
            in->required = 1;
            continue;
        }

        if (mfa_str_is(&st->policies[i], "#")) {
            mfa_err_set(err, "the user is in more than %d companies, the "
                        "most \"mfa_policy_scope any\" reads", MFA_SCOPE_ANY_MAX);

        } else if (mfa_str_is(&st->policies[i], "~")) {
            mfa_err_set(err, "the company the request names is not one of "
                        "the user's companies");

        } else {
            mfa_err_set(err, "a company's \"require_2fa\" is neither \"0\" "
                        "nor \"1\", or the user's company set is not a set");
        }

        in->policy = MFA_RECORD_INVALID;
    }
}


void
mfa_gate_decide(const mfa_gate_input_t *in, mfa_gate_decision_t *out)
{
    out->action = MFA_GATE_THROUGH;
    out->status = NULL;
    out->reason = NULL;
    out->session = 0;

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
            out->session = 1;
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
        /* a visitor's record is the dashboard's to use (unless this
           location keeps it out), no record is not */
        out->status = "anonymous";
        out->session = in->visitor && !in->visitor_bare;
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
            out->session = 1;

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
    out->session = 1;
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


/* the media type of a Content-Type value is one of an HTML form's */

static int
mfa_form_type(const mfa_str_t *type)
{
    size_t       i, n, len;
    const char  *t;

    static const char  *types[] = {
        "application/x-www-form-urlencoded", "multipart/form-data",
        "text/plain"
    };

    if (type == NULL || type->data == NULL) {
        return 0;
    }

    for (len = 0; len < type->len && type->data[len] != ';'
                  && type->data[len] != ' '; len++) { /* void */ }

    for (i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
        t = types[i];
        n = strlen(t);

        if (len == n && strncasecmp(type->data, t, n) == 0) {
            return 1;
        }
    }

    return 0;
}


mfa_request_kind_e
mfa_request_kind(mfa_method_e method, const mfa_str_t *accept,
    const mfa_str_t *requested_with, const mfa_str_t *fetch_mode,
    const mfa_str_t *content_type)
{
    int  navigate;

    if (method == MFA_METHOD_OTHER) {
        return MFA_REQUEST_API;
    }

    if (requested_with != NULL && requested_with->data != NULL) {
        return MFA_REQUEST_API;
    }

    navigate = 0;

    if (fetch_mode != NULL && fetch_mode->data != NULL) {
        if (!(fetch_mode->len == 8
              && strncasecmp(fetch_mode->data, "navigate", 8) == 0))
        {
            return MFA_REQUEST_API;
        }

        navigate = 1;
    }

    if (!mfa_str_contains(accept, "text/html")
        && !mfa_str_contains(accept, "application/xhtml+xml"))
    {
        return MFA_REQUEST_API;
    }

    if (method == MFA_METHOD_READ) {
        return MFA_REQUEST_NAVIGATION;
    }

    return (navigate || mfa_form_type(content_type)) ? MFA_REQUEST_FORM
                                                     : MFA_REQUEST_API;
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
