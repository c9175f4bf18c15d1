
/*
 * Fuzz target for reading the dashboard's session record
 * (src/mfa_session.c): the input is the record, a path, and a Redis hash.
 *
 *   mfa_session_json_get() on the input with the paths "user.id",
 *   "company_id", "is_admin" and "a.0.b": it returns MFA_OK or MFA_ERROR
 *   with a message; every value found is shorter than
 *   MFA_SESSION_VALUE_MAX, NUL-terminated and free of NUL bytes; and the
 *   result is the one of a reference lookup written from the header
 *   comment with jansson (every check jansson makes of the text, and no
 *   NUL byte anywhere; objects by name, arrays by a decimal index of
 *   at most 9 digits; strings as they are, integers in decimal,
 *   true/false; null or a missing path not found; a path that meets a
 *   scalar before its end, or a name where an array is, an error; any
 *   other value, or a value too long, an error).
 *
 *   mfa_session_json_get() on a fixed express-session record with the
 *   input as the path: the same invariants, and the reference result when
 *   mfa_session_path_valid() accepts the path.
 *
 *   mfa_session_hash_get() on a hash whose fields are the input split in
 *   two (at its first byte's value modulo its length), with the paths
 *   "f.x.y" (the first part, read as JSON), "f" (the second part, taken
 *   as it is) and "g" (a field the hash does not have); and with
 *   json_fields, the whole input as a field's JSON value against jansson's
 *   reading of it as any value.
 *
 *   mfa_session_hash_field(), mfa_session_path_valid(),
 *   mfa_value_truthy() and mfa_id_valid() on the input, each against the
 *   rule its header comment states (the path syntax read by a reference
 *   of its own: names between dots, or in brackets).
 *
 *   mfa_introspect_read() on the input as the app's 200 answer to the
 *   gate's introspection: a record exactly when the reference reads its
 *   "session" as absent, null, or a non-empty value that is not a
 *   boolean, with the reference's value as the session id; else failed,
 *   with a message.
 */


#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "mfa_introspect.h"
#include "mfa_session.h"
#include "fuzz.h"


#define FUZZ_ERROR      0
#define FUZZ_NOT_FOUND  1
#define FUZZ_FOUND      2

#define FUZZ_NPATHS     4

typedef struct {
    int     result;
    size_t  len;
    char    data[MFA_SESSION_VALUE_MAX];
} fuzz_ref_value_t;


/* a path's name, by the reference's reading of the path syntax */
typedef struct {
    const char  *data;
    size_t       len;
    size_t       start;         /* where its text starts in the path */
} fuzz_ref_name_t;


int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int fuzz_ref_names(const char *s, size_t len, fuzz_ref_name_t *names,
    size_t max);
static void fuzz_ref_lookup(json_t *root, const char *path, size_t len,
    fuzz_ref_value_t *value);
static void fuzz_ref_json_get(const char *json, size_t len,
    const mfa_str_t *paths, size_t n, fuzz_ref_value_t *values);
static void fuzz_check_value(const mfa_session_value_t *value, int no_nul);
static void fuzz_json_get(const char *json, size_t len,
    const mfa_str_t *paths, size_t n, int check);
static void fuzz_hash_get(const char *data, size_t size);
static void fuzz_hash_json_field(const char *data, size_t size);
static void fuzz_small(const char *s, size_t len);
static void fuzz_introspect(const char *s, size_t size);


static const char  fuzz_record[] =
    "{\"cookie\":{\"originalMaxAge\":null,\"httpOnly\":true,\"path\":\"/\"}"
    ",\"passport\":{\"user\":\"u-17\"},\"user\":{\"id\":\"42\",\"roles\":["
    "\"admin\",7,false,null,[1.5]]},\"company_id\":7,\"is_admin\":true,\"a"
    "\":[{\"b\":\"c\"}],\"min\":-9223372036854775808,\"\":{\"\":\"e\"},\"lo"
    "ng\":\"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\",\"max\":\"yyyy"
    "yyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy"
    "yyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy"
    "yyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy"
    "yyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy\"}";


/*
 * The names of a path, or -1 when it is no valid path: names of 1 to
 * 255 bytes; a bare one has no byte below 0x21, no 0x7f, ".", "[" or
 * "]"; one in brackets has any bytes but "]", 0x7f and those below 0x20.
 * A dot comes between two names, and may be left out before one in
 * brackets; never first, last or twice in a row.
 */

static int
fuzz_ref_names(const char *s, size_t len, fuzz_ref_name_t *names, size_t max)
{
    int            bracket;
    size_t         i, n, start;
    unsigned char  c;

    n = 0;
    i = 0;

    if (len == 0) {
        return -1;
    }

    for ( ;; ) {
        start = i;
        bracket = (s[i] == '[');

        if (bracket) {
            i++;
        }

        while (i < len) {
            c = (unsigned char) s[i];

            if (bracket ? c == ']' : (c == '.' || c == '[')) {
                break;
            }

            if (c == 0x7f || c < 0x20 || (!bracket && (c == ' ' || c == ']')))
            {
                return -1;
            }

            i++;
        }

        if (bracket && i == len) {
            return -1;
        }

        if (n == max) {
            return -1;
        }

        names[n].data = s + start + bracket;
        names[n].len = i - start - bracket;
        names[n].start = start;

        if (names[n].len == 0 || names[n].len >= MFA_SESSION_VALUE_MAX) {
            return -1;
        }

        n++;
        i += bracket;

        if (i == len) {
            return (int) n;
        }

        if (s[i] == '.') {
            if (++i == len) {
                return -1;
            }

        } else if (s[i] != '[') {
            /* a bare name after one in brackets */
            return -1;
        }
    }
}


static void
fuzz_ref_lookup(json_t *root, const char *path, size_t len,
    fuzz_ref_value_t *value)
{
    int              n, i;
    size_t           k, index;
    json_t          *v;
    fuzz_ref_name_t  names[MFA_SESSION_VALUE_MAX];

    value->result = FUZZ_NOT_FOUND;
    value->len = 0;
    v = root;

    n = fuzz_ref_names(path, len, names, MFA_SESSION_VALUE_MAX);
    FUZZ_CHECK(n > 0);

    for (i = 0; i < n; i++) {

        if (json_is_object(v)) {
            v = json_object_getn(v, names[i].data, names[i].len);

        } else if (json_is_array(v)) {
            index = 0;

            for (k = 0; k < names[i].len; k++) {
                if (names[i].data[k] < '0' || names[i].data[k] > '9') {
                    break;
                }

                index = index * 10 + (size_t) (names[i].data[k] - '0');
            }

            /* an index has 1 to 9 digits: no array is longer; a name
               that is no index is a record of another shape */

            if (!(k == names[i].len && k <= 9)) {
                value->result = FUZZ_ERROR;
                return;
            }

            v = json_array_get(v, index);

        } else {
            /* a scalar where the path goes on: another shape */
            value->result = FUZZ_ERROR;
            return;
        }

        if (v == NULL || json_is_null(v)) {
            return;
        }
    }

    if (json_is_string(v)) {
        if (json_string_length(v) >= MFA_SESSION_VALUE_MAX) {
            value->result = FUZZ_ERROR;
            return;
        }

        value->len = json_string_length(v);
        memcpy(value->data, json_string_value(v), value->len);

    } else if (json_is_integer(v)) {
        value->len = (size_t) snprintf(value->data, sizeof(value->data),
                                       "%lld",
                                       (long long) json_integer_value(v));

    } else if (json_is_boolean(v)) {
        value->len = json_is_true(v) ? 4 : 5;
        memcpy(value->data, json_is_true(v) ? "true" : "false", value->len);

    } else if (json_is_null(v)) {
        return;

    } else {
        value->result = FUZZ_ERROR;
        return;
    }

    value->result = FUZZ_FOUND;
}


/* values[n] is the overall result: FUZZ_ERROR or FUZZ_FOUND for MFA_OK */

static void
fuzz_ref_json_get(const char *json, size_t len, const mfa_str_t *paths,
    size_t n, fuzz_ref_value_t *values)
{
    size_t        i;
    json_t       *root;
    json_error_t  jerr;

    values[n].result = FUZZ_ERROR;

    /* a NUL byte is JSON nowhere; jansson 2.14 skips one after a real or
       a literal ("{\"a\":true\0}"), the gate's reader refuses it */
    if (memchr(json, '\0', len) != NULL) {
        return;
    }

    root = json_loadb(json, len, JSON_REJECT_DUPLICATES, &jerr);

    if (root == NULL) {
        return;
    }

    if (json_is_object(root)) {
        values[n].result = FUZZ_FOUND;

        for (i = 0; i < n; i++) {
            fuzz_ref_lookup(root, paths[i].data, paths[i].len, &values[i]);

            if (values[i].result == FUZZ_ERROR) {
                values[n].result = FUZZ_ERROR;
                break;
            }
        }
    }

    json_decref(root);
}


static void
fuzz_check_value(const mfa_session_value_t *value, int no_nul)
{
    FUZZ_CHECK(value->found == 0 || value->found == 1);

    if (!value->found) {
        return;
    }

    FUZZ_CHECK(value->len < MFA_SESSION_VALUE_MAX);
    FUZZ_CHECK(value->data[value->len] == '\0');

    if (no_nul) {
        /* ids become Redis key parts: no silent truncation */
        FUZZ_CHECK(strlen(value->data) == value->len);
    }
}


/* check: compare with the reference lookup */

static void
fuzz_json_get(const char *json, size_t len, const mfa_str_t *paths, size_t n,
    int check)
{
    int                  rc;
    size_t               i;
    mfa_err_t            err;
    fuzz_ref_value_t     ref[FUZZ_NPATHS + 1];
    mfa_session_value_t  values[FUZZ_NPATHS];

    FUZZ_CHECK(n <= FUZZ_NPATHS);

    memset(values, 0xa5, sizeof(values));
    err.msg[0] = '\0';

    rc = mfa_session_json_get(json, len, paths, n, values, &err);
    FUZZ_CHECK(rc == MFA_OK || rc == MFA_ERROR);

    if (rc != MFA_OK) {
        FUZZ_CHECK(err.msg[0] != '\0');
        FUZZ_CHECK(memchr(err.msg, '\0', sizeof(err.msg)) != NULL);

    } else {
        for (i = 0; i < n; i++) {
            fuzz_check_value(&values[i], 1);
        }
    }

    if (!check) {
        return;
    }

    fuzz_ref_json_get(json, len, paths, n, ref);

    FUZZ_CHECK((rc == MFA_OK) == (ref[n].result == FUZZ_FOUND));

    if (rc != MFA_OK) {
        return;
    }

    for (i = 0; i < n; i++) {
        FUZZ_CHECK(values[i].found == (ref[i].result == FUZZ_FOUND));

        if (values[i].found) {
            FUZZ_CHECK(values[i].len == ref[i].len);
            FUZZ_CHECK(memcmp(values[i].data, ref[i].data, ref[i].len) == 0);
        }
    }
}


static void
fuzz_hash_get(const char *data, size_t size)
{
    int                  rc, valid;
    size_t               k;
    mfa_err_t            err;
    mfa_str_t            fields[3], paths[3], rest;
    fuzz_ref_value_t     ref[2];
    mfa_session_value_t  values[3];

    k = (size > 0) ? (unsigned char) data[0] % size : 0;

    fields[0].data = data;
    fields[0].len = k;
    fields[1].data = data + k;
    fields[1].len = size - k;
    fields[2].data = NULL;
    fields[2].len = 0;

    paths[0].data = "f.x.y";
    paths[0].len = 5;
    paths[1].data = "f";
    paths[1].len = 1;
    paths[2].data = "g";
    paths[2].len = 1;

    memset(values, 0xa5, sizeof(values));
    err.msg[0] = '\0';

    rc = mfa_session_hash_get(fields, paths, 3, 0, values, &err);
    FUZZ_CHECK(rc == MFA_OK || rc == MFA_ERROR);

    rest.data = "x.y";
    rest.len = 3;

    fuzz_ref_json_get(fields[0].data, fields[0].len, &rest, 1, ref);

    valid = ref[1].result == FUZZ_FOUND
            && fields[1].len < MFA_SESSION_VALUE_MAX;

    FUZZ_CHECK((rc == MFA_OK) == valid);

    if (rc != MFA_OK) {
        FUZZ_CHECK(err.msg[0] != '\0');
        return;
    }

    fuzz_check_value(&values[0], 1);
    FUZZ_CHECK(values[0].found == (ref[0].result == FUZZ_FOUND));

    if (values[0].found) {
        FUZZ_CHECK(values[0].len == ref[0].len);
        FUZZ_CHECK(memcmp(values[0].data, ref[0].data, ref[0].len) == 0);
    }

    /* a whole field is taken as it is, NUL bytes included */

    fuzz_check_value(&values[1], 0);
    FUZZ_CHECK(values[1].found);
    FUZZ_CHECK(values[1].len == fields[1].len);
    FUZZ_CHECK(memcmp(values[1].data, fields[1].data, fields[1].len) == 0);

    FUZZ_CHECK(values[2].found == 0);

    fuzz_hash_json_field(data, size);
}


/*
 * With json_fields, a path of a field alone reads the field's JSON value:
 * the reference is jansson's reading of the whole text as any value, then
 * the lookup of that value as the member "f" of an object.
 */

static void
fuzz_hash_json_field(const char *data, size_t size)
{
    int                  rc;
    json_t              *root, *obj;
    mfa_err_t            err;
    mfa_str_t            field, path;
    json_error_t         jerr;
    fuzz_ref_value_t     ref;
    mfa_session_value_t  value;

    field.data = data;
    field.len = size;
    path.data = "f";
    path.len = 1;

    memset(&value, 0xa5, sizeof(value));
    err.msg[0] = '\0';

    rc = mfa_session_hash_get(&field, &path, 1, 1, &value, &err);
    FUZZ_CHECK(rc == MFA_OK || rc == MFA_ERROR);

    ref.result = FUZZ_ERROR;
    root = (memchr(data, '\0', size) != NULL) ? NULL
           : json_loadb(data, size, JSON_DECODE_ANY | JSON_REJECT_DUPLICATES,
                        &jerr);

    if (root != NULL) {
        obj = json_object();
        FUZZ_CHECK(obj != NULL && json_object_set_new(obj, "f", root) == 0);
        fuzz_ref_lookup(obj, "f", 1, &ref);
        json_decref(obj);
    }

    FUZZ_CHECK((rc == MFA_OK) == (ref.result != FUZZ_ERROR));

    if (rc != MFA_OK) {
        FUZZ_CHECK(err.msg[0] != '\0');
        return;
    }

    fuzz_check_value(&value, 1);
    FUZZ_CHECK(value.found == (ref.result == FUZZ_FOUND));

    if (value.found) {
        FUZZ_CHECK(value.len == ref.len);
        FUZZ_CHECK(memcmp(value.data, ref.data, ref.len) == 0);
    }
}


static void
fuzz_small(const char *s, size_t len)
{
    int              valid, ok, truthy, neg, n;
    size_t           i, rest;
    mfa_str_t        path, field;
    fuzz_ref_name_t  names[MFA_SESSION_VALUE_MAX];

    /* mfa_session_path_valid(), and for a valid path
       mfa_session_hash_field(): its first name, and where the second
       starts */

    path.data = s;
    path.len = len;

    n = fuzz_ref_names(s, len, names, MFA_SESSION_VALUE_MAX);
    FUZZ_CHECK(mfa_session_path_valid(s, len) == (n > 0));

    if (n > 0) {
        field = mfa_session_hash_field(path, &rest);
        FUZZ_CHECK(field.data == names[0].data);
        FUZZ_CHECK(field.len == names[0].len);
        FUZZ_CHECK(rest == (n > 1 ? names[1].start : len));
    }

    /* mfa_value_truthy(): true, yes, on, or a non-zero integer */

    truthy = mfa_value_truthy(s, len);
    FUZZ_CHECK(truthy == 0 || truthy == 1);

    neg = len > 0 && s[0] == '-';
    ok = len > (size_t) neg;

    for (i = neg; i < len; i++) {
        if (s[i] < '0' || s[i] > '9') {
            ok = 0;
        }
    }

    if (ok) {
        /* an integer: truthy when some digit is not 0 */
        ok = 0;

        for (i = neg; i < len; i++) {
            if (s[i] != '0') {
                ok = 1;
            }
        }

    } else {
        ok = (len == 4 && strncasecmp(s, "true", 4) == 0)
             || (len == 3 && strncasecmp(s, "yes", 3) == 0)
             || (len == 2 && strncasecmp(s, "on", 2) == 0);
    }

    FUZZ_CHECK(truthy == ok);

    /* mfa_id_valid(): 1 to MFA_ID_MAX bytes, no control, space or colon */

    valid = mfa_id_valid(s, len);
    ok = len >= 1 && len <= MFA_ID_MAX;

    for (i = 0; i < len; i++) {
        if ((unsigned char) s[i] <= 0x20 || s[i] == 0x7f || s[i] == ':') {
            ok = 0;
        }
    }

    FUZZ_CHECK(valid == ok);
}


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    mfa_str_t    paths[FUZZ_NPATHS], path;
    const char  *s;

    s = (const char *) data;

    paths[0].data = "user.id";
    paths[0].len = 7;
    paths[1].data = "company_id";
    paths[1].len = 10;
    paths[2].data = "is_admin";
    paths[2].len = 8;
    paths[3].data = "a.0.b";
    paths[3].len = 5;

    fuzz_json_get(s, size, paths, FUZZ_NPATHS, 1);

    /* the input as a path into a fixed record */

    path.data = s;
    path.len = size;

    fuzz_json_get(fuzz_record, sizeof(fuzz_record) - 1, &path, 1,
                  mfa_session_path_valid(s, size));

    fuzz_hash_get(s, size);
    fuzz_small(s, size);
    fuzz_introspect(s, size);

    return 0;
}


static void
fuzz_introspect(const char *s, size_t size)
{
    int                record;
    json_t            *root;
    mfa_err_t          err;
    mfa_str_t          path;
    mfa_introspect_t   ans;
    fuzz_ref_value_t   ref[2];

    path.data = "session";
    path.len = 7;

    err.msg[0] = '\0';
    mfa_introspect_read(200, s, size, path, 1, &ans, &err);
    fuzz_ref_json_get(s, size, &path, 1, ref);

    record = 0;

    if (ref[1].result != FUZZ_ERROR && ref[0].result == FUZZ_NOT_FOUND) {
        record = 1;

    } else if (ref[1].result != FUZZ_ERROR && ref[0].result == FUZZ_FOUND
               && ref[0].len > 0)
    {
        root = json_loadb(s, size, JSON_REJECT_DUPLICATES, NULL);
        FUZZ_CHECK(root != NULL);
        record = !json_is_boolean(json_object_get(root, "session"));
        json_decref(root);
    }

    if (!record) {
        FUZZ_CHECK(ans.kind == MFA_INTROSPECT_FAILED);
        FUZZ_CHECK(err.msg[0] != '\0');
        return;
    }

    FUZZ_CHECK(ans.kind == MFA_INTROSPECT_RECORD);
    FUZZ_CHECK(ans.session.found == (ref[0].result == FUZZ_FOUND));

    if (ans.session.found) {
        FUZZ_CHECK(ans.session.len == ref[0].len
                   && memcmp(ans.session.data, ref[0].data, ref[0].len) == 0);
    }
}
