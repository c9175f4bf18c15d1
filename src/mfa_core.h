
/*
 * ngx_http_mfa_module: definitions shared by the pure core.
 *
 * The core (src/mfa_*.c) includes no nginx or Redis header: it works on
 * plain buffers, returns MFA_* codes and describes failures in an
 * mfa_err_t that the caller logs.
 */


#ifndef MFA_CORE_H
#define MFA_CORE_H


#include <stddef.h>
#include <stdint.h>


#define MFA_OK          0
#define MFA_ERROR      -1
#define MFA_NOT_FOUND  -2
#define MFA_TOO_LARGE  -3


#define MFA_ERR_LEN     256


typedef struct {
    char        msg[MFA_ERR_LEN];
} mfa_err_t;


typedef struct {
    const char  *data;
    size_t       len;
} mfa_str_t;


void mfa_err_set(mfa_err_t *err, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__ ((format (printf, 2, 3)))
#endif
    ;


#endif /* MFA_CORE_H */
