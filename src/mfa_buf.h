
/*
 * An output buffer over memory the caller owns: appends never allocate
 * and an overflow is remembered, so that a renderer can write freely and
 * check once at the end.
 */


#ifndef MFA_BUF_H
#define MFA_BUF_H


#include "mfa_core.h"


typedef struct {
    char    *data;
    size_t   len;
    size_t   size;
    int      overflow;
} mfa_buf_t;


void mfa_buf_init(mfa_buf_t *b, char *mem, size_t size);

void mfa_buf_add(mfa_buf_t *b, const char *s, size_t len);

/* a NUL-terminated string */
void mfa_buf_str(mfa_buf_t *b, const char *s);

/* HTML-escaped: & < > " ' */
void mfa_buf_html(mfa_buf_t *b, const char *s, size_t len);

/* at most MFA_BUF_PRINTF_MAX - 1 characters at a time */
#define MFA_BUF_PRINTF_MAX  512

void mfa_buf_printf(mfa_buf_t *b, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__ ((format (printf, 2, 3)))
#endif
    ;

/* MFA_OK, or MFA_TOO_LARGE when something did not fit */
int mfa_buf_status(const mfa_buf_t *b);


#endif /* MFA_BUF_H */
