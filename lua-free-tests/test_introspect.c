
/*
 * Unit tests of the app's answer to the gate's introspection
 * (src/mfa_introspect.c): which answers are a record, a visitor or an app
 * that could not be asked, and the session id a record gives.
 */


#include "mfa_test.h"
#include "mfa_introspect.h"


/* whether the gate read a session credential from the request */
static int  credential = 1;


static mfa_introspect_e
read_answer(int status, const char *body, mfa_introspect_t *ans,
    mfa_err_t *err)
{
    err->msg[0] = '\0';
    mfa_introspect_read(status, body, body ? strlen(body) : 0,
                        MFA_TEST_STR("user.id"), credential, ans, err);

    return ans->kind;
}


static void
test_records(void **state)
{
    mfa_err_t         err;
    mfa_introspect_t  ans;

    (void) state;

    assert_int_equal(read_answer(200, "{\"session\":\"abc\",\"user\":\"bob\"}",
                                 &ans, &err), MFA_INTROSPECT_RECORD);
    assert_true(ans.session.found);
    assert_string_equal(ans.session.data, "abc");

    /* an integer id, in decimal; leading space is JSON too */
    assert_int_equal(read_answer(200, " \n{\"session\":12345678901234}",
                                 &ans, &err), MFA_INTROSPECT_RECORD);
    assert_string_equal(ans.session.data, "12345678901234");

    /* none, or null: the credential the gate read is the session */
    assert_int_equal(read_answer(200, "{\"user\":\"bob\"}", &ans, &err),
                     MFA_INTROSPECT_RECORD);
    assert_false(ans.session.found);
    assert_int_equal(read_answer(200, "{\"session\":null,\"user\":null}",
                                 &ans, &err), MFA_INTROSPECT_RECORD);
    assert_false(ans.session.found);
}


static void
test_visitor(void **state)
{
    mfa_err_t         err;
    mfa_introspect_t  ans;

    (void) state;

    /* the body of a 401 is not read */
    assert_int_equal(read_answer(401, "not json", &ans, &err),
                     MFA_INTROSPECT_VISITOR);
    assert_int_equal(read_answer(401, NULL, &ans, &err),
                     MFA_INTROSPECT_VISITOR);
    assert_string_equal(err.msg, "");
}


/* no credential read: a "session" is needed to bind a user to */

static void
test_no_credential(void **state)
{
    mfa_err_t         err;
    mfa_introspect_t  ans;

    (void) state;

    credential = 0;

    assert_int_equal(read_answer(200, "{\"session\":\"s\",\"user\":"
                                 "{\"id\":\"bob\"}}", &ans, &err),
                     MFA_INTROSPECT_RECORD);
    assert_string_equal(ans.session.data, "s");

    assert_int_equal(read_answer(200, "{\"user\":{\"id\":\"bob\"}}", &ans,
                                 &err), MFA_INTROSPECT_FAILED);
    assert_non_null(strstr(err.msg, "names a user but no \"session\""));

    /* a user path that does not read is no proof of a visitor */
    assert_int_equal(read_answer(200, "{\"user\":7}", &ans, &err),
                     MFA_INTROSPECT_FAILED);

    assert_int_equal(read_answer(200, "{\"user\":null}", &ans, &err),
                     MFA_INTROSPECT_VISITOR);
    assert_int_equal(read_answer(200, "{\"user\":{\"id\":null}}", &ans,
                                 &err), MFA_INTROSPECT_VISITOR);
    assert_int_equal(read_answer(401, NULL, &ans, &err),
                     MFA_INTROSPECT_VISITOR);

    credential = 1;
}


static void
test_failed(void **state)
{
    size_t            i;
    mfa_err_t         err;
    mfa_introspect_t  ans;

    static const struct {
        int          status;
        const char  *body;
        const char  *why;
    } cases[] = {
        { 0, NULL, "could not be asked" },
        { 500, "{\"session\":\"s\",\"user\":\"bob\"}", "answered 500" },
        { 302, NULL, "answered 302" },
        { 403, "{\"user\":\"bob\"}", "answered 403" },
        { 204, NULL, "answered 204" },
        { 200, NULL, "without a body" },
        { 200, "bob", "JSON" },
        { 200, "[\"bob\"]", "mfa_session_introspect" },
        { 200, "{\"session\":true}", "not a non-empty string" },
        { 200, "{\"session\":\"\"}", "not a non-empty string" },
        { 200, "{\"session\":{\"id\":1}}", "mfa_session_introspect" },
        { 200, "{\"session\":\"s\"", "JSON" },
    };

    (void) state;

    for (i = 0; i < mfa_test_nelts(cases); i++) {
        assert_int_equal(read_answer(cases[i].status, cases[i].body, &ans,
                                     &err), MFA_INTROSPECT_FAILED);
        assert_non_null(strstr(err.msg, "introspection"));

        if (strstr(err.msg, cases[i].why) == NULL) {
            fail_msg("case %zu: \"%s\" does not say \"%s\"", i, err.msg,
                     cases[i].why);
        }
    }

    /* a session id longer than the gate keeps */
    {
        char  body[400];

        memset(body, 'a', sizeof(body));
        memcpy(body, "{\"session\":\"", 12);
        memcpy(body + sizeof(body) - 3, "\"}", 3);
        assert_int_equal(read_answer(200, body, &ans, &err),
                         MFA_INTROSPECT_FAILED);
    }
}


int
main(void)
{
    const struct CMUnitTest  tests[] = {
        cmocka_unit_test(test_records),
        cmocka_unit_test(test_visitor),
        cmocka_unit_test(test_no_credential),
        cmocka_unit_test(test_failed),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
