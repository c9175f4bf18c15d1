
/*
 * Unit tests of src/mfa_url.c: return-URL validation (open redirects),
 * percent-encoding and decoding, the urlencoded form parser and its
 * limits, and the pages prefix check.
 */


#include "mfa_test.h"

#include "mfa_url.h"


static const char  *return_ok[] = {
    "/",
    "/a",
    "/reports?tab=2",
    "/a/b#c",
    "/%7Euser",
    "/a?next=//evil.com",
    "/a//b",
    "/a/%2F/b",
    "/dashboard/?q=a+b&r=%2F%2F",
    "/caf\xc3\xa9",
    "/%41%42",
    "/search?q=a%20b",
};

static const char  *return_bad[] = {
    "x",
    "//x",
    "/\\x",
    "\\x",
    "\\\\x",
    "https://x",
    "http:/x",
    "javascript:alert(1)",
    "/%2F%2Fx",
    "/%2fx",
    "/%5Cx",
    "/%5cx",
    "/a%0d%0aSet-Cookie:x",
    "/a\r\nSet-Cookie:x",
    "/a\tb",
    "/a%09b",
    "/a b",
    "/a+b%",
    "/a%00",
    "/%",
    "/%2",
    "/a%2",
    "/%zz",
    "/%g0",
    "/%0g",
    "/a\x7f",
    "/a%7F",
    "/a\\b",
    "/a%5Cb",
    "/a\x01",
    " /a",
    "/a\n",
};


static void
test_return_url(void **state)
{
    size_t  i;

    for (i = 0; i < mfa_test_nelts(return_ok); i++) {
        if (!mfa_return_url_valid(return_ok[i], strlen(return_ok[i]))) {
            fail_msg("\"%s\" rejected", return_ok[i]);
        }
    }

    for (i = 0; i < mfa_test_nelts(return_bad); i++) {
        if (mfa_return_url_valid(return_bad[i], strlen(return_bad[i]))) {
            fail_msg("\"%s\" accepted", return_bad[i]);
        }
    }

    /* empty, and a NUL inside the length */
    assert_false(mfa_return_url_valid("", 0));
    assert_false(mfa_return_url_valid("/a\0b", 4));

    /* the length given is what is checked */
    assert_true(mfa_return_url_valid("/a//evil", 2));
    assert_false(mfa_return_url_valid("/a//evil", 0));
    assert_false(mfa_return_url_valid("//evil", 2));
}


static void
test_origin_is_host(void **state)
{
    size_t  i;

    static const struct {
        const char  *origin;
        const char  *host;
        int          same;
    } cases[] = {
        { "http://dash.example.com", "dash.example.com", 1 },
        { "https://dash.example.com", "dash.example.com", 1 },
        { "HTTPS://Dash.Example.COM", "dash.example.com", 1 },
        { "http://127.0.0.1:8080", "127.0.0.1:8080", 1 },
        { "http://[::1]:8080", "[::1]:8080", 1 },
        { "http://127.0.0.1:8080", "127.0.0.1", 0 },
        { "http://127.0.0.1", "127.0.0.1:8080", 0 },
        { "http://evil.example", "dash.example.com", 0 },
        { "http://dash.example.com.evil.example", "dash.example.com", 0 },
        { "http://evil.example/dash.example.com", "dash.example.com", 0 },
        { "null", "dash.example.com", 0 },
        { "ftp://dash.example.com", "dash.example.com", 0 },
        { "dash.example.com", "dash.example.com", 0 },
        { "http://", "", 0 },
        { "http://a@dash.example.com", "a@dash.example.com", 0 },
        { "http://dash.example.com/", "dash.example.com/", 0 },
        { "http://dash example.com", "dash example.com", 0 },
    };

    for (i = 0; i < mfa_test_nelts(cases); i++) {
        if (mfa_origin_is_host(cases[i].origin, strlen(cases[i].origin),
                               cases[i].host, strlen(cases[i].host))
            != cases[i].same)
        {
            fail_msg("\"%s\" for host \"%s\": not %d", cases[i].origin,
                     cases[i].host, cases[i].same);
        }
    }

    /* a NUL in the origin, and the lengths given are what is compared */
    assert_false(mfa_origin_is_host("http://a\0b", 10, "a\0b", 3));
    assert_false(mfa_origin_is_host("http://ab", 9, "ab\0", 3));
    assert_true(mfa_origin_is_host("http://abc", 9, "abx", 2));
}


static void
test_percent_encode(void **state)
{
    char    out[64];
    size_t  n;

    n = mfa_percent_encode("AZaz09-._~", 10, out);
    assert_int_equal(n, 10);
    assert_memory_equal(out, "AZaz09-._~", 10);

    n = mfa_percent_encode("a b/c?d=e&f+g:h@i%", 18, out);
    assert_int_equal(n, 36);
    assert_memory_equal(out, "a%20b%2Fc%3Fd%3De%26f%2Bg%3Ah%40i%25", 36);

    n = mfa_percent_encode("\xc3\xa9\x00\x7f\xff", 5, out);
    assert_int_equal(n, 15);
    assert_memory_equal(out, "%C3%A9%00%7F%FF", 15);

    /* length only */
    assert_int_equal(mfa_percent_encode("a b", 3, NULL), 5);
    assert_int_equal(mfa_percent_encode("", 0, NULL), 0);
    assert_int_equal(mfa_percent_encode("abc", 3, NULL), 3);
}


static void
test_percent_round_trip(void **state)
{
    int      round, plus;
    char     in[256], enc[3 * 256], dec[3 * 256];
    size_t   i, len, n, m;

    /* all 256 bytes, then random strings */

    for (i = 0; i < 256; i++) {
        in[i] = (char) i;
    }

    for (round = 0; round < 200; round++) {
        len = round == 0 ? 256 : mfa_test_random_below(257);

        if (round > 0) {
            mfa_test_random(in, len);
        }

        n = mfa_percent_encode(in, len, enc);
        assert_int_equal(n, mfa_percent_encode(in, len, NULL));

        for (i = 0; i < n; i++) {
            assert_non_null(memchr("ABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                   "abcdefghijklmnopqrstuvwxyz"
                                   "0123456789-._~%", enc[i], 67));
        }

        for (plus = 0; plus <= 1; plus++) {
            m = 9999;
            assert_int_equal(mfa_percent_decode(enc, n, plus, dec, &m),
                             MFA_OK);
            assert_int_equal(m, len);
            assert_memory_equal(dec, in, len);
        }

        /* decoding in place */
        assert_int_equal(mfa_percent_decode(enc, n, 1, enc, &m), MFA_OK);
        assert_int_equal(m, len);
        assert_memory_equal(enc, in, len);
    }
}


static void
test_percent_decode(void **state)
{
    char    out[64];
    size_t  n;

    /* "+" is a space only when asked */

    assert_int_equal(mfa_percent_decode("a+b", 3, 1, out, &n), MFA_OK);
    assert_int_equal(n, 3);
    assert_memory_equal(out, "a b", 3);

    assert_int_equal(mfa_percent_decode("a+b", 3, 0, out, &n), MFA_OK);
    assert_int_equal(n, 3);
    assert_memory_equal(out, "a+b", 3);

    assert_int_equal(mfa_percent_decode("%2B+%2b", 7, 1, out, &n), MFA_OK);
    assert_int_equal(n, 3);
    assert_memory_equal(out, "+ +", 3);

    /* both cases of hex, a NUL */
    assert_int_equal(mfa_percent_decode("%2f%2F%00%aA", 12, 0, out, &n),
                     MFA_OK);
    assert_int_equal(n, 4);
    assert_memory_equal(out, "//\0\xaa", 4);

    /* one level only */
    assert_int_equal(mfa_percent_decode("%252F", 5, 0, out, &n), MFA_OK);
    assert_int_equal(n, 3);
    assert_memory_equal(out, "%2F", 3);

    /* malformed escapes */
    assert_int_equal(mfa_percent_decode("%", 1, 0, out, &n), MFA_ERROR);
    assert_int_equal(mfa_percent_decode("%4", 2, 0, out, &n), MFA_ERROR);
    assert_int_equal(mfa_percent_decode("ab%4", 4, 0, out, &n), MFA_ERROR);
    assert_int_equal(mfa_percent_decode("%zz", 3, 0, out, &n), MFA_ERROR);
    assert_int_equal(mfa_percent_decode("%4g", 3, 0, out, &n), MFA_ERROR);
    assert_int_equal(mfa_percent_decode("%g4", 3, 0, out, &n), MFA_ERROR);
    assert_int_equal(mfa_percent_decode("% 41", 4, 0, out, &n), MFA_ERROR);
    assert_int_equal(mfa_percent_decode("%+41", 4, 1, out, &n), MFA_ERROR);

    /* the escape must fit in the length given */
    assert_int_equal(mfa_percent_decode("%41", 2, 0, out, &n), MFA_ERROR);
    assert_int_equal(mfa_percent_decode("%41", 3, 0, out, &n), MFA_OK);
    assert_int_equal(n, 1);
    assert_int_equal(out[0], 'A');
}


static const mfa_form_field_t *
get(const mfa_form_t *form, const char *name, const char *value)
{
    const mfa_form_field_t  *f;

    f = mfa_form_get(form, name);

    if (f == NULL) {
        fail_msg("no field \"%s\"", name);
    }

    if (f->value_len != strlen(value)
        || memcmp(f->value, value, f->value_len) != 0)
    {
        fail_msg("field \"%s\" is \"%.*s\", not \"%s\"", name,
                 (int) f->value_len, f->value, value);
    }

    return f;
}


static int
parse(const char *body, mfa_form_t *form, mfa_err_t *err)
{
    err->msg[0] = '\0';

    return mfa_form_parse(body, strlen(body), form, err);
}


static void
test_form_simple(void **state)
{
    mfa_err_t    err;
    mfa_form_t  *form;

    form = malloc(sizeof(mfa_form_t));
    assert_non_null(form);

    assert_int_equal(parse("code=123456&csrf=abc", form, &err), MFA_OK);
    assert_int_equal(form->n, 2);
    get(form, "code", "123456");
    get(form, "csrf", "abc");
    assert_int_equal(form->fields[0].name_len, 4);
    assert_memory_equal(form->fields[0].name, "code", 4);
    assert_int_equal(form->fields[1].name_len, 4);
    assert_memory_equal(form->fields[1].name, "csrf", 4);

    /* escapes and "+", in names and values */
    assert_int_equal(parse("return=%2Freports%3Ftab%3D2&a+b=c+d%2Be"
                           "&%63ode=%31", form, &err), MFA_OK);
    assert_int_equal(form->n, 3);
    get(form, "return", "/reports?tab=2");
    get(form, "a b", "c d+e");
    get(form, "code", "1");

    /* a value with "=" in it */
    assert_int_equal(parse("t=a=b==", form, &err), MFA_OK);
    get(form, "t", "a=b==");

    /* empty input */
    assert_int_equal(parse("", form, &err), MFA_OK);
    assert_int_equal(form->n, 0);
    assert_null(mfa_form_get(form, "code"));

    free(form);
}


static void
test_form_empty_values(void **state)
{
    mfa_err_t                err;
    mfa_form_t              *form;
    const mfa_form_field_t  *f;

    form = malloc(sizeof(mfa_form_t));
    assert_non_null(form);

    assert_int_equal(parse("a=&b", form, &err), MFA_OK);
    assert_int_equal(form->n, 2);

    f = get(form, "a", "");
    assert_int_equal(f->value_len, 0);
    assert_non_null(f->value);

    f = get(form, "b", "");
    assert_int_equal(f->value_len, 0);
    assert_non_null(f->value);

    /* empty segments are skipped */
    assert_int_equal(parse("a=1&&b=2", form, &err), MFA_OK);
    assert_int_equal(form->n, 2);
    get(form, "a", "1");
    get(form, "b", "2");

    assert_int_equal(parse("&&&a=1&", form, &err), MFA_OK);
    assert_int_equal(form->n, 1);
    get(form, "a", "1");

    assert_int_equal(parse("&", form, &err), MFA_OK);
    assert_int_equal(form->n, 0);

    free(form);
}


static void
test_form_rejects(void **state)
{
    mfa_err_t    err;
    mfa_form_t  *form;

    form = malloc(sizeof(mfa_form_t));
    assert_non_null(form);

    /* a name given twice, also through an escape */

    assert_int_equal(parse("a=1&a=2", form, &err), MFA_ERROR);
    assert_true(mfa_test_contains(err.msg, "\"a\" given twice"));
    assert_int_equal(parse("code=1&csrf=x&code=1", form, &err), MFA_ERROR);
    assert_int_equal(parse("a=1&%61=2", form, &err), MFA_ERROR);
    assert_int_equal(parse("a&a", form, &err), MFA_ERROR);
    assert_int_equal(parse("a+b=1&a%20b=2", form, &err), MFA_ERROR);

    /* a field without a name */

    assert_int_equal(parse("=x", form, &err), MFA_ERROR);
    assert_true(mfa_test_contains(err.msg, "without a name"));
    assert_int_equal(parse("a=1&=2", form, &err), MFA_ERROR);
    assert_true(mfa_test_contains(err.msg, "offset 4"));
    assert_int_equal(parse("=", form, &err), MFA_ERROR);

    /* malformed escapes, in a name or a value */

    assert_int_equal(parse("a=%", form, &err), MFA_ERROR);
    assert_true(mfa_test_contains(err.msg, "malformed escape"));
    assert_true(mfa_test_contains(err.msg, "\"a\""));
    assert_int_equal(parse("a=%zz", form, &err), MFA_ERROR);
    assert_int_equal(parse("a=%4&b=1", form, &err), MFA_ERROR);
    assert_int_equal(parse("%=1", form, &err), MFA_ERROR);
    assert_true(mfa_test_contains(err.msg, "malformed escape"));
    assert_int_equal(parse("a%g1=1", form, &err), MFA_ERROR);

    /* the escape may not borrow the "&" that follows it */
    assert_int_equal(parse("a=%4&1", form, &err), MFA_ERROR);

    free(form);
}


static void
test_form_limits(void **state)
{
    int          i;
    char        *body;
    size_t       len;
    mfa_err_t    err;
    mfa_form_t  *form;

    form = malloc(sizeof(mfa_form_t));
    body = malloc(MFA_FORM_MAX_BODY + 2);
    assert_non_null(form);
    assert_non_null(body);

    /* exactly the limit: one field */

    memcpy(body, "a=", 2);
    memset(body + 2, 'x', MFA_FORM_MAX_BODY - 2);
    body[MFA_FORM_MAX_BODY] = 'x';
    body[MFA_FORM_MAX_BODY + 1] = '\0';

    assert_int_equal(mfa_form_parse(body, MFA_FORM_MAX_BODY, form, &err),
                     MFA_OK);
    assert_int_equal(form->n, 1);
    assert_int_equal(form->fields[0].value_len, MFA_FORM_MAX_BODY - 2);

    /* one byte over */

    err.msg[0] = '\0';
    assert_int_equal(mfa_form_parse(body, MFA_FORM_MAX_BODY + 1, form, &err),
                     MFA_TOO_LARGE);
    assert_true(mfa_test_contains(err.msg, "4096 byte limit"));

    /* a body of only escapes fits in the buffer */

    for (i = 0; i + 3 <= MFA_FORM_MAX_BODY - 2; i += 3) {
        memcpy(body + 2 + i, "%41", 3);
    }

    len = 2 + (size_t) i;
    assert_int_equal(mfa_form_parse(body, len, form, &err), MFA_OK);
    assert_int_equal(form->fields[0].value_len, (size_t) i / 3);
    assert_int_equal(form->fields[0].value[0], 'A');

    /* MFA_FORM_MAX_FIELDS fields, then one more */

    len = 0;

    for (i = 0; i < MFA_FORM_MAX_FIELDS; i++) {
        len += sprintf(body + len, "%sf%d=%d", i ? "&" : "", i, i);
    }

    assert_int_equal(mfa_form_parse(body, len, form, &err), MFA_OK);
    assert_int_equal(form->n, MFA_FORM_MAX_FIELDS);
    get(form, "f0", "0");
    get(form, "f15", "15");

    len += sprintf(body + len, "&f%d=%d", i, i);

    err.msg[0] = '\0';
    assert_int_equal(mfa_form_parse(body, len, form, &err), MFA_TOO_LARGE);
    assert_true(mfa_test_contains(err.msg, "more than 16 fields"));

    /* empty segments do not count */

    len = 0;

    for (i = 0; i < MFA_FORM_MAX_FIELDS; i++) {
        len += sprintf(body + len, "f%d=%d&&&", i, i);
    }

    assert_int_equal(mfa_form_parse(body, len, form, &err), MFA_OK);
    assert_int_equal(form->n, MFA_FORM_MAX_FIELDS);

    free(body);
    free(form);
}


static void
test_form_get(void **state)
{
    mfa_err_t    err;
    mfa_form_t  *form;

    form = malloc(sizeof(mfa_form_t));
    assert_non_null(form);

    assert_int_equal(parse("code=1&codes=2&c=3", form, &err), MFA_OK);

    get(form, "code", "1");
    get(form, "codes", "2");
    get(form, "c", "3");

    assert_null(mfa_form_get(form, "cod"));
    assert_null(mfa_form_get(form, "Code"));
    assert_null(mfa_form_get(form, "codes2"));
    assert_null(mfa_form_get(form, ""));
    assert_null(mfa_form_get(form, "csrf"));

    free(form);
}


static void
test_pages_prefix(void **state)
{
    size_t  i;

    static const char  *ok[] = {
        "/_mfa/", "/a/b/", "/a/", "/A-z_0~9.x/", "/.well-known/mfa/",
        "/a..b/", "/a./",
    };

    static const char  *bad[] = {
        "", "/", "_mfa/", "/_mfa", "//", "/a//b/", "/../", "/./", "/a/../",
        "/a/./b/", "/a b/", "/a%2f/", "/a%2F/", "/a?b/", "/a#b/", "/a\\b/",
        "/a:b/", "/a\tb/", "/caf\xc3\xa9/", "//a/", "/a//",
    };

    for (i = 0; i < mfa_test_nelts(ok); i++) {
        if (!mfa_pages_prefix_valid(ok[i], strlen(ok[i]))) {
            fail_msg("\"%s\" rejected", ok[i]);
        }
    }

    for (i = 0; i < mfa_test_nelts(bad); i++) {
        if (mfa_pages_prefix_valid(bad[i], strlen(bad[i]))) {
            fail_msg("\"%s\" accepted", bad[i]);
        }
    }

    assert_false(mfa_pages_prefix_valid("/a\0/", 4));
}


int
main(void)
{
    const struct CMUnitTest  tests[] = {
        cmocka_unit_test(test_return_url),
        cmocka_unit_test(test_percent_encode),
        cmocka_unit_test(test_percent_round_trip),
        cmocka_unit_test(test_percent_decode),
        cmocka_unit_test(test_form_simple),
        cmocka_unit_test(test_form_empty_values),
        cmocka_unit_test(test_form_rejects),
        cmocka_unit_test(test_form_limits),
        cmocka_unit_test(test_form_get),
        cmocka_unit_test(test_pages_prefix),
        cmocka_unit_test(test_origin_is_host),
    };

    return cmocka_run_group_tests_name("url", tests, NULL, NULL);
}
