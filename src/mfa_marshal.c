
/*
 * Ruby's session records (src/mfa_marshal.h), in two passes over the
 * bytes, no tree.
 *
 * The first reads the whole record as Marshal.load would, checking every
 * value, and notes where each object and each symbol starts, in Ruby's
 * order, so that a link ('@', ';') is an index into a table.  Then each
 * path is walked from the top value, reading again only what it meets: a
 * hash's keys, the members it passes over, a link followed to where its
 * object starts (its members, or its instance variables, not read then).
 * The tables start on the stack and grow on the heap, up to
 * MFA_MARSHAL_OBJECTS_MAX entries each.
 */


#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mfa_marshal.h"


#define MFA_MARSHAL_TABLE  64


/* where objects, or symbols, start: offsets into the record */
typedef struct {
    uint32_t              *at;
    size_t                 n;
    size_t                 size;
    uint32_t               stack[MFA_MARSHAL_TABLE];
} mfa_marshal_table_t;

typedef struct {
    const unsigned char   *start;
    const unsigned char   *p;
    const unsigned char   *end;
    const mfa_str_t       *paths;
    mfa_session_value_t   *values;
    int                    rc[MFA_MARSHAL_PATHS_MAX];
    mfa_err_t              errs[MFA_MARSHAL_PATHS_MAX];
    int                    record;      /* the first pass: tables noted */
    mfa_marshal_table_t    objects;
    mfa_marshal_table_t    symbols;
    const char            *why;
    int                    type;        /* a type not read, or -1 */
} mfa_marshal_t;

/*
 * A value read: its type ('"' a string, ':' a symbol, 'i' an integer,
 * 'l' one beyond a long long, '[', '{', '}', 'f', '0', 'T', 'F', '@');
 * a string's or a symbol's bytes; an integer or a link's index; a
 * container's count (its members not read by a shallow read).
 */
typedef struct {
    int                    type;
    const unsigned char   *data;
    size_t                 len;
    long long              integer;
} mfa_marshal_item_t;


static int mfa_marshal_value(mfa_marshal_t *m, unsigned depth, int deep,
    mfa_marshal_item_t *it);
static int mfa_marshal_members(mfa_marshal_t *m, unsigned depth, size_t n);
static int mfa_marshal_ivars(mfa_marshal_t *m, unsigned depth,
    const mfa_marshal_item_t *owner);
static int mfa_marshal_encoding(mfa_marshal_t *m, mfa_marshal_item_t *name);
static int mfa_marshal_symlink(mfa_marshal_t *m, mfa_marshal_item_t *it);
static int mfa_marshal_bignum(mfa_marshal_t *m, mfa_marshal_item_t *it);
static int mfa_marshal_bytes(mfa_marshal_t *m, mfa_marshal_item_t *it);
static int mfa_marshal_count(mfa_marshal_t *m, size_t *n, size_t unit);
static int mfa_marshal_long(mfa_marshal_t *m, long long *v);
static void mfa_marshal_table_init(mfa_marshal_table_t *t);
static int mfa_marshal_note(mfa_marshal_t *m, mfa_marshal_table_t *t,
    size_t at);
static void mfa_marshal_table_free(mfa_marshal_table_t *t);
static int mfa_marshal_head(mfa_marshal_t *m, mfa_marshal_item_t *it);
static void mfa_marshal_walk(mfa_marshal_t *m, size_t i);
static int mfa_marshal_index(mfa_marshal_t *m, size_t i, const mfa_str_t *nm,
    size_t count);
static int mfa_marshal_member(mfa_marshal_t *m, size_t i, const mfa_str_t *nm,
    size_t count);
static int mfa_marshal_key(const mfa_marshal_item_t *key, const char *name,
    size_t k);
static void mfa_marshal_leaf(mfa_marshal_t *m, size_t i,
    const mfa_marshal_item_t *it);
static int mfa_marshal_ascii(const char *name, size_t k);
static int mfa_marshal_utf8(const unsigned char *p, size_t len);
static int mfa_marshal_path_fail(mfa_marshal_t *m, size_t i,
    const mfa_str_t *nm, const char *meets, const char *where);
static int mfa_marshal_fail(mfa_marshal_t *m, const char *why);
static const char *mfa_marshal_type(int type);


int
mfa_marshal_read(const char *rec, size_t len, const mfa_str_t *paths,
    size_t n, mfa_session_value_t *values, mfa_err_t *err)
{
    int                 rc;
    size_t              i;
    mfa_marshal_t       m;
    mfa_marshal_item_t  top;

    if (n > MFA_MARSHAL_PATHS_MAX) {
        mfa_err_set(err, "more than %d session paths", MFA_MARSHAL_PATHS_MAX);
        return MFA_ERROR;
    }

    m.start = (const unsigned char *) rec;
    m.p = m.start;
    m.end = m.start + len;
    m.paths = paths;
    m.values = values;
    m.record = 1;
    mfa_marshal_table_init(&m.objects);
    mfa_marshal_table_init(&m.symbols);
    m.why = NULL;
    m.type = -1;

    mfa_session_values_reset(values, n);

    if (len > UINT32_MAX) {
        rc = mfa_marshal_fail(&m, "a record longer than 4 GB");

    } else if (len < 2 || m.p[0] != 4 || m.p[1] != 8) {
        rc = mfa_marshal_fail(&m, "not Marshal format 4.8");

    } else {
        /* as Marshal.load: what follows the top value is not read */
        m.p += 2;
        rc = mfa_marshal_value(&m, 0, 1, &top);
    }

    if (rc == MFA_OK) {
        m.record = 0;

        for (i = 0; i < n; i++) {
            m.rc[i] = MFA_NOT_FOUND;
            mfa_marshal_walk(&m, i);
        }

        rc = mfa_session_path_errors(m.rc, m.errs, n, err);

    } else if (m.type != -1) {
        mfa_err_set(err, "session record holds %s (type byte 0x%02x) at "
                    "byte %zu: no Ruby object is read",
                    mfa_marshal_type(m.type), (unsigned) m.type,
                    (size_t) (m.p - m.start));

    } else {
        mfa_err_set(err, "session record is not one Ruby's Marshal.load "
                    "reads: %s at byte %zu", m.why,
                    (size_t) (m.p - m.start));
    }

    mfa_marshal_table_free(&m.objects);
    mfa_marshal_table_free(&m.symbols);

    return rc;
}


/*
 * One value at m->p, checked, and m->p after it (deep); or, shallow, its
 * type, a scalar's value and a container's count, the members and the
 * instance variables not read (a link the walk follows costs no more than
 * its own bytes, whatever it links to).  The first pass
 * notes where objects and symbols start, as Ruby numbers them: a string,
 * an array, a hash, a float and a bignum each an object when its type is
 * read, a symbol when its bytes are.
 */

static int
mfa_marshal_value(mfa_marshal_t *m, unsigned depth, int deep,
    mfa_marshal_item_t *it)
{
    int     rc, ivars;
    size_t  at, n;

    if (depth >= MFA_MARSHAL_DEPTH_MAX) {
        return mfa_marshal_fail(m, "nested too deep");
    }

    if (m->p == m->end) {
        return mfa_marshal_fail(m, "premature end of a value");
    }

    at = (size_t) (m->p - m->start);
    ivars = 0;

    if (*m->p == 'I') {
        /* instance variables follow a string's or a symbol's bytes */

        if (m->end - m->p < 2) {
            m->p++;
            return mfa_marshal_fail(m, "premature end of a value");
        }

        if (m->p[1] != '"' && m->p[1] != ':'
            && memchr("I@;[{}0TFilf", m->p[1], 12) != NULL)
        {
            return mfa_marshal_fail(m, "instance variables on a value "
                                    "other than a string or a symbol");
        }

        ivars = 1;
        m->p++;
    }

    it->type = *m->p++;
    it->data = NULL;
    it->len = 0;
    it->integer = 0;

    switch (it->type) {

    case '0':
    case 'T':
    case 'F':
        rc = MFA_OK;
        break;

    case 'i':
        rc = mfa_marshal_long(m, &it->integer);
        break;

    case 'l':
        rc = mfa_marshal_note(m, &m->objects, at);

        if (rc == MFA_OK) {
            rc = mfa_marshal_bignum(m, it);
        }

        break;

    case '"':
    case 'f':
        rc = mfa_marshal_note(m, &m->objects, at);

        if (rc == MFA_OK) {
            rc = mfa_marshal_bytes(m, it);
        }

        break;

    case ':':
        rc = mfa_marshal_note(m, &m->symbols, (size_t) (m->p - m->start));

        if (rc == MFA_OK) {
            rc = mfa_marshal_bytes(m, it);
        }

        break;

    case ';':
        rc = mfa_marshal_symlink(m, it);
        break;

    case '@':
        rc = mfa_marshal_long(m, &it->integer);

        if (rc == MFA_OK
            && (it->integer < 0 || (size_t) it->integer >= m->objects.n))
        {
            rc = mfa_marshal_fail(m, "a link to no object");
        }

        break;

    case '[':
    case '{':
    case '}':
        rc = mfa_marshal_note(m, &m->objects, at);

        if (rc == MFA_OK) {
            rc = mfa_marshal_count(m, &it->len, (it->type == '[') ? 1 : 2);
        }

        if (rc != MFA_OK || !deep) {
            break;
        }

        /* a hash's keys and values; a default value after them */

        n = (it->type == '[') ? it->len : 2 * it->len;

        rc = mfa_marshal_members(m, depth, n + (it->type == '}'));
        break;

    default:
        m->p--;
        m->type = it->type;
        return MFA_ERROR;
    }

    if (rc == MFA_OK && ivars && deep) {
        rc = mfa_marshal_ivars(m, depth, it);
    }

    return rc;
}


static int
mfa_marshal_members(mfa_marshal_t *m, unsigned depth, size_t n)
{
    size_t              i;
    mfa_marshal_item_t  member;

    for (i = 0; i < n; i++) {
        if (mfa_marshal_value(m, depth + 1, 1, &member) != MFA_OK) {
            return MFA_ERROR;
        }
    }

    return MFA_OK;
}


/*
 * A count, then each instance variable's name (a symbol) and value.  As
 * Ruby reads them: an :encoding names one in a string (a link to one, the
 * name of an encoding met before) with no NUL; a string has no :K (the
 * flag of a hash of keywords); a symbol's bytes are valid in the encoding
 * its last variable gives, :E true (UTF-8) or false (US-ASCII), not
 * checked against any other.
 */

static int
mfa_marshal_ivars(mfa_marshal_t *m, unsigned depth,
    const mfa_marshal_item_t *owner)
{
    int                 e;
    size_t              i, n;
    mfa_marshal_item_t  name, value;

    if (mfa_marshal_count(m, &n, 2) != MFA_OK) {
        return MFA_ERROR;
    }

    e = 0;

    for (i = 0; i < n; i++) {

        if (m->p == m->end
            || (*m->p != ':' && *m->p != ';'
                && (*m->p != 'I' || m->end - m->p < 2 || m->p[1] != ':')))
        {
            return mfa_marshal_fail(m, "a symbol expected");
        }

        if (mfa_marshal_value(m, depth + 1, 1, &name) != MFA_OK
            || mfa_marshal_value(m, depth + 1, 1, &value) != MFA_OK)
        {
            return MFA_ERROR;
        }

        e = 0;

        if (name.len == 1 && name.data[0] == 'E') {
            e = (value.type == 'T') ? 'T' : (value.type == 'F') ? 'F' : 0;

        } else if (name.len == 8 && memcmp(name.data, "encoding", 8) == 0) {
            if (mfa_marshal_encoding(m, &value) != MFA_OK) {
                return MFA_ERROR;
            }

        } else if (name.len == 1 && name.data[0] == 'K'
                   && owner->type == '"')
        {
            return mfa_marshal_fail(m, "a string flagged as keywords");
        }
    }

    if (owner->type == ':'
        && ((e == 'T' && !mfa_marshal_utf8(owner->data, owner->len))
            || (e == 'F'
                && !mfa_marshal_ascii((const char *) owner->data,
                                      owner->len))))
    {
        return mfa_marshal_fail(m, "a symbol's bytes invalid in its "
                                "encoding");
    }

    return MFA_OK;
}


/*
 * An encoding's name: a string, or a link to one (its bytes read again,
 * not its variables: they may link to it), with no NUL.
 */

static int
mfa_marshal_encoding(mfa_marshal_t *m, mfa_marshal_item_t *name)
{
    const unsigned char  *p;

    if (name->type == '@') {
        p = m->p;
        m->p = m->start + m->objects.at[name->integer];

        if (*m->p == 'I') {
            m->p++;
        }

        name->type = *m->p++;

        if (name->type == '"') {
            (void) mfa_marshal_bytes(m, name);
        }

        m->p = p;
    }

    if (name->type != '"' || memchr(name->data, '\0', name->len) != NULL) {
        return mfa_marshal_fail(m, "an encoding's name not a string "
                                "without a NUL");
    }

    return MFA_OK;
}


/* ';' and a symbol's index: the symbol's bytes, read again */

static int
mfa_marshal_symlink(mfa_marshal_t *m, mfa_marshal_item_t *it)
{
    long long             index;
    const unsigned char  *p;

    if (mfa_marshal_long(m, &index) != MFA_OK) {
        return MFA_ERROR;
    }

    if (index < 0 || (size_t) index >= m->symbols.n) {
        return mfa_marshal_fail(m, "a link to no symbol");
    }

    p = m->p;
    m->p = m->start + m->symbols.at[index];

    (void) mfa_marshal_bytes(m, it);

    m->p = p;
    it->type = ':';

    return MFA_OK;
}


/*
 * A sign ('-', or anything else for a positive number, as Ruby reads
 * it), a count of 16-bit words, the words from the lowest: 'i' when it
 * fits a long long, 'l' when not, or when it has more than 4 words (Ruby
 * writes none that fits so: the words are not read twice).
 */

static int
mfa_marshal_bignum(mfa_marshal_t *m, mfa_marshal_item_t *it)
{
    int                 neg;
    size_t              i, n;
    unsigned long long  v;

    if (m->p == m->end) {
        return mfa_marshal_fail(m, "premature end of a bignum");
    }

    neg = (*m->p++ == '-');

    if (mfa_marshal_count(m, &n, 2) != MFA_OK) {
        return MFA_ERROR;
    }

    v = 0;

    for (i = 0; i < 2 * n && i < sizeof(v); i++) {
        v |= (unsigned long long) m->p[i] << (8 * i);
    }

    m->p += 2 * n;

    if (2 * n > sizeof(v) || v > (unsigned long long) LLONG_MAX + neg) {
        it->type = 'l';

    } else {
        it->type = 'i';
        it->integer = !neg ? (long long) v
                      : (v == (unsigned long long) LLONG_MAX + 1) ? LLONG_MIN
                      : -(long long) v;
    }

    return MFA_OK;
}


/* a length and as many bytes */

static int
mfa_marshal_bytes(mfa_marshal_t *m, mfa_marshal_item_t *it)
{
    if (mfa_marshal_count(m, &it->len, 1) != MFA_OK) {
        return MFA_ERROR;
    }

    it->data = m->p;
    m->p += it->len;

    return MFA_OK;
}


/* a count of things of at least "unit" bytes each, that the rest holds */

static int
mfa_marshal_count(mfa_marshal_t *m, size_t *n, size_t unit)
{
    long long  v;

    if (mfa_marshal_long(m, &v) != MFA_OK) {
        return MFA_ERROR;
    }

    if (v < 0) {
        return mfa_marshal_fail(m, "a negative length");
    }

    if ((unsigned long long) v > (size_t) (m->end - m->p) / unit) {
        return mfa_marshal_fail(m, "a length beyond the record");
    }

    *n = (size_t) v;

    return MFA_OK;
}


/*
 * Ruby's packed integer (marshal.c, r_long): 0; 6 to 127 for 1 to 122;
 * -128 to -5 for -123 to -1; 1 to 4 bytes that follow, from the lowest,
 * of a positive number; -1 to -4 bytes of a negative one.
 */

static int
mfa_marshal_long(mfa_marshal_t *m, long long *v)
{
    int                 c, i, n;
    unsigned long long  x;

    if (m->p == m->end) {
        return mfa_marshal_fail(m, "premature end of an integer");
    }

    c = (signed char) *m->p++;

    if (c == 0 || c > 4 || c < -4) {
        *v = (c == 0) ? 0 : (c > 0) ? c - 5 : c + 5;
        return MFA_OK;
    }

    n = (c > 0) ? c : -c;

    if (m->end - m->p < n) {
        return mfa_marshal_fail(m, "premature end of an integer");
    }

    x = (c > 0) ? 0 : ~0ULL;

    for (i = 0; i < n; i++) {
        x &= ~(0xffULL << (8 * i));
        x |= (unsigned long long) *m->p++ << (8 * i);
    }

    *v = (c > 0) ? (long long) x : -(long long) (~x + 1);

    return MFA_OK;
}


static void
mfa_marshal_table_init(mfa_marshal_table_t *t)
{
    t->at = t->stack;
    t->n = 0;
    t->size = MFA_MARSHAL_TABLE;
}


/* in the first pass, where the next object or symbol starts */

static int
mfa_marshal_note(mfa_marshal_t *m, mfa_marshal_table_t *t, size_t at)
{
    uint32_t  *grown;

    if (!m->record) {
        return MFA_OK;
    }

    if (t->n == MFA_MARSHAL_OBJECTS_MAX) {
        return mfa_marshal_fail(m, (t == &m->objects)
                                   ? "too many objects" : "too many symbols");
    }

    if (t->n == t->size) {
        grown = malloc(t->size * 4 * sizeof(uint32_t));
        if (grown == NULL) {
            return mfa_marshal_fail(m, "out of memory");
        }

        memcpy(grown, t->at, t->n * sizeof(uint32_t));

        if (t->at != t->stack) {
            free(t->at);
        }

        t->at = grown;
        t->size *= 4;
    }

    t->at[t->n++] = (uint32_t) at;

    return MFA_OK;
}


static void
mfa_marshal_table_free(mfa_marshal_table_t *t)
{
    if (t->at != t->stack) {
        free(t->at);
    }
}


/* a value the walk meets, a link followed; a container's count read */

static int
mfa_marshal_head(mfa_marshal_t *m, mfa_marshal_item_t *it)
{
    if (mfa_marshal_value(m, 0, 0, it) != MFA_OK) {
        return MFA_ERROR;
    }

    if (it->type != '@') {
        return MFA_OK;
    }

    m->p = m->start + m->objects.at[it->integer];

    return mfa_marshal_value(m, 0, 0, it);
}


/* a path from the top value, the record read whole before */

static void
mfa_marshal_walk(mfa_marshal_t *m, size_t i)
{
    int                 rc;
    size_t              at, next, len;
    mfa_str_t           name;
    mfa_marshal_item_t  it;

    m->p = m->start + 2;
    len = m->paths[i].len;

    for (at = 0; /* void */; at = next) {

        rc = mfa_marshal_head(m, &it);

        if (rc != MFA_OK) {
            break;
        }

        if (at == len) {
            mfa_marshal_leaf(m, i, &it);
            return;
        }

        next = mfa_session_path_next(&m->paths[i], at, &name);

        switch (it.type) {

        case '0':
            /* nil: not found */
            return;

        case '[':
            rc = mfa_marshal_index(m, i, &name, it.len);
            break;

        case '{':
            rc = mfa_marshal_member(m, i, &name, it.len);
            break;

        case '}':
            /* a missing key is the default value to Ruby */
            rc = mfa_marshal_path_fail(m, i, &name, mfa_marshal_type('}'),
                                       "where it looks for");
            break;

        default:
            rc = mfa_marshal_path_fail(m, i, &name,
                                       mfa_marshal_type(it.type),
                                       "where it expects a hash or an array "
                                       "with");
            break;
        }

        if (rc != MFA_OK) {
            break;
        }
    }

    if (rc == MFA_ERROR && m->rc[i] != MFA_ERROR) {
        /* the bytes read in the first pass read otherwise: never so */
        mfa_err_set(&m->errs[i], "session record read again: %s at byte "
                    "%zu", (m->why != NULL) ? m->why : "a type not read",
                    (size_t) (m->p - m->start));
        m->rc[i] = MFA_ERROR;
    }
}


/* the element a decimal index picks: m->p at it */

static int
mfa_marshal_index(mfa_marshal_t *m, size_t i, const mfa_str_t *nm,
    size_t count)
{
    size_t              j, k, index;
    const char         *name;
    mfa_marshal_item_t  skipped;

    name = nm->data;
    k = nm->len;

    if (k == 0 || (name[0] == '0' && k > 1)) {
        return mfa_marshal_path_fail(m, i, nm, "an array",
                                     "where it expects a hash with");
    }

    index = 0;

    for (j = 0; j < k; j++) {
        if (name[j] < '0' || name[j] > '9') {
            return mfa_marshal_path_fail(m, i, nm, "an array",
                                         "where it expects a hash with");
        }

        if (index <= count) {
            index = index * 10 + (size_t) (name[j] - '0');
        }
    }

    if (index >= count) {
        return MFA_NOT_FOUND;
    }

    for (j = 0; j < index; j++) {
        if (mfa_marshal_value(m, 0, 1, &skipped) != MFA_OK) {
            return MFA_ERROR;
        }
    }

    return MFA_OK;
}


/*
 * The value of the key the name matches: m->p at it.  Keys that match one
 * name: the last one's, when Ruby's Hash keeps the last (two integers,
 * two strings or two symbols of ASCII bytes); others refused.
 */

static int
mfa_marshal_member(mfa_marshal_t *m, size_t i, const mfa_str_t *nm,
    size_t count)
{
    int                   kind, match;
    size_t                j, k;
    const char           *name;
    const unsigned char  *p, *found;
    mfa_marshal_item_t    key, skipped;

    name = nm->data;
    k = nm->len;
    kind = 0;
    found = NULL;

    for (j = 0; j < count; j++) {
        p = m->p;

        if (mfa_marshal_head(m, &key) != MFA_OK) {
            return MFA_ERROR;
        }

        m->p = p;

        if (mfa_marshal_value(m, 0, 1, &skipped) != MFA_OK) {
            return MFA_ERROR;
        }

        match = mfa_marshal_key(&key, name, k);

        if (match == -1) {
            return mfa_marshal_path_fail(m, i, nm, "an integer key beyond "
                                         "a long long", "where it looks for");
        }

        if (match != 0 && kind != 0
            && (match != kind
                || (match != 'i' && !mfa_marshal_ascii(name, k))))
        {
            return mfa_marshal_path_fail(m, i, nm, "keys Ruby may keep apart",
                                         "that both match");
        }

        p = m->p;

        if (mfa_marshal_value(m, 0, 1, &skipped) != MFA_OK) {
            return MFA_ERROR;
        }

        if (match != 0) {
            kind = match;
            found = p;
        }
    }

    if (found == NULL) {
        return MFA_NOT_FOUND;
    }

    m->p = found;

    return MFA_OK;
}


/*
 * How a key matches a name: 0 not, '"' a string's or ':' a symbol's
 * bytes, 'i' an integer's decimal text; -1 for a name of digits and an
 * integer beyond a long long (whose text is not made).
 */

static int
mfa_marshal_key(const mfa_marshal_item_t *key, const char *name, size_t k)
{
    size_t  j, len;
    char    text[24];

    switch (key->type) {

    case '"':
    case ':':
        return (key->len == k && memcmp(key->data, name, k) == 0)
               ? key->type : 0;

    case 'i':
        len = (size_t) snprintf(text, sizeof(text), "%lld", key->integer);
        return (len == k && memcmp(text, name, k) == 0) ? 'i' : 0;

    case 'l':
        j = (k > 0 && name[0] == '-') ? 1 : 0;

        if (j == k) {
            return 0;
        }

        for ( /* void */ ; j < k; j++) {
            if (name[j] < '0' || name[j] > '9') {
                return 0;
            }
        }

        return -1;

    default:
        return 0;
    }
}


/* the value a path ends at */

static void
mfa_marshal_leaf(mfa_marshal_t *m, size_t i, const mfa_marshal_item_t *it)
{
    size_t                len;
    mfa_session_value_t  *v;

    len = m->paths[i].len;
    v = &m->values[i];

    switch (it->type) {

    case '0':
        return;

    case '"':
    case ':':
        if (it->len >= sizeof(v->data)) {
            mfa_err_set(&m->errs[i], "session value at \"%.*s\" is longer "
                        "than %d bytes", (int) len, m->paths[i].data,
                        MFA_SESSION_VALUE_MAX - 1);
            m->rc[i] = MFA_ERROR;
            return;
        }

        memcpy(v->data, it->data, it->len);
        v->len = it->len;
        v->data[v->len] = '\0';
        v->found = 1;
        break;

    case 'i':
        mfa_session_value_integer(v, it->integer);
        break;

    case 'T':
    case 'F':
        mfa_session_value_boolean(v, it->type == 'T');
        break;

    case 'l':
        mfa_err_set(&m->errs[i], "session value at \"%.*s\" is an integer "
                    "beyond a long long", (int) len, m->paths[i].data);
        m->rc[i] = MFA_ERROR;
        return;

    default:
        mfa_err_set(&m->errs[i], "session value at \"%.*s\" is %s, not a "
                    "string, a symbol, an integer or a boolean", (int) len,
                    m->paths[i].data, mfa_marshal_type(it->type));
        m->rc[i] = MFA_ERROR;
        return;
    }

    m->rc[i] = MFA_OK;
}


static int
mfa_marshal_ascii(const char *name, size_t k)
{
    size_t  j;

    for (j = 0; j < k; j++) {
        if ((unsigned char) name[j] >= 0x80) {
            return 0;
        }
    }

    return 1;
}


/* RFC 3629: no overlong form, no surrogate, nothing beyond U+10FFFF */

static int
mfa_marshal_utf8(const unsigned char *p, size_t len)
{
    size_t         i, j, n;
    unsigned char  lo, hi;

    for (i = 0; i < len; i += n) {
        lo = 0x80;
        hi = 0xbf;

        if (p[i] < 0x80) {
            n = 1;

        } else if (p[i] >= 0xc2 && p[i] <= 0xdf) {
            n = 2;

        } else if (p[i] >= 0xe0 && p[i] <= 0xef) {
            n = 3;
            lo = (p[i] == 0xe0) ? 0xa0 : 0x80;
            hi = (p[i] == 0xed) ? 0x9f : 0xbf;

        } else if (p[i] >= 0xf0 && p[i] <= 0xf4) {
            n = 4;
            lo = (p[i] == 0xf0) ? 0x90 : 0x80;
            hi = (p[i] == 0xf4) ? 0x8f : 0xbf;

        } else {
            return 0;
        }

        if (len - i < n) {
            return 0;
        }

        for (j = 1; j < n; j++) {
            if (p[i + j] < lo || p[i + j] > hi) {
                return 0;
            }

            lo = 0x80;
            hi = 0xbf;
        }
    }

    return 1;
}


static int
mfa_marshal_path_fail(mfa_marshal_t *m, size_t i, const mfa_str_t *nm,
    const char *meets, const char *where)
{
    mfa_err_set(&m->errs[i], "session path \"%.*s\" meets %s %s \"%.*s\"",
                (int) m->paths[i].len, m->paths[i].data, meets, where,
                (int) nm->len, nm->data);
    m->rc[i] = MFA_ERROR;

    return MFA_ERROR;
}


static int
mfa_marshal_fail(mfa_marshal_t *m, const char *why)
{
    m->why = why;
    return MFA_ERROR;
}


static const char *
mfa_marshal_type(int type)
{
    switch (type) {
    case '"':
        return "a string";
    case ':':
        return "a symbol";
    case 'i':
    case 'l':
        return "an integer";
    case 'f':
        return "a float";
    case 'T':
    case 'F':
        return "a boolean";
    case '[':
        return "an array";
    case '{':
        return "a hash";
    case '}':
        return "a hash with a default value";
    case 'o':
        return "an object";
    case 'S':
        return "a Struct";
    case '/':
        return "a Regexp";
    case 'u':
        return "an object of _dump()";
    case 'U':
        return "an object of marshal_dump()";
    case 'd':
        return "a data object";
    case 'e':
        return "an object extended by a module";
    case 'C':
        return "an instance of a subclass";
    case 'c':
    case 'm':
    case 'M':
        return "a class or a module";
    default:
        return "an unknown type";
    }
}
