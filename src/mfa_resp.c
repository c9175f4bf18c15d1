
/*
 * A command in Redis's protocol (RESP), formatted without allocating:
 * the length first, so that the caller gives a buffer of the right size,
 * then the bytes.
 */


#include <string.h>

#include "mfa_resp.h"


static size_t mfa_resp_digits(size_t n);
static char *mfa_resp_header(char *p, char type, size_t n);


size_t
mfa_resp_len(int argc, const char **argv, const size_t *argvlen)
{
    int     i;
    size_t  len;

    (void) argv;

    /* "*<argc>\r\n" */
    len = 1 + mfa_resp_digits((size_t) argc) + 2;

    for (i = 0; i < argc; i++) {
        /* "$<len>\r\n<bytes>\r\n" */
        len += 1 + mfa_resp_digits(argvlen[i]) + 2 + argvlen[i] + 2;
    }

    return len;
}


char *
mfa_resp_write(char *buf, int argc, const char **argv,
    const size_t *argvlen)
{
    int    i;
    char  *p;

    p = mfa_resp_header(buf, '*', (size_t) argc);

    for (i = 0; i < argc; i++) {
        p = mfa_resp_header(p, '$', argvlen[i]);

        if (argvlen[i]) {
            memcpy(p, argv[i], argvlen[i]);
            p += argvlen[i];
        }

        *p++ = '\r';
        *p++ = '\n';
    }

    return p;
}


static size_t
mfa_resp_digits(size_t n)
{
    size_t  d;

    for (d = 1; n >= 10; n /= 10) {
        d++;
    }

    return d;
}


/* "<type><n>\r\n" */

static char *
mfa_resp_header(char *p, char type, size_t n)
{
    size_t  d, i;

    *p++ = type;

    d = mfa_resp_digits(n);

    for (i = d; i > 0; i--) {
        p[i - 1] = (char) ('0' + n % 10);
        n /= 10;
    }

    p += d;
    *p++ = '\r';
    *p++ = '\n';

    return p;
}
