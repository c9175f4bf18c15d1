
/*
 * Unit tests of the RESP writer (src/mfa_resp.c): the bytes Redis's
 * protocol asks for, binary arguments kept as they are, lengths across a
 * digit boundary, and the length promised equal to the length written.
 */


#include "mfa_test.h"
#include "mfa_resp.h"


/* the command formatted into a buffer exactly its promised size */
static void
check(int argc, const char **argv, const size_t *argvlen,
    const char *expected, size_t expected_len)
{
    char    *buf, *end;
    size_t   len;

    len = mfa_resp_len(argc, argv, argvlen);
    assert_int_equal(len, expected_len);

    buf = malloc(len);
    assert_non_null(buf);

    end = mfa_resp_write(buf, argc, argv, argvlen);

    assert_ptr_equal(end, buf + len);
    assert_memory_equal(buf, expected, len);

    free(buf);
}


static void
test_resp_command(void **state)
{
    const char  *argv[] = { "PTTL", "sess:abc" };
    size_t       argvlen[] = { 4, 8 };
    static const char  expected[] = "*2\r\n$4\r\nPTTL\r\n$8\r\nsess:abc\r\n";

    (void) state;

    check(2, argv, argvlen, expected, sizeof(expected) - 1);
}


static void
test_resp_binary(void **state)
{
    /* an empty argument, and one with CR, LF and NUL inside */
    const char  *argv[] = { "GET", "", "a\r\n\0b" };
    size_t       argvlen[] = { 3, 0, 5 };
    static const char  expected[] =
        "*3\r\n$3\r\nGET\r\n$0\r\n\r\n$5\r\na\r\n\0b\r\n";

    (void) state;

    check(3, argv, argvlen, expected, sizeof(expected) - 1);
}


static void
test_resp_lengths(void **state)
{
    char         arg[1000], expected[1100];
    size_t       k, n, lens[] = { 9, 10, 99, 100, 999 };
    const char  *argv[1];
    size_t       argvlen[1];

    (void) state;

    memset(arg, 'x', sizeof(arg));

    for (k = 0; k < mfa_test_nelts(lens); k++) {
        argv[0] = arg;
        argvlen[0] = lens[k];

        n = (size_t) snprintf(expected, sizeof(expected), "*1\r\n$%zu\r\n",
                              lens[k]);
        memset(expected + n, 'x', lens[k]);
        memcpy(expected + n + lens[k], "\r\n", 2);

        check(1, argv, argvlen, expected, n + lens[k] + 2);
    }
}


static void
test_resp_many_arguments(void **state)
{
    int          i;
    char         expected[256];
    size_t       n, argvlen[12];
    const char  *argv[12];

    (void) state;

    n = (size_t) snprintf(expected, sizeof(expected), "*12\r\n");

    for (i = 0; i < 12; i++) {
        argv[i] = "f";
        argvlen[i] = 1;
        n += (size_t) snprintf(expected + n, sizeof(expected) - n,
                               "$1\r\nf\r\n");
    }

    check(12, argv, argvlen, expected, n);
}


int
main(void)
{
    const struct CMUnitTest  tests[] = {
        cmocka_unit_test(test_resp_command),
        cmocka_unit_test(test_resp_binary),
        cmocka_unit_test(test_resp_lengths),
        cmocka_unit_test(test_resp_many_arguments),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
