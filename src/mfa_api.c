
/*
 * The API's JSON, built and parsed with jansson.  Strings that are not
 * valid UTF-8 (ids are bytes) make the builders fail rather than emit
 * invalid JSON.
 */


#include <string.h>

#include <jansson.h>

#include "mfa_api.h"


static int mfa_api_dump(json_t *doc, mfa_buf_t *b);
static json_t *mfa_api_string_or_null(const char *s);


int
mfa_api_policy_parse(const char *body, size_t len, int *require,
    mfa_err_t *err)
{
    json_t        *doc, *v;
    json_error_t   jerr;

    doc = json_loadb(body, len, JSON_REJECT_DUPLICATES, &jerr);
    if (doc == NULL) {
        mfa_err_set(err, "not JSON: %s at line %d column %d", jerr.text,
                    jerr.line, jerr.column);
        return MFA_ERROR;
    }

    if (!json_is_object(doc)) {
        mfa_err_set(err, "expected an object such as "
                    "{\"require_2fa\":true}");
        goto failed;
    }

    v = json_object_get(doc, "require_2fa");

    if (v == NULL || !json_is_boolean(v)) {
        mfa_err_set(err, "\"require_2fa\" must be true or false");
        goto failed;
    }

    if (json_object_size(doc) != 1) {
        mfa_err_set(err, "only \"require_2fa\" may be given");
        goto failed;
    }

    *require = json_is_true(v);
    json_decref(doc);

    return MFA_OK;

failed:

    json_decref(doc);

    return MFA_ERROR;
}


int
mfa_api_policy_json(const char *company, int require, const char *changed_by,
    int64_t changed_at, mfa_buf_t *b)
{
    json_t  *doc;

    doc = json_pack("{s:o, s:b, s:o, s:o}",
                    "company", json_string(company),
                    "require_2fa", require,
                    "changed_by", mfa_api_string_or_null(changed_by),
                    "changed_at", changed_by != NULL
                                  ? json_integer(changed_at) : json_null());

    return mfa_api_dump(doc, b);
}


int
mfa_api_status_json(const char *user, const char *company, int enrolled,
    int verified, int required, mfa_buf_t *b)
{
    json_t  *doc;

    doc = json_pack("{s:o, s:o, s:b, s:b, s:b}",
                    "user", json_string(user),
                    "company", mfa_api_string_or_null(company),
                    "enrolled", enrolled,
                    "verified", verified,
                    "required", required);

    return mfa_api_dump(doc, b);
}


int
mfa_api_error_json(const char *code, const char *message, mfa_buf_t *b)
{
    json_t  *doc;

    doc = json_pack("{s:s, s:s}", "error", code, "message", message);

    return mfa_api_dump(doc, b);
}


static json_t *
mfa_api_string_or_null(const char *s)
{
    return s != NULL ? json_string(s) : json_null();
}


/* json_pack() fails, freeing what it got, when a string was NULL */

static int
mfa_api_dump(json_t *doc, mfa_buf_t *b)
{
    size_t  n;

    if (doc == NULL) {
        return MFA_ERROR;
    }

    n = json_dumpb(doc, b->data + b->len, b->size - b->len, JSON_COMPACT);
    json_decref(doc);

    if (n == 0 || n > b->size - b->len) {
        b->overflow = 1;
        return MFA_TOO_LARGE;
    }

    b->len += n;

    return MFA_OK;
}
