
/*
 * Unit tests of PHP's session records (src/mfa_php.c): records written by
 * PHP 8.2 itself (session_encode() under each serialize handler), the
 * values at paths through arrays and objects, and what PHP would read
 * differently or not at all refused.
 */


#include "mfa_test.h"
#include "mfa_php.h"


/* written by php8.2-cli: session_start(); $_SESSION = [...];
   session_encode(), under session.serialize_handler = php, php_serialize
   and php_binary ("p|q" left out of the first: its handler refuses a
   name with "|") */
static const char  php_rec[] =
    "user|a:2:{s:2:\"id\";s:3:\"bob\";i:7;d:1.5;}company_id|s:4:\"acme\";"
    "admin|b:1;n|i:42;e|s:0:\"\";u|s:6:\"\xc3\xa9\"x;|\";";
static const char  serialize_rec[] =
    "a:7:{s:4:\"user\";a:3:{s:2:\"id\";s:3:\"bob\";i:7;d:1.5;s:1:\"x\";N;}"
    "s:10:\"company_id\";s:4:\"acme\";s:5:\"admin\";b:1;s:1:\"n\";i:42;"
    "s:1:\"o\";O:11:\"ArrayObject\":4:{i:0;i:0;i:1;a:1:{i:0;i:1;}i:2;a:0:{}"
    "i:3;N;}s:3:\"p|q\";i:1;s:1:\"e\";s:0:\"\";}";
static const char  binary_rec[] =
    "\x04user" "a:3:{s:2:\"id\";s:3:\"bob\";i:7;d:1.5;s:1:\"x\";N;}"
    "\x0a" "company_id" "s:4:\"acme\";\x05" "admin" "b:1;\x01n" "i:42;"
    "\x01o" "O:11:\"ArrayObject\":4:{i:0;i:0;i:1;a:1:{i:0;i:1;}i:2;a:0:{}"
    "i:3;N;}\x03p|q" "i:1;\x01" "e" "s:0:\"\";";


static int
read1(const char *rec, size_t len, mfa_php_handler_e h, const char *path,
    mfa_session_value_t *v, mfa_err_t *err)
{
    mfa_str_t  p;

    p.data = path;
    p.len = strlen(path);
    err->msg[0] = '\0';

    return mfa_php_read(rec, len, h, &p, 1, v, err);
}


static void
found(const char *rec, size_t len, mfa_php_handler_e h, const char *path,
    const char *want)
{
    mfa_err_t            err;
    mfa_session_value_t  v;

    if (read1(rec, len, h, path, &v, &err) != MFA_OK) {
        fail_msg("%s: %s", path, err.msg);
    }

    if (!v.found || v.len != strlen(want) || memcmp(v.data, want, v.len)) {
        fail_msg("%s: found %d \"%.*s\", want \"%s\"", path, v.found,
                 (int) v.len, v.data, want);
    }
}


static void
not_found(const char *rec, size_t len, mfa_php_handler_e h, const char *path)
{
    mfa_err_t            err;
    mfa_session_value_t  v;

    if (read1(rec, len, h, path, &v, &err) != MFA_OK) {
        fail_msg("%s: %s", path, err.msg);
    }

    assert_false(v.found);
}


static void
refused(const char *rec, size_t len, mfa_php_handler_e h, const char *path,
    const char *why)
{
    mfa_err_t            err;
    mfa_session_value_t  v;

    if (read1(rec, len, h, path, &v, &err) != MFA_ERROR) {
        fail_msg("%.*s at %s: not refused", (int) len, rec, path);
    }

    if (!mfa_test_contains(err.msg, why)) {
        fail_msg("%.*s at %s: \"%s\" lacks \"%s\"", (int) len, rec, path,
                 err.msg, why);
    }
}


#define REC(r)  (r), sizeof(r) - 1


static void
test_php_handlers(void **state)
{
    (void) state;

    found(REC(php_rec), MFA_PHP_HANDLER_PHP, "user.id", "bob");
    found(REC(serialize_rec), MFA_PHP_HANDLER_SERIALIZE, "user.id", "bob");
    found(REC(binary_rec), MFA_PHP_HANDLER_BINARY, "user.id", "bob");

    found(REC(php_rec), MFA_PHP_HANDLER_PHP, "company_id", "acme");
    found(REC(serialize_rec), MFA_PHP_HANDLER_SERIALIZE, "company_id",
          "acme");
    found(REC(binary_rec), MFA_PHP_HANDLER_BINARY, "company_id", "acme");

    found(REC(php_rec), MFA_PHP_HANDLER_PHP, "admin", "true");
    found(REC(php_rec), MFA_PHP_HANDLER_PHP, "n", "42");
    found(REC(php_rec), MFA_PHP_HANDLER_PHP, "e", "");
    found(REC(php_rec), MFA_PHP_HANDLER_PHP, "u", "\xc3\xa9\"x;|");
    found(REC(serialize_rec), MFA_PHP_HANDLER_SERIALIZE, "p|q", "1");
    refused(REC(serialize_rec), MFA_PHP_HANDLER_SERIALIZE, "o.1.0",
            "an object of class \"ArrayObject\"");

    /* null, a missing key or variable */
    not_found(REC(serialize_rec), MFA_PHP_HANDLER_SERIALIZE, "user.x");
    not_found(REC(binary_rec), MFA_PHP_HANDLER_BINARY, "user.name");
    not_found(REC(php_rec), MFA_PHP_HANDLER_PHP, "nobody.id");

    /* an empty record: an empty session (a visitor) */
    not_found("", 0, MFA_PHP_HANDLER_PHP, "user.id");
    not_found("", 0, MFA_PHP_HANDLER_SERIALIZE, "user.id");

    /* a record of another handler */
    refused(REC(php_rec), MFA_PHP_HANDLER_SERIALIZE, "user.id",
            "not PHP's \"php_serialize\" session format");
    refused(REC(serialize_rec), MFA_PHP_HANDLER_PHP, "user.id",
            "not PHP's \"php\" session format");
    refused("{\"user\":{\"id\":\"bob\"}}", 22, MFA_PHP_HANDLER_PHP,
            "user.id", "'|' after a name expected");
}


static void
test_php_paths(void **state)
{
    static const char  obj[] =
        "o|O:8:\"stdClass\":2:{s:2:\"id\";s:3:\"bob\";"
        "s:6:\"\0*\0age\";i:3;}";

    (void) state;

    /* a stdClass's public property; a protected one is refused */
    found(REC(obj), MFA_PHP_HANDLER_PHP, "o.id", "bob");
    refused(REC(obj), MFA_PHP_HANDLER_PHP, "o.age",
            "a protected or private property \"age\"");

    /* an integer key by its decimal text, however it is written */
    found(REC("k|a:1:{i:+05;s:1:\"v\";}"), MFA_PHP_HANDLER_PHP, "k.5", "v");
    found(REC("k|a:1:{i:-3;s:1:\"v\";}"), MFA_PHP_HANDLER_PHP, "k.-3", "v");

    /* what a path cannot end at, or go through */
    refused(REC(php_rec), MFA_PHP_HANDLER_PHP, "user.7", "a float");
    refused(REC(php_rec), MFA_PHP_HANDLER_PHP, "user", "an array");
    refused(REC(php_rec), MFA_PHP_HANDLER_PHP, "company_id.x",
            "meets a string where it expects an array with \"x\"");
    refused(REC("a|a:1:{s:1:\"k\";s:1:\"v\";}b|R:2;"), MFA_PHP_HANDLER_PHP,
            "b.k", "a reference");
    refused(REC("o|C:11:\"ArrayObject\":21:{x:i:0;a:0:{};m:a:0:{}}"),
            MFA_PHP_HANDLER_PHP, "o", "a custom-serialized object");
    refused(REC("e|E:7:\"Suit:Up\";"), MFA_PHP_HANDLER_PHP, "e", "an enum");

    /* skipped where no path goes */
    found(REC("o|C:11:\"ArrayObject\":21:{x:i:0;a:0:{};m:a:0:{}}"
              "e|E:7:\"Suit:Up\";r|r:1;f|d:-INF;g|d:1.0E+25;u|s:1:\"x\";"),
          MFA_PHP_HANDLER_PHP, "u", "x");

    /* a value longer than the module keeps */
    {
        char    rec[400];
        size_t  n;

        n = (size_t) snprintf(rec, sizeof(rec), "u|s:300:\"");
        memset(rec + n, 'x', 300);
        memcpy(rec + n + 300, "\";", 2);

        refused(rec, n + 302, MFA_PHP_HANDLER_PHP, "u", "longer than");
    }
}


/* what PHP reads differently from a simple reading, or not at all */
static void
test_php_refused(void **state)
{
    int     i;
    char   *deep;
    size_t  n;

    static const struct {
        const char  *rec;
        const char  *path;
        const char  *why;
    } cases[] = {
        /* PHP keeps the last: refused where a path goes */
        { "user|s:1:\"a\";user|s:1:\"b\";", "user", "twice" },
        { "user|a:2:{s:2:\"id\";s:1:\"a\";s:2:\"id\";s:1:\"b\";}",
          "user.id", "twice" },
        /* "5" and 5 are one key of an array */
        { "user|a:2:{i:5;s:1:\"a\";s:1:\"5\";s:1:\"b\";}", "user.5",
          "twice" },
        /* PHP refuses these records whole */
        { "user|s:5:\"bob\";", "user.id",
          "'\"' expected" },
        { "user|s:3:\"bob\"", "user.id",
          "';' expected" },
        { "user|i:;", "user.id",
          "digits expected" },
        { "user|b:2;", "user.id",
          "0 or 1 expected" },
        { "user|x:1;", "user.id",
          "a value expected" },
        { "user|a:2:{s:1:\"a\";i:1;}", "user.id",
          "a key expected" },
        { "user|a:2:{s:1:\"a\";i:1;", "user.id",
          "premature end of an array" },
        { "user|a:1:{s:1:\"a\";i:1;", "user.id",
          "'}' expected" },
        { "user|a:1:{d:1.5;i:1;}", "user.id",
          "a key expected" },
        { "user|s:99999:\"bob\";", "user.id",
          "longer than the record" },
        { "user|i:1;junk", "user.id",
          "'|' after a name expected" },
    };

    (void) state;

    for (i = 0; i < (int) mfa_test_nelts(cases); i++) {
        refused(cases[i].rec, strlen(cases[i].rec), MFA_PHP_HANDLER_PHP,
                cases[i].path, cases[i].why);
    }

    /* a binary name length with the bit that once marked an undefined
       variable: PHP 8 reads the value all the same, unless none follows */
    found("\x84user" "i:1;", 9, MFA_PHP_HANDLER_BINARY, "user", "1");
    refused("\x84user", 5, MFA_PHP_HANDLER_BINARY, "user",
            "a value expected");

    /* nested deeper than MFA_PHP_DEPTH_MAX */
    deep = malloc(16 * 100 + 16);
    assert_non_null(deep);

    n = (size_t) sprintf(deep, "u|");

    for (i = 0; i < MFA_PHP_DEPTH_MAX + 1; i++) {
        n += (size_t) sprintf(deep + n, "a:1:{i:0;");
    }

    n += (size_t) sprintf(deep + n, "N;");

    for (i = 0; i < MFA_PHP_DEPTH_MAX + 1; i++) {
        deep[n++] = '}';
    }

    refused(deep, n, MFA_PHP_HANDLER_PHP, "u.0", "nested too deep");
    free(deep);
}


/*
 * From a review against PHP 8.2 (session 11): objects of a class make
 * their own properties (private and protected ones, a constructor's
 * defaults, __wakeup, __unserialize: ArrayObject's, an entity's), so a
 * path into one is refused, never read as a visitor or another user.
 */
static void
test_php_objects(void **state)
{
    (void) state;

    /* an entity with a private $id: PHP's own session_encode() */
    refused(REC("user|O:6:\"Entity\":2:{s:10:\"\0Entity\0id\";i:5;"
                "s:4:\"name\";s:3:\"bob\";}"), MFA_PHP_HANDLER_PHP,
            "user.id", "an object of class \"Entity\"");

    /* a built-in that unserializes itself: PHP reads ['id'] = 5 */
    refused(REC("user|O:11:\"ArrayObject\":5:{i:0;i:0;i:1;a:1:{s:2:\"id\";"
                "i:5;}i:2;a:0:{}i:3;N;s:2:\"id\";i:9;}"),
            MFA_PHP_HANDLER_PHP, "user.id", "class's to make");

    /* stdClass: a protected name meeting a public one */
    refused(REC("user|O:8:\"stdClass\":2:{s:2:\"id\";i:5;"
                "s:5:\"\0*\0id\";i:7;}"), MFA_PHP_HANDLER_PHP, "user.id",
            "twice");

    /* an object where no path goes: read past */
    found(REC("e|O:6:\"Entity\":1:{s:10:\"\0Entity\0id\";i:5;}"
              "user|a:1:{s:2:\"id\";i:5;}"), MFA_PHP_HANDLER_PHP, "user.id",
          "5");

    /* php_serialize: what follows the array is not read, as in PHP */
    found(REC("a:1:{s:4:\"user\";a:1:{s:2:\"id\";i:5;}}junk"),
          MFA_PHP_HANDLER_SERIALIZE, "user.id", "5");

    /* an integer out of range: the nearest, as PHP takes it */
    found(REC("user|a:1:{s:2:\"id\";i:99999999999999999999;}"),
          MFA_PHP_HANDLER_PHP, "user.id", "9223372036854775807");
    found(REC("user|a:1:{s:2:\"id\";i:-99999999999999999999;}"),
          MFA_PHP_HANDLER_PHP, "user.id", "-9223372036854775808");
}


int
main(void)
{
    const struct CMUnitTest  tests[] = {
        cmocka_unit_test(test_php_handlers),
        cmocka_unit_test(test_php_paths),
        cmocka_unit_test(test_php_refused),
        cmocka_unit_test(test_php_objects),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
