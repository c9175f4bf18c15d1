
/*
 * QR codes as inline SVG (libqrencode), for the otpauth URI on the
 * enrolment page.
 */


#ifndef MFA_QR_H
#define MFA_QR_H


#include "mfa_buf.h"


/*
 * Appends an <svg> element drawing text as a QR code (error correction
 * level M, 4-module quiet zone), one path of horizontal runs.  Fails on
 * text libqrencode cannot encode.
 */
int mfa_qr_svg(const char *text, mfa_buf_t *b, mfa_err_t *err);


#endif /* MFA_QR_H */
