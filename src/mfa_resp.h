
/*
 * A command in Redis's protocol (RESP): "*<argc>\r\n", then each argument
 * as "$<length>\r\n<bytes>\r\n".  The gate formats its reads itself, in
 * one pass into a buffer it owns, and hands them to hiredis whole.
 */


#ifndef MFA_RESP_H
#define MFA_RESP_H


#include "mfa_core.h"


/* the bytes the command takes */
size_t mfa_resp_len(int argc, const char **argv, const size_t *argvlen);

/* writes the command, mfa_resp_len() bytes, into buf; returns its end */
char *mfa_resp_write(char *buf, int argc, const char **argv,
    const size_t *argvlen);


#endif /* MFA_RESP_H */
