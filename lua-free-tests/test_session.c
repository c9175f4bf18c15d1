
/*
 * Unit tests of session record reading (src/mfa_session.c): dot paths in
 * a JSON record, the types taken and refused, malformed records, fields
 * of a Redis hash, and the path, truthiness and id checks.
 */


#include "mfa_test.h"

#include "mfa_session.h"


/* looks up one path; returns the rc, the value in *v */

static int
json_get(const char *json, const char *path, mfa_session_value_t *v,
    mfa_err_t *err)
{
    mfa_str_t  p;

    p.data = path;
    p.len = strlen(path);

    err->msg[0] = '\0';
    memset(v, 0x5a, sizeof(*v));

    return mfa_session_json_get(json, strlen(json), &p, 1, v, err);
}


static void
assert_found(const char *json, const char *path, const char *want)
{
    mfa_err_t            err;
    mfa_session_value_t  v;

    if (json_get(json, path, &v, &err) != MFA_OK) {
        fail_msg("%s at \"%s\": %s", json, path, err.msg);
    }

    if (!v.found || v.len != strlen(want) || strcmp(v.data, want) != 0) {
        fail_msg("%s at \"%s\": found %d \"%.*s\", want \"%s\"", json, path,
                 v.found, (int) v.len, v.data, want);
    }
}


static void
assert_not_found(const char *json, const char *path)
{
    mfa_err_t            err;
    mfa_session_value_t  v;

    if (json_get(json, path, &v, &err) != MFA_OK) {
        fail_msg("%s at \"%s\": %s", json, path, err.msg);
    }

    if (v.found || v.len != 0) {
        fail_msg("%s at \"%s\": found \"%.*s\"", json, path, (int) v.len,
                 v.data);
    }
}


/* the rc is MFA_ERROR and the message has "want" in it */

static void
assert_json_error(const char *json, const char *path, const char *want)
{
    mfa_err_t            err;
    mfa_session_value_t  v;

    if (json_get(json, path, &v, &err) != MFA_ERROR) {
        fail_msg("%s at \"%s\": not an error", json, path);
    }

    if (!mfa_test_contains(err.msg, want)) {
        fail_msg("%s at \"%s\": message \"%s\" lacks \"%s\"", json, path,
                 err.msg, want);
    }
}


static void
test_json_strings_and_integers(void **state)
{
    assert_found("{\"user\":{\"id\":\"42\"}}", "user.id", "42");
    assert_found("{\"user\":{\"id\":42}}", "user.id", "42");
    assert_found("{\"user\":{\"id\":-7}}", "user.id", "-7");
    assert_found("{\"user\":{\"id\":0}}", "user.id", "0");
    assert_found("{\"user\":{\"id\":9223372036854775807}}", "user.id",
                 "9223372036854775807");
    assert_found("{\"passport\":{\"user\":\"alice@example.com\"}}",
                 "passport.user", "alice@example.com");
    assert_found("{\"uid\":\"u-1\"}", "uid", "u-1");
    assert_found("{\"a\":{\"b\":{\"c\":{\"d\":\"deep\"}}}}", "a.b.c.d",
                 "deep");
    assert_found("{\"user\":\"\"}", "user", "");
    assert_found("{\"user\":\"caf\\u00e9\"}", "user", "caf\xc3\xa9");

    /* the key "user.id" is not the path user -> id, but "[user.id]" */
    assert_not_found("{\"user.id\":\"1\"}", "user.id");
    assert_found("{\"user.id\":\"1\"}", "[user.id]", "1");
    assert_found("{\"user\":{\"id\":\"2\"},\"user.id\":\"1\"}", "[user].[id]",
                 "2");
    assert_found("{\"a b\":{\"[x\":\"3\"}}", "[a b][[x]", "3");
}


static void
test_json_arrays(void **state)
{
    static const char  roles[] =
        "{\"roles\":[\"admin\",\"user\"],\"m\":[[1,2],[3,{\"x\":\"y\"}]]}";

    assert_found(roles, "roles.0", "admin");
    assert_found(roles, "roles.1", "user");
    assert_found(roles, "m.0.1", "2");
    assert_found(roles, "m.1.1.x", "y");
    assert_not_found(roles, "roles.2");
    assert_found(roles, "roles[1]", "user");
    assert_found(roles, "m[1][1].x", "y");
    assert_found(roles, "[m].[1].[1][x]", "y");
    assert_found("{\"warden.user.user.key\":[[7],\"$2a$12$salt\"]}",
                 "[warden.user.user.key][0][0]", "7");

    /* a name where the record has an array: a record of another shape */
    assert_json_error(roles, "roles.x", "\"x\" is no index");
    assert_json_error(roles, "roles.-1", "array");
    assert_json_error(roles, "roles.0x", "array");
    assert_json_error(roles, "roles.99999999999999999999", "array");
}


static void
test_json_booleans_and_null(void **state)
{
    mfa_err_t            err;
    mfa_session_value_t  v;

    assert_found("{\"admin\":true}", "admin", "true");
    assert_int_equal(json_get("{\"admin\":true}", "admin", &v, &err),
                     MFA_OK);
    assert_true(v.boolean);
    assert_int_equal(json_get("{\"admin\":\"true\"}", "admin", &v, &err),
                     MFA_OK);
    assert_false(v.boolean);
    assert_found("{\"admin\":false}", "admin", "false");
    assert_found("{\"s\":{\"admin\":true}}", "s.admin", "true");

    assert_not_found("{\"user\":null}", "user");
    assert_not_found("{\"user\":{\"id\":null}}", "user.id");
    assert_not_found("{}", "user.id");
    assert_not_found("{\"user\":{}}", "user.id");
    assert_not_found("{\"other\":1}", "user");

    /* a path through null finds nothing; through a scalar it is an
       error: the record does not have the shape configured */
    assert_not_found("{\"user\":null}", "user.id");
    assert_json_error("{\"user\":\"victim\"}", "user.id",
                      "meets a string where it expects an object with "
                      "\"id\"");
    assert_json_error("{\"user\":42}", "user.id", "meets a number");
    assert_json_error("{\"user\":false}", "user.id", "meets a boolean");
    assert_json_error("{\"a\":{\"b\":\"x\"}}", "a.b.c", "\"a.b.c\"");
}


static void
test_json_wrong_types(void **state)
{
    assert_json_error("{\"user\":{\"id\":{}}}", "user.id", "\"user.id\"");
    assert_json_error("{\"user\":{\"id\":{}}}", "user.id",
                      "not a string, an integer or a boolean");
    assert_json_error("{\"user\":{\"id\":[1]}}", "user.id", "\"user.id\"");
    assert_json_error("{\"user\":{\"id\":1.5}}", "user.id", "\"user.id\"");
    assert_json_error("{\"user\":{\"id\":1e3}}", "user.id", "\"user.id\"");
    assert_json_error("{\"user\":{\"id\":\"1\"}}", "user", "\"user\"");
}


static void
test_json_malformed(void **state)
{
    mfa_err_t            err;
    mfa_session_value_t  v;
    mfa_str_t            p;

    assert_json_error("{\"user\":", "user", "JSON");
    assert_json_error("", "user", "JSON");
    assert_json_error("not json", "user", "JSON");
    assert_json_error("{\"user\":\"1\"} trailing", "user", "JSON");
    assert_json_error("{'user':'1'}", "user", "JSON");
    assert_json_error("{\"user\":\"\\x\"}", "user", "JSON");

    /* only an object is a session record */
    assert_json_error("[\"42\"]", "0", "not an object");
    assert_json_error("[{\"user\":\"42\"}]", "0.user", "not an object");
    assert_json_error("\"42\"", "user", "JSON");
    assert_json_error("42", "user", "JSON");
    assert_json_error("null", "user", "JSON");

    /* duplicate keys, at any depth: which one would count? */
    assert_json_error("{\"user\":\"1\",\"user\":\"2\"}", "user", "JSON");
    assert_json_error("{\"s\":{\"id\":\"1\",\"id\":\"2\"}}", "s.id", "JSON");

    /* a NUL inside the length given */
    p.data = "user";
    p.len = 4;
    assert_int_equal(mfa_session_json_get("{\"user\":\"1\"}\0", 13, &p, 1,
                                          &v, &err), MFA_ERROR);
}


static void
test_json_value_length(void **state)
{
    char                 json[600], value[300];
    mfa_err_t            err;
    mfa_session_value_t  v;

    memset(value, 'x', sizeof(value));

    /* 255 bytes fit */

    snprintf(json, sizeof(json), "{\"user\":\"%.*s\"}", 255, value);
    assert_int_equal(json_get(json, "user", &v, &err), MFA_OK);
    assert_true(v.found);
    assert_int_equal(v.len, 255);
    assert_int_equal(v.data[255], '\0');

    /* 256 do not */

    snprintf(json, sizeof(json), "{\"user\":\"%.*s\"}", 256, value);
    assert_int_equal(json_get(json, "user", &v, &err), MFA_ERROR);
    assert_true(mfa_test_contains(err.msg, "\"user\""));
    assert_true(mfa_test_contains(err.msg, "longer than 255"));

    /* a path component of 256 bytes or more: refused by the
       configuration (mfa_session_path_valid), and never a key */

    snprintf(json, sizeof(json), "{\"user\":\"1\"}");
    value[299] = '\0';
    assert_false(mfa_session_path_valid(value, 299));
    assert_int_equal(json_get(json, value, &v, &err), MFA_OK);
    assert_false(v.found);
}


static void
test_json_several_paths(void **state)
{
    mfa_err_t            err;
    mfa_str_t            paths[3];
    mfa_session_value_t  v[3];

    static const char  json[] =
        "{\"passport\":{\"user\":\"7\"},\"company\":12,\"admin\":true}";

    paths[0] = MFA_TEST_STR("passport.user");
    paths[1] = MFA_TEST_STR("company");
    paths[2] = MFA_TEST_STR("missing");

    memset(v, 0x5a, sizeof(v));

    assert_int_equal(mfa_session_json_get(json, sizeof(json) - 1, paths, 3, v,
                                          &err), MFA_OK);
    assert_true(v[0].found);
    assert_string_equal(v[0].data, "7");
    assert_true(v[1].found);
    assert_string_equal(v[1].data, "12");
    assert_false(v[2].found);
    assert_int_equal(v[2].len, 0);

    /* one bad path fails the whole lookup */
    paths[2] = MFA_TEST_STR("passport");
    err.msg[0] = '\0';
    assert_int_equal(mfa_session_json_get(json, sizeof(json) - 1, paths, 3, v,
                                          &err), MFA_ERROR);
    assert_true(mfa_test_contains(err.msg, "\"passport\""));
}


static void
test_hash_fields(void **state)
{
    char                 big[300];
    size_t               at;
    mfa_err_t            err;
    mfa_str_t            fields[4], paths[4], field;
    mfa_session_value_t  v[4];

    paths[0] = MFA_TEST_STR("user_id");
    fields[0] = MFA_TEST_STR("42");
    paths[1] = MFA_TEST_STR("data.company.id");
    fields[1] = MFA_TEST_STR("{\"company\":{\"id\":12}}");
    paths[2] = MFA_TEST_STR("is_admin");
    fields[2].data = NULL;
    fields[2].len = 0;
    paths[3] = MFA_TEST_STR("data.admin");
    fields[3] = MFA_TEST_STR("{\"admin\":true}");

    memset(v, 0x5a, sizeof(v));

    assert_int_equal(mfa_session_hash_get(fields, paths, 4, 0, v, &err),
                     MFA_OK);
    assert_true(v[0].found);
    assert_int_equal(v[0].len, 2);
    assert_string_equal(v[0].data, "42");
    assert_true(v[1].found);
    assert_string_equal(v[1].data, "12");
    assert_false(v[2].found);
    assert_int_equal(v[2].len, 0);
    assert_true(v[3].found);
    assert_string_equal(v[3].data, "true");

    /* a plain field is taken as it is, JSON or not */
    paths[0] = MFA_TEST_STR("raw");
    fields[0] = MFA_TEST_STR("{\"x\":1}");
    assert_int_equal(mfa_session_hash_get(fields, paths, 1, 0, v, &err),
                     MFA_OK);
    assert_string_equal(v[0].data, "{\"x\":1}");

    /* missing inside the JSON */
    paths[0] = MFA_TEST_STR("data.user");
    fields[0] = MFA_TEST_STR("{\"admin\":true}");
    assert_int_equal(mfa_session_hash_get(fields, paths, 1, 0, v, &err),
                     MFA_OK);
    assert_false(v[0].found);

    /* bad JSON in the field */
    paths[0] = MFA_TEST_STR("data.user");
    fields[0] = MFA_TEST_STR("{\"user\":");
    err.msg[0] = '\0';
    assert_int_equal(mfa_session_hash_get(fields, paths, 1, 0, v, &err),
                     MFA_ERROR);
    assert_true(mfa_test_contains(err.msg, "JSON"));

    /* a field of 256 bytes or more */
    memset(big, 'x', sizeof(big));
    paths[0] = MFA_TEST_STR("user_id");
    fields[0].data = big;
    fields[0].len = 255;
    assert_int_equal(mfa_session_hash_get(fields, paths, 1, 0, v, &err),
                     MFA_OK);
    assert_int_equal(v[0].len, 255);
    fields[0].len = 256;
    err.msg[0] = '\0';
    assert_int_equal(mfa_session_hash_get(fields, paths, 1, 0, v, &err),
                     MFA_ERROR);
    assert_true(mfa_test_contains(err.msg, "\"user_id\""));

    /* the field part of a path, and where the rest starts */
    field = mfa_session_hash_field(MFA_TEST_STR("data.a.b"), &at);
    assert_int_equal(field.len, 4);
    assert_int_equal(at, 5);
    field = mfa_session_hash_field(MFA_TEST_STR("data"), &at);
    assert_int_equal(field.len, 4);
    assert_int_equal(at, 4);
    field = mfa_session_hash_field(MFA_TEST_STR("[sessionAttr:a.b].id"),
                                   &at);
    assert_true(field.len == 15 && memcmp(field.data, "sessionAttr:a.b", 15)
                                   == 0);
    assert_int_equal(at, 18);

    /* a field whose name has a dot, then JSON in it */
    paths[0] = MFA_TEST_STR("[sessionAttr:ctx.v2].user[0]");
    fields[0] = MFA_TEST_STR("{\"user\":[\"bob\"]}");
    assert_int_equal(mfa_session_hash_get(fields, paths, 1, 0, v, &err),
                     MFA_OK);
    assert_true(v[0].found && strcmp(v[0].data, "bob") == 0);
}


/* a hash whose every field is JSON, as Spring Session's JSON serializer
   writes it */

static void
test_hash_json_fields(void **state)
{
    size_t               i;
    mfa_err_t            err;
    mfa_str_t            fields[1], paths[1];
    mfa_session_value_t  v[1];

    static const struct {
        const char  *field;
        int          rc;
        int          found;
        const char  *value;
    } cases[] = {
        { "\"bob\"", MFA_OK, 1, "bob" },
        { " \"b\\u006fb\" ", MFA_OK, 1, "bob" },
        { "42", MFA_OK, 1, "42" },
        { "true", MFA_OK, 1, "true" },
        { "null", MFA_OK, 0, "" },
        /* not a value a path may end at, or not JSON */
        { "{\"id\":\"bob\"}", MFA_ERROR, 0, "not a string" },
        { "[\"java.lang.Long\",42]", MFA_ERROR, 0, "not a string" },
        { "bob", MFA_ERROR, 0, "not valid JSON" },
        { "\"bob\" x", MFA_ERROR, 0, "not valid JSON" },
        { "", MFA_ERROR, 0, "not valid JSON" },
        /* JDK serialization, Spring Session's default */
        { "\xac\xed\x00\x05t\x00\x03bob", MFA_ERROR, 0, "not valid JSON" },
    };

    paths[0] = MFA_TEST_STR("[sessionAttr:user]");

    for (i = 0; i < mfa_test_nelts(cases); i++) {
        fields[0].data = (char *) cases[i].field;
        fields[0].len = (cases[i].field[0] == '\xac') ? 11
                        : strlen(cases[i].field);
        err.msg[0] = '\0';
        memset(v, 0x5a, sizeof(v));

        assert_int_equal(mfa_session_hash_get(fields, paths, 1, 1, v, &err),
                         cases[i].rc);

        if (cases[i].rc == MFA_ERROR) {
            assert_true(mfa_test_contains(err.msg, cases[i].value));
            continue;
        }

        assert_int_equal(v[0].found, cases[i].found);

        if (cases[i].found) {
            assert_string_equal(v[0].data, cases[i].value);
        }
    }

    /* a path into the field's JSON, as without json_fields */
    paths[0] = MFA_TEST_STR("[sessionAttr:SPRING_SECURITY_CONTEXT]"
                            ".authentication.principal.username");
    fields[0] = MFA_TEST_STR("{\"@class\":\"org.springframework.security.core"
                             ".context.SecurityContextImpl\",\"authentication"
                             "\":{\"principal\":{\"username\":\"bob\"}}}");
    assert_int_equal(mfa_session_hash_get(fields, paths, 1, 1, v, &err),
                     MFA_OK);
    assert_true(v[0].found && strcmp(v[0].data, "bob") == 0);

    /* the error names the whole path */
    paths[0] = MFA_TEST_STR("[sessionAttr:user]");
    fields[0] = MFA_TEST_STR("{}");
    assert_int_equal(mfa_session_hash_get(fields, paths, 1, 1, v, &err),
                     MFA_ERROR);
    assert_true(mfa_test_contains(err.msg, "[sessionAttr:user]"));
}


static void
test_path_valid(void **state)
{
    size_t  i;

    static const char  *ok[] = {
        "user", "user.id", "passport.user", "roles.0", "a.b.c.d.e",
        "_csrf", "user-id", "caf\xc3\xa9", "[warden.user.user.key][0][0]",
        "users[0].id", "a.[b]", "[a b]", "[a.b]", "[[]", "x[.].y",
        "[sessionAttr:SPRING_SECURITY_CONTEXT].authentication",
    };

    static const char  *bad[] = {
        "", ".", "..", ".user", "user.", "user..id", "user id", "user\tid",
        "user\x7f", "user\n", " user", "[]", "[a", "a]", "[a]b", "a[b",
        "[a].", "[a\tb]", "[a]]", "a.[]", ".[a]", "[a]..b",
    };

    for (i = 0; i < mfa_test_nelts(ok); i++) {
        if (!mfa_session_path_valid(ok[i], strlen(ok[i]))) {
            fail_msg("\"%s\" rejected", ok[i]);
        }
    }

    for (i = 0; i < mfa_test_nelts(bad); i++) {
        if (mfa_session_path_valid(bad[i], strlen(bad[i]))) {
            fail_msg("\"%s\" accepted", bad[i]);
        }
    }

    assert_false(mfa_session_path_valid("a\0b", 3));
}


static void
test_value_truthy(void **state)
{
    size_t  i;

    static const char  *yes[] = {
        "true", "1", "yes", "on", "TRUE", "True", "YES", "On", "2", "-1",
        "10", "01", "007", "-42", "9999999999999999999999",
    };

    static const char  *no[] = {
        "false", "0", "no", "off", "", "-", "00", "-0", "abc", "truee",
        "tru", " 1", "1 ", "1.5", "1abc", "0x1", "+1", "y", "t", "null",
        "1-", "--1",
    };

    for (i = 0; i < mfa_test_nelts(yes); i++) {
        if (!mfa_value_truthy(yes[i], strlen(yes[i]))) {
            fail_msg("\"%s\" is not truthy", yes[i]);
        }
    }

    for (i = 0; i < mfa_test_nelts(no); i++) {
        if (mfa_value_truthy(no[i], strlen(no[i]))) {
            fail_msg("\"%s\" is truthy", no[i]);
        }
    }

    /* the length given is the value */
    assert_true(mfa_value_truthy("1abc", 1));
    assert_false(mfa_value_truthy("truex", 5));
    assert_true(mfa_value_truthy("truex", 4));
}


static void
test_id_valid(void **state)
{
    char    id[MFA_ID_MAX + 2];
    size_t  i;

    static const char  *ok[] = {
        "42", "alice@example.com", "a", "u-1_2.3", "caf\xc3\xa9",
        "{\"x\"}", "0",
    };

    static const char  *bad[] = {
        "", "a:b", ":", "a b", " a", "a\t", "a\n", "a\r", "a\x7f",
        "a\x01", "user:42:companies",
    };

    for (i = 0; i < mfa_test_nelts(ok); i++) {
        if (!mfa_id_valid(ok[i], strlen(ok[i]))) {
            fail_msg("\"%s\" rejected", ok[i]);
        }
    }

    for (i = 0; i < mfa_test_nelts(bad); i++) {
        if (mfa_id_valid(bad[i], strlen(bad[i]))) {
            fail_msg("\"%s\" accepted", bad[i]);
        }
    }

    assert_false(mfa_id_valid("a\0b", 3));

    /* 128 bytes, then 129 */
    memset(id, 'x', sizeof(id));
    assert_true(mfa_id_valid(id, MFA_ID_MAX));
    assert_false(mfa_id_valid(id, MFA_ID_MAX + 1));
    assert_int_equal(MFA_ID_MAX, 128);
}


/*
 * The text checked as jansson 2.14 checks it (JSON_REJECT_DUPLICATES):
 * each verdict here is jansson's, run on the same text.
 */

static void
test_json_as_jansson(void **state)
{
    int                  i, k, rc;
    char                *deep;
    mfa_err_t            err;
    mfa_session_value_t  v;

    static const struct {
        const char  *json;
        int          ok;
    } cases[] = {
        { "{\"a\":1,\"a\":2}", 0 },
        { "{\"a\":1,\"\\u0061\":2}", 0 },
        { "{\"x\":{\"a\":1},\"y\":{\"a\":1}}", 1 },
        { "{\"a\":{\"a\":{\"a\":1}}}", 1 },
        { "{\"\\ud83d\\ude00\":1,\"\xf0\x9f\x98\x80\":2}", 0 },
        { "{\"a\":\"\\ud800\"}", 0 },
        { "{\"a\":\"\\udc00\"}", 0 },
        { "{\"a\":\"\\u0000\"}", 0 },
        { "{\"a\":9223372036854775807}", 1 },
        { "{\"a\":9223372036854775808}", 0 },
        { "{\"a\":-9223372036854775808}", 1 },
        { "{\"a\":-9223372036854775809}", 0 },
        { "{\"b\":1e308}", 1 },
        { "{\"b\":1e309}", 0 },
        { "{\"b\":-1e400}", 0 },
        { "{\"b\":1e-400}", 1 },
        { "{\"a\":01}", 0 },
        { "{\"a\":-}", 0 },
        { "{\"a\":1.}", 0 },
        { "{\"a\":.5}", 0 },
        { "{\"a\":\"\xc0\x80\"}", 0 },
        { "{\"a\":\"\xed\xa0\x80\"}", 0 },
        { "{\"a\":\"\xf4\x90\x80\x80\"}", 0 },
        { "{\"a\":\"\x7f\"}", 1 },
        { "{\"a\":\"\x1f\"}", 0 },
        { "{\"a\":1,}", 0 },
        { " {} ", 1 },
        { "{}x", 0 },
        { "\"s\"", 0 },
        { "{\"a\":tru}", 0 },
        { "{\"a\":\"\\x\"}", 0 },
        { "{\"a\":\"\\/\"}", 1 },
        /* from a black-box attack on the demo (session 11): a BOM, a
           vertical tab between tokens, a name spelled with an escape
           that repeats another */
        { "\xef\xbb\xbf{}", 0 },
        { "{\v}", 0 },
        { "{\"company\\u005fid\":\"a\",\"company_id\":\"b\"}", 0 },
    };

    (void) state;

    for (i = 0; i < (int) mfa_test_nelts(cases); i++) {
        /* a path no case has: the verdict is on the text alone */
        rc = json_get(cases[i].json, "none", &v, &err);

        if ((rc == MFA_OK) != cases[i].ok) {
            fail_msg("%s: %s (%s)", cases[i].json,
                     rc == MFA_OK ? "accepted" : "refused", err.msg);
        }
    }

    /* a member's text inside a string is the string's (the attack's
       record: a name a user chose, written to look like a member) */
    assert_found("{\"n\":\"x\\\",\\\"company_id\\\":\\\"globex\","
                 "\"company_id\":\"acme\"}", "company_id", "acme");

    /* a NUL byte: jansson skips one after a literal, the reader does not */
    assert_int_equal(mfa_session_json_get("{\"a\":true\0}", 11,
                                          &(mfa_str_t) { "a", 1 }, 1, &v,
                                          &err), MFA_ERROR);

    /* 2,048 values deep (the root, arrays, the number) and no deeper */

    deep = malloc(5000);
    assert_non_null(deep);

    for (k = 2046; k <= 2047; k++) {
        strcpy(deep, "{\"a\":");
        memset(deep + 5, '[', k);
        deep[5 + k] = '1';
        memset(deep + 6 + k, ']', k);
        strcpy(deep + 6 + 2 * k, "}");

        rc = json_get(deep, "none", &v, &err);
        assert_int_equal(rc, k == 2046 ? MFA_OK : MFA_ERROR);
    }

    free(deep);

    /* names decoded before they are compared: with a path, and each other */
    assert_found("{\"u\\u0073er\":{\"\\u0069d\":\"u\\u00e9\"}}", "user.id",
                 "u\xc3\xa9");
    assert_found("{\"a\":[0,{\"\\ud83d\\ude00\":\"x\"}]}",
                 "a.1.\xf0\x9f\x98\x80", "x");
}


/* many names in one object: checked without quadratic time */

static void
test_json_many_names(void **state)
{
    int                  i, n;
    char                *json;
    mfa_err_t            err;
    mfa_session_value_t  v;

    (void) state;

    json = malloc(20000 * 20 + 16);
    assert_non_null(json);

    n = sprintf(json, "{");

    for (i = 0; i < 20000; i++) {
        n += sprintf(json + n, "\"k%d\":%d,", i, i);
    }

    n += sprintf(json + n, "\"user\":\"u\"}");

    assert_int_equal(json_get(json, "user", &v, &err), MFA_OK);
    assert_string_equal(v.data, "u");

    /* the same name last: refused */
    strcpy(json + n - 11, "\"k19999\":1}");
    assert_int_equal(json_get(json, "user", &v, &err), MFA_ERROR);
    assert_non_null(strstr(err.msg, "duplicate"));

    free(json);
}


int
main(void)
{
    const struct CMUnitTest  tests[] = {
        cmocka_unit_test(test_json_strings_and_integers),
        cmocka_unit_test(test_json_arrays),
        cmocka_unit_test(test_json_booleans_and_null),
        cmocka_unit_test(test_json_wrong_types),
        cmocka_unit_test(test_json_malformed),
        cmocka_unit_test(test_json_value_length),
        cmocka_unit_test(test_json_several_paths),
        cmocka_unit_test(test_hash_fields),
        cmocka_unit_test(test_hash_json_fields),
        cmocka_unit_test(test_path_valid),
        cmocka_unit_test(test_value_truthy),
        cmocka_unit_test(test_id_valid),
        cmocka_unit_test(test_json_as_jansson),
        cmocka_unit_test(test_json_many_names),
    };

    return cmocka_run_group_tests_name("session", tests, NULL, NULL);
}
