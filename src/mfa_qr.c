
/*
 * QR codes as inline SVG.  Each row's dark modules are drawn as
 * horizontal runs of one path, which keeps the markup small (a few KB
 * for an otpauth URI) and needs no image request, so the page's CSP can
 * forbid images altogether.
 */


#include <errno.h>
#include <string.h>

#include <qrencode.h>

#include "mfa_qr.h"


#define MFA_QR_QUIET  4


int
mfa_qr_svg(const char *text, mfa_buf_t *b, mfa_err_t *err)
{
    int             x, y, run, size;
    QRcode         *qr;
    unsigned char  *row;

    qr = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
    if (qr == NULL) {
        mfa_err_set(err, "cannot encode a QR code: %s", strerror(errno));
        return MFA_ERROR;
    }

    size = qr->width + 2 * MFA_QR_QUIET;

    mfa_buf_printf(b, "<svg xmlns=\"http://www.w3.org/2000/svg\" "
                   "viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\" "
                   "shape-rendering=\"crispEdges\" aria-hidden=\"true\">"
                   "<rect width=\"%d\" height=\"%d\" fill=\"#fff\"/>"
                   "<path fill=\"#000\" d=\"",
                   size, size, size * 5, size * 5, size, size);

    for (y = 0; y < qr->width; y++) {
        row = qr->data + (size_t) y * qr->width;

        for (x = 0; x < qr->width; x += run) {
            run = 1;

            if (!(row[x] & 1)) {
                continue;
            }

            while (x + run < qr->width && (row[x + run] & 1)) {
                run++;
            }

            mfa_buf_printf(b, "M%d %dh%dv1h-%dz", x + MFA_QR_QUIET,
                           y + MFA_QR_QUIET, run, run);
        }
    }

    mfa_buf_str(b, "\"/></svg>");

    QRcode_free(qr);

    if (mfa_buf_status(b) != MFA_OK) {
        mfa_err_set(err, "the QR code does not fit in the page buffer");
        return MFA_TOO_LARGE;
    }

    return MFA_OK;
}
