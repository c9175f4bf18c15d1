
/*
 * Session records, read with jansson.  Anything unexpected is an error
 * with a message, never a guess: the gate denies on it.
 */


#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "mfa_session.h"


static int mfa_session_lookup(json_t *root, const char *path, size_t len,
    mfa_session_value_t *value, mfa_err_t *err);


int
mfa_session_path_valid(const char *path, size_t len)
{
    size_t  i, part;

    if (len == 0) {
        return 0;
    }

    part = 0;

    for (i = 0; i < len; i++) {
        if (path[i] == '.') {
            if (part == 0) {
                return 0;
            }

            part = 0;
            continue;
        }

        if ((unsigned char) path[i] < 0x21 || path[i] == 0x7f
            || ++part >= MFA_SESSION_VALUE_MAX)
        {
            return 0;
        }
    }

    return part > 0;
}


static int
mfa_session_lookup(json_t *root, const char *path, size_t len,
    mfa_session_value_t *value, mfa_err_t *err)
{
    int          n;
    char         name[MFA_SESSION_VALUE_MAX];
    size_t       i, j, k;
    json_t      *v;
    const char  *s;

    value->found = 0;
    value->boolean = 0;
    value->len = 0;
    v = root;

    for (i = 0; i < len; i = j + 1) {

        for (j = i; j < len && path[j] != '.'; j++) {
            /* void */
        }

        if (j - i >= sizeof(name)) {
            mfa_err_set(err, "session path component too long");
            return MFA_ERROR;
        }

        memcpy(name, &path[i], j - i);
        name[j - i] = '\0';

        if (json_is_object(v)) {
            v = json_object_get(v, name);

        } else if (json_is_array(v)) {
            for (k = 0; name[k] >= '0' && name[k] <= '9' && k < 9; k++) {
                /* void */
            }

            if (k == 0 || name[k] != '\0') {
                goto wrong_type;
            }

            v = json_array_get(v, (size_t) strtoul(name, NULL, 10));

        } else {
            /* "user":"victim" under "user.id": not a visitor, a record
               the gate cannot read */
            goto wrong_type;
        }

        if (v == NULL || json_is_null(v)) {
            return MFA_NOT_FOUND;
        }
    }

    switch (json_typeof(v)) {

    case JSON_STRING:
        s = json_string_value(v);
        value->len = json_string_length(v);

        if (value->len >= sizeof(value->data)) {
            mfa_err_set(err, "session value at \"%.*s\" is longer than %d "
                        "bytes", (int) len, path, MFA_SESSION_VALUE_MAX - 1);
            return MFA_ERROR;
        }

        memcpy(value->data, s, value->len);
        break;

    case JSON_INTEGER:
        n = snprintf(value->data, sizeof(value->data), "%" JSON_INTEGER_FORMAT,
                     json_integer_value(v));
        value->len = (size_t) n;
        break;

    case JSON_TRUE:
    case JSON_FALSE:
        value->boolean = 1;
        value->len = json_is_true(v) ? 4 : 5;
        memcpy(value->data, json_is_true(v) ? "true" : "false", value->len);
        break;

    default:
        mfa_err_set(err, "session value at \"%.*s\" is not a string, an "
                    "integer or a boolean", (int) len, path);
        return MFA_ERROR;
    }

    value->data[value->len] = '\0';
    value->found = 1;

    return MFA_OK;

wrong_type:

    if (json_is_array(v)) {
        mfa_err_set(err, "session path \"%.*s\" meets an array where "
                    "\"%s\" is no index", (int) len, path, name);

    } else {
        mfa_err_set(err, "session path \"%.*s\" meets a %s where it "
                    "expects an object with \"%s\"", (int) len, path,
                    json_is_string(v) ? "string" : json_is_boolean(v)
                    ? "boolean" : "number", name);
    }

    return MFA_ERROR;
}


int
mfa_session_json_get(const char *json, size_t len, const mfa_str_t *paths,
    size_t n, mfa_session_value_t *values, mfa_err_t *err)
{
    int           rc;
    size_t        i;
    json_t       *root;
    json_error_t  jerr;

    root = json_loadb(json, len, JSON_REJECT_DUPLICATES, &jerr);

    if (root == NULL) {
        mfa_err_set(err, "session record is not valid JSON: %s at "
                    "line %d column %d", jerr.text, jerr.line, jerr.column);
        return MFA_ERROR;
    }

    if (!json_is_object(root)) {
        mfa_err_set(err, "session record is JSON but not an object");
        json_decref(root);
        return MFA_ERROR;
    }

    for (i = 0; i < n; i++) {
        rc = mfa_session_lookup(root, paths[i].data, paths[i].len,
                                &values[i], err);

        if (rc == MFA_ERROR) {
            json_decref(root);
            return MFA_ERROR;
        }
    }

    json_decref(root);

    return MFA_OK;
}


mfa_str_t
mfa_session_hash_field(mfa_str_t path)
{
    const char  *dot;

    dot = memchr(path.data, '.', path.len);

    if (dot != NULL) {
        path.len = (size_t) (dot - path.data);
    }

    return path;
}


int
mfa_session_hash_get(const mfa_str_t *fields, const mfa_str_t *paths,
    size_t n, mfa_session_value_t *values, mfa_err_t *err)
{
    size_t     i;
    mfa_str_t  field, rest;

    for (i = 0; i < n; i++) {
        values[i].found = 0;
        values[i].boolean = 0;
        values[i].len = 0;

        if (fields[i].data == NULL) {
            continue;
        }

        field = mfa_session_hash_field(paths[i]);

        if (field.len == paths[i].len) {

            if (fields[i].len >= sizeof(values[i].data)) {
                mfa_err_set(err, "session field \"%.*s\" is longer than %d "
                            "bytes", (int) field.len, field.data,
                            MFA_SESSION_VALUE_MAX - 1);
                return MFA_ERROR;
            }

            memcpy(values[i].data, fields[i].data, fields[i].len);
            values[i].len = fields[i].len;
            values[i].data[values[i].len] = '\0';
            values[i].found = 1;
            continue;
        }

        rest.data = paths[i].data + field.len + 1;
        rest.len = paths[i].len - field.len - 1;

        if (mfa_session_json_get(fields[i].data, fields[i].len, &rest, 1,
                                 &values[i], err)
            != MFA_OK)
        {
            return MFA_ERROR;
        }
    }

    return MFA_OK;
}


int
mfa_value_truthy(const char *s, size_t len)
{
    int     nonzero;
    size_t  i;

    if ((len == 4 && strncasecmp(s, "true", 4) == 0)
        || (len == 3 && strncasecmp(s, "yes", 3) == 0)
        || (len == 2 && strncasecmp(s, "on", 2) == 0))
    {
        return 1;
    }

    i = (len > 0 && s[0] == '-') ? 1 : 0;

    if (i == len) {
        return 0;
    }

    /* every character is a digit: "1abc" or "1.5" is not an integer */

    nonzero = 0;

    for ( /* void */ ; i < len; i++) {
        if (s[i] < '0' || s[i] > '9') {
            return 0;
        }

        if (s[i] != '0') {
            nonzero = 1;
        }
    }

    return nonzero;
}


int
mfa_id_valid(const char *s, size_t len)
{
    size_t  i;

    if (len == 0 || len > MFA_ID_MAX) {
        return 0;
    }

    for (i = 0; i < len; i++) {
        if ((unsigned char) s[i] <= 0x20 || s[i] == 0x7f || s[i] == ':') {
            return 0;
        }
    }

    return 1;
}
