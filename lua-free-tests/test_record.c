
/*
 * Unit tests of the session record behind one call (src/mfa_record.c):
 * the formats' names, the dispatch to each reader (Django's envelope
 * opened, then JSON or a pickle inside), what an unreadable record looks
 * like, and the gate's log line that names the directive that would read
 * it (src/mfa_gate.c).
 */


#include "mfa_test.h"
#include "mfa_gate.h"
#include "mfa_record.h"


/* pickle.dumps({"_permanent": True, "user": {"id": "bob"},
   "company_id": "acme"}, 4), Python 3.11 */
static const char  pickle_rec[] =
    "\x80\x04\x95<\x00\x00\x00\x00\x00\x00\x00}\x94(\x8c\x0a_permanent\x94"
    "\x88\x8c\x04user\x94}\x94\x8c\x02id\x94\x8c\x03" "bob\x94s\x8c\x0a"
    "company_id\x94\x8c\x04" "acme\x94u.";

/* Django 3.2's SessionBase.encode() of {"user": {"id": "bob"},
   "company_id": "acme"} with SECRET_KEY "record-test-secret", the JSON
   serializer, then the pickle one */
static const char  django_json[] =
    "eyJ1c2VyIjp7ImlkIjoiYm9iIn0sImNvbXBhbnlfaWQiOiJhY21lIn0:1xa5iN:"
    "sFSRPng5QSZqhjTwS6v8LH9KC2DzDpRPjR7510T69IU";
static const char  django_pickle[] =
    "gAWVLgAAAAAAAAB9lCiMBHVzZXKUfZSMAmlklIwDYm9ilHOMCmNvbXBhbnlfaWSUjARhY2"
    "1llHUu:1xa5iN:RivMLEMEMdu_q6w5x5n_-XQaRme735kV16jdKfoIDVY";


static void
read_user(const mfa_format_t *f, const char *rec, size_t len, int rc,
    const char *want)
{
    mfa_err_t            err;
    mfa_str_t            paths[2];
    mfa_session_value_t  v[2];

    paths[0] = MFA_TEST_STR("user.id");
    paths[1] = MFA_TEST_STR("company_id");
    err.msg[0] = '\0';

    if (mfa_record_read(f, rec, len, paths, 2, v, &err) != rc) {
        fail_msg("%s: rc not %d: %s", mfa_format_name(f->format), rc,
                 err.msg);
    }

    if (rc != MFA_OK) {
        assert_true(err.msg[0] != '\0');
        return;
    }

    assert_true(v[0].found && strcmp(v[0].data, want) == 0);
    assert_true(v[1].found && strcmp(v[1].data, "acme") == 0);
}


static void
test_format_names(void **state)
{
    int  i;

    for (i = MFA_FORMAT_JSON; i <= MFA_FORMAT_DJANGO; i++) {
        const char  *name = mfa_format_name((mfa_format_e) i);

        assert_int_equal(mfa_format_parse(name, strlen(name)), i);
    }

    assert_int_equal(mfa_format_parse("yaml", 4), -1);
    assert_int_equal(mfa_format_parse("pickl", 5), -1);
    assert_int_equal(mfa_format_parse("pickles", 7), -1);
    assert_int_equal(mfa_format_parse("", 0), -1);
}


static void
test_dispatch(void **state)
{
    mfa_format_t  f;

    memset(&f, 0, sizeof(f));

    f.format = MFA_FORMAT_JSON;
    read_user(&f, "{\"user\":{\"id\":\"bob\"},\"company_id\":\"acme\"}", 41,
              MFA_OK, "bob");
    read_user(&f, pickle_rec, sizeof(pickle_rec) - 1, MFA_ERROR, NULL);

    f.format = MFA_FORMAT_PICKLE;
    read_user(&f, pickle_rec, sizeof(pickle_rec) - 1, MFA_OK, "bob");

    f.format = MFA_FORMAT_PHP;
    read_user(&f, "user|a:1:{s:2:\"id\";s:3:\"bob\";}company_id|s:4:\"acme\";",
              52, MFA_OK, "bob");

    f.format = MFA_FORMAT_MARSHAL;
    /* Ruby 3.1's Marshal.dump({"user" => {"id" => "bob"},
       "company_id" => "acme"}) */
    read_user(&f, "\x04\x08{\x07I\x22\x09user\x06:\x06" "ET{\x06I\x22\x07"
              "id\x06;\x00TI\x22\x08" "bob\x06;\x00TI\x22\x0f" "company_id"
              "\x06;\x00TI\x22\x09" "acme\x06;\x00T", 65, MFA_OK, "bob");
}


static void
test_django(void **state)
{
    mfa_format_t  f;

    memset(&f, 0, sizeof(f));
    f.format = MFA_FORMAT_DJANGO;
    f.inner = MFA_FORMAT_JSON;
    f.salt = MFA_TEST_STR("django.contrib.sessions.SessionStore");

    /* no secret: the form only */
    read_user(&f, django_json, sizeof(django_json) - 1, MFA_OK, "bob");

    f.secrets[0] = MFA_TEST_STR("record-test-secret");
    f.nsecrets = 1;
    read_user(&f, django_json, sizeof(django_json) - 1, MFA_OK, "bob");

    /* a pickle inside: the JSON reader refuses it, the pickle one not */
    read_user(&f, django_pickle, sizeof(django_pickle) - 1, MFA_ERROR, NULL);
    f.inner = MFA_FORMAT_PICKLE;
    read_user(&f, django_pickle, sizeof(django_pickle) - 1, MFA_OK, "bob");

    /* another secret, or the second of two */
    f.secrets[0] = MFA_TEST_STR("not-the-secret");
    read_user(&f, django_pickle, sizeof(django_pickle) - 1, MFA_ERROR, NULL);
    f.secrets[1] = MFA_TEST_STR("record-test-secret");
    f.nsecrets = 2;
    read_user(&f, django_pickle, sizeof(django_pickle) - 1, MFA_OK, "bob");
}


static void
test_guess(void **state)
{
    size_t  i;
    int     format;

    static const struct {
        const char  *rec;
        size_t       len;
        int          format;
        const char  *says;
    } cases[] = {
        { pickle_rec, sizeof(pickle_rec) - 1, MFA_FORMAT_PICKLE, "pickle" },
        { "\x80\x02}q\x00.", 6, MFA_FORMAT_PICKLE, "pickle" },
        { "\x04\x08{\x00", 4, MFA_FORMAT_MARSHAL, "Marshal" },
        { " {\"a\":1}", 8, MFA_FORMAT_JSON, "JSON" },
        { "a:1:{s:1:\"a\";i:1;}", 18, MFA_FORMAT_PHP_SERIALIZE,
          "php_serialize" },
        { "user|i:1;", 9, MFA_FORMAT_PHP, "\"php\"" },
        { "\x04userb:1;", 9, MFA_FORMAT_PHP_BINARY, "php_binary" },
        { django_json, sizeof(django_json) - 1, MFA_FORMAT_DJANGO,
          "Django" },
        { "\xac\xed\x00\x05sr", 6, -1, "Java" },
        { "\x00\x00\x00\x02\x14\x01", 6, -1, "igbinary" },
        { "eyJpdiI6IjEyMyJ9", 16, -1, "Laravel" },
    };

    static const struct {
        const char  *rec;
        size_t       len;
    } nothing[] = {
        { "", 0 }, { "hello", 5 }, { "\x80", 1 }, { "\x80\x06", 2 },
        { "\x04", 1 }, { "|x", 2 }, { "\x04us", 3 }, { "\x05user\x00:", 7 },
        { "abc:def:ghi", 11 }, { "a:x", 3 },
    };

    for (i = 0; i < mfa_test_nelts(cases); i++) {
        const char  *like = mfa_record_guess(cases[i].rec, cases[i].len,
                                             &format);

        if (like == NULL || strstr(like, cases[i].says) == NULL
            || format != cases[i].format)
        {
            fail_msg("case %zu: \"%s\", format %d", i, like ? like : "-",
                     format);
        }
    }

    for (i = 0; i < mfa_test_nelts(nothing); i++) {
        if (mfa_record_guess(nothing[i].rec, nothing[i].len, &format)
            != NULL)
        {
            fail_msg("nothing %zu: a guess", i);
        }
    }
}


/* the gate's line for a record of another format names the directive */

static void
test_gate_names_the_format(void **state)
{
    mfa_err_t            err;
    mfa_format_t         json, pickle, hash;
    mfa_gate_spec_t      spec;
    mfa_gate_state_t     st;
    mfa_gate_input_t     in;
    mfa_gate_identity_t  id;

    memset(&json, 0, sizeof(json));
    memset(&pickle, 0, sizeof(pickle));
    memset(&hash, 0, sizeof(hash));
    pickle.format = MFA_FORMAT_PICKLE;
    hash.format = MFA_FORMAT_HASH;

    memset(&spec, 0, sizeof(spec));
    memset(&st, 0, sizeof(st));
    spec.format = &json;
    spec.paths[MFA_PATH_USER] = MFA_TEST_STR("user.id");
    st.session = MFA_RECORD_OK;
    st.record = (mfa_str_t) { pickle_rec, sizeof(pickle_rec) - 1 };

    err.msg[0] = '\0';
    mfa_gate_identify(&spec, &st, &in, &id, &err);
    assert_int_equal(in.session, MFA_RECORD_INVALID);
    assert_non_null(strstr(err.msg, "JSON"));
    assert_non_null(strstr(err.msg, "it looks like a Python pickle: "
                                    "\"mfa_session_format pickle\" reads "
                                    "it"));

    /* the format named, but a record it does not read: no guess */
    spec.format = &pickle;
    st.record = MFA_TEST_STR("\x80\x04K\x01");
    err.msg[0] = '\0';
    mfa_gate_identify(&spec, &st, &in, &id, &err);
    assert_int_equal(in.session, MFA_RECORD_INVALID);
    assert_null(strstr(err.msg, "looks like"));

    /* a hash field of Java serialization: said, with no directive */
    spec.format = &hash;
    st.fields[MFA_PATH_USER] = MFA_TEST_STR("\xac\xed\x00\x05t\x00\x03" "bob");
    spec.paths[MFA_PATH_USER] = MFA_TEST_STR("sessionAttr:user.id");
    err.msg[0] = '\0';
    mfa_gate_identify(&spec, &st, &in, &id, &err);
    assert_int_equal(in.session, MFA_RECORD_INVALID);
    assert_non_null(strstr(err.msg, "it looks like Java serialization"));
    assert_null(strstr(err.msg, "mfa_session_format"));
}


int
main(void)
{
    const struct CMUnitTest  tests[] = {
        cmocka_unit_test(test_format_names),
        cmocka_unit_test(test_dispatch),
        cmocka_unit_test(test_django),
        cmocka_unit_test(test_guess),
        cmocka_unit_test(test_gate_names_the_format),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
