
/*
 * A JSON session record read in one pass (src/mfa_json.h).
 *
 * A recursive descent over the text.  Each value is told which paths
 * reach it and how much of each path is left; a value a path ends at is
 * kept, an object or an array passes the paths on to the member or the
 * element the next name or index picks, anything else ends the path as
 * the lookup rules say (src/mfa_session.h).  The outcome of each path is
 * kept aside and reported, in the paths' order, only once the whole text
 * has been checked: a record that is not JSON is that, whatever the paths.
 *
 * Names are checked for duplicates in a hash table of every object's
 * names (the object's ordinal and a hash of the decoded name), on the
 * stack while it is small.  A record the user can write into must not
 * cost quadratic time: a name compared too often makes the record
 * unreadable.
 */


#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mfa_json.h"


#define MFA_JSON_NAMES      64
/* mfa_json_next_member(): a ',' read, another member or element follows */
#define MFA_JSON_MORE       1

#define MFA_JSON_OBJECT     1
#define MFA_JSON_ARRAY      2
#define MFA_JSON_STRING     3
#define MFA_JSON_INTEGER    4
#define MFA_JSON_REAL       5
#define MFA_JSON_TRUE       6
#define MFA_JSON_FALSE      7
#define MFA_JSON_NULL       8


typedef struct {
    uint32_t               hash;
    uint32_t               object;
    uint32_t               off;
    uint32_t               len;
} mfa_json_name_t;


/* a string as read: its raw bytes between the quotes */
typedef struct {
    const unsigned char   *raw;
    size_t                 len;
    size_t                 decoded;
    unsigned               escaped:1;
} mfa_json_str_t;


typedef struct {
    const unsigned char   *start;
    const unsigned char   *p;
    const unsigned char   *end;
    const mfa_str_t       *paths;
    size_t                 n;
    mfa_session_value_t   *values;
    int                    rc[MFA_JSON_PATHS_MAX];
    mfa_err_t              errs[MFA_JSON_PATHS_MAX];
    unsigned               depth;
    uint32_t               objects;
    mfa_json_name_t       *names;
    size_t                 names_mask;
    size_t                 names_count;
    size_t                 work;
    const char            *why;
    mfa_json_name_t        stack[MFA_JSON_NAMES];
} mfa_json_t;


/* a checked string read back decoded */
typedef struct {
    const unsigned char   *p;
    const unsigned char   *end;
    unsigned char          c[4];
    size_t                 n;
    size_t                 i;
} mfa_json_bytes_t;


/* what a value is asked for by the paths that reach it */
typedef struct {
    unsigned               alive;
    size_t                 at[MFA_JSON_PATHS_MAX];
} mfa_json_want_t;


static int mfa_json_run(const char *json, size_t len, const mfa_str_t *paths,
    size_t n, int whole, mfa_session_value_t *values, mfa_err_t *err);
static int mfa_json_value(mfa_json_t *j, const mfa_json_want_t *want);
static int mfa_json_object(mfa_json_t *j, const mfa_json_want_t *want);
static int mfa_json_array(mfa_json_t *j, const mfa_json_want_t *want);
static int mfa_json_next_member(mfa_json_t *j, int close);
static int mfa_json_string(mfa_json_t *j, mfa_json_str_t *s);
static int mfa_json_number(mfa_json_t *j, int *kind, long long *integer);
static int mfa_json_literal(mfa_json_t *j, const char *word, size_t len);
static int mfa_json_utf8(mfa_json_t *j);
static int mfa_json_hex4(mfa_json_t *j, unsigned *v);
static size_t mfa_json_next(const unsigned char **p, unsigned char *out);
static unsigned mfa_json_hex(const unsigned char *p);
static int mfa_json_index(const mfa_str_t *name, size_t *index);
static int mfa_json_name_is(const mfa_json_str_t *s, const char *name,
    size_t len);
static int mfa_json_names_equal(mfa_json_t *j, const mfa_json_name_t *a,
    const mfa_json_str_t *b);
static int mfa_json_byte(mfa_json_bytes_t *b);
static int mfa_json_name_add(mfa_json_t *j, uint32_t object,
    const mfa_json_str_t *s);
static int mfa_json_names_grow(mfa_json_t *j);
static void mfa_json_ws(mfa_json_t *j);
static int mfa_json_fail(mfa_json_t *j, const char *why);
static void mfa_json_keep(mfa_json_t *j, size_t i, int kind,
    const mfa_json_str_t *s, long long integer);


int
mfa_json_read(const char *json, size_t len, const mfa_str_t *paths,
    size_t n, mfa_session_value_t *values, mfa_err_t *err)
{
    return mfa_json_run(json, len, paths, n, 0, values, err);
}


int
mfa_json_read_value(const char *json, size_t len, const mfa_str_t *path,
    mfa_session_value_t *value, mfa_err_t *err)
{
    return mfa_json_run(json, len, path, 1, 1, value, err);
}


/* whole: every path ends at the root, any value (else an object, each
   path from its start) */

static int
mfa_json_run(const char *json, size_t len, const mfa_str_t *paths,
    size_t n, int whole, mfa_session_value_t *values, mfa_err_t *err)
{
    int              rc;
    size_t           i;
    unsigned char    root;
    mfa_json_t       j;
    mfa_json_want_t  want;

    if (n > MFA_JSON_PATHS_MAX) {
        mfa_err_set(err, "more than %d session paths", MFA_JSON_PATHS_MAX);
        return MFA_ERROR;
    }

    j.start = (const unsigned char *) json;
    j.p = j.start;
    j.end = j.start + len;
    j.paths = paths;
    j.n = n;
    j.values = values;
    j.depth = 0;
    j.objects = 0;
    j.names = j.stack;
    j.names_mask = MFA_JSON_NAMES - 1;
    j.names_count = 0;
    j.work = 0;
    j.why = NULL;

    memset(j.stack, 0, sizeof(j.stack));

    memset(&want, 0, sizeof(mfa_json_want_t));

    mfa_session_values_reset(values, n);

    for (i = 0; i < n; i++) {
        j.rc[i] = MFA_NOT_FOUND;
        want.alive |= 1u << i;
        want.at[i] = whole ? paths[i].len : 0;
    }

    mfa_json_ws(&j);

    root = (j.p < j.end) ? *j.p : '\0';

    if (whole) {
        rc = mfa_json_value(&j, &want);

    } else if (root != '{' && root != '[') {
        rc = mfa_json_fail(&j, "'[' or '{' expected");

    } else {
        rc = mfa_json_value(&j, &want);
    }

    if (rc == MFA_OK) {
        mfa_json_ws(&j);

        if (j.p != j.end) {
            rc = mfa_json_fail(&j, "end of text expected");
        }
    }

    if (j.names != j.stack) {
        free(j.names);
    }

    if (rc != MFA_OK) {
        mfa_err_set(err, "session %s is not valid JSON: %s at byte %zu",
                    whole ? "value" : "record", j.why,
                    (size_t) (j.p - j.start));
        return MFA_ERROR;
    }

    if (!whole && root != '{') {
        mfa_err_set(err, "session record is JSON but not an object");
        return MFA_ERROR;
    }

    return mfa_session_path_errors(j.rc, j.errs, n, err);
}


static int
mfa_json_fail(mfa_json_t *j, const char *why)
{
    j->why = why;
    return MFA_ERROR;
}


static void
mfa_json_ws(mfa_json_t *j)
{
    while (j->p < j->end
           && (*j->p == ' ' || *j->p == '\t' || *j->p == '\n' || *j->p == '\r'))
    {
        j->p++;
    }
}


/* a value, with what the paths that reach it ask of it */

static int
mfa_json_value(mfa_json_t *j, const mfa_json_want_t *want)
{
    int              kind, rc;
    size_t           i, at, len, index;
    unsigned         more;
    mfa_str_t        name;
    long long        integer;
    const char      *path, *type;
    mfa_json_str_t   s;
    mfa_json_want_t  next;

    if (++j->depth > MFA_JSON_DEPTH_MAX) {
        return mfa_json_fail(j, "maximum depth reached");
    }

    mfa_json_ws(j);

    if (j->p == j->end) {
        return mfa_json_fail(j, "a value expected");
    }

    switch (*j->p) {
    case '{':
        kind = MFA_JSON_OBJECT;
        break;
    case '[':
        kind = MFA_JSON_ARRAY;
        break;
    case '"':
        kind = MFA_JSON_STRING;
        break;
    case 't':
        kind = MFA_JSON_TRUE;
        break;
    case 'f':
        kind = MFA_JSON_FALSE;
        break;
    case 'n':
        kind = MFA_JSON_NULL;
        break;
    default:
        if (*j->p == '-' || (*j->p >= '0' && *j->p <= '9')) {
            kind = MFA_JSON_INTEGER;
            break;
        }

        return mfa_json_fail(j, "invalid token");
    }

    /* the paths this value ends or passes on */

    more = 0;

    for (i = 0; i < j->n; i++) {
        if (!(want->alive & (1u << i)) || j->rc[i] != MFA_NOT_FOUND) {
            continue;
        }

        path = j->paths[i].data;
        len = j->paths[i].len;
        at = want->at[i];

        if (at == len || kind == MFA_JSON_NULL) {
            /* ends here: kept once read below (null: not found) */
            continue;
        }

        (void) mfa_session_path_next(&j->paths[i], at, &name);

        if (kind == MFA_JSON_OBJECT) {
            more |= 1u << i;
            continue;
        }

        if (kind == MFA_JSON_ARRAY) {
            if (mfa_json_index(&name, &index)) {
                more |= 1u << i;
                continue;
            }

            mfa_err_set(&j->errs[i], "session path \"%.*s\" meets an array "
                        "where \"%.*s\" is no index", (int) len, path,
                        (int) name.len, name.data);
            j->rc[i] = MFA_ERROR;
            continue;
        }

        /* "user":"victim" under "user.id": not a visitor, a record the
           gate cannot read */

        type = (kind == MFA_JSON_STRING) ? "string"
               : (kind == MFA_JSON_TRUE || kind == MFA_JSON_FALSE)
                 ? "boolean" : "number";

        mfa_err_set(&j->errs[i], "session path \"%.*s\" meets a %s where it "
                    "expects an object with \"%.*s\"", (int) len, path, type,
                    (int) name.len, name.data);
        j->rc[i] = MFA_ERROR;
    }

    next = *want;
    next.alive = more;

    integer = 0;
    s.raw = NULL;
    s.len = 0;
    s.decoded = 0;
    s.escaped = 0;

    switch (kind) {
    case MFA_JSON_OBJECT:
        rc = mfa_json_object(j, &next);
        break;
    case MFA_JSON_ARRAY:
        rc = mfa_json_array(j, &next);
        break;
    case MFA_JSON_STRING:
        rc = mfa_json_string(j, &s);
        break;
    case MFA_JSON_TRUE:
        rc = mfa_json_literal(j, "true", 4);
        break;
    case MFA_JSON_FALSE:
        rc = mfa_json_literal(j, "false", 5);
        break;
    case MFA_JSON_NULL:
        rc = mfa_json_literal(j, "null", 4);
        break;
    default:
        rc = mfa_json_number(j, &kind, &integer);
        break;
    }

    if (rc != MFA_OK) {
        return rc;
    }

    for (i = 0; i < j->n; i++) {
        if ((want->alive & (1u << i)) && j->rc[i] == MFA_NOT_FOUND
            && want->at[i] == j->paths[i].len)
        {
            mfa_json_keep(j, i, kind, &s, integer);
        }
    }

    j->depth--;

    return MFA_OK;
}


/* the value a path ends at */

static void
mfa_json_keep(mfa_json_t *j, size_t i, int kind, const mfa_json_str_t *s,
    long long integer)
{
    const unsigned char  *p;
    mfa_session_value_t  *v;

    v = &j->values[i];

    switch (kind) {

    case MFA_JSON_NULL:
        return;

    case MFA_JSON_STRING:
        if (s->decoded >= sizeof(v->data)) {
            mfa_err_set(&j->errs[i], "session value at \"%.*s\" is longer "
                        "than %d bytes", (int) j->paths[i].len,
                        j->paths[i].data, MFA_SESSION_VALUE_MAX - 1);
            j->rc[i] = MFA_ERROR;
            return;
        }

        if (!s->escaped) {
            /* raw is the text's (never NULL): the analyzer loses it on
               mfa_json_read_value()'s paths */
            /* NOLINTNEXTLINE(clang-analyzer-core.NonNullParamChecker) */
            memcpy(v->data, s->raw, s->len);
            v->len = s->len;
            break;
        }

        p = s->raw;
        v->len = 0;

        while (p < s->raw + s->len) {
            v->len += mfa_json_next(&p, (unsigned char *) v->data + v->len);
        }

        break;

    case MFA_JSON_INTEGER:
        mfa_session_value_integer(v, integer);
        j->rc[i] = MFA_OK;
        return;

    case MFA_JSON_TRUE:
    case MFA_JSON_FALSE:
        mfa_session_value_boolean(v, kind == MFA_JSON_TRUE);
        j->rc[i] = MFA_OK;
        return;

    default:
        mfa_err_set(&j->errs[i], "session value at \"%.*s\" is not a "
                    "string, an integer or a boolean", (int) j->paths[i].len,
                    j->paths[i].data);
        j->rc[i] = MFA_ERROR;
        return;
    }

    v->data[v->len] = '\0';
    v->found = 1;
    j->rc[i] = MFA_OK;
}


static int
mfa_json_object(mfa_json_t *j, const mfa_json_want_t *want)
{
    int              rc;
    size_t           i, next;
    uint32_t         object;
    mfa_str_t        path;
    mfa_json_str_t   name;
    mfa_json_want_t  member;

    j->p++;
    object = ++j->objects;

    mfa_json_ws(j);

    if (j->p < j->end && *j->p == '}') {
        j->p++;
        return MFA_OK;
    }

    for ( ;; ) {
        mfa_json_ws(j);

        if (j->p == j->end || *j->p != '"') {
            return mfa_json_fail(j, "string or '}' expected");
        }

        if (mfa_json_string(j, &name) != MFA_OK
            || mfa_json_name_add(j, object, &name) != MFA_OK)
        {
            return MFA_ERROR;
        }

        mfa_json_ws(j);

        if (j->p == j->end || *j->p != ':') {
            return mfa_json_fail(j, "':' expected");
        }

        j->p++;

        /* the paths whose next name this is */

        member = *want;
        member.alive = 0;

        for (i = 0; i < j->n; i++) {
            if (!(want->alive & (1u << i)) || j->rc[i] != MFA_NOT_FOUND) {
                continue;
            }

            next = mfa_session_path_next(&j->paths[i], want->at[i], &path);

            if (mfa_json_name_is(&name, path.data, path.len)) {
                member.alive |= 1u << i;
                member.at[i] = next;
            }
        }

        rc = mfa_json_value(j, &member);
        if (rc != MFA_OK) {
            return rc;
        }

        rc = mfa_json_next_member(j, '}');
        if (rc != MFA_JSON_MORE) {
            return rc;
        }
    }
}


static int
mfa_json_array(mfa_json_t *j, const mfa_json_want_t *want)
{
    int              rc;
    size_t           i, index, v, next;
    mfa_str_t        name;
    mfa_json_want_t  element;

    j->p++;

    mfa_json_ws(j);

    if (j->p < j->end && *j->p == ']') {
        j->p++;
        return MFA_OK;
    }

    for (index = 0; ; index++) {
        element = *want;
        element.alive = 0;

        for (i = 0; i < j->n; i++) {
            if (!(want->alive & (1u << i)) || j->rc[i] != MFA_NOT_FOUND) {
                continue;
            }

            /* an index (mfa_json_value() checked it) */

            next = mfa_session_path_next(&j->paths[i], want->at[i], &name);

            if (mfa_json_index(&name, &v) && v == index) {
                element.alive |= 1u << i;
                element.at[i] = next;
            }
        }

        rc = mfa_json_value(j, &element);
        if (rc != MFA_OK) {
            return rc;
        }

        rc = mfa_json_next_member(j, ']');
        if (rc != MFA_JSON_MORE) {
            return rc;
        }
    }
}


/* after a member or an element: MFA_JSON_MORE at ',', MFA_OK at the
   close */

static int
mfa_json_next_member(mfa_json_t *j, int close)
{
    mfa_json_ws(j);

    if (j->p < j->end && *j->p == ',') {
        j->p++;
        return MFA_JSON_MORE;
    }

    if (j->p < j->end && *j->p == close) {
        j->p++;
        return MFA_OK;
    }

    return mfa_json_fail(j, close == '}' ? "',' or '}' expected"
                                         : "',' or ']' expected");
}


/* a string, checked: escapes, UTF-8, no control character, no NUL */

static int
mfa_json_string(mfa_json_t *j, mfa_json_str_t *s)
{
    unsigned              c, lo;
    const unsigned char  *start, *p;

    j->p++;
    s->raw = j->p;
    s->decoded = 0;
    s->escaped = 0;

    for ( ;; ) {
        /* a run of plain ASCII, most of any string: counted in one pass */

        for (p = j->p;
             p < j->end && *p >= 0x20 && *p < 0x80 && *p != '"'
             && *p != '\\';
             p++)
        {
            /* void */
        }

        s->decoded += (size_t) (p - j->p);
        j->p = p;

        if (j->p == j->end) {
            return mfa_json_fail(j, "premature end of string");
        }

        c = *j->p;

        if (c == '"') {
            break;
        }

        if (c < 0x20) {
            return mfa_json_fail(j, "control character in a string");
        }

        if (c >= 0x80) {
            start = j->p;

            if (mfa_json_utf8(j) != MFA_OK) {
                return MFA_ERROR;
            }

            s->decoded += (size_t) (j->p - start);
            continue;
        }

        /* a backslash */

        s->escaped = 1;

        if (j->end - j->p < 2) {
            return mfa_json_fail(j, "premature end of string");
        }

        c = j->p[1];

        if (c != 'u') {
            if (strchr("\"\\/bfnrt", (int) c) == NULL || c == '\0') {
                return mfa_json_fail(j, "invalid escape");
            }

            j->p += 2;
            s->decoded++;
            continue;
        }

        j->p += 2;

        if (mfa_json_hex4(j, &c) != MFA_OK) {
            return MFA_ERROR;
        }

        if (c == 0) {
            return mfa_json_fail(j, "\\u0000 is not allowed");
        }

        if (c >= 0xdc00 && c <= 0xdfff) {
            return mfa_json_fail(j, "invalid Unicode escape");
        }

        if (c >= 0xd800 && c <= 0xdbff) {
            if (j->end - j->p < 2 || j->p[0] != '\\' || j->p[1] != 'u') {
                return mfa_json_fail(j, "invalid Unicode escape");
            }

            j->p += 2;

            if (mfa_json_hex4(j, &lo) != MFA_OK) {
                return MFA_ERROR;
            }

            if (lo < 0xdc00 || lo > 0xdfff) {
                return mfa_json_fail(j, "invalid Unicode escape");
            }

            s->decoded += 4;
            continue;
        }

        s->decoded += (c < 0x80) ? 1 : (c < 0x800) ? 2 : 3;
    }

    s->len = (size_t) (j->p - s->raw);
    j->p++;

    return MFA_OK;
}


static int
mfa_json_hex4(mfa_json_t *j, unsigned *v)
{
    int       i;
    unsigned  c;

    if (j->end - j->p < 4) {
        return mfa_json_fail(j, "invalid Unicode escape");
    }

    *v = 0;

    for (i = 0; i < 4; i++) {
        c = j->p[i];

        if (c >= '0' && c <= '9') {
            c -= '0';

        } else if (c >= 'a' && c <= 'f') {
            c -= 'a' - 10;

        } else if (c >= 'A' && c <= 'F') {
            c -= 'A' - 10;

        } else {
            return mfa_json_fail(j, "invalid Unicode escape");
        }

        *v = (*v << 4) | c;
    }

    j->p += 4;

    return MFA_OK;
}


/* one UTF-8 sequence of 2 to 4 bytes, shortest form, no surrogate */

static int
mfa_json_utf8(mfa_json_t *j)
{
    size_t    i, n;
    unsigned  c, v, min;

    c = *j->p;

    if (c >= 0xc2 && c <= 0xdf) {
        n = 2;
        v = c & 0x1f;
        min = 0x80;

    } else if (c >= 0xe0 && c <= 0xef) {
        n = 3;
        v = c & 0x0f;
        min = 0x800;

    } else if (c >= 0xf0 && c <= 0xf4) {
        n = 4;
        v = c & 0x07;
        min = 0x10000;

    } else {
        return mfa_json_fail(j, "invalid UTF-8");
    }

    if ((size_t) (j->end - j->p) < n) {
        return mfa_json_fail(j, "invalid UTF-8");
    }

    for (i = 1; i < n; i++) {
        c = j->p[i];

        if ((c & 0xc0) != 0x80) {
            return mfa_json_fail(j, "invalid UTF-8");
        }

        v = (v << 6) | (c & 0x3f);
    }

    if (v < min || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff)) {
        return mfa_json_fail(j, "invalid UTF-8");
    }

    j->p += n;

    return MFA_OK;
}


/*
 * A number, as jansson reads one: an integer must fit a long long, a real
 * must not overflow a double.
 */

static int
mfa_json_number(mfa_json_t *j, int *kind, long long *integer)
{
    int                   negative, rc;
    char                  buf[64], *text;
    double                d;
    size_t                len;
    unsigned long long    u, limit;
    const unsigned char  *start;

    start = j->p;
    negative = (*j->p == '-');

    if (negative) {
        j->p++;
    }

    if (j->p == j->end || *j->p < '0' || *j->p > '9') {
        return mfa_json_fail(j, "invalid number");
    }

    if (*j->p == '0') {
        j->p++;

        if (j->p < j->end && *j->p >= '0' && *j->p <= '9') {
            return mfa_json_fail(j, "invalid number");
        }

    } else {
        while (j->p < j->end && *j->p >= '0' && *j->p <= '9') {
            j->p++;
        }
    }

    if (j->p == j->end || (*j->p != '.' && *j->p != 'e' && *j->p != 'E')) {
        limit = negative ? (unsigned long long) LLONG_MAX + 1
                         : (unsigned long long) LLONG_MAX;
        u = 0;

        for (text = (char *) start + negative; text < (char *) j->p; text++) {
            if (u > (limit - (unsigned) (*text - '0')) / 10) {
                return mfa_json_fail(j, "too big integer");
            }

            u = u * 10 + (unsigned) (*text - '0');
        }

        *kind = MFA_JSON_INTEGER;
        *integer = negative ? (long long) (0 - u) : (long long) u;

        return MFA_OK;
    }

    if (*j->p == '.') {
        j->p++;

        if (j->p == j->end || *j->p < '0' || *j->p > '9') {
            return mfa_json_fail(j, "invalid number");
        }

        while (j->p < j->end && *j->p >= '0' && *j->p <= '9') {
            j->p++;
        }
    }

    if (j->p < j->end && (*j->p == 'e' || *j->p == 'E')) {
        j->p++;

        if (j->p < j->end && (*j->p == '+' || *j->p == '-')) {
            j->p++;
        }

        if (j->p == j->end || *j->p < '0' || *j->p > '9') {
            return mfa_json_fail(j, "invalid number");
        }

        while (j->p < j->end && *j->p >= '0' && *j->p <= '9') {
            j->p++;
        }
    }

    *kind = MFA_JSON_REAL;

    /* strtod() needs the text alone, and says whether it overflows */

    len = (size_t) (j->p - start);
    text = (len < sizeof(buf)) ? buf : malloc(len + 1);

    if (text == NULL) {
        return mfa_json_fail(j, "out of memory");
    }

    memcpy(text, start, len);
    text[len] = '\0';

    errno = 0;
    d = strtod(text, NULL);
    rc = ((d == HUGE_VAL || d == -HUGE_VAL) && errno == ERANGE)
         ? mfa_json_fail(j, "real number overflow") : MFA_OK;

    if (text != buf) {
        free(text);
    }

    return rc;
}


static int
mfa_json_literal(mfa_json_t *j, const char *word, size_t len)
{
    if ((size_t) (j->end - j->p) < len || memcmp(j->p, word, len) != 0) {
        return mfa_json_fail(j, "invalid token");
    }

    j->p += len;

    return MFA_OK;
}


/* the next decoded character of a checked string: its UTF-8 bytes */

static size_t
mfa_json_next(const unsigned char **pp, unsigned char *out)
{
    unsigned              c, lo;
    const unsigned char  *p;

    p = *pp;

    if (*p != '\\') {
        out[0] = *p;
        *pp = p + 1;
        return 1;
    }

    switch (p[1]) {
    case 'b': out[0] = '\b'; break;
    case 'f': out[0] = '\f'; break;
    case 'n': out[0] = '\n'; break;
    case 'r': out[0] = '\r'; break;
    case 't': out[0] = '\t'; break;
    case 'u': goto unicode;
    default: out[0] = p[1]; break;
    }

    *pp = p + 2;
    return 1;

unicode:

    c = mfa_json_hex(p + 2);
    p += 6;

    if (c >= 0xd800 && c <= 0xdbff) {
        lo = mfa_json_hex(p + 2);
        p += 6;
        c = 0x10000 + ((c - 0xd800) << 10) + (lo - 0xdc00);
    }

    *pp = p;

    if (c < 0x80) {
        out[0] = (unsigned char) c;
        return 1;
    }

    if (c < 0x800) {
        out[0] = (unsigned char) (0xc0 | (c >> 6));
        out[1] = (unsigned char) (0x80 | (c & 0x3f));
        return 2;
    }

    if (c < 0x10000) {
        out[0] = (unsigned char) (0xe0 | (c >> 12));
        out[1] = (unsigned char) (0x80 | ((c >> 6) & 0x3f));
        out[2] = (unsigned char) (0x80 | (c & 0x3f));
        return 3;
    }

    out[0] = (unsigned char) (0xf0 | (c >> 18));
    out[1] = (unsigned char) (0x80 | ((c >> 12) & 0x3f));
    out[2] = (unsigned char) (0x80 | ((c >> 6) & 0x3f));
    out[3] = (unsigned char) (0x80 | (c & 0x3f));
    return 4;
}


/* whether a name, decoded, is these bytes */

/* a path's name as an array index: 1 to 9 digits */

static int
mfa_json_index(const mfa_str_t *name, size_t *index)
{
    size_t  i;

    if (name->len == 0 || name->len > 9) {
        return 0;
    }

    *index = 0;

    for (i = 0; i < name->len; i++) {
        if (name->data[i] < '0' || name->data[i] > '9') {
            return 0;
        }

        *index = *index * 10 + (size_t) (name->data[i] - '0');
    }

    return 1;
}


static int
mfa_json_name_is(const mfa_json_str_t *s, const char *name, size_t len)
{
    size_t                k, m;
    unsigned char         c[4];
    const unsigned char  *p;

    if (s->decoded != len) {
        return 0;
    }

    if (!s->escaped) {
        return memcmp(s->raw, name, len) == 0;
    }

    p = s->raw;
    k = 0;

    while (p < s->raw + s->len) {
        m = mfa_json_next(&p, c);

        if (memcmp(c, name + k, m) != 0) {
            return 0;
        }

        k += m;
    }

    return 1;
}


static int
mfa_json_names_equal(mfa_json_t *j, const mfa_json_name_t *a,
    const mfa_json_str_t *b)
{
    int                   x;
    mfa_json_bytes_t      p, q;

    p.p = j->start + a->off;
    p.end = p.p + a->len;
    p.n = 0;
    p.i = 0;

    if (!b->escaped && memchr(p.p, '\\', a->len) == NULL) {
        return a->len == b->len && memcmp(p.p, b->raw, a->len) == 0;
    }

    q.p = b->raw;
    q.end = b->raw + b->len;
    q.n = 0;
    q.i = 0;

    do {
        x = mfa_json_byte(&p);

        if (x != mfa_json_byte(&q)) {
            return 0;
        }

    } while (x != -1);

    return 1;
}


/* a checked string's decoded bytes, one at a time; -1 at its end */

static int
mfa_json_byte(mfa_json_bytes_t *b)
{
    if (b->i == b->n) {
        if (b->p == b->end) {
            return -1;
        }

        b->n = mfa_json_next(&b->p, b->c);
        b->i = 0;
    }

    return b->c[b->i++];
}


/* four hexadecimal digits, checked */

static unsigned
mfa_json_hex(const unsigned char *p)
{
    int       i;
    unsigned  v, c;

    v = 0;

    for (i = 0; i < 4; i++) {
        c = p[i];
        c = (c <= '9') ? c - '0' : (c | 0x20) - 'a' + 10;
        v = (v << 4) | c;
    }

    return v;
}


/*
 * A member's name, refused if its object has it already (compared
 * decoded: "a" and "\u0061" are one name).
 */

static int
mfa_json_name_add(mfa_json_t *j, uint32_t object, const mfa_json_str_t *s)
{
    size_t                i, k, m;
    uint32_t              h;
    unsigned char         c[4];
    mfa_json_name_t      *slot;
    const unsigned char  *p;

    h = 2166136261u;
    p = s->raw;

    while (p < s->raw + s->len) {
        if (s->escaped) {
            m = mfa_json_next(&p, c);

        } else {
            c[0] = *p++;
            m = 1;
        }

        for (k = 0; k < m; k++) {
            h = (h ^ c[k]) * 16777619u;
        }
    }

    h = (h ^ object) * 0x9e3779b1u;

    if ((j->names_count + 1) * 2 > j->names_mask + 1
        && mfa_json_names_grow(j) != MFA_OK)
    {
        return MFA_ERROR;
    }

    for (i = h & j->names_mask; ; i = (i + 1) & j->names_mask) {
        slot = &j->names[i];

        if (slot->object == 0) {
            break;
        }

        /* the table is freed by mfa_json_run(), which the analyzer
           loses track of on mfa_json_read_value()'s paths */

        if (++j->work > 32 * j->names_count + 1024) {
            /* NOLINTNEXTLINE(clang-analyzer-unix.Malloc) */
            return mfa_json_fail(j, "too many names alike to check");
        }

        if (slot->hash == h && slot->object == object
            && mfa_json_names_equal(j, slot, s))
        {
            /* NOLINTNEXTLINE(clang-analyzer-unix.Malloc) */
            return mfa_json_fail(j, "duplicate object key");
        }
    }

    slot->hash = h;
    slot->object = object;
    slot->off = (uint32_t) (s->raw - j->start);
    slot->len = (uint32_t) s->len;

    j->names_count++;

    return MFA_OK;
}


/* four times the room, on the heap */

static int
mfa_json_names_grow(mfa_json_t *j)
{
    size_t            i, k, size;
    mfa_json_name_t  *names;

    size = (j->names_mask + 1) * 4;

    names = calloc(size, sizeof(mfa_json_name_t));
    if (names == NULL) {
        return mfa_json_fail(j, "out of memory");
    }

    for (i = 0; i <= j->names_mask; i++) {
        if (j->names[i].object == 0) {
            continue;
        }

        for (k = j->names[i].hash & (size - 1); names[k].object != 0;
             k = (k + 1) & (size - 1))
        {
            /* void */
        }

        names[k] = j->names[i];
    }

    if (j->names != j->stack) {
        free(j->names);
    }

    j->names = names;
    j->names_mask = size - 1;

    return MFA_OK;
}
