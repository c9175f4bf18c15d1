
/*
 * Unit tests of src/mfa_api.c: the policy update parser (only
 * {"require_2fa": bool}) and the JSON the API answers, parsed back with
 * jansson; invalid UTF-8 and too small buffers fail instead of emitting
 * broken JSON.
 */


#include "mfa_test.h"

#include <jansson.h>

#include "mfa_api.h"


static json_t *
parse_back(const mfa_buf_t *b)
{
    json_t        *doc;
    json_error_t   err;

    doc = json_loadb(b->data, b->len, JSON_REJECT_DUPLICATES, &err);
    if (doc == NULL) {
        fail_msg("not JSON: %.*s (%s)", (int) b->len, b->data, err.text);
    }

    return doc;
}


static void
test_policy_parse_ok(void **state)
{
    int        require;
    mfa_err_t  err;

    require = -1;
    assert_int_equal(mfa_api_policy_parse("{\"require_2fa\":true}", 20,
                                          &require, &err), MFA_OK);
    assert_int_equal(require, 1);

    assert_int_equal(mfa_api_policy_parse(" { \"require_2fa\" : false }\n",
                                          27, &require, &err), MFA_OK);
    assert_int_equal(require, 0);
}


static void
test_policy_parse_bad(void **state)
{
    size_t       i;
    int          require;
    mfa_err_t    err;

    static const struct {
        const char  *body;
        const char  *says;
    } bad[] = {
        { "", "not JSON" },
        { "{", "not JSON" },
        { "true", "not JSON" },
        { "[true]", "expected an object" },
        { "\"require_2fa\"", "not JSON" },
        { "{}", "must be true or false" },
        { "{\"require_2fa\":1}", "must be true or false" },
        { "{\"require_2fa\":\"true\"}", "must be true or false" },
        { "{\"require_2fa\":null}", "must be true or false" },
        { "{\"require_2fa\":true,\"x\":1}", "only \"require_2fa\"" },
        { "{\"require_2fa\":true,\"require_2fa\":false}", "not JSON" },
        { "{\"require_2fa\":true} x", "not JSON" },
    };

    for (i = 0; i < mfa_test_nelts(bad); i++) {
        require = 7;
        err.msg[0] = '\0';

        if (mfa_api_policy_parse(bad[i].body, strlen(bad[i].body), &require,
                                 &err) != MFA_ERROR)
        {
            fail_msg("%s accepted", bad[i].body);
        }

        if (strstr(err.msg, bad[i].says) == NULL) {
            fail_msg("%s: \"%s\" does not say \"%s\"", bad[i].body, err.msg,
                     bad[i].says);
        }

        assert_int_equal(require, 7);
    }
}


static void
test_policy_json(void **state)
{
    char       mem[512];
    json_t    *doc;
    mfa_buf_t  b;

    mfa_buf_init(&b, mem, sizeof(mem));
    assert_int_equal(mfa_api_policy_json("acme", 1, "admin:ann", 1764000000,
                                         &b), MFA_OK);
    doc = parse_back(&b);
    assert_string_equal(json_string_value(json_object_get(doc, "company")),
                        "acme");
    assert_true(json_is_true(json_object_get(doc, "require_2fa")));
    assert_string_equal(json_string_value(json_object_get(doc, "changed_by")),
                        "admin:ann");
    assert_int_equal(json_integer_value(json_object_get(doc, "changed_at")),
                     1764000000);
    assert_int_equal(json_object_size(doc), 4);
    json_decref(doc);

    /* never changed: nulls, not an empty string or 0 */
    mfa_buf_init(&b, mem, sizeof(mem));
    assert_int_equal(mfa_api_policy_json("a\"b", 0, NULL, 0, &b), MFA_OK);
    doc = parse_back(&b);
    assert_string_equal(json_string_value(json_object_get(doc, "company")),
                        "a\"b");
    assert_true(json_is_false(json_object_get(doc, "require_2fa")));
    assert_true(json_is_null(json_object_get(doc, "changed_by")));
    assert_true(json_is_null(json_object_get(doc, "changed_at")));
    json_decref(doc);
}


static void
test_status_json(void **state)
{
    char       mem[512];
    json_t    *doc;
    mfa_buf_t  b;

    mfa_buf_init(&b, mem, sizeof(mem));
    assert_int_equal(mfa_api_status_json("u<1>", NULL, 1, 0, 1, &b), MFA_OK);
    doc = parse_back(&b);
    assert_string_equal(json_string_value(json_object_get(doc, "user")),
                        "u<1>");
    assert_true(json_is_null(json_object_get(doc, "company")));
    assert_true(json_is_true(json_object_get(doc, "enrolled")));
    assert_true(json_is_false(json_object_get(doc, "verified")));
    assert_true(json_is_true(json_object_get(doc, "required")));
    json_decref(doc);
}


static void
test_invalid_utf8_and_overflow(void **state)
{
    size_t     need, size;
    char       mem[512];
    mfa_buf_t  b;

    mfa_buf_init(&b, mem, sizeof(mem));
    assert_int_not_equal(mfa_api_status_json("\xff\xfe", "c", 0, 0, 0, &b),
                         MFA_OK);
    assert_int_equal(b.len, 0);

    mfa_buf_init(&b, mem, sizeof(mem));
    assert_int_equal(mfa_api_error_json("bad_json", "at line 1", &b), MFA_OK);
    need = strlen("{\"error\":\"bad_json\",\"message\":\"at line 1\"}");
    assert_int_equal(b.len, need);
    assert_memory_equal(mem,
        "{\"error\":\"bad_json\",\"message\":\"at line 1\"}", need);

    /* every smaller buffer fails whole; the exact size works */

    for (size = 0; size < need; size++) {
        mfa_buf_init(&b, mem, size);
        assert_int_equal(mfa_api_error_json("bad_json", "at line 1", &b),
                         MFA_TOO_LARGE);
        assert_int_equal(b.len, 0);
    }

    mfa_buf_init(&b, mem, need);
    assert_int_equal(mfa_api_error_json("bad_json", "at line 1", &b), MFA_OK);
    assert_int_equal(b.len, need);
}


int
main(void)
{
    const struct CMUnitTest  tests[] = {
        cmocka_unit_test(test_policy_parse_ok),
        cmocka_unit_test(test_policy_parse_bad),
        cmocka_unit_test(test_policy_json),
        cmocka_unit_test(test_status_json),
        cmocka_unit_test(test_invalid_utf8_and_overflow),
    };

    return cmocka_run_group_tests_name("api", tests, NULL, NULL);
}
