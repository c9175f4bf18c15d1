
/*
 * Session records: a JSON string (read by src/mfa_json.c) or a Redis
 * hash.  Anything unexpected is an error with a message, never a guess:
 * the gate denies on it.
 */


#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "mfa_json.h"


int
mfa_session_path_valid(const char *path, size_t len)
{
    size_t       part;
    const char  *p, *end, *close;

    p = path;
    end = path + len;

    while (p < end) {

        if (*p == '[') {
            close = memchr(p, ']', (size_t) (end - p));

            if (close == NULL || close == p + 1
                || close - p - 1 >= MFA_SESSION_VALUE_MAX)
            {
                return 0;
            }

            for (p++; p < close; p++) {
                if ((unsigned char) *p < 0x20 || *p == 0x7f) {
                    return 0;
                }
            }

            p++;

        } else {
            for (part = 0;
                 p < end && *p != '.' && *p != '[' && *p != ']';
                 p++)
            {
                if ((unsigned char) *p < 0x21 || *p == 0x7f
                    || ++part >= MFA_SESSION_VALUE_MAX)
                {
                    return 0;
                }
            }

            if (part == 0) {
                return 0;
            }
        }

        if (p < end && *p == '.') {
            if (++p == end) {
                return 0;
            }

        } else if (p < end && *p != '[') {
            return 0;
        }
    }

    return len > 0;
}


/* in one pass, without a tree (src/mfa_json.c) */

int
mfa_session_json_get(const char *json, size_t len, const mfa_str_t *paths,
    size_t n, mfa_session_value_t *values, mfa_err_t *err)
{
    return mfa_json_read(json, len, paths, n, values, err);
}


mfa_str_t
mfa_session_hash_field(mfa_str_t path, size_t *rest)
{
    mfa_str_t  field;

    *rest = mfa_session_path_next(&path, 0, &field);

    return field;
}


int
mfa_session_hash_get(const mfa_str_t *fields, const mfa_str_t *paths,
    size_t n, int json_fields, mfa_session_value_t *values, mfa_err_t *err)
{
    size_t     i, at;
    mfa_str_t  field, rest;

    mfa_session_values_reset(values, n);

    for (i = 0; i < n; i++) {
        if (fields[i].data == NULL) {
            continue;
        }

        field = mfa_session_hash_field(paths[i], &at);

        if (at == paths[i].len && json_fields) {
            if (mfa_json_read_value(fields[i].data, fields[i].len, &paths[i],
                                    &values[i], err)
                != MFA_OK)
            {
                return MFA_ERROR;
            }

            continue;
        }

        if (at == paths[i].len) {

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

        rest.data = paths[i].data + at;
        rest.len = paths[i].len - at;

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


size_t
mfa_session_path_next(const mfa_str_t *path, size_t at, mfa_str_t *name)
{
    const char  *p, *end, *q;

    p = path->data + at;
    end = path->data + path->len;

    q = (p < end && *p == '[') ? memchr(p, ']', (size_t) (end - p)) : NULL;

    if (q != NULL) {
        name->data = p + 1;
        name->len = (size_t) (q - p - 1);
        q++;

    } else {
        for (q = p; q < end && *q != '.' && (*q != '[' || q == p); q++) {
            /* void */
        }

        name->data = p;
        name->len = (size_t) (q - p);
    }

    if (q < end && *q == '.') {
        q++;
    }

    return (size_t) (q - path->data);
}


void
mfa_session_values_reset(mfa_session_value_t *values, size_t n)
{
    size_t  i;

    for (i = 0; i < n; i++) {
        values[i].found = 0;
        values[i].boolean = 0;
        values[i].len = 0;
        values[i].data[0] = '\0';
    }
}


int
mfa_session_path_errors(const int *rc, const mfa_err_t *errs, size_t n,
    mfa_err_t *err)
{
    size_t  i;

    for (i = 0; i < n; i++) {
        if (rc[i] == MFA_ERROR) {
            *err = errs[i];
            return MFA_ERROR;
        }
    }

    return MFA_OK;
}


void
mfa_session_value_integer(mfa_session_value_t *v, long long integer)
{
    v->len = (size_t) snprintf(v->data, sizeof(v->data), "%lld", integer);
    v->found = 1;
}


void
mfa_session_value_boolean(mfa_session_value_t *v, int b)
{
    v->boolean = 1;
    v->len = b ? 4 : 5;
    memcpy(v->data, b ? "true" : "false", v->len + 1);
    v->found = 1;
}
