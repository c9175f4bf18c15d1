
/*
 * Fuzz target for the pages (mfa_html_render() in src/mfa_html.c, with
 * src/mfa_buf.c and src/mfa_qr.c under it): every page type, both
 * languages, every message, with fuzzed strings as the return URL, the
 * logout URL, the secret, the otpauth URI (also the QR code's text), the
 * CSRF token, the nonce and the recovery codes (and, from the same
 * strings, the user, the company's id and name, the issuer and the site),
 * into a buffer of fuzzed size.
 *
 * The input: a header (page, flags, message, number of codes and the
 * form in error, buffer size, wait, since and now, codes left), then the
 * strings separated by NULs.
 *
 * The page is rendered three times:
 *
 *   - into a large buffer: MFA_OK (or MFA_ERROR on the enrolment page
 *     when the text is more than a QR code holds), and markup a parser
 *     reads as intended: tags balanced, attribute values quoted with no
 *     < > ' inside, no > " ' in text, every "&" one of the five escapes;
 *
 *   - with every & < > " ' of the strings replaced by "x": the same result
 *     and exactly as many < > " ' bytes, so none came from the strings
 *     (the template's are the same in both: the strings' lengths are, and
 *     the QR code encodes the unchanged text);
 *
 *   - into a buffer of exactly the fuzzed size (AddressSanitizer sees a
 *     write past it): MFA_OK exactly when the size is at least the page's
 *     length, then the same bytes; MFA_TOO_LARGE otherwise, having written
 *     only the start of the page.
 */


#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mfa_html.h"
#include "fuzz.h"
#include "../lua-free-tests/markup_check.h"


#define FUZZ_HDR       21
#define FUZZ_STRINGS   7
#define FUZZ_BIG       (1024 * 1024)


int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fuzz_clean(char *s, size_t len);
static void fuzz_count(const char *s, size_t len, size_t *n);


static const mfa_page_e  fuzz_pages[] = {
    MFA_PAGE_ENROLL, MFA_PAGE_CODES, MFA_PAGE_CHALLENGE, MFA_PAGE_SETTINGS,
    MFA_PAGE_MESSAGE, MFA_PAGE_ADMIN
};


/* the names a page may show, from the same strings: user, company, site */

static void
fuzz_names(mfa_page_t *page, char **s)
{
    page->site = s[0];
    page->company_name = s[1];
    page->issuer = s[2];
    page->company = s[3];
    page->user = s[4];
}

static char  fuzz_full[FUZZ_BIG];
static char  fuzz_same[FUZZ_BIG];


/* the same length, none of the characters HTML cares about */

static void
fuzz_clean(char *s, size_t len)
{
    size_t  i;

    for (i = 0; i < len; i++) {
        if (s[i] == '&' || s[i] == '<' || s[i] == '>' || s[i] == '"'
            || s[i] == '\'')
        {
            s[i] = 'x';
        }
    }
}


/* how many < > " ' */

static void
fuzz_count(const char *s, size_t len, size_t *n)
{
    size_t  i;

    n[0] = n[1] = n[2] = n[3] = 0;

    for (i = 0; i < len; i++) {
        switch (s[i]) {
        case '<':  n[0]++; break;
        case '>':  n[1]++; break;
        case '"':  n[2]++; break;
        case '\'': n[3]++; break;
        default:   break;
        }
    }
}


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    int           rc, rc_same, rc_full;
    char          why[128];
    char         *str[FUZZ_STRINGS], *clean[FUZZ_STRINGS], *mem, *qr_text;
    char        (*codes)[MFA_RECOVERY_LEN + 1];
    char        (*codes_clean)[MFA_RECOVERY_LEN + 1];
    size_t        i, n, off, len[FUZZ_STRINGS], ncodes, buf_size;
    size_t        full_len, count_full[4], count_same[4];
    uint8_t       hdr[FUZZ_HDR];
    int64_t       since;
    int32_t       left;
    mfa_buf_t     b;
    mfa_err_t     err;
    mfa_page_t    page;
    const char   *p;

    memset(hdr, 0, sizeof(hdr));
    memcpy(hdr, data, size < FUZZ_HDR ? size : FUZZ_HDR);
    off = size < FUZZ_HDR ? size : FUZZ_HDR;

    /* the strings: return, logout, secret, otpauth, csrf, nonce, codes */

    for (i = 0; i < FUZZ_STRINGS; i++) {
        p = memchr(data + off, '\0', size - off);
        n = (p == NULL) ? size - off : (size_t) (p - (const char *) data) - off;

        str[i] = malloc(n + 1);
        clean[i] = malloc(n + 1);
        FUZZ_CHECK(str[i] != NULL && clean[i] != NULL);

        memcpy(str[i], data + off, n);
        str[i][n] = '\0';
        memcpy(clean[i], str[i], n + 1);
        fuzz_clean(clean[i], n);
        len[i] = n;

        off += n + (p != NULL);
    }

    /* codes of up to MFA_RECOVERY_LEN bytes, as many as the header says */

    ncodes = hdr[3] % 16;

    codes = calloc(ncodes ? ncodes : 1, sizeof(*codes));
    codes_clean = calloc(ncodes ? ncodes : 1, sizeof(*codes));
    FUZZ_CHECK(codes != NULL && codes_clean != NULL);

    for (i = 0; i < ncodes && i * MFA_RECOVERY_LEN < len[6]; i++) {
        n = len[6] - i * MFA_RECOVERY_LEN;
        n = n < MFA_RECOVERY_LEN ? n : MFA_RECOVERY_LEN;

        memcpy(codes[i], str[6] + i * MFA_RECOVERY_LEN, n);
        memcpy(codes_clean[i], clean[6] + i * MFA_RECOVERY_LEN, n);
    }

    memset(&page, 0, sizeof(page));

    page.page = fuzz_pages[hdr[0] % (sizeof(fuzz_pages)
                                     / sizeof(fuzz_pages[0]))];
    page.lang = (hdr[1] & 1) ? MFA_LANG_FR : MFA_LANG_EN;
    page.enrolled = (hdr[1] & 2) != 0;
    page.required = (hdr[1] & 4) != 0;
    page.msg = (mfa_msg_e) (hdr[2] % (MFA_MSG_ERROR + 1));
    page.form = (mfa_form_e) ((hdr[3] >> 4) % (MFA_FORM_DISABLE + 1));
    page.replace = (hdr[1] & 16) != 0;
    page.confirm = (hdr[1] & 32) != 0;
    page.members_known = (hdr[1] & 64) != 0;
    page.now = since;
    page.ncodes = ncodes;

    buf_size = hdr[4] | (hdr[5] << 8) | ((size_t) (hdr[6] & 3) << 16);

    /* a lockout of up to nine hours either way */
    page.wait = (int16_t) (hdr[7] | (hdr[8] << 8));

    memcpy(&since, hdr + 9, sizeof(since));
    memcpy(&left, hdr + 17, sizeof(left));
    page.since = since;
    page.codes_left = left;

    page.pages = "/_mfa/";

    /* the QR code encodes the same text in both renderings */
    qr_text = str[3];

    /* 1. the strings as they are */

    page.return_url = str[0];
    page.logout_url = (hdr[1] & 8) ? NULL : str[1];
    page.secret = str[2];
    page.otpauth = str[3];
    page.qr_text = qr_text;
    page.csrf = str[4];
    page.nonce = str[5];
    page.codes = (const char (*)[MFA_RECOVERY_LEN + 1]) codes;
    fuzz_names(&page, str);

    mfa_buf_init(&b, fuzz_full, FUZZ_BIG);
    rc_full = mfa_html_render(&page, &b, &err);
    full_len = b.len;

    FUZZ_CHECK(rc_full == MFA_OK
               || (rc_full == MFA_ERROR && page.page == MFA_PAGE_ENROLL));

    if (rc_full == MFA_OK) {
        FUZZ_CHECK(markup_check(fuzz_full, full_len, why, sizeof(why)));
    }

    /* 2. the strings without & < > " ' */

    page.return_url = clean[0];
    page.logout_url = (hdr[1] & 8) ? NULL : clean[1];
    page.secret = clean[2];
    page.otpauth = clean[3];
    page.csrf = clean[4];
    page.nonce = clean[5];
    page.codes = (const char (*)[MFA_RECOVERY_LEN + 1]) codes_clean;
    fuzz_names(&page, clean);

    mfa_buf_init(&b, fuzz_same, FUZZ_BIG);
    rc_same = mfa_html_render(&page, &b, &err);

    FUZZ_CHECK(rc_same == rc_full);

    if (rc_full == MFA_OK) {
        fuzz_count(fuzz_full, full_len, count_full);
        fuzz_count(fuzz_same, b.len, count_same);

        FUZZ_CHECK(memcmp(count_full, count_same, sizeof(count_full)) == 0);
    }

    /* 3. the strings as they are, into a buffer of the fuzzed size */

    page.return_url = str[0];
    page.logout_url = (hdr[1] & 8) ? NULL : str[1];
    page.secret = str[2];
    page.otpauth = str[3];
    page.csrf = str[4];
    page.nonce = str[5];
    page.codes = (const char (*)[MFA_RECOVERY_LEN + 1]) codes;
    fuzz_names(&page, str);

    mem = malloc(buf_size ? buf_size : 1);
    FUZZ_CHECK(mem != NULL);

    mfa_buf_init(&b, mem, buf_size);
    err.msg[0] = '\0';
    rc = mfa_html_render(&page, &b, &err);

    FUZZ_CHECK(b.len <= buf_size);

    if (rc_full == MFA_OK && buf_size >= full_len) {
        FUZZ_CHECK(rc == MFA_OK);
        FUZZ_CHECK(b.len == full_len);
        FUZZ_CHECK(memcmp(mem, fuzz_full, full_len) == 0);

    } else {
        /* a QR code that cannot be made fails whatever the buffer */
        FUZZ_CHECK(rc == (rc_full == MFA_ERROR ? MFA_ERROR : MFA_TOO_LARGE));
        FUZZ_CHECK(err.msg[0] != '\0');
        FUZZ_CHECK(rc_full != MFA_OK || memcmp(mem, fuzz_full, b.len) == 0);
    }

    free(mem);
    free(codes_clean);
    free(codes);

    for (i = 0; i < FUZZ_STRINGS; i++) {
        free(clean[i]);
        free(str[i]);
    }

    return 0;
}
