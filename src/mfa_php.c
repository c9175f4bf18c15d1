
/*
 * PHP's session records (src/mfa_php.h): a recursive descent over PHP's
 * serialize() format, the paths followed on the way as the JSON reader
 * does (src/mfa_json.c): each value knows which paths reach it and where
 * each one's rest starts.
 */


#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "mfa_php.h"


typedef struct {
    const unsigned char   *start;
    const unsigned char   *p;
    const unsigned char   *end;
    const mfa_str_t       *paths;
    size_t                 n;
    mfa_session_value_t   *values;
    int                    rc[MFA_PHP_PATHS_MAX];
    mfa_err_t              errs[MFA_PHP_PATHS_MAX];
    unsigned               depth;
    const char            *why;
} mfa_php_t;

/* the paths that reach a value, and where each one's rest starts */
typedef struct {
    unsigned               alive;
    size_t                 at[MFA_PHP_PATHS_MAX];
} mfa_php_want_t;

/* a key of an array or a property name, or a variable's name */
typedef struct {
    const unsigned char   *data;
    size_t                 len;
    int                    mangled;     /* a protected or private
                                           property's, unmangled */
} mfa_php_key_t;


static int mfa_php_variables(mfa_php_t *r, mfa_php_handler_e handler);
static int mfa_php_value(mfa_php_t *r, const mfa_php_want_t *want);
static int mfa_php_members(mfa_php_t *r, const mfa_php_want_t *want,
    int object);
static void mfa_php_foreign(mfa_php_t *r, const mfa_php_want_t *want,
    const mfa_php_key_t *class);
static void mfa_php_match(mfa_php_t *r, const mfa_php_want_t *want,
    const mfa_php_key_t *key, mfa_php_want_t *member, unsigned *seen);
static void mfa_php_leaves(mfa_php_t *r, const mfa_php_want_t *want,
    int type, const mfa_php_key_t *s, long long integer);
static int mfa_php_string(mfa_php_t *r, mfa_php_key_t *s);
static int mfa_php_integer(mfa_php_t *r, long long *integer);
static int mfa_php_length(mfa_php_t *r, size_t *len);
static int mfa_php_float(mfa_php_t *r);
static int mfa_php_expect(mfa_php_t *r, const char *s);
static int mfa_php_fail(mfa_php_t *r, const char *why);
static const char *mfa_php_type(int type);


int
mfa_php_read(const char *rec, size_t len, mfa_php_handler_e handler,
    const mfa_str_t *paths, size_t n, mfa_session_value_t *values,
    mfa_err_t *err)
{
    int         rc;
    size_t      i;
    mfa_php_t   r;

    static const char  *names[] = { "php", "php_serialize", "php_binary" };

    if (n > MFA_PHP_PATHS_MAX) {
        mfa_err_set(err, "more than %d session paths", MFA_PHP_PATHS_MAX);
        return MFA_ERROR;
    }

    r.start = (const unsigned char *) rec;
    r.p = r.start;
    r.end = r.start + len;
    r.paths = paths;
    r.n = n;
    r.values = values;
    r.depth = 0;
    r.why = NULL;

    mfa_session_values_reset(values, n);

    for (i = 0; i < n; i++) {
        r.rc[i] = MFA_NOT_FOUND;
    }

    /* PHP reads an empty record as an empty session */

    rc = (len == 0) ? MFA_OK : mfa_php_variables(&r, handler);

    if (rc != MFA_OK) {
        mfa_err_set(err, "session record is not PHP's \"%s\" session "
                    "format: %s at byte %zu", names[handler], r.why,
                    (size_t) (r.p - r.start));
        return MFA_ERROR;
    }

    return mfa_session_path_errors(r.rc, r.errs, n, err);
}


/* the session's variables: a path's first name is a variable's */

static int
mfa_php_variables(mfa_php_t *r, mfa_php_handler_e handler)
{
    size_t                i;
    unsigned              seen;
    const unsigned char  *bar;
    mfa_php_key_t         name;
    mfa_php_want_t        all, member;

    all.alive = 0;

    for (i = 0; i < r->n; i++) {
        all.alive |= 1u << i;
        all.at[i] = 0;
    }

    if (handler == MFA_PHP_HANDLER_SERIALIZE) {
        /* one array, its keys the variables' names */

        if (r->p == r->end || *r->p != 'a') {
            return mfa_php_fail(r, "an array expected");
        }

        /* what follows the array, PHP does not read */
        return mfa_php_value(r, &all);
    }

    seen = 0;
    name.mangled = 0;

    while (r->p < r->end) {

        if (handler == MFA_PHP_HANDLER_BINARY) {
            /* PHP 8 ignores the bit that once marked an undefined
               variable: a value follows all the same */
            name.len = *r->p++ & 0x7f;

            if ((size_t) (r->end - r->p) < name.len) {
                return mfa_php_fail(r, "premature end of a name");
            }

            name.data = r->p;
            r->p += name.len;

        } else {
            bar = memchr(r->p, '|', r->end - r->p);

            if (bar == NULL) {
                return mfa_php_fail(r, "'|' after a name expected");
            }

            name.data = r->p;
            name.len = (size_t) (bar - r->p);
            r->p = bar + 1;
        }

        mfa_php_match(r, &all, &name, &member, &seen);

        if (mfa_php_value(r, &member) != MFA_OK) {
            return MFA_ERROR;
        }
    }

    return MFA_OK;
}


/* one serialize()d value, with the paths that reach it */

static int
mfa_php_value(mfa_php_t *r, const mfa_php_want_t *want)
{
    int             type, rc;
    size_t          len;
    long long       integer;
    mfa_php_key_t   s;
    mfa_php_want_t  none;

    if (++r->depth > MFA_PHP_DEPTH_MAX) {
        return mfa_php_fail(r, "nested too deep");
    }

    if (r->p == r->end) {
        return mfa_php_fail(r, "a value expected");
    }

    type = *r->p++;
    integer = 0;
    s.data = NULL;
    s.len = 0;
    s.mangled = 0;

    switch (type) {

    case 'N':
        rc = mfa_php_expect(r, ";");
        break;

    case 'b':
        rc = mfa_php_expect(r, ":");

        if (rc == MFA_OK) {
            if (r->p < r->end && (*r->p == '0' || *r->p == '1')) {
                integer = *r->p++ - '0';
                rc = mfa_php_expect(r, ";");

            } else {
                rc = mfa_php_fail(r, "0 or 1 expected");
            }
        }

        break;

    case 'i':
        rc = mfa_php_expect(r, ":");

        if (rc == MFA_OK) {
            rc = mfa_php_integer(r, &integer);
        }

        break;

    case 'd':
        rc = mfa_php_expect(r, ":");

        if (rc == MFA_OK) {
            rc = mfa_php_float(r);
        }

        break;

    case 's':
    case 'E':
        rc = mfa_php_expect(r, ":");

        if (rc == MFA_OK) {
            rc = mfa_php_string(r, &s);
        }

        if (rc == MFA_OK) {
            rc = mfa_php_expect(r, ";");
        }

        break;

    case 'r':
    case 'R':
        /* a reference to a value read before */
        rc = mfa_php_expect(r, ":");

        if (rc == MFA_OK) {
            rc = mfa_php_integer(r, &integer);
        }

        break;

    case 'a':
        rc = mfa_php_expect(r, ":");

        if (rc == MFA_OK) {
            rc = mfa_php_members(r, want, 0);
        }

        break;

    case 'O':
    case 'C':
        /* the class's name, then the properties or the custom data */
        rc = mfa_php_expect(r, ":");

        if (rc == MFA_OK) {
            rc = mfa_php_string(r, &s);
        }

        if (rc == MFA_OK) {
            rc = mfa_php_expect(r, ":");
        }

        if (rc != MFA_OK) {
            break;
        }

        if (type == 'O') {
            if (s.len == 8 && memcmp(s.data, "stdClass", 8) == 0) {
                rc = mfa_php_members(r, want, 1);
                break;
            }

            /* another class: what PHP makes of it is the class's */
            mfa_php_foreign(r, want, &s);
            none.alive = 0;
            rc = mfa_php_members(r, &none, 1);
            break;
        }

        rc = mfa_php_length(r, &len);

        if (rc == MFA_OK) {
            rc = mfa_php_expect(r, "{");
        }

        if (rc == MFA_OK) {
            if ((size_t) (r->end - r->p) < len) {
                rc = mfa_php_fail(r, "premature end of a custom object");

            } else {
                r->p += len;
                rc = mfa_php_expect(r, "}");
            }
        }

        break;

    default:
        r->p--;
        rc = mfa_php_fail(r, "a value expected");
        break;
    }

    if (rc != MFA_OK) {
        return rc;
    }

    mfa_php_leaves(r, want, type, &s, integer);

    r->depth--;

    return MFA_OK;
}


/* an array's or an object's "<count>:{<key><value>...}" */

static int
mfa_php_members(mfa_php_t *r, const mfa_php_want_t *want, int object)
{
    int                   type;
    size_t                i, count;
    unsigned              seen;
    long long             integer;
    const unsigned char  *mangled;
    mfa_php_key_t         key;
    mfa_php_want_t        member;
    char                  text[24];

    if (mfa_php_length(r, &count) != MFA_OK
        || mfa_php_expect(r, "{") != MFA_OK)
    {
        return MFA_ERROR;
    }

    seen = 0;

    for (i = 0; i < count; i++) {

        if (r->p == r->end) {
            return mfa_php_fail(r, "premature end of an array");
        }

        type = *r->p++;

        if (type == 's') {
            if (mfa_php_expect(r, ":") != MFA_OK
                || mfa_php_string(r, &key) != MFA_OK
                || mfa_php_expect(r, ";") != MFA_OK)
            {
                return MFA_ERROR;
            }

            if (object && key.len > 0 && key.data[0] == '\0') {
                /* "\0*\0name" (protected), "\0Class\0name" (private):
                   compared by the name, and refused where a path meets
                   it: the class decides who reads it */
                mangled = memchr(key.data + 1, '\0', key.len - 1);

                if (mangled != NULL) {
                    key.len -= (size_t) (mangled + 1 - key.data);
                    key.data = mangled + 1;
                    key.mangled = 1;
                }
            }

        } else if (type == 'i') {
            if (mfa_php_expect(r, ":") != MFA_OK
                || mfa_php_integer(r, &integer) != MFA_OK)
            {
                return MFA_ERROR;
            }

            key.len = (size_t) snprintf(text, sizeof(text), "%lld", integer);
            key.data = (const unsigned char *) text;
            key.mangled = 0;

        } else {
            r->p--;
            return mfa_php_fail(r, object ? "a property name expected"
                                          : "a key expected");
        }

        mfa_php_match(r, want, &key, &member, &seen);

        if (mfa_php_value(r, &member) != MFA_OK) {
            return MFA_ERROR;
        }
    }

    return mfa_php_expect(r, "}");
}


/*
 * The paths whose next name is this key: they go on in its value.  A key
 * a path names twice in one array is refused (PHP keeps the last one,
 * "5" and 5 being the same key of an array).
 */

static void
mfa_php_match(mfa_php_t *r, const mfa_php_want_t *want,
    const mfa_php_key_t *key, mfa_php_want_t *member, unsigned *seen)
{
    size_t     i, at, len, next;
    mfa_str_t  name;

    member->alive = 0;

    /* a path whose value was found here already still meets its name
       again: PHP would keep the second */

    for (i = 0; i < r->n; i++) {
        if (!(want->alive & (1u << i)) || r->rc[i] == MFA_ERROR) {
            continue;
        }

        at = want->at[i];
        len = r->paths[i].len;

        if (at == len) {
            continue;
        }

        next = mfa_session_path_next(&r->paths[i], at, &name);

        if (name.len != key->len
            || memcmp(name.data, key->data, name.len) != 0)
        {
            continue;
        }

        if (*seen & (1u << i)) {
            mfa_err_set(&r->errs[i], "session path \"%.*s\" meets the "
                        "name \"%.*s\" twice", (int) len, r->paths[i].data,
                        (int) name.len, name.data);
            r->rc[i] = MFA_ERROR;
            continue;
        }

        if (key->mangled) {
            mfa_err_set(&r->errs[i], "session path \"%.*s\" meets a "
                        "protected or private property \"%.*s\"", (int) len,
                        r->paths[i].data, (int) name.len, name.data);
            r->rc[i] = MFA_ERROR;
            continue;
        }

        *seen |= 1u << i;
        member->alive |= 1u << i;
        member->at[i] = next;
    }
}


/*
 * An object of a class other than stdClass: its constructor's defaults,
 * __wakeup() or __unserialize() (ArrayObject's, an entity's) make what
 * PHP reads, not the record's members: a path that goes into it is
 * refused.
 */

static void
mfa_php_foreign(mfa_php_t *r, const mfa_php_want_t *want,
    const mfa_php_key_t *class)
{
    size_t  i;

    for (i = 0; i < r->n; i++) {
        if (!(want->alive & (1u << i)) || r->rc[i] != MFA_NOT_FOUND
            || want->at[i] == r->paths[i].len)
        {
            continue;
        }

        mfa_err_set(&r->errs[i], "session path \"%.*s\" meets an object "
                    "of class \"%.*s\": what PHP reads in it is the "
                    "class's to make", (int) r->paths[i].len,
                    r->paths[i].data, (int) (class->len > 64 ? 64
                                                              : class->len),
                    class->data);
        r->rc[i] = MFA_ERROR;
    }
}


/* the paths this value ends, or meets where they need an array */

static void
mfa_php_leaves(mfa_php_t *r, const mfa_php_want_t *want, int type,
    const mfa_php_key_t *s, long long integer)
{
    size_t                i, at, len;
    mfa_str_t             name;
    mfa_session_value_t  *v;

    for (i = 0; i < r->n; i++) {
        if (!(want->alive & (1u << i)) || r->rc[i] != MFA_NOT_FOUND) {
            continue;
        }

        at = want->at[i];
        len = r->paths[i].len;
        v = &r->values[i];

        if (type == 'N' || (at != len && (type == 'a' || type == 'O'))) {
            /* null: not found; an array or object: its members went on */
            continue;
        }

        if (at != len) {
            (void) mfa_session_path_next(&r->paths[i], at, &name);
            mfa_err_set(&r->errs[i], "session path \"%.*s\" meets %s where "
                        "it expects an array with \"%.*s\"", (int) len,
                        r->paths[i].data, mfa_php_type(type),
                        (int) name.len, name.data);
            r->rc[i] = MFA_ERROR;
            continue;
        }

        switch (type) {

        case 's':
            if (s->len >= sizeof(v->data)) {
                mfa_err_set(&r->errs[i], "session value at \"%.*s\" is "
                            "longer than %d bytes", (int) len,
                            r->paths[i].data, MFA_SESSION_VALUE_MAX - 1);
                r->rc[i] = MFA_ERROR;
                continue;
            }

            memcpy(v->data, s->data, s->len);
            v->len = s->len;
            break;

        case 'i':
            mfa_session_value_integer(v, integer);
            r->rc[i] = MFA_OK;
            continue;

        case 'b':
            mfa_session_value_boolean(v, integer != 0);
            r->rc[i] = MFA_OK;
            continue;

        default:
            mfa_err_set(&r->errs[i], "session value at \"%.*s\" is %s, not "
                        "a string, an integer or a boolean", (int) len,
                        r->paths[i].data, mfa_php_type(type));
            r->rc[i] = MFA_ERROR;
            continue;
        }

        v->data[v->len] = '\0';
        v->found = 1;
        r->rc[i] = MFA_OK;
    }
}


/* "<len>:\"<bytes>\"", the bytes as they are */

static int
mfa_php_string(mfa_php_t *r, mfa_php_key_t *s)
{
    size_t  len;

    if (mfa_php_length(r, &len) != MFA_OK
        || mfa_php_expect(r, "\"") != MFA_OK)
    {
        return MFA_ERROR;
    }

    if ((size_t) (r->end - r->p) < len) {
        return mfa_php_fail(r, "premature end of a string");
    }

    s->data = r->p;
    s->len = len;
    s->mangled = 0;
    r->p += len;

    return mfa_php_expect(r, "\"");
}


/* "[+-]<digits>;", in a long long */

static int
mfa_php_integer(mfa_php_t *r, long long *integer)
{
    int                 neg;
    unsigned long long  v, max;

    neg = 0;

    if (r->p < r->end && (*r->p == '-' || *r->p == '+')) {
        neg = (*r->p++ == '-');
    }

    if (r->p == r->end || *r->p < '0' || *r->p > '9') {
        return mfa_php_fail(r, "digits expected");
    }

    max = neg ? (unsigned long long) LLONG_MAX + 1 : LLONG_MAX;
    v = 0;

    /* out of range: PHP takes the nearest, with a warning */

    while (r->p < r->end && *r->p >= '0' && *r->p <= '9') {
        v = (v > (max - (*r->p - '0')) / 10) ? max
                                            : v * 10 + (*r->p - '0');
        r->p++;
    }

    *integer = neg ? (long long) (0 - v) : (long long) v;

    return mfa_php_expect(r, ";");
}


/* "<digits>:", a count or a length, at most the record's length */

static int
mfa_php_length(mfa_php_t *r, size_t *len)
{
    size_t  v;

    if (r->p == r->end || *r->p < '0' || *r->p > '9') {
        return mfa_php_fail(r, "a length expected");
    }

    v = 0;

    while (r->p < r->end && *r->p >= '0' && *r->p <= '9') {
        v = v * 10 + (size_t) (*r->p++ - '0');

        if (v > (size_t) (r->end - r->start)) {
            return mfa_php_fail(r, "a length longer than the record");
        }
    }

    *len = v;

    return mfa_php_expect(r, ":");
}


/* a float as serialize() writes it: digits, a point, an exponent, or
   INF, -INF, NAN */

static int
mfa_php_float(mfa_php_t *r)
{
    size_t  n, len;

    static const char  *words[] = { "INF;", "-INF;", "NAN;" };

    for (n = 0; n < 3; n++) {
        len = strlen(words[n]);

        if ((size_t) (r->end - r->p) >= len
            && memcmp(r->p, words[n], len) == 0)
        {
            r->p += len;
            return MFA_OK;
        }
    }

    for (n = 0;
         r->p < r->end && ((*r->p >= '0' && *r->p <= '9') || *r->p == '.'
                           || *r->p == 'e' || *r->p == 'E' || *r->p == '-'
                           || *r->p == '+');
         r->p++, n++)
    {
        /* void */
    }

    if (n == 0) {
        return mfa_php_fail(r, "a float expected");
    }

    return mfa_php_expect(r, ";");
}


static int
mfa_php_expect(mfa_php_t *r, const char *s)
{
    if (r->p == r->end || *r->p != (unsigned char) *s) {
        return mfa_php_fail(r, (*s == ';') ? "';' expected"
                               : (*s == ':') ? "':' expected"
                               : (*s == '"') ? "'\"' expected"
                               : (*s == '{') ? "'{' expected"
                               : "'}' expected");
    }

    r->p++;

    return MFA_OK;
}


static int
mfa_php_fail(mfa_php_t *r, const char *why)
{
    r->why = why;
    return MFA_ERROR;
}


static const char *
mfa_php_type(int type)
{
    switch (type) {
    case 's':
        return "a string";
    case 'i':
        return "an integer";
    case 'b':
        return "a boolean";
    case 'd':
        return "a float";
    case 'r':
    case 'R':
        return "a reference";
    case 'E':
        return "an enum";
    case 'C':
        return "a custom-serialized object";
    default:
        return "an array or an object";
    }
}
