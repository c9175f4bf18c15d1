
/*
 * The session cookie as each framework reads it, and the Cookie header
 * the upstream gets (docs/integration.md has the rules per framework,
 * docs/security.md the invariant they serve).
 *
 * A Cookie header is split at every ";" into chunks, numbered across all
 * the request's Cookie headers.  Reading takes the framework's session
 * pair among them; writing keeps every chunk that is no spelling of the
 * session cookie, and puts the canonical pair where the one read stood.
 */


#include <string.h>

#include "mfa_cookie.h"
#include "mfa_crypto.h"
#include "mfa_url.h"


/* the longest name mfa_cookie_spelling() folds: longer ones never match */
#define MFA_COOKIE_FOLD_MAX    512
/* how many layers of quotes and percent-encoding it takes off */
#define MFA_COOKIE_LAYERS      4
/* room to decode a value into: the longest value read, encoded */
#define MFA_COOKIE_RAW_MAX     (3 * MFA_COOKIE_VALUE_MAX)


typedef struct {
    const mfa_str_t  *headers;
    size_t            n;
    size_t            header;
    size_t            pos;
    size_t            index;
} mfa_chunks_t;


typedef struct {
    mfa_str_t         name;
    mfa_str_t         value;
} mfa_cookie_raw_t;


static void mfa_chunks_init(mfa_chunks_t *it, const mfa_str_t *headers,
    size_t n);
static int mfa_chunk_next(mfa_chunks_t *it, mfa_str_t *chunk);
static mfa_str_t mfa_trim(mfa_str_t s, int (*is_space)(unsigned char c));
static int mfa_sp_htab(unsigned char c);
static int mfa_ascii_space(unsigned char c);
static int mfa_py_space(unsigned char c);
static int mfa_any_space(unsigned char c);
static int mfa_cookie_split(mfa_cookie_flavour_e flavour, mfa_str_t chunk,
    mfa_cookie_raw_t *raw);
static int mfa_cookie_named(const mfa_cookie_spec_t *spec, mfa_str_t name,
    const char *suffix);
static size_t mfa_php_fold(const char *in, size_t len, char *out);
static int mfa_cookie_find(const mfa_cookie_spec_t *spec,
    const mfa_str_t *headers, size_t n, const char *suffix,
    mfa_cookie_raw_t *raw, size_t *chunk);
static int mfa_cookie_decode(mfa_cookie_flavour_e flavour, mfa_str_t value,
    char *out, size_t *out_len);
static size_t mfa_py_unquote(const char *in, size_t len, char *out);
static int mfa_js_decode(const char *in, size_t len, char *out,
    size_t *out_len);
static size_t mfa_php_decode(const char *in, size_t len, char *out);
static size_t mfa_form_decode(const char *in, size_t len, char *out);
static int mfa_cookie_verify(const mfa_cookie_spec_t *spec,
    const char *value, size_t len, const char *sig, size_t sig_len);
static int mfa_cookie_encoded(mfa_cookie_flavour_e flavour,
    const char *value, size_t len);
static int mfa_cookie_id(const mfa_cookie_spec_t *spec, mfa_cookie_t *c,
    const char *id, size_t len, mfa_err_t *err);
static int mfa_cookie_base64_id(const mfa_cookie_spec_t *spec,
    mfa_cookie_t *c, size_t chunk, const char *value, size_t len,
    mfa_err_t *err);
static void mfa_cookie_keep(const mfa_cookie_spec_t *spec, mfa_cookie_t *c,
    size_t chunk, const char *value, size_t len);
static int mfa_cookie_mentions(const mfa_cookie_spec_t *spec,
    mfa_str_t chunk);
static size_t mfa_cookie_fold(const char *name, size_t len, char *out,
    size_t *cut);


static const char  *mfa_cookie_flavours[] = {
    "plain", "express", "fastify", "koa", "flask", "django", "php", "rack",
    "spring", NULL
};


int
mfa_cookie_flavour(const char *name, size_t len)
{
    int  i;

    for (i = 0; mfa_cookie_flavours[i] != NULL; i++) {
        if (strlen(mfa_cookie_flavours[i]) == len
            && memcmp(mfa_cookie_flavours[i], name, len) == 0)
        {
            return i;
        }
    }

    return -1;
}


const char *
mfa_cookie_flavour_name(mfa_cookie_flavour_e flavour)
{
    return mfa_cookie_flavours[flavour];
}


int
mfa_cookie_signed(mfa_cookie_flavour_e flavour)
{
    return flavour == MFA_COOKIE_EXPRESS || flavour == MFA_COOKIE_FASTIFY;
}


int
mfa_cookie_can_sign(mfa_cookie_flavour_e flavour)
{
    return mfa_cookie_signed(flavour) || flavour == MFA_COOKIE_KOA
           || flavour == MFA_COOKIE_FLASK;
}


int
mfa_cookie_name_valid(const char *name, size_t len)
{
    size_t         i;
    unsigned char  c;

    if (len == 0 || len > MFA_COOKIE_NAME_MAX) {
        return 0;
    }

    /* RFC 6265 cookie-name: an RFC 2616 token */

    for (i = 0; i < len; i++) {
        c = (unsigned char) name[i];

        if (c <= 0x20 || c >= 0x7f || strchr("()<>@,;:\\\"/[]?={}", c)) {
            return 0;
        }
    }

    return 1;
}


static void
mfa_chunks_init(mfa_chunks_t *it, const mfa_str_t *headers, size_t n)
{
    memset(it, 0, sizeof(mfa_chunks_t));
    it->headers = headers;
    it->n = n;
}


/* the next chunk, and its number (from 1) in it->index */

static int
mfa_chunk_next(mfa_chunks_t *it, mfa_str_t *chunk)
{
    const char  *p, *end;

    while (it->header < it->n) {
        p = it->headers[it->header].data;
        end = p + it->headers[it->header].len;

        if (it->pos > it->headers[it->header].len) {
            it->header++;
            it->pos = 0;
            continue;
        }

        chunk->data = p + it->pos;
        p = memchr(chunk->data, ';', (size_t) (end - chunk->data));
        chunk->len = (size_t) ((p ? p : end) - chunk->data);
        it->pos += chunk->len + 1;
        it->index++;

        return 1;
    }

    return 0;
}


static int
mfa_sp_htab(unsigned char c)
{
    return c == ' ' || c == '\t';
}


/* C's isspace(), Python's bytes.strip() */

static int
mfa_ascii_space(unsigned char c)
{
    return c == ' ' || (c >= '\t' && c <= '\r');
}


/* Python's str.strip() on a header decoded as latin-1 (WSGI) */

static int
mfa_py_space(unsigned char c)
{
    return mfa_ascii_space(c) || (c >= 0x1c && c <= 0x1f) || c == 0x85
           || c == 0xa0;
}


/* anything some framework may take as white space around a name */

static int
mfa_any_space(unsigned char c)
{
    return c <= 0x20 || c == 0x7f || c == 0x85 || c == 0xa0;
}


static mfa_str_t
mfa_trim(mfa_str_t s, int (*is_space)(unsigned char c))
{
    while (s.len > 0 && is_space((unsigned char) s.data[0])) {
        s.data++;
        s.len--;
    }

    while (s.len > 0 && is_space((unsigned char) s.data[s.len - 1])) {
        s.len--;
    }

    return s;
}


/*
 * A chunk's name and raw value as the framework sees them; 0 when the
 * framework skips the chunk.
 */

static int
mfa_cookie_split(mfa_cookie_flavour_e flavour, mfa_str_t chunk,
    mfa_cookie_raw_t *raw)
{
    const char  *eq;

    if (flavour == MFA_COOKIE_PHP) {
        /* php_default_treat_data(): leading isspace() only */
        while (chunk.len > 0 && mfa_ascii_space((unsigned char) chunk.data[0]))
        {
            chunk.data++;
            chunk.len--;
        }

        if (chunk.len == 0 || chunk.data[0] == '=') {
            return 0;
        }
    }

    if (flavour == MFA_COOKIE_KOA || flavour == MFA_COOKIE_RACK) {
        /* cookies' pattern "(?:^|;) *<name>=([^;]*)"; Rack splits at
           a semicolon and the spaces after it */
        while (chunk.len > 0 && chunk.data[0] == ' ') {
            chunk.data++;
            chunk.len--;
        }
    }

    eq = memchr(chunk.data, '=', chunk.len);

    if (eq == NULL) {
        switch (flavour) {

        case MFA_COOKIE_FLASK:
        case MFA_COOKIE_PHP:
        case MFA_COOKIE_RACK:
            /* a name without a value (Rack's nil) */
            raw->name = chunk;
            raw->value.data = chunk.data + chunk.len;
            raw->value.len = 0;
            break;

        case MFA_COOKIE_DJANGO:
            /* an empty name, per Django's parse_cookie() */
            raw->name.data = chunk.data;
            raw->name.len = 0;
            raw->value = chunk;
            break;

        default:
            return 0;
        }

    } else {
        raw->name.data = chunk.data;
        raw->name.len = (size_t) (eq - chunk.data);
        raw->value.data = eq + 1;
        raw->value.len = chunk.len - raw->name.len - 1;
    }

    switch (flavour) {

    case MFA_COOKIE_PLAIN:
    case MFA_COOKIE_EXPRESS:
    case MFA_COOKIE_FASTIFY:
    case MFA_COOKIE_SPRING:
        raw->name = mfa_trim(raw->name, mfa_sp_htab);
        raw->value = mfa_trim(raw->value, mfa_sp_htab);
        break;

    case MFA_COOKIE_FLASK:
        raw->name = mfa_trim(raw->name, mfa_ascii_space);
        raw->value = mfa_trim(raw->value, mfa_ascii_space);

        if (raw->name.len == 0) {
            return 0;
        }

        break;

    case MFA_COOKIE_DJANGO:
        raw->name = mfa_trim(raw->name, mfa_py_space);
        raw->value = mfa_trim(raw->value, mfa_py_space);
        break;

    default: /* koa, php, rack: as they are */
        break;
    }

    return 1;
}


/* PHP's register_variable(): " " and "." become "_", so does an unclosed
   "["; a closed one makes an array, which no name matches (len 0) */

static size_t
mfa_php_fold(const char *in, size_t len, char *out)
{
    size_t  i;
    int     bracket;

    bracket = 0;

    for (i = 0; i < len; i++) {
        out[i] = in[i];

        if (in[i] == ' ' || in[i] == '.') {
            out[i] = '_';

        } else if (in[i] == '[') {
            if (!bracket && memchr(in + i, ']', len - i) != NULL) {
                return 0;
            }

            bracket = 1;
            out[i] = '_';
        }
    }

    return len;
}


/* whether a name is the session cookie's name (with suffix) to this
   framework */

static int
mfa_cookie_named(const mfa_cookie_spec_t *spec, mfa_str_t name,
    const char *suffix)
{
    char    want[MFA_COOKIE_NAME_MAX + 8], got[MFA_COOKIE_NAME_MAX + 8];
    size_t  len, slen;

    slen = strlen(suffix);
    len = spec->name.len + slen;

    if (name.len != len) {
        return 0;
    }

    memcpy(want, spec->name.data, spec->name.len);
    memcpy(want + spec->name.len, suffix, slen);

    if (spec->flavour != MFA_COOKIE_PHP) {
        return memcmp(name.data, want, len) == 0;
    }

    return mfa_php_fold(name.data, len, got) == len
           && mfa_php_fold(want, len, want) == len
           && memcmp(got, want, len) == 0;
}


/*
 * The pair the framework takes for "<name><suffix>": the first, or the
 * last for Django.  0 when there is none.
 */

static int
mfa_cookie_find(const mfa_cookie_spec_t *spec, const mfa_str_t *headers,
    size_t n, const char *suffix, mfa_cookie_raw_t *raw, size_t *chunk)
{
    int               found;
    mfa_str_t         s;
    mfa_chunks_t      it;
    mfa_cookie_raw_t  r;

    mfa_chunks_init(&it, headers, n);
    found = 0;

    while (mfa_chunk_next(&it, &s)) {
        if (!mfa_cookie_split(spec->flavour, s, &r)
            || !mfa_cookie_named(spec, r.name, suffix))
        {
            continue;
        }

        *raw = r;
        *chunk = it.index;
        found = 1;

        if (spec->flavour != MFA_COOKIE_DJANGO) {
            break;
        }
    }

    return found;
}


/*
 * The value as the framework decodes it, into out (MFA_COOKIE_RAW_MAX
 * bytes): MFA_ERROR when it is longer than any value the module reads.
 */

static int
mfa_cookie_decode(mfa_cookie_flavour_e flavour, mfa_str_t v, char *out,
    size_t *out_len)
{
    if (v.len > MFA_COOKIE_RAW_MAX) {
        return MFA_ERROR;
    }

    switch (flavour) {

    case MFA_COOKIE_PLAIN:
    case MFA_COOKIE_EXPRESS:
    case MFA_COOKIE_SPRING:
        /* one pair of double quotes around the value */
        if (v.len > 0 && v.data[0] == '"' && v.data[v.len - 1] == '"') {
            v.data++;
            v.len = (v.len >= 2) ? v.len - 2 : 0;
        }

        break;

    case MFA_COOKIE_KOA:
        /* value.slice(1, -1) when it starts with a quote */
        if (v.len > 0 && v.data[0] == '"') {
            v.data++;
            v.len = (v.len >= 2) ? v.len - 2 : 0;
        }

        break;

    default:
        break;
    }

    if (flavour == MFA_COOKIE_FLASK || flavour == MFA_COOKIE_DJANGO) {
        *out_len = mfa_py_unquote(v.data, v.len, out);

    } else if (flavour == MFA_COOKIE_PHP) {
        *out_len = mfa_php_decode(v.data, v.len, out);

    } else if (flavour == MFA_COOKIE_RACK) {
        *out_len = mfa_form_decode(v.data, v.len, out);

    } else if ((flavour == MFA_COOKIE_EXPRESS
                || flavour == MFA_COOKIE_FASTIFY)
               && memchr(v.data, '%', v.len) != NULL
               && mfa_js_decode(v.data, v.len, out, out_len) == MFA_OK)
    {
        /* void */

    } else {
        /* not encoded, or decodeURIComponent() threw: as it is */
        memcpy(out, v.data, v.len);
        *out_len = v.len;
    }

    return (*out_len <= MFA_COOKIE_VALUE_MAX) ? MFA_OK : MFA_ERROR;
}


/*
 * Python's http.cookies._unquote() and werkzeug's _cookie_unquote(): in a
 * double-quoted value, "\ooo" (octal) and "\c" stand for a byte.
 */

static size_t
mfa_py_unquote(const char *in, size_t len, char *out)
{
    size_t  i, n;

    if (len < 2 || in[0] != '"' || in[len - 1] != '"') {
        memcpy(out, in, len);
        return len;
    }

    in++;
    len -= 2;
    n = 0;

    for (i = 0; i < len; /* void */ ) {

        if (in[i] != '\\' || i + 1 == len) {
            out[n++] = in[i++];
            continue;
        }

        if (i + 3 < len
            && in[i + 1] >= '0' && in[i + 1] <= '3'
            && in[i + 2] >= '0' && in[i + 2] <= '7'
            && in[i + 3] >= '0' && in[i + 3] <= '7')
        {
            out[n++] = (char) (((in[i + 1] - '0') << 6)
                               | ((in[i + 2] - '0') << 3)
                               | (in[i + 3] - '0'));
            i += 4;
            continue;
        }

        out[n++] = in[i + 1];
        i += 2;
    }

    return n;
}


/*
 * JavaScript's decodeURIComponent(): fails, as it throws, on a malformed
 * escape or escaped bytes that are not UTF-8.
 */

static int
mfa_js_decode(const char *in, size_t len, char *out, size_t *out_len)
{
    int       hi, lo, b, k, more;
    size_t    i, n;
    uint32_t  cp, min;

    n = 0;
    more = 0;
    cp = 0;
    min = 0;

    for (i = 0; i < len; i++) {

        if (in[i] != '%') {
            if (more) {
                return MFA_ERROR;
            }

            out[n++] = in[i];
            continue;
        }

        if (i + 2 >= len) {
            return MFA_ERROR;
        }

        hi = mfa_hex_value(in[i + 1]);
        lo = mfa_hex_value(in[i + 2]);

        if (hi < 0 || lo < 0) {
            return MFA_ERROR;
        }

        b = (hi << 4) | lo;
        i += 2;

        if (more) {
            if ((b & 0xc0) != 0x80) {
                return MFA_ERROR;
            }

            cp = (cp << 6) | (uint32_t) (b & 0x3f);
            out[n++] = (char) b;

            if (--more == 0
                && (cp < min || cp > 0x10ffff
                    || (cp >= 0xd800 && cp <= 0xdfff)))
            {
                return MFA_ERROR;
            }

            continue;
        }

        if (b < 0x80) {
            out[n++] = (char) b;
            continue;
        }

        for (k = 0; k < 8 && (b & (0x80 >> k)); k++) {
            /* void */
        }

        if (k < 2 || k > 4) {
            return MFA_ERROR;
        }

        more = k - 1;
        cp = (uint32_t) (b & (0x7f >> k));
        min = (k == 2) ? 0x80 : (k == 3) ? 0x800 : 0x10000;
        out[n++] = (char) b;
    }

    if (more) {
        return MFA_ERROR;
    }

    *out_len = n;

    return MFA_OK;
}


/* php_raw_url_decode(): "%XX" only; anything else stays as it is */

static size_t
mfa_php_decode(const char *in, size_t len, char *out)
{
    int     hi, lo;
    size_t  i, n;

    n = 0;

    for (i = 0; i < len; i++) {
        if (in[i] == '%' && i + 2 < len
            && (hi = mfa_hex_value(in[i + 1])) >= 0
            && (lo = mfa_hex_value(in[i + 2])) >= 0)
        {
            out[n++] = (char) ((hi << 4) | lo);
            i += 2;
            continue;
        }

        out[n++] = in[i];
    }

    return n;
}


/*
 * Ruby's URI.decode_www_form_component(), as Rack reads a cookie: "+" is
 * a space and "%XX" a byte, unless some "%" is not followed by two hex
 * digits: then it raises, and Rack keeps the value as it is.
 */

static size_t
mfa_form_decode(const char *in, size_t len, char *out)
{
    size_t  i, n;

    for (i = 0; i < len; i++) {
        if (in[i] == '%'
            && (i + 2 >= len || mfa_hex_value(in[i + 1]) < 0
                || mfa_hex_value(in[i + 2]) < 0))
        {
            memcpy(out, in, len);
            return len;
        }
    }

    n = 0;

    for (i = 0; i < len; i++) {
        if (in[i] == '%') {
            out[n++] = (char) ((mfa_hex_value(in[i + 1]) << 4)
                               | mfa_hex_value(in[i + 2]));
            i += 2;

        } else {
            out[n++] = (in[i] == '+') ? ' ' : in[i];
        }
    }

    return n;
}


size_t
mfa_cookie_sign(const mfa_cookie_spec_t *spec, const mfa_str_t *secret,
    const char *value, size_t len, char *out)
{
    size_t   n;
    uint8_t  mac[MFA_HMAC_LEN], key[MFA_SHA1_LEN];
    char     data[MFA_COOKIE_NAME_MAX + 1 + MFA_COOKIE_ID_MAX];

    switch (spec->flavour) {

    case MFA_COOKIE_KOA:
        /* keygrip: HMAC-SHA1 of "<name>=<value>", base64url */
        if (spec->name.len + 1 + len > sizeof(data)) {
            return 0;
        }

        memcpy(data, spec->name.data, spec->name.len);
        data[spec->name.len] = '=';
        memcpy(data + spec->name.len + 1, value, len);

        if (mfa_hmac_sha1((const uint8_t *) secret->data, secret->len, data,
                          spec->name.len + 1 + len, mac)
            != MFA_OK)
        {
            return 0;
        }

        return mfa_base64url_encode(mac, MFA_SHA1_LEN, out);

    case MFA_COOKIE_FLASK:
        /* itsdangerous Signer(salt="flask-session", key_derivation="hmac") */
        if (mfa_hmac_sha1((const uint8_t *) secret->data, secret->len,
                          "flask-session", 13, key)
            != MFA_OK
            || mfa_hmac_sha1(key, MFA_SHA1_LEN, value, len, mac) != MFA_OK)
        {
            return 0;
        }

        return mfa_base64url_encode(mac, MFA_SHA1_LEN, out);

    default: /* express, fastify: cookie-signature */
        if (mfa_hmac_sha256((const uint8_t *) secret->data, secret->len,
                            value, len, mac)
            != MFA_OK)
        {
            return 0;
        }

        n = mfa_base64_encode(mac, MFA_HMAC_LEN, out);

        return n;
    }
}


/* whether sig is the signature of value with one of the secrets; every
   secret is tried, in constant time for a given length */

static int
mfa_cookie_verify(const mfa_cookie_spec_t *spec, const char *value,
    size_t len, const char *sig, size_t sig_len)
{
    int     ok;
    char    want[MFA_COOKIE_SIG_MAX];
    size_t  i, n;

    ok = 0;

    for (i = 0; i < spec->nsecrets; i++) {
        n = mfa_cookie_sign(spec, &spec->secrets[i], value, len, want);

        if (n == sig_len && n != 0) {
            ok |= mfa_ct_equal(want, sig, n);
        }
    }

    return ok;
}


/*
 * Whether the framework percent-encodes this value when it sets it (and
 * decodes the values it reads): express and PHP always, fastify's cookie
 * 2 only a value that is no safe cookie-octet string.
 */

static int
mfa_cookie_encoded(mfa_cookie_flavour_e flavour, const char *value,
    size_t len)
{
    size_t  i;

    if (flavour == MFA_COOKIE_EXPRESS || flavour == MFA_COOKIE_PHP
        || flavour == MFA_COOKIE_RACK)
    {
        return 1;
    }

    if (flavour != MFA_COOKIE_FASTIFY) {
        return 0;
    }

    for (i = 0; i < len; i++) {
        if (strchr("\",;\\%", value[i]) != NULL) {
            return 1;
        }
    }

    return 0;
}


/* the id as the store's key takes it, and checks the framework makes */

static int
mfa_cookie_id(const mfa_cookie_spec_t *spec, mfa_cookie_t *c, const char *id,
    size_t len, mfa_err_t *err)
{
    size_t         i;
    unsigned char  ch;

    if (len == 0 || len > MFA_COOKIE_ID_MAX) {
        mfa_err_set(err, "the session cookie's id is empty or longer than "
                    "%d bytes", MFA_COOKIE_ID_MAX);
        return MFA_ERROR;
    }

    for (i = 0; i < len; i++) {
        ch = (unsigned char) id[i];

        if (ch <= 0x20 || ch >= 0x7f) {
            mfa_err_set(err, "the session cookie's id has a byte that is "
                        "not printable ASCII");
            return MFA_ERROR;
        }

        /* RFC 6265 cookie-octet, where the id is written as it is */

        if ((ch == '"' || ch == ',' || ch == ';' || ch == '\\')
            && spec->flavour != MFA_COOKIE_EXPRESS
            && spec->flavour != MFA_COOKIE_FASTIFY
            && spec->flavour != MFA_COOKIE_PHP)
        {
            mfa_err_set(err, "the session cookie's id has a character a "
                        "cookie value cannot hold");
            return MFA_ERROR;
        }

        /* php_session_valid_key() */

        if (spec->flavour == MFA_COOKIE_PHP
            && !((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z')
                 || (ch >= '0' && ch <= '9') || ch == ',' || ch == '-'))
        {
            mfa_err_set(err, "the session cookie's id has a character PHP "
                        "refuses in a session id");
            return MFA_ERROR;
        }
    }

    /* SessionBase._validate_session_key() */

    if (spec->flavour == MFA_COOKIE_DJANGO && len < 8) {
        mfa_err_set(err, "the session cookie's id is shorter than the 8 "
                    "characters Django requires");
        return MFA_ERROR;
    }

    memcpy(c->id, id, len);
    c->id[len] = '\0';
    c->id_len = len;

    return MFA_OK;
}


size_t
mfa_cookie_canonical(const mfa_cookie_spec_t *spec, const mfa_cookie_t *c,
    int which, char *out)
{
    size_t  n;

    if (which == 1 && c->sig_chunk == 0) {
        return 0;
    }

    memcpy(out, spec->name.data, spec->name.len);
    n = spec->name.len;

    if (which == 1) {
        memcpy(out + n, ".sig=", 5);
        memcpy(out + n + 5, c->sig, c->sig_len);
        return n + 5 + c->sig_len;
    }

    out[n++] = '=';

    if (c->encode) {
        return n + mfa_percent_encode(c->value, c->value_len, out + n);
    }

    memcpy(out + n, c->value, c->value_len);

    return n + c->value_len;
}


/* what the canonical session pair is made of */

static void
mfa_cookie_keep(const mfa_cookie_spec_t *spec, mfa_cookie_t *c, size_t chunk,
    const char *value, size_t len)
{
    memcpy(c->value, value, len);
    c->value_len = len;
    c->encode = mfa_cookie_encoded(spec->flavour, value, len);
    c->chunk = chunk;
}


/*
 * Spring Session's DefaultCookieSerializer: the id in base64, as
 * java.util.Base64 reads it; the canonical value is the id encoded again,
 * as Spring writes it.
 */

static int
mfa_cookie_base64_id(const mfa_cookie_spec_t *spec, mfa_cookie_t *c,
    size_t chunk, const char *value, size_t len, mfa_err_t *err)
{
    int      rc;
    char     canonical[MFA_COOKIE_VALUE_MAX];
    size_t   n;
    uint8_t  id[MFA_COOKIE_VALUE_MAX / 4 * 3];

    rc = mfa_base64_java_decode(value, len, id, sizeof(id), &n);

    if (rc == MFA_TOO_LARGE) {
        mfa_err_set(err, "the session cookie is too long");
        return MFA_ERROR;
    }

    if (rc != MFA_OK) {
        mfa_err_set(err, "the session cookie is not base64");
        return MFA_ERROR;
    }

    if (mfa_cookie_id(spec, c, (const char *) id, n, err) != MFA_OK) {
        return MFA_ERROR;
    }

    n = mfa_base64_encode_padded(id, n, canonical);
    mfa_cookie_keep(spec, c, chunk, canonical, n);

    return MFA_OK;
}


int
mfa_cookie_read(const mfa_cookie_spec_t *spec, const mfa_str_t *headers,
    size_t n, mfa_cookie_t *c, mfa_err_t *err)
{
    int               signed_value;
    char              value[MFA_COOKIE_RAW_MAX], sig[MFA_COOKIE_RAW_MAX];
    size_t            len, sig_len, chunk, sig_chunk, start, dot;
    mfa_cookie_raw_t  raw;

    c->id_len = 0;
    c->value_len = 0;
    c->encode = 0;
    c->chunk = 0;
    c->sig_len = 0;
    c->sig_chunk = 0;

    if (!mfa_cookie_find(spec, headers, n, "", &raw, &chunk)) {
        return MFA_NOT_FOUND;
    }

    if (mfa_cookie_decode(spec->flavour, raw.value, value, &len) != MFA_OK) {
        mfa_err_set(err, "the session cookie is too long");
        return MFA_ERROR;
    }

    signed_value = (spec->flavour == MFA_COOKIE_EXPRESS
                    || spec->flavour == MFA_COOKIE_FASTIFY
                    || (spec->flavour == MFA_COOKIE_FLASK
                        && spec->nsecrets > 0));

    if (spec->flavour == MFA_COOKIE_KOA && spec->nsecrets > 0) {

        /* the signature is a cookie of its own, "<name>.sig" */

        if (!mfa_cookie_find(spec, headers, n, ".sig", &raw, &sig_chunk)
            || mfa_cookie_decode(spec->flavour, raw.value, sig, &sig_len)
               != MFA_OK)
        {
            mfa_err_set(err, "the session cookie comes without its "
                        "signature cookie");
            return MFA_ERROR;
        }

        if (!mfa_cookie_verify(spec, value, len, sig, sig_len)) {
            mfa_err_set(err, "the session cookie's signature is not valid");
            return MFA_ERROR;
        }

        if (mfa_cookie_id(spec, c, value, len, err) != MFA_OK) {
            return MFA_ERROR;
        }

        mfa_cookie_keep(spec, c, chunk, value, len);
        memcpy(c->sig, sig, sig_len);
        c->sig_len = sig_len;
        c->sig_chunk = sig_chunk;

        return MFA_OK;
    }

    if (spec->flavour == MFA_COOKIE_SPRING) {
        return mfa_cookie_base64_id(spec, c, chunk, value, len, err);
    }

    if (!signed_value) {
        if (mfa_cookie_id(spec, c, value, len, err) != MFA_OK) {
            return MFA_ERROR;
        }

        mfa_cookie_keep(spec, c, chunk, value, len);

        return MFA_OK;
    }

    /* "s:<id>.<signature>" (express), "<id>.<signature>" (the others) */

    start = 0;

    if (spec->flavour == MFA_COOKIE_EXPRESS) {
        if (len < 2 || value[0] != 's' || value[1] != ':') {
            mfa_err_set(err, "the session cookie is not signed");
            return MFA_ERROR;
        }

        start = 2;
    }

    for (dot = len; dot > start && value[dot - 1] != '.'; dot--) {
        /* void */
    }

    if (dot == start) {
        mfa_err_set(err, "the session cookie has no signature");
        return MFA_ERROR;
    }

    /* value[start, dot - 1) is the id, value[dot, len) its signature */

    if (!mfa_cookie_verify(spec, value + start, dot - 1 - start, value + dot,
                           len - dot))
    {
        mfa_err_set(err, "the session cookie's signature is not valid");
        return MFA_ERROR;
    }

    if (mfa_cookie_id(spec, c, value + start, dot - 1 - start, err)
        != MFA_OK)
    {
        return MFA_ERROR;
    }

    mfa_cookie_keep(spec, c, chunk, value, len);

    return MFA_OK;
}


/*
 * A name folded for mfa_cookie_spelling(): white space, quotes and
 * percent-encoding taken off (a few layers), lower case, and ".", " ",
 * "+" and "[" as "_"; *cut is where the first "[" was (PHP reads
 * "name[x]" as the array "name").  Returns the length, or 0 for a name
 * too long to be anything.
 */

static size_t
mfa_cookie_fold(const char *name, size_t len, char *out, size_t *cut)
{
    int        layer;
    size_t     i, n;
    mfa_str_t  s;

    s.data = name;
    s.len = len;
    s = mfa_trim(s, mfa_any_space);

    if (s.len > MFA_COOKIE_FOLD_MAX) {
        return 0;
    }

    memcpy(out, s.data, s.len);
    n = s.len;

    for (layer = 0; layer < MFA_COOKIE_LAYERS; layer++) {
        len = n;

        if (n >= 2 && out[0] == '"' && out[n - 1] == '"') {
            memmove(out, out + 1, n - 2);
            n -= 2;
        }

        /* in place: the n bytes it returns are written */
        n = mfa_php_decode(out, n, out);

        for (i = 0; i < n; i++) {
            /* NOLINTNEXTLINE(clang-analyzer-core.Undefined*) */
            if (out[i] == '+') {
                out[i] = ' ';
            }
        }

        s.data = out;
        s.len = n;
        s = mfa_trim(s, mfa_any_space);
        memmove(out, s.data, s.len);
        n = s.len;

        if (n == len) {
            break;
        }
    }

    *cut = n;

    for (i = 0; i < n; i++) {
        if (out[i] >= 'A' && out[i] <= 'Z') {
            out[i] |= 0x20;

        } else if (out[i] == '.' || out[i] == ' ' || out[i] == '[') {
            if (out[i] == '[' && *cut == n) {
                *cut = i;
            }

            out[i] = '_';
        }
    }

    return n;
}


int
mfa_cookie_spelling(const mfa_cookie_spec_t *spec, const char *name,
    size_t len)
{
    char    got[MFA_COOKIE_FOLD_MAX], want[MFA_COOKIE_NAME_MAX + 8];
    size_t  n, cut, wn, wcut, i;

    static const char  *suffixes[] = { "", ".sig" };

    n = mfa_cookie_fold(name, len, got, &cut);

    if (n == 0) {
        return 0;
    }

    for (i = 0; i < 2; i++) {
        if (i == 1 && spec->flavour != MFA_COOKIE_KOA) {
            break;
        }

        memcpy(want, spec->name.data, spec->name.len);
        memcpy(want + spec->name.len, suffixes[i], strlen(suffixes[i]));
        wn = mfa_cookie_fold(want, spec->name.len + strlen(suffixes[i]), want,
                             &wcut);

        if ((n == wn && memcmp(got, want, n) == 0)
            || (cut == wn && memcmp(got, want, cut) == 0))
        {
            return 1;
        }
    }

    return 0;
}


/* whether a chunk, or a part of it after a ",", names the session cookie */

static int
mfa_cookie_mentions(const mfa_cookie_spec_t *spec, mfa_str_t chunk)
{
    const char  *p, *end, *comma, *eq;

    p = chunk.data;
    end = chunk.data + chunk.len;

    for ( ;; ) {
        comma = memchr(p, ',', (size_t) (end - p));

        if (comma == NULL) {
            comma = end;
        }

        eq = memchr(p, '=', (size_t) (comma - p));

        if (mfa_cookie_spelling(spec, p, (size_t) ((eq ? eq : comma) - p))) {
            return 1;
        }

        if (comma == end) {
            return 0;
        }

        p = comma + 1;
    }
}


size_t
mfa_cookie_write_max(const mfa_str_t *headers, size_t n,
    const mfa_cookie_t *c)
{
    size_t       i, len;
    const char  *p, *end;

    len = 0;

    /* every chunk with "; ", and a ";" takes one byte of its own */

    for (i = 0; i < n; i++) {
        len += headers[i].len + 2;
        end = headers[i].data + headers[i].len;

        for (p = headers[i].data;
             (p = memchr(p, ';', (size_t) (end - p))) != NULL;
             p++)
        {
            len++;
        }
    }

    /* the chunks replaced by the canonical pairs, and "; " before each */

    if (c != NULL) {
        len += 2 * (MFA_COOKIE_NAME_MAX + 5 + 2)
               + (c->encode ? 3 * c->value_len : c->value_len) + c->sig_len;
    }

    return len;
}


size_t
mfa_cookie_write(const mfa_cookie_spec_t *spec, const mfa_str_t *headers,
    size_t n, const mfa_cookie_t *c, char *out)
{
    int           which;
    size_t        len;
    mfa_str_t     s, chunk;
    mfa_chunks_t  it;

    mfa_chunks_init(&it, headers, n);
    len = 0;

    while (mfa_chunk_next(&it, &chunk)) {

        which = (c == NULL) ? -1
                : (it.index == c->chunk) ? 0
                : (it.index == c->sig_chunk) ? 1 : -1;

        if (which < 0) {
            s = mfa_trim(chunk, mfa_sp_htab);

            if (s.len == 0 || mfa_cookie_mentions(spec, s)) {
                continue;
            }
        }

        if (len != 0) {
            out[len++] = ';';
            out[len++] = ' ';
        }

        if (which >= 0) {
            len += mfa_cookie_canonical(spec, c, which, out + len);
            continue;
        }

        memcpy(out + len, s.data, s.len);
        len += s.len;
    }

    return len;
}
