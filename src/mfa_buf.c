
/*
 * Output buffer over caller-owned memory.
 */


#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "mfa_buf.h"


void
mfa_buf_init(mfa_buf_t *b, char *mem, size_t size)
{
    b->data = mem;
    b->len = 0;
    b->size = size;
    b->overflow = 0;
}


void
mfa_buf_add(mfa_buf_t *b, const char *s, size_t len)
{
    if (b->overflow || len > b->size - b->len) {
        b->overflow = 1;
        return;
    }

    memcpy(b->data + b->len, s, len);
    b->len += len;
}


void
mfa_buf_str(mfa_buf_t *b, const char *s)
{
    mfa_buf_add(b, s, strlen(s));
}


void
mfa_buf_html(mfa_buf_t *b, const char *s, size_t len)
{
    size_t       i, start;
    const char  *esc;

    start = 0;

    for (i = 0; i < len; i++) {

        switch (s[i]) {
        case '&':  esc = "&amp;";  break;
        case '<':  esc = "&lt;";   break;
        case '>':  esc = "&gt;";   break;
        case '"':  esc = "&quot;"; break;
        case '\'': esc = "&#39;";  break;
        default:   continue;
        }

        mfa_buf_add(b, s + start, i - start);
        mfa_buf_str(b, esc);
        start = i + 1;
    }

    mfa_buf_add(b, s + start, len - start);
}


/* formats into a small local buffer, then appends: an exact fit fits */

void
mfa_buf_printf(mfa_buf_t *b, const char *fmt, ...)
{
    int      n;
    char     tmp[MFA_BUF_PRINTF_MAX];
    va_list  args;

    if (b->overflow) {
        return;
    }

    va_start(args, fmt);
    n = vsnprintf(tmp, sizeof(tmp), fmt, args);
    va_end(args);

    if (n < 0 || (size_t) n >= sizeof(tmp)) {
        b->overflow = 1;
        return;
    }

    mfa_buf_add(b, tmp, n);
}


int
mfa_buf_status(const mfa_buf_t *b)
{
    return b->overflow ? MFA_TOO_LARGE : MFA_OK;
}
