
/*
 * Error messages of the pure core: a fixed buffer the caller owns, so that
 * no allocation is needed to report a failure.
 */


#include <stdarg.h>
#include <stdio.h>

#include "mfa_core.h"


void
mfa_err_set(mfa_err_t *err, const char *fmt, ...)
{
    va_list  args;

    if (err == NULL) {
        return;
    }

    va_start(args, fmt);
    vsnprintf(err->msg, sizeof(err->msg), fmt, args);
    va_end(args);
}
