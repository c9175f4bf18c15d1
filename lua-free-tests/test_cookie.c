
/*
 * Unit tests of the session cookie (src/mfa_cookie.c): each framework's
 * reading of a Cookie header (names, white space, quotes, decoding,
 * duplicates, signatures made by the frameworks themselves), the spellings
 * of a name, and the Cookie header written for the upstream.
 *
 * The signatures below were made with the frameworks' own code:
 * cookie-signature 1.0.7 (express-session), @fastify/cookie 11 Signer,
 * keygrip 1.1.0 (koa) and itsdangerous 2.1 (Flask-Session 0.3).
 */


#include "mfa_test.h"

#include "mfa_cookie.h"


#define EXPRESS_ID    "abcDEF123-_x"
#define EXPRESS_SIG   "iVYCe5XFM5444m4zUp+ACPo4yx7D26+8HeIaMn9mw7E"
#define EXPRESS_RAW   "s:" EXPRESS_ID "." EXPRESS_SIG
#define EXPRESS_ENC   "s%3A" EXPRESS_ID ".iVYCe5XFM5444m4zUp%2BACPo4yx7D26" \
                      "%2B8HeIaMn9mw7E"

#define FASTIFY_ID    "sessid-ABC_123"
#define FASTIFY_SIG   "R8xIj/2yULrK848BjnZZYzxHJaPBGIyrwvGaHmTdZJM"

#define KOA_ID        "3f1e2d3c-aaaa-bbbb-cccc-0123456789ab"
#define KOA_SIG       "V5z5K_WuP1nFBMCI4iXmmfVMlGM"

#define FLASK_ID      "0b2f7c2e-1111-2222-3333-444455556666"
#define FLASK_SIG     "9Fl2u8qb8tQyGQzQQiVVo5NBxHY"


static mfa_cookie_spec_t
spec(mfa_cookie_flavour_e flavour, const char *name, const char *secret,
    const char *old)
{
    mfa_cookie_spec_t  s;

    memset(&s, 0, sizeof(s));
    s.flavour = flavour;
    s.name.data = name;
    s.name.len = strlen(name);

    if (secret != NULL) {
        s.secrets[s.nsecrets].data = secret;
        s.secrets[s.nsecrets++].len = strlen(secret);
    }

    if (old != NULL) {
        s.secrets[s.nsecrets].data = old;
        s.secrets[s.nsecrets++].len = strlen(old);
    }

    return s;
}


/* one or two Cookie headers, "\n" between them; returns how many */

static size_t
split_headers(const char *header, mfa_str_t *h)
{
    const char  *nl;

    nl = strchr(header, '\n');
    h[0].data = header;
    h[0].len = nl ? (size_t) (nl - header) : strlen(header);

    if (nl == NULL) {
        return 1;
    }

    h[1].data = nl + 1;
    h[1].len = strlen(nl + 1);

    return 2;
}


static int
read_cookie(const mfa_cookie_spec_t *s, const char *header, mfa_cookie_t *c,
    mfa_err_t *err)
{
    size_t     n;
    mfa_str_t  h[2];

    n = split_headers(header, h);

    err->msg[0] = '\0';
    memset(c, 0x5a, sizeof(*c));

    return mfa_cookie_read(s, h, n, c, err);
}


static void
assert_id(const mfa_cookie_spec_t *s, const char *header, const char *id)
{
    int           rc;
    mfa_err_t     err;
    mfa_cookie_t  c;

    rc = read_cookie(s, header, &c, &err);

    if (rc != MFA_OK) {
        fail_msg("%s \"%s\": rc %d (%s), want id \"%s\"",
                 mfa_cookie_flavour_name(s->flavour), header, rc, err.msg,
                 id);
    }

    if (c.id_len != strlen(id) || memcmp(c.id, id, c.id_len) != 0) {
        fail_msg("%s \"%s\": id \"%.*s\", want \"%s\"",
                 mfa_cookie_flavour_name(s->flavour), header, (int) c.id_len,
                 c.id, id);
    }
}


static void
assert_rc(const mfa_cookie_spec_t *s, const char *header, int want)
{
    int           rc;
    mfa_err_t     err;
    mfa_cookie_t  c;

    rc = read_cookie(s, header, &c, &err);

    if (rc != want) {
        fail_msg("%s \"%s\": rc %d, want %d (%s)",
                 mfa_cookie_flavour_name(s->flavour), header, rc, want,
                 err.msg);
    }

    if (rc == MFA_ERROR && err.msg[0] == '\0') {
        fail_msg("\"%s\": an error without a message", header);
    }
}


/* the header written for the upstream after reading (c NULL: no session) */

static void
assert_written(const mfa_cookie_spec_t *s, const char *header, int session,
    const char *want)
{
    char          out[4096];
    size_t        len, n;
    mfa_str_t     h[2];
    mfa_err_t     err;
    mfa_cookie_t  c;

    n = split_headers(header, h);

    if (session) {
        assert_int_equal(mfa_cookie_read(s, h, n, &c, &err), MFA_OK);
    }

    assert_true(mfa_cookie_write_max(h, n, session ? &c : NULL)
                <= sizeof(out));

    len = mfa_cookie_write(s, h, n, session ? &c : NULL, out);

    assert_true(len <= mfa_cookie_write_max(h, n, session ? &c : NULL));

    if (len != strlen(want) || memcmp(out, want, len) != 0) {
        fail_msg("%s \"%s\": wrote \"%.*s\", want \"%s\"",
                 mfa_cookie_flavour_name(s->flavour), header, (int) len, out,
                 want);
    }
}


static void
test_flavours(void **state)
{
    int  i;

    static const char  *names[] = {
        "plain", "express", "fastify", "koa", "flask", "django", "php",
        "rack", "spring"
    };

    for (i = 0; i < (int) mfa_test_nelts(names); i++) {
        assert_int_equal(mfa_cookie_flavour(names[i], strlen(names[i])), i);
        assert_string_equal(mfa_cookie_flavour_name(i), names[i]);
    }

    assert_int_equal(mfa_cookie_flavour("Express", 7), -1);
    assert_int_equal(mfa_cookie_flavour("expres", 6), -1);
    assert_int_equal(mfa_cookie_flavour("", 0), -1);

    assert_true(mfa_cookie_signed(MFA_COOKIE_EXPRESS));
    assert_true(mfa_cookie_signed(MFA_COOKIE_FASTIFY));
    assert_false(mfa_cookie_signed(MFA_COOKIE_KOA));
    assert_true(mfa_cookie_can_sign(MFA_COOKIE_KOA));
    assert_true(mfa_cookie_can_sign(MFA_COOKIE_FLASK));
    assert_false(mfa_cookie_can_sign(MFA_COOKIE_DJANGO));
    assert_false(mfa_cookie_can_sign(MFA_COOKIE_PHP));
    assert_false(mfa_cookie_can_sign(MFA_COOKIE_PLAIN));
    assert_false(mfa_cookie_can_sign(MFA_COOKIE_RACK));
    assert_false(mfa_cookie_can_sign(MFA_COOKIE_SPRING));

    assert_true(mfa_cookie_name_valid("sid", 3));
    assert_true(mfa_cookie_name_valid("koa.sess", 8));
    assert_true(mfa_cookie_name_valid("__Host-sid", 10));
    assert_false(mfa_cookie_name_valid("", 0));
    assert_false(mfa_cookie_name_valid("a b", 3));
    assert_false(mfa_cookie_name_valid("a=b", 3));
    assert_false(mfa_cookie_name_valid("a;b", 3));
    assert_false(mfa_cookie_name_valid("a[b]", 4));
    assert_false(mfa_cookie_name_valid("\xc3\xa9", 2));
}


static void
test_signatures(void **state)
{
    char               out[MFA_COOKIE_SIG_MAX];
    size_t             n;
    mfa_cookie_spec_t  s;

    s = spec(MFA_COOKIE_EXPRESS, "sid", "keyboard cat", NULL);
    n = mfa_cookie_sign(&s, &s.secrets[0], EXPRESS_ID, strlen(EXPRESS_ID),
                        out);
    assert_int_equal(n, strlen(EXPRESS_SIG));
    assert_memory_equal(out, EXPRESS_SIG, n);

    s = spec(MFA_COOKIE_FASTIFY, "sessionId",
             "a-secret-with-at-least-32-characters!!", NULL);
    n = mfa_cookie_sign(&s, &s.secrets[0], FASTIFY_ID, strlen(FASTIFY_ID),
                        out);
    assert_int_equal(n, strlen(FASTIFY_SIG));
    assert_memory_equal(out, FASTIFY_SIG, n);

    s = spec(MFA_COOKIE_KOA, "koa.sess", "koa-key-1", NULL);
    n = mfa_cookie_sign(&s, &s.secrets[0], KOA_ID, strlen(KOA_ID), out);
    assert_int_equal(n, strlen(KOA_SIG));
    assert_memory_equal(out, KOA_SIG, n);

    s = spec(MFA_COOKIE_FLASK, "session", "flask-secret", NULL);
    n = mfa_cookie_sign(&s, &s.secrets[0], FLASK_ID, strlen(FLASK_ID), out);
    assert_int_equal(n, strlen(FLASK_SIG));
    assert_memory_equal(out, FLASK_SIG, n);
}


static void
test_express(void **state)
{
    mfa_cookie_spec_t  s;

    s = spec(MFA_COOKIE_EXPRESS, "sid", "keyboard cat", NULL);

    /* as the browser sends it, and every spelling express reads alike */
    assert_id(&s, "sid=" EXPRESS_ENC, EXPRESS_ID);
    assert_id(&s, "a=1; sid=" EXPRESS_ENC "; b=2", EXPRESS_ID);
    assert_id(&s, "sid=" EXPRESS_RAW, EXPRESS_ID);
    assert_id(&s, "sid=s%3a" EXPRESS_ID ".iVYCe5XFM5444m4zUp%2bACPo4yx7D26"
              "%2b8HeIaMn9mw7E", EXPRESS_ID);
    assert_id(&s, "sid=%73%3A%61bcDEF123-_x%2EiVYCe5XFM5444m4zUp+ACPo4yx7D26"
              "+8HeIaMn9mw7E", EXPRESS_ID);
    assert_id(&s, "sid=\"" EXPRESS_ENC "\"", EXPRESS_ID);
    assert_id(&s, "sid= \t" EXPRESS_ENC " \t", EXPRESS_ID);
    assert_id(&s, "sid \t=" EXPRESS_ENC, EXPRESS_ID);
    assert_id(&s, " \tsid=" EXPRESS_ENC, EXPRESS_ID);
    assert_id(&s, "junk; sid=" EXPRESS_ENC, EXPRESS_ID);

    /* two headers, as HTTP/1.1 clients may send them */
    assert_id(&s, "a=1\nsid=" EXPRESS_ENC, EXPRESS_ID);

    /* the first of two wins; a bad first one is no session at all */
    assert_id(&s, "sid=" EXPRESS_ENC "; sid=s%3Aother.sig", EXPRESS_ID);
    assert_rc(&s, "sid=s%3Aother.sig; sid=" EXPRESS_ENC, MFA_ERROR);
    assert_rc(&s, "sid=s%3Aother.sig\nsid=" EXPRESS_ENC, MFA_ERROR);

    /* not signed, forged, cut, or a name express does not read */
    assert_rc(&s, "sid=" EXPRESS_ID, MFA_ERROR);
    assert_rc(&s, "sid=s%3A" EXPRESS_ID, MFA_ERROR);
    assert_rc(&s, "sid=s%3Aotherid." "iVYCe5XFM5444m4zUp%2BACPo4yx7D26"
              "%2B8HeIaMn9mw7E", MFA_ERROR);
    assert_rc(&s, "sid=s%3A" EXPRESS_ID ".iVYCe5XFM5444m4zUp%2BACPo4yx7D26"
              "%2B8HeIaMn9mw7", MFA_ERROR);
    assert_rc(&s, "sid=s%3A" EXPRESS_ID ".iVYCe5XFM5444m4zUp%2BACPo4yx7D26"
              "%2B8HeIaMn9mw7E%3D", MFA_ERROR);
    assert_rc(&s, "sid=", MFA_ERROR);
    assert_rc(&s, "SID=" EXPRESS_ENC, MFA_NOT_FOUND);
    assert_rc(&s, "%73id=" EXPRESS_ENC, MFA_NOT_FOUND);
    assert_rc(&s, "sid", MFA_NOT_FOUND);
    assert_rc(&s, "", MFA_NOT_FOUND);

    /* decodeURIComponent() throws on a bad escape: the value stays raw */
    assert_rc(&s, "sid=s%3A" EXPRESS_ID "%ZZ." EXPRESS_SIG, MFA_ERROR);
    assert_rc(&s, "sid=" EXPRESS_ENC "%C3", MFA_ERROR);

    /* rotation: an older secret still verifies, a dropped one does not */
    s = spec(MFA_COOKIE_EXPRESS, "sid", "new secret", "keyboard cat");
    assert_id(&s, "sid=" EXPRESS_ENC, EXPRESS_ID);
    s = spec(MFA_COOKIE_EXPRESS, "sid", "new secret", NULL);
    assert_rc(&s, "sid=" EXPRESS_ENC, MFA_ERROR);
}


static void
test_express_written(void **state)
{
    mfa_cookie_spec_t  s;

    s = spec(MFA_COOKIE_EXPRESS, "sid", "keyboard cat", NULL);

    /* the browser's own header comes out as it went in */
    assert_written(&s, "a=1; sid=" EXPRESS_ENC "; b=2", 1,
                   "a=1; sid=" EXPRESS_ENC "; b=2");

    /* other spellings: canonical in place, every other copy gone */
    assert_written(&s, "a=1; sid=" EXPRESS_RAW "; b=2", 1,
                   "a=1; sid=" EXPRESS_ENC "; b=2");
    assert_written(&s, "sid=\"" EXPRESS_ENC "\";SID=x; %73id=y;sid=z", 1,
                   "sid=" EXPRESS_ENC);
    assert_written(&s, "a=1\n b=2 ;sid = " EXPRESS_ENC, 1,
                   "a=1; b=2; sid=" EXPRESS_ENC);

    /* no session: no copy under any spelling, the rest untouched */
    assert_written(&s, "a=1; sid=" EXPRESS_ENC "; b=2", 0, "a=1; b=2");
    assert_written(&s, "a=1; \"sid\"=x; s%69d=x; %2573id=x; sId=x; b=2", 0,
                   "a=1; b=2");
    assert_written(&s, "a=1, sid=x; b=\"2,sid=3\"; c=3", 0, "c=3");
    assert_written(&s, "sid", 0, "");
    assert_written(&s, "x=1;;; ;y=2", 0, "x=1; y=2");
    /* one-byte chunks come out longer than they went in */
    assert_written(&s, "a;b;c;d;e;f", 0, "a; b; c; d; e; f");
    assert_written(&s, "a;b;c\nd;e", 0, "a; b; c; d; e");
    assert_written(&s, "sid.sig=1; sidx=2; s.id=3; xsid=4", 0,
                   "sid.sig=1; sidx=2; s.id=3; xsid=4");
}


static void
test_fastify(void **state)
{
    mfa_cookie_spec_t  s;

    s = spec(MFA_COOKIE_FASTIFY, "sessionId",
             "a-secret-with-at-least-32-characters!!", NULL);

    assert_id(&s, "sessionId=" FASTIFY_ID ".R8xIj%2F2yULrK848BjnZZYzxHJaPBG"
              "IyrwvGaHmTdZJM", FASTIFY_ID);
    assert_id(&s, "sessionId=" FASTIFY_ID "." FASTIFY_SIG, FASTIFY_ID);
    assert_id(&s, " sessionId = " FASTIFY_ID "%2E" FASTIFY_SIG " ",
              FASTIFY_ID);

    /* @fastify/cookie (cookie 2) keeps quotes: a quoted value is forged */
    assert_rc(&s, "sessionId=\"" FASTIFY_ID "." FASTIFY_SIG "\"", MFA_ERROR);
    assert_rc(&s, "sessionId=s%3A" FASTIFY_ID "." FASTIFY_SIG, MFA_ERROR);
    assert_rc(&s, "sessionId=" FASTIFY_ID, MFA_ERROR);
    assert_rc(&s, "sessionId=" FASTIFY_ID ".", MFA_ERROR);

    /* as @fastify/cookie sets it: raw, a cookie-octet string */
    assert_written(&s, "sessionId=" FASTIFY_ID ".R8xIj%2F2yULrK848BjnZZYzxHJ"
                   "aPBGIyrwvGaHmTdZJM", 1,
                   "sessionId=" FASTIFY_ID "." FASTIFY_SIG);
}


static void
test_koa(void **state)
{
    mfa_cookie_spec_t  s;

    s = spec(MFA_COOKIE_KOA, "koa.sess", "koa-key-1", NULL);

    assert_id(&s, "koa.sess=" KOA_ID "; koa.sess.sig=" KOA_SIG, KOA_ID);
    assert_id(&s, "koa.sess.sig=" KOA_SIG "; koa.sess=" KOA_ID, KOA_ID);
    assert_id(&s, "  koa.sess=" KOA_ID "\nkoa.sess.sig=" KOA_SIG, KOA_ID);
    assert_id(&s, "koa.sess=\"" KOA_ID "\"; koa.sess.sig=" KOA_SIG, KOA_ID);

    /* koa neither trims nor decodes: these are other values, unsigned */
    assert_rc(&s, "koa.sess=" KOA_ID " ; koa.sess.sig=" KOA_SIG, MFA_ERROR);
    assert_rc(&s, "koa.sess=%33f1e2d3c-aaaa-bbbb-cccc-0123456789ab; "
              "koa.sess.sig=" KOA_SIG, MFA_ERROR);
    assert_rc(&s, "koa.sess =" KOA_ID "; koa.sess.sig=" KOA_SIG,
              MFA_NOT_FOUND);
    assert_rc(&s, "\tkoa.sess=" KOA_ID "; koa.sess.sig=" KOA_SIG,
              MFA_NOT_FOUND);

    /* the signature cookie: required, checked, the first one wins */
    assert_rc(&s, "koa.sess=" KOA_ID, MFA_ERROR);
    assert_rc(&s, "koa.sess=" KOA_ID "; koa.sess.sig=x", MFA_ERROR);
    assert_rc(&s, "koa.sess=" KOA_ID "; koa.sess.sig=x; koa.sess.sig="
              KOA_SIG, MFA_ERROR);

    s = spec(MFA_COOKIE_KOA, "koa.sess", "new-key", "koa-key-1");
    assert_id(&s, "koa.sess=" KOA_ID "; koa.sess.sig=" KOA_SIG, KOA_ID);

    s = spec(MFA_COOKIE_KOA, "koa.sess", "koa-key-1", NULL);
    assert_written(&s, "a=1; koa.sess=\"" KOA_ID "\"; b=2; koa.sess.sig="
                   KOA_SIG "; KOA.SESS=x; koa.sess.sig=y", 1,
                   "a=1; koa.sess=" KOA_ID "; b=2; koa.sess.sig=" KOA_SIG);
    assert_written(&s, "a=1; koa.sess=" KOA_ID "; koa.sess.sig=" KOA_SIG, 0,
                   "a=1");

    /* without a secret: koa-session's "signed: false", no signature */
    s = spec(MFA_COOKIE_KOA, "koa.sess", NULL, NULL);
    assert_id(&s, "koa.sess=" KOA_ID, KOA_ID);
    assert_written(&s, "koa.sess=" KOA_ID "; koa.sess.sig=x", 1,
                   "koa.sess=" KOA_ID);
}


static void
test_flask(void **state)
{
    mfa_cookie_spec_t  s;

    s = spec(MFA_COOKIE_FLASK, "session", NULL, NULL);

    assert_id(&s, "session=" FLASK_ID, FLASK_ID);
    assert_id(&s, " session \t= " FLASK_ID " ", FLASK_ID);
    assert_id(&s, "session=\"" FLASK_ID "\"", FLASK_ID);
    /* octal and backslash escapes inside quotes */
    assert_id(&s, "session=\"\\060b2f7c2e-1111-2222-3333-44445555666\\6\"",
              FLASK_ID);
    assert_id(&s, "session=" FLASK_ID "; session=other", FLASK_ID);
    assert_rc(&s, "session=%30b2f7c2e", MFA_OK);
    assert_rc(&s, "session=\"a\\073b\"", MFA_ERROR);
    assert_rc(&s, "session", MFA_ERROR);

    s = spec(MFA_COOKIE_FLASK, "session", "flask-secret", NULL);
    assert_id(&s, "session=" FLASK_ID "." FLASK_SIG, FLASK_ID);
    assert_rc(&s, "session=" FLASK_ID, MFA_ERROR);
    assert_rc(&s, "session=" FLASK_ID ".AAAAAAAAAAAAAAAAAAAAAAAAAAA",
              MFA_ERROR);
    assert_written(&s, "session=\"" FLASK_ID "." FLASK_SIG "\"", 1,
                   "session=" FLASK_ID "." FLASK_SIG);
}


static void
test_django(void **state)
{
    mfa_cookie_spec_t  s;

    s = spec(MFA_COOKIE_DJANGO, "sessionid", NULL, NULL);

    assert_id(&s, "sessionid=abcdefgh12345678", "abcdefgh12345678");
    /* the last of two wins */
    assert_id(&s, "sessionid=first123; sessionid=second12", "second12");
    assert_id(&s, "sessionid=first123\nsessionid=second12", "second12");
    assert_id(&s, "\xa0sessionid\x1c= \"abcdefgh\"\x85", "abcdefgh");
    assert_id(&s, "sessionid=\"\\141bcdefgh\"", "abcdefgh");
    assert_rc(&s, "sessionid=short", MFA_ERROR);
    assert_rc(&s, "sessionid", MFA_NOT_FOUND);

    assert_written(&s, "sessionid=first123; a=1; sessionid=second12", 1,
                   "a=1; sessionid=second12");
}


static void
test_php(void **state)
{
    mfa_cookie_spec_t  s;

    s = spec(MFA_COOKIE_PHP, "PHPSESSID", NULL, NULL);

    assert_id(&s, "PHPSESSID=abc123", "abc123");
    assert_id(&s, " \n PHPSESSID=ab%63123", "abc123");
    assert_id(&s, "PHPSESSID=first; PHPSESSID=second", "first");
    assert_id(&s, "PHPSESSID=abc%2Cdef", "abc,def");
    /* names are not decoded; values keep their white space and quotes */
    assert_rc(&s, "%50HPSESSID=abc", MFA_NOT_FOUND);
    assert_rc(&s, "PHPSESSID =abc", MFA_NOT_FOUND);
    assert_rc(&s, "PHPSESSID= abc", MFA_ERROR);
    assert_rc(&s, "PHPSESSID=\"abc\"", MFA_ERROR);
    assert_rc(&s, "PHPSESSID=ab%zzc", MFA_ERROR);
    /* "PHPSESSID[x]" is an array, not the session */
    assert_rc(&s, "PHPSESSID[x]=abc", MFA_NOT_FOUND);

    /* PHP folds " " and "." (and an unclosed "[") to "_" in names */
    s = spec(MFA_COOKIE_PHP, "my_sess", NULL, NULL);
    assert_id(&s, "my.sess=abc", "abc");
    assert_id(&s, "my sess=abc", "abc");
    assert_id(&s, "my[sess=abc", "abc");
    assert_rc(&s, "my[se]ss=abc", MFA_NOT_FOUND);

    s = spec(MFA_COOKIE_PHP, "PHPSESSID", NULL, NULL);
    assert_written(&s, "PHPSESSID=ab%63; %50HPSESSID=x; PHPSESSID[a]=y; "
                   "phpsessid=z; PHP.SESSID=w", 1,
                   "PHPSESSID=abc; PHP.SESSID=w");
    /* as PHP writes it: php_url_encode() */
    assert_written(&s, "PHPSESSID=abc,def", 1, "PHPSESSID=abc%2Cdef");
}


/* checked against Rack 2.2.22's parse_cookies_header() and the app */

/* Tomcat's cookie parser and java.util.Base64, as Spring Session reads
   its SESSION cookie (t/apps_direct.t checks them on Tomcat itself) */

static void
test_spring(void **state)
{
    mfa_cookie_spec_t  s;

    s = spec(MFA_COOKIE_SPRING, "SESSION", NULL, NULL);

    /* "abc-1" */
    assert_id(&s, "SESSION=YWJjLTE=", "abc-1");
    assert_id(&s, "a=1; SESSION=\"YWJjLTE=\"", "abc-1");
    assert_id(&s, " SESSION \t= YWJjLTE= ", "abc-1");
    /* padding optional, and the bits after the last byte ignored */
    assert_id(&s, "SESSION=YWJjLTE", "abc-1");
    assert_id(&s, "SESSION=YWJjLTF", "abc-1");
    assert_id(&s, "SESSION=YWJjLTE=; SESSION=ZGVm", "abc-1");

    assert_rc(&s, "SESSION=YWJjLTE==", MFA_ERROR);
    assert_rc(&s, "SESSION=YWJj%4CTE=", MFA_ERROR);
    assert_rc(&s, "SESSION=YWJj LTE=", MFA_ERROR);
    assert_rc(&s, "SESSION=YWJjLTE-", MFA_ERROR);
    assert_rc(&s, "SESSION=", MFA_ERROR);
    /* a byte that is no printable ASCII: "ab\x01" */
    assert_rc(&s, "SESSION=YWIB", MFA_ERROR);
    assert_rc(&s, "session=YWJjLTE=", MFA_NOT_FOUND);

    /* the app gets the id as Spring writes it, and no other spelling */
    assert_written(&s, "SESSION=\"YWJjLTF\"; session=x; SESSION=ZGVm; b=2",
                   1, "SESSION=YWJjLTE=; b=2");
}


static void
test_rack(void **state)
{
    mfa_cookie_spec_t  s;

    s = spec(MFA_COOKIE_RACK, "rack.session", NULL, NULL);

    assert_id(&s, "rack.session=abc123", "abc123");
    assert_id(&s, "a=1;   rack.session=abc123", "abc123");
    assert_id(&s, "rack.session=%61bc", "abc");
    assert_id(&s, "rack.session=first; rack.session=second", "first");
    /* a "%" that is no escape: Rack keeps the value as it is */
    assert_id(&s, "rack.session=ab%zz", "ab%zz");
    /* "+" is a space, which no id holds: no session */
    assert_rc(&s, "rack.session=ab+c", MFA_ERROR);
    /* quotes stay; the name is not trimmed of tabs, nor decoded */
    assert_rc(&s, "rack.session=\"abc\"", MFA_ERROR);
    assert_rc(&s, "\track.session=abc", MFA_NOT_FOUND);
    assert_rc(&s, "rack.session =abc", MFA_NOT_FOUND);
    assert_rc(&s, "rack%2Esession=abc", MFA_NOT_FOUND);
    /* the first, even without a value, is the one */
    assert_rc(&s, "rack.session; rack.session=abc", MFA_ERROR);

    assert_written(&s, "rack.session=%61bc; Rack.Session=x; rack.session=y",
                   1, "rack.session=abc");
}


static void
test_plain(void **state)
{
    mfa_cookie_spec_t  s;

    s = spec(MFA_COOKIE_PLAIN, "sid", NULL, NULL);

    assert_id(&s, "sid=abc", "abc");
    assert_id(&s, "sid=\"abc\"", "abc");
    assert_id(&s, " sid = abc ", "abc");
    assert_id(&s, "sid=abc; sid=def", "abc");
    assert_id(&s, "sid=a%62c", "a%62c");
    assert_rc(&s, "sid=\"a b\"", MFA_ERROR);
    assert_rc(&s, "sid=a\\b", MFA_ERROR);
    assert_rc(&s, "sid=\xc3\xa9", MFA_ERROR);
    assert_rc(&s, "Sid=abc", MFA_NOT_FOUND);

    assert_written(&s, "sid=\"abc\"; a=1", 1, "sid=abc; a=1");
    assert_written(&s, "sid=abc; a=1; SID=x", 0, "a=1");
}


static void
test_spelling(void **state)
{
    size_t             i;
    mfa_cookie_spec_t  s, koa;
    char               longname[2048];

    static const struct {
        const char  *name;
        int          match;
    } names[] = {
        { "sid", 1 }, { "SID", 1 }, { " sid ", 1 }, { "\tsid\r\n", 1 },
        { "\"sid\"", 1 }, { "%73id", 1 }, { "%2573id", 1 },
        { "%22sid%22", 1 }, { "s%69d", 1 }, { "\xa0sid\x85", 1 },
        { "sid[x]", 1 }, { "sid[", 1 }, { "sid%5Bx%5D", 1 },
        { "+sid+", 1 }, { "%20sid", 1 },
        { "sidx", 0 }, { "xsid", 0 }, { "s.id", 0 }, { "s_id", 0 },
        { "sid.sig", 0 }, { "", 0 }, { "si", 0 }, { "%", 0 },
    };

    s = spec(MFA_COOKIE_EXPRESS, "sid", "k", NULL);

    for (i = 0; i < mfa_test_nelts(names); i++) {
        if (mfa_cookie_spelling(&s, names[i].name, strlen(names[i].name))
            != names[i].match)
        {
            fail_msg("\"%s\": want %d", names[i].name, names[i].match);
        }
    }

    /* "." and " " are "_" to PHP: the name "my_sess" */
    s = spec(MFA_COOKIE_PHP, "my_sess", NULL, NULL);
    assert_true(mfa_cookie_spelling(&s, "my.sess", 7));
    assert_true(mfa_cookie_spelling(&s, "MY SESS", 7));
    assert_true(mfa_cookie_spelling(&s, "my+sess", 7));
    assert_true(mfa_cookie_spelling(&s, "my%2Esess", 9));
    assert_false(mfa_cookie_spelling(&s, "mysess", 6));

    /* koa's signature cookie is a spelling too */
    koa = spec(MFA_COOKIE_KOA, "koa.sess", NULL, NULL);
    assert_true(mfa_cookie_spelling(&koa, "koa.sess.sig", 12));
    assert_true(mfa_cookie_spelling(&koa, "KOA_SESS%2Esig", 14));
    assert_false(mfa_cookie_spelling(&koa, "koa.sess.sigx", 13));

    /* white space of any length is taken off; a long name is no match */
    s = spec(MFA_COOKIE_EXPRESS, "sid", "k", NULL);
    memset(longname, ' ', sizeof(longname));
    memcpy(longname + 1000, "sid", 3);
    assert_true(mfa_cookie_spelling(&s, longname, sizeof(longname)));
    memset(longname, 'a', sizeof(longname));
    assert_false(mfa_cookie_spelling(&s, longname, sizeof(longname)));
}


int
main(void)
{
    const struct CMUnitTest  tests[] = {
        cmocka_unit_test(test_flavours),
        cmocka_unit_test(test_signatures),
        cmocka_unit_test(test_express),
        cmocka_unit_test(test_express_written),
        cmocka_unit_test(test_fastify),
        cmocka_unit_test(test_koa),
        cmocka_unit_test(test_flask),
        cmocka_unit_test(test_django),
        cmocka_unit_test(test_php),
        cmocka_unit_test(test_rack),
        cmocka_unit_test(test_spring),
        cmocka_unit_test(test_plain),
        cmocka_unit_test(test_spelling),
    };

    return cmocka_run_group_tests_name("cookie", tests, NULL, NULL);
}
