
/*
 * Unit tests of src/mfa_buf.c, src/mfa_html.c and src/mfa_qr.c: the
 * output buffer's overflow rules, the Accept-Language choice, every page
 * in both languages (the ids the browser tests use, escaping of every
 * value, the hidden fields of every form, the buffer-size boundary) and
 * the QR code's SVG decoded back into libqrencode's matrix.
 */


#include "mfa_test.h"

#include <qrencode.h>

#include "mfa_buf.h"
#include "mfa_html.h"
#include "mfa_qr.h"
#include "markup_check.h"


#define PAGE_MAX  (256 * 1024)

#define SECRET    "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
#define OTPAUTH   "otpauth://totp/Acme:alice%40example.com?secret=" SECRET \
                  "&issuer=Acme&algorithm=SHA1&digits=6&period=30"

/* a return URL and a logout URL with every character HTML cares about */
#define EVIL_RETURN       "/a?x=\"<>&'y"
#define EVIL_RETURN_HTML  "/a?x=&quot;&lt;&gt;&amp;&#39;y"
#define EVIL_LOGOUT       "https://sso.example.com/out?\"<>&'z"
#define EVIL_LOGOUT_HTML  "https://sso.example.com/out?" \
                          "&quot;&lt;&gt;&amp;&#39;z"
#define EVIL_RAW          "\"<>&'"

/* 2024-01-02 03:04:00 UTC */
#define SINCE     1704164640


static const char  codes[12][MFA_RECOVERY_LEN + 1] = {
    "23456-789ab", "cdefg-hjkmn", "pqrst-uvwxy", "z2345-6789a",
    "bcdef-ghjkm", "npqrs-tuvwx", "yz234-56789", "abcde-fghjk",
    "mnpqr-stuvw", "xyz23-45678", "99999-99999", "88888-88888",
};

static char  out[PAGE_MAX + 1];


static void page_init(mfa_page_t *p, mfa_page_e type, mfa_lang_e lang);
static size_t render(const mfa_page_t *p);
static size_t count(const char *haystack, const char *needle);
static const char *element(const char *html, const char *id, char *buf,
    size_t size);
static void check_markup(const char *html, size_t len);
static void check_page(const mfa_page_t *p, const char *html, size_t len);
static void check_forms(const char *html, const char *csrf_html,
    const char *return_html, size_t nforms);
static void check_tag(const char *tag, const char *attrs);
static int starts_with(const char *s, const char *head);
static int ends_with(const char *s, size_t len, const char *tail);


static void
page_init(mfa_page_t *p, mfa_page_e type, mfa_lang_e lang)
{
    memset(p, 0, sizeof(mfa_page_t));

    p->page = type;
    p->lang = lang;
    p->msg = MFA_MSG_NONE;
    p->nonce = "n0nce-AbC_123";
    p->pages = "/_mfa/";
    p->csrf = "csrf.TOKEN-value_1";
    p->return_url = "/reports?tab=2";
    p->logout_url = "/logout";
    p->otpauth = OTPAUTH;
    p->secret = SECRET;
    p->qr_text = OTPAUTH;
    p->codes = codes;
    p->ncodes = MFA_RECOVERY_COUNT;
    p->enrolled = 1;
    p->required = 0;
    p->since = SINCE;
    p->codes_left = 7;
}


/* renders into out, NUL-terminated, and checks what every page shares */

static size_t
render(const mfa_page_t *p)
{
    mfa_buf_t  b;
    mfa_err_t  err;

    mfa_buf_init(&b, out, PAGE_MAX);
    err.msg[0] = '\0';

    if (mfa_html_render(p, &b, &err) != MFA_OK) {
        fail_msg("render failed: %s", err.msg);
    }

    assert_true(b.len <= PAGE_MAX);
    out[b.len] = '\0';

    /* no NUL inside: the tests below read the page as a C string */
    assert_int_equal(strlen(out), b.len);

    check_page(p, out, b.len);

    return b.len;
}


static size_t
count(const char *haystack, const char *needle)
{
    size_t       n;
    const char  *p;

    n = 0;

    for (p = strstr(haystack, needle); p; p = strstr(p + 1, needle)) {
        n++;
    }

    return n;
}


/*
 * The element with the id, from its "<" to its closing tag, copied into
 * buf; fails unless exactly one element has the id.
 */

static const char *
element(const char *html, const char *id, char *buf, size_t size)
{
    char         attr[64], close[32];
    size_t       n;
    const char  *p, *start, *end;

    snprintf(attr, sizeof(attr), " id=\"%s\"", id);

    if (count(html, attr) != 1) {
        fail_msg("%zu elements with id \"%s\"", count(html, attr), id);
    }

    p = strstr(html, attr);

    for (start = p; start > html && *start != '<'; start--) {
        /* void */
    }

    assert_int_equal(*start, '<');

    n = strcspn(start + 1, " >");
    assert_true(n > 0 && n < 16);
    snprintf(close, sizeof(close), "</%.*s>", (int) n, start + 1);

    /* elements without content end at their ">" */

    if (starts_with(start, "<input ")) {
        end = strchr(start, '>') + 1;

    } else {
        end = strstr(start, close);
        assert_non_null(end);
        end += strlen(close);
    }

    n = (size_t) (end - start);
    assert_true(n < size);
    memcpy(buf, start, n);
    buf[n] = '\0';

    return start;
}


/* the markup is what a parser reads as intended (markup_check.h) */

static void
check_markup(const char *html, size_t len)
{
    char  why[128];

    if (!markup_check(html, len, why, sizeof(why))) {
        fail_msg("%s", why);
    }
}


/* what every page has, whatever its type */

static void
check_page(const mfa_page_t *p, const char *html, size_t len)
{
    char         buf[256];
    size_t       n;
    const char  *style, *script;

    check_markup(html, len);

    assert_true(starts_with(html, "<!DOCTYPE html>\n<html lang=\""));
    snprintf(buf, sizeof(buf), "<html lang=\"%s\">",
             p->lang == MFA_LANG_FR ? "fr" : "en");
    assert_int_equal(count(html, "<html"), 1);
    assert_true(mfa_test_contains(html, buf));

    assert_true(ends_with(html, len, "</script></body></html>\n"));

    /* one style and one script element, both under the one nonce; no
       image */
    assert_int_equal(count(html, "<style"), 1);
    assert_int_equal(count(html, "<script"), 1);
    assert_int_equal(count(html, "<img"), 0);
    style = strstr(html, "<style nonce=\"");
    script = strstr(html, "</main><script nonce=\"");
    assert_non_null(style);
    assert_non_null(script);
    style += sizeof("<style nonce=\"") - 1;
    script += sizeof("</main><script nonce=\"") - 1;
    n = strcspn(style, "\"");
    assert_true(n > 0 && n == strcspn(script, "\""));
    assert_memory_equal(style, script, n);
}


/*
 * Every form posts to the pages with the CSRF token and the return URL
 * as hidden fields.
 */

static void
check_forms(const char *html, const char *csrf_html, const char *return_html,
    size_t nforms)
{
    char         csrf[256], ret[256], form[16384];
    size_t       n, len;
    const char  *p, *end;

    static const char  action[] = "<form method=\"post\" action=\"/_mfa/";

    snprintf(csrf, sizeof(csrf),
             "<input type=\"hidden\" name=\"csrf\" value=\"%s\">", csrf_html);
    snprintf(ret, sizeof(ret),
             "<input type=\"hidden\" name=\"return\" value=\"%s\">",
             return_html);

    n = 0;

    for (p = strstr(html, "<form "); p; p = strstr(end, "<form ")) {
        end = strstr(p, "</form>");
        assert_non_null(end);

        len = (size_t) (end - p);
        assert_true(len < sizeof(form));
        memcpy(form, p, len);
        form[len] = '\0';

        assert_true(starts_with(form, action));
        assert_int_equal(count(form, csrf), 1);
        assert_int_equal(count(form, ret), 1);
        assert_int_equal(count(form, "<form"), 1);

        n++;
    }

    assert_int_equal(n, nforms);
    assert_int_equal(count(html, "</form>"), nforms);
}


/* the tag carries each of the attributes, given one per line */

static void
check_tag(const char *tag, const char *attrs)
{
    char         one[128];
    size_t       n;
    const char  *p, *nl;

    for (p = attrs; *p; p = nl + 1) {
        nl = strchr(p, '\n');
        assert_non_null(nl);

        n = (size_t) (nl - p);
        assert_true(n + 3 < sizeof(one));
        one[0] = ' ';
        memcpy(one + 1, p, n);
        one[n + 1] = '\0';

        /* followed by a space or the end of the tag */

        if (!mfa_test_contains(tag, one)) {
            fail_msg("%s: no \"%s\"", tag, one);
        }

        one[n + 1] = ' ';
        one[n + 2] = '\0';

        if (!mfa_test_contains(tag, one)) {
            one[n + 1] = '>';

            if (!mfa_test_contains(tag, one)) {
                fail_msg("%s: \"%s\" not a whole attribute", tag, one);
            }
        }
    }
}


static int
starts_with(const char *s, const char *head)
{
    return strncmp(s, head, strlen(head)) == 0;
}


static int
ends_with(const char *s, size_t len, const char *tail)
{
    size_t  n;

    n = strlen(tail);

    return len >= n && memcmp(s + len - n, tail, n) == 0;
}


/* mfa_buf */


static void
test_buf_add(void **state)
{
    char       mem[16];
    mfa_buf_t  b;

    memset(mem, '#', sizeof(mem));
    mfa_buf_init(&b, mem, 8);

    assert_int_equal(b.len, 0);
    assert_int_equal(b.size, 8);
    assert_int_equal(mfa_buf_status(&b), MFA_OK);

    /* up to the last byte */

    mfa_buf_add(&b, "abcd", 4);
    mfa_buf_str(&b, "efg");
    assert_int_equal(b.len, 7);
    mfa_buf_add(&b, "hXYZ", 1);
    assert_int_equal(b.len, 8);
    mfa_buf_add(&b, "", 0);
    mfa_buf_str(&b, "");
    assert_int_equal(mfa_buf_status(&b), MFA_OK);
    assert_memory_equal(mem, "abcdefgh########", 16);

    /* one byte more */

    mfa_buf_add(&b, "i", 1);
    assert_int_equal(mfa_buf_status(&b), MFA_TOO_LARGE);
    assert_int_equal(b.len, 8);
    assert_memory_equal(mem, "abcdefgh########", 16);

    /* the overflow sticks, even for nothing */
    mfa_buf_add(&b, "", 0);
    assert_int_equal(mfa_buf_status(&b), MFA_TOO_LARGE);
}


static void
test_buf_overflow_writes_nothing(void **state)
{
    char       mem[16];
    mfa_buf_t  b;

    /* an append that does not fit writes none of its bytes */

    memset(mem, '#', sizeof(mem));
    mfa_buf_init(&b, mem, 8);

    mfa_buf_str(&b, "abcdef");
    mfa_buf_str(&b, "ghi");
    assert_int_equal(mfa_buf_status(&b), MFA_TOO_LARGE);
    assert_int_equal(b.len, 6);
    assert_memory_equal(mem, "abcdef##########", 16);

    /* nor does anything after it, even what would fit */

    mfa_buf_str(&b, "g");
    mfa_buf_add(&b, "gh", 2);
    mfa_buf_html(&b, "x", 1);
    mfa_buf_printf(&b, "%d", 1);
    assert_int_equal(b.len, 6);
    assert_memory_equal(mem, "abcdef##########", 16);

    /* an empty buffer */

    memset(mem, '#', sizeof(mem));
    mfa_buf_init(&b, mem, 0);
    mfa_buf_str(&b, "");
    assert_int_equal(mfa_buf_status(&b), MFA_OK);
    mfa_buf_str(&b, "a");
    assert_int_equal(mfa_buf_status(&b), MFA_TOO_LARGE);
    assert_int_equal(b.len, 0);
    assert_int_equal(mem[0], '#');

    /* the first append of a buffer too small */

    mfa_buf_init(&b, mem, 3);
    mfa_buf_add(&b, "abcd", 4);
    assert_int_equal(mfa_buf_status(&b), MFA_TOO_LARGE);
    assert_int_equal(b.len, 0);
    assert_int_equal(mem[0], '#');
}


static void
test_buf_printf(void **state)
{
    char       mem[16];
    mfa_buf_t  b;

    memset(mem, '#', sizeof(mem));
    mfa_buf_init(&b, mem, 10);

    mfa_buf_printf(&b, "%d-%s", 42, "abc");
    assert_int_equal(mfa_buf_status(&b), MFA_OK);
    assert_int_equal(b.len, 6);
    assert_memory_equal(mem, "42-abc", 6);

    mfa_buf_printf(&b, "%zu", (size_t) 789);
    assert_int_equal(mfa_buf_status(&b), MFA_OK);
    assert_int_equal(b.len, 9);
    assert_memory_equal(mem, "42-abc789", 9);

    /* truncated by vsnprintf: detected, the length unchanged */

    mfa_buf_printf(&b, "%s", "xy");
    assert_int_equal(mfa_buf_status(&b), MFA_TOO_LARGE);
    assert_int_equal(b.len, 9);

    /* nothing past the buffer's size */
    assert_memory_equal(mem + 10, "######", 6);

    /* after an overflow, nothing */

    mfa_buf_init(&b, mem, 10);
    mfa_buf_str(&b, "0123456789A");
    mfa_buf_printf(&b, "%d", 5);
    assert_int_equal(b.len, 0);
    assert_int_equal(mfa_buf_status(&b), MFA_TOO_LARGE);

    /* a long number into a short buffer */

    memset(mem, '#', sizeof(mem));
    mfa_buf_init(&b, mem, 4);
    mfa_buf_printf(&b, "%lld", (long long) INT64_MAX);
    assert_int_equal(mfa_buf_status(&b), MFA_TOO_LARGE);
    assert_int_equal(b.len, 0);
    assert_memory_equal(mem + 4, "############", 12);
}


static void
test_buf_html(void **state)
{
    int        c;
    char       in[256], expect[256 * 6], mem[256 * 6];
    size_t     n;
    mfa_buf_t  b;

    mfa_buf_init(&b, mem, sizeof(mem));
    mfa_buf_html(&b, "a&b<c>d\"e'f", 11);
    assert_int_equal(mfa_buf_status(&b), MFA_OK);
    assert_int_equal(b.len, 30);
    assert_memory_equal(mem, "a&amp;b&lt;c&gt;d&quot;e&#39;f", 30);

    /* escapes only, one after the other, at both ends */

    mfa_buf_init(&b, mem, sizeof(mem));
    mfa_buf_html(&b, "<<&&''", 6);
    assert_int_equal(b.len, 28);
    assert_memory_equal(mem, "&lt;&lt;&amp;&amp;&#39;&#39;", 28);

    /* an escape is not escaped again, nothing else is touched */

    mfa_buf_init(&b, mem, sizeof(mem));
    mfa_buf_html(&b, "&amp;", 5);
    assert_int_equal(b.len, 9);
    assert_memory_equal(mem, "&amp;amp;", 9);

    /* every byte: five escaped, the 251 others as they are (NUL too) */

    n = 0;

    for (c = 0; c < 256; c++) {
        in[c] = (char) c;

        switch (c) {
        case '&':  memcpy(expect + n, "&amp;", 5);  n += 5; break;
        case '<':  memcpy(expect + n, "&lt;", 4);   n += 4; break;
        case '>':  memcpy(expect + n, "&gt;", 4);   n += 4; break;
        case '"':  memcpy(expect + n, "&quot;", 6); n += 6; break;
        case '\'': memcpy(expect + n, "&#39;", 5);  n += 5; break;
        default:   expect[n++] = (char) c;          break;
        }
    }

    assert_int_equal(n, 251 + 5 + 4 + 4 + 6 + 5);

    mfa_buf_init(&b, mem, sizeof(mem));
    mfa_buf_html(&b, in, 256);
    assert_int_equal(mfa_buf_status(&b), MFA_OK);
    assert_int_equal(b.len, n);
    assert_memory_equal(mem, expect, n);

    /* the length given is what is escaped */

    mfa_buf_init(&b, mem, sizeof(mem));
    mfa_buf_html(&b, "ab<", 2);
    assert_int_equal(b.len, 2);
    mfa_buf_html(&b, "", 0);
    assert_int_equal(b.len, 2);

    /* an escape that does not fit: no part of it is written */

    memset(mem, '#', 16);
    mfa_buf_init(&b, mem, 5);
    mfa_buf_html(&b, "a&b", 3);
    assert_int_equal(mfa_buf_status(&b), MFA_TOO_LARGE);
    assert_int_equal(b.len, 1);
    assert_memory_equal(mem, "a###############", 16);

    /* exactly enough */

    mfa_buf_init(&b, mem, 6);
    mfa_buf_html(&b, "a&", 2);
    assert_int_equal(mfa_buf_status(&b), MFA_OK);
    assert_int_equal(b.len, 6);
    assert_memory_equal(mem, "a&amp;", 6);
}


/* mfa_lang_pick */


typedef struct {
    const char  *value;
    mfa_lang_e   lang;
} lang_case_t;


static void
test_lang_pick(void **state)
{
    size_t  i;

    static const lang_case_t  cases[] = {
        { "", MFA_LANG_EN },
        { "fr", MFA_LANG_FR },
        { "en", MFA_LANG_EN },
        { "FR", MFA_LANG_FR },
        { "Fr-ca", MFA_LANG_FR },
        { "fr-FR", MFA_LANG_FR },
        { "fr-FR,fr;q=0.9,en;q=0.8", MFA_LANG_FR },
        { "fr-FR,fr;q=0.9,en-US;q=0.8,en;q=0.7", MFA_LANG_FR },
        { "en-US,fr;q=0.5", MFA_LANG_EN },
        { "en-US,en;q=0.9,fr;q=0.8", MFA_LANG_EN },
        { "de, fr;q=0.1", MFA_LANG_FR },
        { "de", MFA_LANG_EN },
        { "de-DE,de;q=0.9", MFA_LANG_EN },
        { "*", MFA_LANG_EN },
        { "fr;q=0", MFA_LANG_EN },
        { "fr;q=0.000", MFA_LANG_EN },
        { "fr;q=0.001", MFA_LANG_FR },
        { "fr;q=1", MFA_LANG_FR },
        { "fr;q=1.0", MFA_LANG_FR },
        { "fr;Q=0.7", MFA_LANG_FR },
        { "fr;Q=0", MFA_LANG_EN },
        { "en;Q=0.1,fr;Q=0.2", MFA_LANG_FR },

        /* a tie goes to the language listed first */
        { "en;q=0.5, fr;q=0.5", MFA_LANG_EN },
        { "fr;q=0.5, en;q=0.5", MFA_LANG_FR },
        { "fr, en", MFA_LANG_FR },
        { "en, fr", MFA_LANG_EN },
        { "fr;q=0.5,en;q=0.50", MFA_LANG_FR },
        { "en-GB;q=0.5,fr;q=0.9,en;q=0.9", MFA_LANG_FR },
        { "en,\tfr;q=1", MFA_LANG_EN },
        { "de,\tfr", MFA_LANG_FR },
        { "fr;q=0.501,en;q=0.5", MFA_LANG_FR },
        { "fr;q=0.5,en;q=0.6", MFA_LANG_EN },

        /* the best q of each language counts */
        { "fr;q=0.1,en;q=0.5,fr-CA;q=0.9", MFA_LANG_FR },
        { "en;q=0.9,fr;q=0.1,en-GB;q=0", MFA_LANG_EN },
        { "en;q=0,fr;q=0", MFA_LANG_EN },
        { "en;q=0,fr;q=0.1", MFA_LANG_FR },

        /* malformed weights count as 0 */
        { "fr;q=abc", MFA_LANG_EN },
        { "fr;q=", MFA_LANG_EN },
        { "fr;q=2", MFA_LANG_EN },
        { "fr;q=-1", MFA_LANG_EN },
        { "fr;q=0.5x", MFA_LANG_EN },
        { "fr;q=0.5;level=1", MFA_LANG_EN },
        { "fr;q=abc,en;q=0.1", MFA_LANG_EN },
        { "fr;q=0.00000000000000001", MFA_LANG_EN },

        /* other parameters, and no weight at all */
        { "fr;level=1", MFA_LANG_FR },
        { "fr;level=1;q=0.2,en;q=0.1", MFA_LANG_FR },

        /* spaces around items and weights */
        { "  fr  ", MFA_LANG_FR },
        { " de ,  fr ; q=0.8 , en;q=0.7 ", MFA_LANG_FR },
        { "en ; q=0.1,fr ;q=0.2", MFA_LANG_FR },
        { "fr;q=0.3 , en;q=0.2", MFA_LANG_FR },
        { ",,fr,,", MFA_LANG_FR },

        /* not a two-letter primary tag */
        { "french", MFA_LANG_EN },
        { "fra", MFA_LANG_EN },
        { "f", MFA_LANG_EN },
        { "fr_FR", MFA_LANG_EN },
        { "xfr", MFA_LANG_EN },
        { "english, fr;q=0.2", MFA_LANG_FR },
        { "-fr", MFA_LANG_EN },
    };

    for (i = 0; i < mfa_test_nelts(cases); i++) {
        if (mfa_lang_pick(cases[i].value, strlen(cases[i].value))
            != cases[i].lang)
        {
            fail_msg("\"%s\" is not %s", cases[i].value,
                     mfa_lang_name(cases[i].lang));
        }
    }

    /* no header */
    assert_int_equal(mfa_lang_pick(NULL, 0), MFA_LANG_EN);
    assert_int_equal(mfa_lang_pick(NULL, 5), MFA_LANG_EN);

    /* the length given is what is read */
    assert_int_equal(mfa_lang_pick("fr", 0), MFA_LANG_EN);
    assert_int_equal(mfa_lang_pick("fr", 1), MFA_LANG_EN);
    assert_int_equal(mfa_lang_pick("en,fr", 2), MFA_LANG_EN);
    assert_int_equal(mfa_lang_pick("de,frx", 5), MFA_LANG_FR);
    assert_int_equal(mfa_lang_pick("fr;q=0.5x", 8), MFA_LANG_FR);
    assert_int_equal(mfa_lang_pick("fr;q=0.1,en;q=0.5", 9), MFA_LANG_FR);

    assert_string_equal(mfa_lang_name(MFA_LANG_EN), "en");
    assert_string_equal(mfa_lang_name(MFA_LANG_FR), "fr");
}


/* the pages */


static void
test_page_enroll(void **state)
{
    char         tag[1024], expect[256];
    size_t       len;
    mfa_page_t   p;
    const char  *svg;

    static char  el[PAGE_MAX];

    page_init(&p, MFA_PAGE_ENROLL, MFA_LANG_EN);
    len = render(&p);

    assert_true(mfa_test_contains(out, "<style nonce=\"n0nce-AbC_123\">"));
    assert_true(mfa_test_contains(out,
                                  "<title>Set up two-factor authentication"
                                  "</title>"));
    check_forms(out, "csrf.TOKEN-value_1", "/reports?tab=2", 1);
    assert_true(mfa_test_contains(out, "action=\"/_mfa/enroll\""));

    /* the secret in groups of four */

    element(out, "secret", el, sizeof(el));
    assert_string_equal(el, "<code id=\"secret\" class=\"secret\">"
                        "JBSW Y3DP EHPK 3PXP JBSW Y3DP EHPK 3PXP</code>");

    /* the QR code, inline */

    element(out, "qr", el, sizeof(el));
    assert_true(starts_with(el, "<div id=\"qr\" class=\"qr\"><svg "));
    assert_int_equal(count(el, "<svg"), 1);
    assert_int_equal(count(el, "</svg></div>"), 1);
    svg = strstr(el, "</svg></div>");
    assert_string_equal(svg, "</svg></div>");

    /* the otpauth link, its "&" escaped */

    element(out, "otpauth", el, sizeof(el));
    snprintf(expect, sizeof(expect), "<a id=\"otpauth\" href=\"%s\">",
             "otpauth://totp/Acme:alice%40example.com?secret=" SECRET
             "&amp;issuer=Acme&amp;algorithm=SHA1&amp;digits=6"
             "&amp;period=30");
    assert_true(starts_with(el, expect));

    /* the code field */

    element(out, "code", tag, sizeof(tag));
    assert_true(starts_with(tag, "<input "));
    check_tag(tag, "type=\"text\"\nname=\"code\"\n"
                   "autocomplete=\"one-time-code\"\ninputmode=\"numeric\"\n"
                   "autofocus\nrequired\n");
    assert_false(mfa_test_contains(tag, "aria-invalid"));
    assert_int_equal(count(out, "autofocus"), 1);
    assert_true(mfa_test_contains(out, "<label for=\"code\">"));

    /* no message */
    assert_false(mfa_test_contains(out, "id=\"error\""));
    assert_false(mfa_test_contains(out, "id=\"notice\""));

    /* the logout link, last */

    element(out, "logout", el, sizeof(el));
    assert_string_equal(el, "<a id=\"logout\" href=\"/logout\">Log out</a>");
    assert_true(mfa_test_contains(out, "<p class=\"alt\"><a id=\"logout\" "
                                  "href=\"/logout\">Log out</a></p>\n"
                                  "</main><script "));
    assert_true(len > 0);

    /* on a phone the link comes first, then the QR code */

    assert_true(strstr(out, "id=\"otpauth\"") < strstr(out, "id=\"qr\""));

    /* the key to copy without its spaces (the script shows the button),
       the 10 minutes it is kept */

    element(out, "copy-key", tag, sizeof(tag));
    check_tag(tag, "type=\"button\"\nhidden\ndata-copy=\"" SECRET "\"\n");
    element(out, "limit", el, sizeof(el));
    assert_true(mfa_test_contains(el, "10 minutes"));

    /* 2FA not required here: a way back, and no reason given */

    element(out, "cancel", el, sizeof(el));
    assert_string_equal(el, "<a id=\"cancel\" class=\"button secondary\" "
                        "href=\"/reports?tab=2\">Cancel</a>");
    assert_false(mfa_test_contains(out, "id=\"required\""));

    /* required: no way round it, and who requires it */

    p.required = 1;
    p.company = "globex";
    render(&p);
    assert_false(mfa_test_contains(out, "id=\"cancel\""));
    element(out, "required", el, sizeof(el));
    assert_string_equal(el, "<p id=\"required\" class=\"warning\">"
                        "<strong>globex</strong> requires two-factor "
                        "authentication for every user: set it up to "
                        "continue.</p>");
    p.company_name = "Globex <Inc>";
    render(&p);
    element(out, "required", el, sizeof(el));
    assert_true(starts_with(el, "<p id=\"required\" class=\"warning\">"
                            "<strong>Globex &lt;Inc&gt;</strong> requires"));
    p.company = NULL;
    p.company_name = NULL;
    render(&p);
    element(out, "required", el, sizeof(el));
    assert_true(mfa_test_contains(el, "Your company requires"));

    /* a new phone: its own title, and the old one still works: cancel */

    p.replace = 1;
    render(&p);
    assert_true(mfa_test_contains(out, "<title>Set up a new phone</title>"));
    assert_true(mfa_test_contains(out, "<input type=\"hidden\" "
                                  "name=\"replace\" value=\"1\">"));
    assert_true(mfa_test_contains(out, "id=\"cancel\""));
    assert_false(mfa_test_contains(out, "id=\"required\""));
    assert_true(mfa_test_contains(out, ">Use this phone</button>"));
    p.replace = 0;
    p.required = 0;

    /* optional: nothing says the account must have it */

    render(&p);
    assert_false(mfa_test_contains(out, "id=\"required\""));
    assert_false(mfa_test_contains(out, "needs"));
    assert_false(mfa_test_contains(out, "requires"));
    assert_true(mfa_test_contains(out, "id=\"cancel\""));

    /* a secret not a multiple of four long */

    p.secret = "ABCDEFGHIJ";
    render(&p);
    element(out, "secret", el, sizeof(el));
    assert_string_equal(el, "<code id=\"secret\" class=\"secret\">"
                        "ABCD EFGH IJ</code>");

    /* no logout URL, no link */

    p.logout_url = NULL;
    render(&p);
    assert_false(mfa_test_contains(out, "logout"));
    assert_false(mfa_test_contains(out, "Log out"));

    /* a wrong code: an alert in the form, the field points to it, has
       the focus; the title says so */

    p.msg = MFA_MSG_WRONG_CODE;
    render(&p);
    element(out, "error", el, sizeof(el));
    assert_string_equal(el, "<p id=\"error\" class=\"error\" role=\"alert\">"
                        "That code is not valid. Check it and try again "
                        "with a new code. If codes keep failing, check that "
                        "your phone sets its clock automatically.</p>");
    element(out, "code", tag, sizeof(tag));
    check_tag(tag, "aria-invalid=\"true\"\naria-describedby=\"error\"\n"
                   "autofocus\n");
    assert_int_equal(count(out, "autofocus"), 1);
    element(out, "enroll-form", el, sizeof(el));
    assert_true(mfa_test_contains(el, "id=\"error\""));
    assert_true(mfa_test_contains(out, "<title>Error – Set up two-factor "
                                  "authentication</title>"));
    assert_true(mfa_test_contains(out, "<h1>Set up two-factor "
                                  "authentication</h1>"));

    /* the key expired */

    p.msg = MFA_MSG_EXPIRED;
    render(&p);
    element(out, "error", el, sizeof(el));
    assert_true(mfa_test_contains(el, "role=\"alert\""));
    assert_true(mfa_test_contains(el, "That key expired"));
}


static void
test_page_enroll_fr(void **state)
{
    char        el[1024];
    mfa_page_t  p;

    page_init(&p, MFA_PAGE_ENROLL, MFA_LANG_FR);
    render(&p);

    assert_true(mfa_test_contains(out, "<html lang=\"fr\">"));
    assert_true(mfa_test_contains(out,
                                  "<title>Activer la double "
                                  "authentification</title>"));
    assert_true(mfa_test_contains(out, "à 6 chiffres"));
    assert_true(mfa_test_contains(out, "Scannez ce QR code"));
    assert_true(mfa_test_contains(out, "Ou saisissez cette clé"));
    assert_true(mfa_test_contains(out, ">Activer</button>"));
    assert_false(mfa_test_contains(out, "Set up"));
    assert_false(mfa_test_contains(out, "Turn on"));

    element(out, "logout", el, sizeof(el));
    assert_string_equal(el, "<a id=\"logout\" href=\"/logout\">"
                        "Se déconnecter</a>");

    p.msg = MFA_MSG_WRONG_CODE;
    render(&p);
    element(out, "error", el, sizeof(el));
    assert_true(mfa_test_contains(el, "Ce code n’est pas valide."));
    assert_true(mfa_test_contains(out, "<title>Erreur – Activer la double "
                                  "authentification</title>"));
}


static void
test_page_codes(void **state)
{
    char         el[16384], expect[4096];
    size_t       i, n;
    mfa_page_t   p;
    const char  *li;

    page_init(&p, MFA_PAGE_CODES, MFA_LANG_EN);
    render(&p);

    assert_true(mfa_test_contains(out, "<title>Save your recovery codes"
                                  "</title>"));
    check_forms(out, "", "", 0);
    assert_false(mfa_test_contains(out, "logout"));

    /* the list: exactly the codes, in order */

    element(out, "recovery-codes", el, sizeof(el));
    assert_int_equal(count(el, "<li>"), MFA_RECOVERY_COUNT);
    assert_int_equal(count(el, "</li>"), MFA_RECOVERY_COUNT);

    li = el;

    for (i = 0; i < MFA_RECOVERY_COUNT; i++) {
        snprintf(expect, sizeof(expect), "<li><code>%s</code></li>",
                 codes[i]);
        li = strstr(li, expect);

        if (li == NULL) {
            fail_msg("code %zu missing or out of order", i);
        }
    }

    /* the text area */

    element(out, "recovery-text", el, sizeof(el));
    n = (size_t) sprintf(expect, "<textarea id=\"recovery-text\" readonly "
                         "rows=\"10\">");

    for (i = 0; i < MFA_RECOVERY_COUNT; i++) {
        n += (size_t) sprintf(expect + n, "%s\n", codes[i]);
    }

    strcpy(expect + n, "</textarea>");
    assert_string_equal(el, expect);

    /* the download link: a header, then the same text, percent-encoded */

    element(out, "download", el, sizeof(el));
    n = (size_t) sprintf(expect, "<a id=\"download\" "
                         "class=\"button secondary\" "
                         "download=\"recovery-codes.txt\" "
                         "href=\"data:text/plain;charset=utf-8,"
                         "Created%%3A%%201970-01-01%%2000%%3A00%%20UTC%%0A"
                         "Each%%20code%%20works%%20once.%%0A%%0A");

    for (i = 0; i < MFA_RECOVERY_COUNT; i++) {
        n += (size_t) sprintf(expect + n, "%s%%0A", codes[i]);
    }

    strcpy(expect + n, "\">Download the codes</a>");
    assert_string_equal(el, expect);

    /* the codes kept whole on a narrow screen; copy and print, which the
       script shows */

    assert_true(mfa_test_contains(out, "ol.codes code{white-space:nowrap}"));
    element(out, "copy-codes", el, sizeof(el));
    assert_true(mfa_test_contains(el, " hidden "));
    n = (size_t) sprintf(expect, "data-copy=\"");

    for (i = 0; i < MFA_RECOVERY_COUNT; i++) {
        n += (size_t) sprintf(expect + n, "%s\n", codes[i]);
    }

    strcpy(expect + n, "\">Copy the codes</button>");
    assert_true(ends_with(el, strlen(el), expect));
    element(out, "print", el, sizeof(el));
    check_tag(el, "type=\"button\"\nhidden\ndata-print\n");

    /* named after the issuer, for the account and the site */

    p.issuer = "Acme Dashboard/2";
    p.user = "alice@example.com";
    p.site = "dash.example.com";
    p.now = 1767225600;
    render(&p);
    element(out, "download", el, sizeof(el));
    assert_true(mfa_test_contains(el, "download=\"Acme-Dashboard-2-recovery-"
                                  "codes.txt\""));
    assert_true(mfa_test_contains(el, "charset=utf-8,Recovery%20codes%20for"
                                  "%20Acme%20Dashboard%2F2%0AAccount%3A%20"
                                  "alice%40example.com%0ASite%3A%20dash."
                                  "example.com%0ACreated%3A%202026-01-01%20"
                                  "00%3A00%20UTC%0A"));
    p.issuer = NULL;
    p.user = NULL;
    p.site = NULL;
    p.now = 0;

    /* continue: back where the user was going */

    element(out, "continue", el, sizeof(el));
    assert_string_equal(el, "<a id=\"continue\" class=\"button\" "
                        "href=\"/reports?tab=2\">I have saved them, "
                        "continue</a>");

    /* three codes */

    p.ncodes = 3;
    render(&p);
    element(out, "recovery-codes", el, sizeof(el));
    assert_int_equal(count(el, "<li>"), 3);
    assert_false(mfa_test_contains(el, codes[3]));
    element(out, "download", el, sizeof(el));
    assert_true(mfa_test_contains(el, "%0A%0A23456-789ab%0Acdefg-hjkmn%0A"
                                  "pqrst-uvwxy%0A\""));
    assert_true(mfa_test_contains(out, "rows=\"3\""));

    /* more than MFA_RECOVERY_COUNT: the first ones only */

    p.ncodes = 12;
    render(&p);
    element(out, "recovery-codes", el, sizeof(el));
    assert_int_equal(count(el, "<li>"), MFA_RECOVERY_COUNT);
    assert_false(mfa_test_contains(out, codes[10]));
    assert_false(mfa_test_contains(out, codes[11]));

    /* a message above the codes */

    p.ncodes = MFA_RECOVERY_COUNT;
    p.msg = MFA_MSG_REGENERATED;
    render(&p);
    element(out, "notice", el, sizeof(el));
    assert_string_equal(el, "<p id=\"notice\" class=\"notice\" "
                        "role=\"status\">Here are your new recovery codes; "
                        "the old ones no longer work.</p>");

    /* French */

    p.lang = MFA_LANG_FR;
    p.msg = MFA_MSG_NONE;
    render(&p);
    assert_true(mfa_test_contains(out, "<title>Conservez vos codes de secours"
                                  "</title>"));
    assert_true(mfa_test_contains(out, ">Télécharger les codes</a>"));
    assert_true(mfa_test_contains(out, ">Je les ai conservés, continuer</a>"));
    assert_false(mfa_test_contains(out, "Download"));
}


static void
test_page_challenge(void **state)
{
    char        tag[1024], el[4096];
    size_t      len;
    mfa_page_t  p;

    page_init(&p, MFA_PAGE_CHALLENGE, MFA_LANG_EN);
    len = render(&p);

    assert_true(mfa_test_contains(out, "<title>Two-factor authentication"
                                  "</title>"));
    assert_true(mfa_test_contains(out, "<style nonce=\"n0nce-AbC_123\">"));

    /* the TOTP form and the recovery form */

    check_forms(out, "csrf.TOKEN-value_1", "/reports?tab=2", 2);
    assert_int_equal(count(out, "action=\"/_mfa/challenge\""), 2);
    assert_true(mfa_test_contains(out, "id=\"challenge-form\""));
    assert_true(mfa_test_contains(out, "id=\"recovery-form\""));

    element(out, "code", tag, sizeof(tag));
    check_tag(tag, "type=\"text\"\nname=\"code\"\n"
                   "autocomplete=\"one-time-code\"\ninputmode=\"numeric\"\n"
                   "autofocus\n");

    /* the recovery code is not numeric and has no focus */

    element(out, "recovery-code", tag, sizeof(tag));
    check_tag(tag, "name=\"code\"\nautocomplete=\"one-time-code\"\n");
    assert_false(mfa_test_contains(tag, "inputmode"));
    assert_false(mfa_test_contains(tag, "autofocus"));
    assert_int_equal(count(out, "autofocus"), 1);

    element(out, "recovery-form", el, sizeof(el));
    assert_true(mfa_test_contains(el, "id=\"recovery-code\""));

    element(out, "logout", el, sizeof(el));
    assert_string_equal(el, "<a id=\"logout\" href=\"/logout\">Log out</a>");
    assert_true(mfa_test_contains(out, "<p class=\"alt\"><a id=\"logout\" "
                                  "href=\"/logout\">Log out</a></p>\n"
                                  "</main><script "));
    assert_true(len > 0);

    /* the recovery panel closed, its form says what it is */

    assert_true(mfa_test_contains(out, "<details><summary>"));
    element(out, "recovery-form", el, sizeof(el));
    assert_true(mfa_test_contains(el, "<input type=\"hidden\" name=\"form\" "
                                  "value=\"recovery\">"));

    /* a wrong code */

    p.msg = MFA_MSG_WRONG_CODE;
    render(&p);
    element(out, "error", el, sizeof(el));
    assert_true(mfa_test_contains(el, "role=\"alert\""));
    assert_true(mfa_test_contains(el, "That code is not valid."));
    assert_int_equal(count(out, "id=\"error\""), 1);
    element(out, "challenge-form", el, sizeof(el));
    assert_true(mfa_test_contains(el, "id=\"error\""));
    assert_int_equal(count(out, "aria-describedby=\"error\""), 1);
    assert_int_equal(count(out, "aria-invalid=\"true\""), 1);
    element(out, "code", tag, sizeof(tag));
    check_tag(tag, "aria-invalid=\"true\"\nautofocus\n");
    assert_true(mfa_test_contains(out, "<details><summary>"));
    assert_true(mfa_test_contains(out, "<title>Error – Two-factor "
                                  "authentication</title>"));

    /* a wrong recovery code: its panel open, its field flagged and
       focused, the app code's field left alone */

    p.form = MFA_FORM_RECOVERY;
    render(&p);
    assert_int_equal(count(out, "id=\"error\""), 1);
    element(out, "recovery-form", el, sizeof(el));
    assert_true(mfa_test_contains(el, "id=\"error\""));
    assert_true(mfa_test_contains(el, "That recovery code is not valid or "
                                  "was already used"));
    assert_false(mfa_test_contains(el, "clock"));
    assert_true(mfa_test_contains(out, "<details open><summary>"));
    element(out, "recovery-code", tag, sizeof(tag));
    check_tag(tag, "aria-invalid=\"true\"\naria-describedby=\"error\"\n"
                   "autofocus\n");
    element(out, "code", tag, sizeof(tag));
    assert_false(mfa_test_contains(tag, "aria-invalid"));
    assert_false(mfa_test_contains(tag, "autofocus"));
    assert_int_equal(count(out, "autofocus"), 1);
    p.form = MFA_FORM_CODE;

    /* no logout URL */

    p.logout_url = NULL;
    p.msg = MFA_MSG_NONE;
    render(&p);
    assert_false(mfa_test_contains(out, "logout"));
    assert_false(mfa_test_contains(out, " aria-invalid="));

    /* French */

    p.lang = MFA_LANG_FR;
    p.logout_url = "/logout";
    render(&p);
    assert_true(mfa_test_contains(out, "<title>Double authentification"
                                  "</title>"));
    assert_true(mfa_test_contains(out, "Saisissez le code à 6 chiffres affiché"));
    assert_true(mfa_test_contains(out, "Téléphone perdu ? Utilisez un code "
                                  "de secours"));
    assert_int_equal(count(out, ">Vérifier</button>"), 2);
    assert_true(mfa_test_contains(out, ">Se déconnecter</a>"));
    assert_false(mfa_test_contains(out, "Verify"));
}


typedef struct {
    int64_t      wait;
    const char  *en;
    const char  *fr;
} wait_case_t;


static void
test_page_locked(void **state)
{
    char        el[1024], expect[256];
    size_t      i;
    mfa_page_t  p;

    static const wait_case_t  cases[] = {
        { 1, "1 seconds.", "1 secondes." },
        { 5, "5 seconds.", "5 secondes." },
        { 59, "59 seconds.", "59 secondes." },
        { 60, "60 seconds.", "60 secondes." },
        { 119, "119 seconds.", "119 secondes." },
        { 120, "2 minutes.", "2 minutes." },
        { 121, "3 minutes.", "3 minutes." },
        { 179, "3 minutes.", "3 minutes." },
        { 180, "3 minutes.", "3 minutes." },
        { 181, "4 minutes.", "4 minutes." },
        { 900, "15 minutes.", "15 minutes." },
        { 86400, "1440 minutes.", "1440 minutes." },

        /* an expired or unknown wait shows as a second, never as 0 */
        { 0, "1 seconds.", "1 secondes." },
        { -3, "1 seconds.", "1 secondes." },
    };

    page_init(&p, MFA_PAGE_CHALLENGE, MFA_LANG_EN);
    p.msg = MFA_MSG_LOCKED;
    p.now = 1767225600;     /* 2026-01-01 00:00:00 UTC */

    for (i = 0; i < mfa_test_nelts(cases); i++) {
        p.wait = cases[i].wait;

        p.lang = MFA_LANG_EN;
        render(&p);
        element(out, "lock", el, sizeof(el));
        snprintf(expect, sizeof(expect),
                 "(in %.*s).</p>", (int) strlen(cases[i].en) - 1,
                 cases[i].en);
        assert_true(starts_with(el, "<p id=\"lock\" class=\"error\" "
                                "role=\"alert\" data-over=\"You can try "
                                "again now.\">Too many wrong codes. For "
                                "your safety, no code is checked until "
                                "<time id=\"lock-end\">"));
        assert_true(ends_with(el, strlen(el), expect));

        /* a right code is not called wrong: no field is flagged, no
           button can send one until the end */
        assert_false(mfa_test_contains(out, "id=\"error\""));
        assert_false(mfa_test_contains(out, " aria-invalid="));
        snprintf(expect, sizeof(expect), " disabled data-wait=\"%lld\">",
                 (long long) (cases[i].wait > 0 ? cases[i].wait : 1));
        assert_int_equal(count(out, expect), 2);

        p.lang = MFA_LANG_FR;
        render(&p);
        element(out, "lock", el, sizeof(el));
        snprintf(expect, sizeof(expect),
                 "(dans %.*s).</p>", (int) strlen(cases[i].fr) - 1,
                 cases[i].fr);
        assert_true(mfa_test_contains(el, "Trop de codes erronés. Par "
                                      "sécurité, aucun code n’est vérifié "
                                      "avant <time id=\"lock-end\">"));
        assert_true(ends_with(el, strlen(el), expect));
    }

    /* the end, in UTC */

    p.lang = MFA_LANG_EN;
    p.wait = 90;
    render(&p);
    element(out, "lock-end", el, sizeof(el));
    assert_string_equal(el, "<time id=\"lock-end\">00:01:30 UTC</time>");

    /* shown on a page merely loaded during a lockout */

    p.msg = MFA_MSG_NONE;
    render(&p);
    assert_true(mfa_test_contains(out, "id=\"lock\""));
    assert_int_equal(count(out, " disabled data-wait=\"90\">"), 2);

    /* a wrong code that started the lockout: both told */

    p.msg = MFA_MSG_WRONG_CODE;
    render(&p);
    assert_true(mfa_test_contains(out, "id=\"lock\""));
    element(out, "challenge-form", el, sizeof(el));
    assert_true(mfa_test_contains(el, "id=\"error\""));

    /* no lockout, nothing disabled */

    p.msg = MFA_MSG_NONE;
    p.wait = 0;
    render(&p);
    assert_false(mfa_test_contains(out, "id=\"lock\""));
    assert_false(mfa_test_contains(out, " disabled"));
}


static void
test_page_settings(void **state)
{
    char        el[8192], tag[1024];
    mfa_page_t  p;

    page_init(&p, MFA_PAGE_SETTINGS, MFA_LANG_EN);
    render(&p);

    assert_true(mfa_test_contains(out, "<title>Two-factor authentication"
                                  "</title>"));
    check_forms(out, "csrf.TOKEN-value_1", "/reports?tab=2", 3);
    assert_int_equal(count(out, "action=\"/_mfa/settings\""), 3);

    /* no logout link on the settings page, even with a URL */
    assert_false(mfa_test_contains(out, "logout"));

    element(out, "status", el, sizeof(el));
    assert_string_equal(el, "<p id=\"status\">Two-factor authentication is "
                        "on since <time id=\"since\">2024-01-02 03:04 UTC"
                        "</time>.</p>");

    element(out, "codes-left", el, sizeof(el));
    assert_string_equal(el, "<strong id=\"codes-left\">7</strong>");
    assert_false(mfa_test_contains(out, "id=\"codes-low\""));

    element(out, "regenerate-form", el, sizeof(el));
    assert_true(mfa_test_contains(el, "<input type=\"hidden\" name=\"action\" "
                                  "value=\"regenerate\">"));
    assert_true(mfa_test_contains(el, "id=\"regenerate-code\""));
    assert_false(mfa_test_contains(el, "value=\"disable\""));

    element(out, "reenroll-form", el, sizeof(el));
    assert_true(mfa_test_contains(el, "<input type=\"hidden\" name=\"action\" "
                                  "value=\"reenroll\">"));
    assert_true(mfa_test_contains(el, "id=\"reenroll-code\""));
    assert_true(mfa_test_contains(el, ">Set up a new phone</button>"));

    /* turning it off: a code and a box to tick */

    element(out, "disable-form", el, sizeof(el));
    assert_true(mfa_test_contains(el, "<input type=\"hidden\" name=\"action\" "
                                  "value=\"disable\">"));
    assert_true(mfa_test_contains(el, "id=\"disable-code\""));
    assert_true(mfa_test_contains(el, "class=\"danger\""));
    assert_false(mfa_test_contains(el, "value=\"regenerate\""));
    element(out, "disable-confirm", tag, sizeof(tag));
    check_tag(tag, "type=\"checkbox\"\nname=\"confirm\"\nvalue=\"1\"\n"
                   "required\n");
    assert_true(mfa_test_contains(el, "Yes, turn off two-factor "
                                  "authentication for my account"));

    /* the code fields take app and recovery codes: no numeric keyboard */
    assert_false(mfa_test_contains(out, "inputmode"));
    assert_false(mfa_test_contains(out, "autofocus"));

    assert_true(mfa_test_contains(out, "Your sessions will need a password "
                                  "only."));
    assert_false(mfa_test_contains(out, "Your company requires"));

    element(out, "back", el, sizeof(el));
    assert_string_equal(el, "<a id=\"back\" href=\"/reports?tab=2\">Back to "
                        "the dashboard</a>");

    assert_false(mfa_test_contains(out, "id=\"enable\""));

    /* required by the company: off stays possible, says what follows,
       and points to the new phone */

    p.required = 1;
    render(&p);
    element(out, "disable", el, sizeof(el));
    assert_true(mfa_test_contains(el, "Your company requires two-factor "
                                  "authentication: after turning it off you "
                                  "will be asked to set it up again at once. "
                                  "Changing phones? Set up the new one above "
                                  "instead."));
    assert_true(mfa_test_contains(out, "id=\"disable-form\""));
    assert_true(strstr(out, "id=\"reenroll-form\"")
                < strstr(out, "id=\"disable-form\""));
    assert_false(mfa_test_contains(out, "Your sessions will need"));
    check_forms(out, "csrf.TOKEN-value_1", "/reports?tab=2", 3);

    /* three codes left or fewer: a warning */

    p.codes_left = 3;
    render(&p);
    element(out, "codes-low", el, sizeof(el));
    assert_true(mfa_test_contains(el, "Few recovery codes are left"));

    /* zero codes left, and a time gmtime cannot convert */

    p.codes_left = 0;
    p.since = INT64_MAX;
    render(&p);
    element(out, "codes-left", el, sizeof(el));
    assert_string_equal(el, "<strong id=\"codes-left\">0</strong>");
    element(out, "since", el, sizeof(el));
    assert_string_equal(el, "<time id=\"since\">?</time>");
    assert_true(mfa_test_contains(out, "id=\"codes-low\""));

    /* an error is in the form that failed, its field alone flagged */

    p.required = 0;
    p.since = SINCE;
    p.msg = MFA_MSG_WRONG_CODE;
    p.form = MFA_FORM_DISABLE;
    render(&p);
    element(out, "error", el, sizeof(el));
    assert_true(mfa_test_contains(el, "role=\"alert\""));
    assert_int_equal(count(out, "id=\"error\""), 1);
    assert_int_equal(count(out, "aria-describedby=\"error\""), 1);
    element(out, "disable-form", el, sizeof(el));
    assert_true(mfa_test_contains(el, "id=\"error\""));
    element(out, "disable-code", tag, sizeof(tag));
    check_tag(tag, "aria-invalid=\"true\"\nautofocus\n");
    element(out, "regenerate-code", tag, sizeof(tag));
    assert_false(mfa_test_contains(tag, "aria-invalid"));
    assert_true(mfa_test_contains(out, "<title>Error – Two-factor "
                                  "authentication</title>"));

    p.form = MFA_FORM_REGENERATE;
    render(&p);
    element(out, "regenerate-form", el, sizeof(el));
    assert_true(mfa_test_contains(el, "id=\"error\""));
    element(out, "regenerate-code", tag, sizeof(tag));
    check_tag(tag, "aria-invalid=\"true\"\nautofocus\n");
    assert_int_equal(count(out, " aria-invalid="), 1);

    /* the box not ticked: it is what is flagged */

    p.msg = MFA_MSG_CONFIRM;
    p.form = MFA_FORM_DISABLE;
    render(&p);
    element(out, "disable-form", el, sizeof(el));
    assert_true(mfa_test_contains(el, ">Tick the box to confirm.</p>"));
    element(out, "disable-confirm", tag, sizeof(tag));
    check_tag(tag, "aria-invalid=\"true\"\naria-describedby=\"error\"\n"
                   "autofocus\n");
    assert_int_equal(count(out, " aria-invalid="), 1);

    p.msg = MFA_MSG_ENROLLED;
    render(&p);
    element(out, "notice", el, sizeof(el));
    assert_string_equal(el, "<p id=\"notice\" class=\"notice\" "
                        "role=\"status\">Two-factor authentication is "
                        "already on.</p>");
    assert_false(mfa_test_contains(out, " aria-invalid="));

    /* French */

    p.msg = MFA_MSG_NONE;
    p.lang = MFA_LANG_FR;
    p.required = 1;
    render(&p);
    element(out, "status", el, sizeof(el));
    assert_string_equal(el, "<p id=\"status\">La double authentification est "
                        "activée depuis le <time id=\"since\">"
                        "02/01/2024 à 03:04 UTC</time>.</p>");
    assert_true(mfa_test_contains(out, "Codes de secours restants :"));
    assert_true(mfa_test_contains(out, "Désactiver la double "
                                  "authentification"));
    assert_true(mfa_test_contains(out, "Votre entreprise exige"));
    element(out, "back", el, sizeof(el));
    assert_true(mfa_test_contains(el, ">Retour au tableau de bord</a>"));
}


static void
test_page_settings_off(void **state)
{
    char        el[4096];
    mfa_page_t  p;

    page_init(&p, MFA_PAGE_SETTINGS, MFA_LANG_EN);
    p.enrolled = 0;
    render(&p);

    check_forms(out, "", "", 0);

    element(out, "status", el, sizeof(el));
    assert_string_equal(el, "<p id=\"status\">Two-factor authentication is "
                        "off.</p>");

    /* enrolment comes back to the settings */

    element(out, "enable", el, sizeof(el));
    assert_string_equal(el, "<a id=\"enable\" class=\"button\" "
                        "href=\"/_mfa/enroll?return=/_mfa/settings\">Turn on "
                        "two-factor authentication</a>");

    element(out, "back", el, sizeof(el));
    assert_string_equal(el, "<a id=\"back\" href=\"/reports?tab=2\">Back to "
                        "the dashboard</a>");

    assert_false(mfa_test_contains(out, "codes-left"));
    assert_false(mfa_test_contains(out, "since"));
    assert_false(mfa_test_contains(out, "disable-form"));
    assert_false(mfa_test_contains(out, "regenerate-form"));
    assert_false(mfa_test_contains(out, "logout"));

    /* a notice after turning it off */

    p.msg = MFA_MSG_DISABLED;
    render(&p);
    element(out, "notice", el, sizeof(el));
    assert_string_equal(el, "<p id=\"notice\" class=\"notice\" "
                        "role=\"status\">Two-factor authentication was turned "
                        "off.</p>");

    p.lang = MFA_LANG_FR;
    render(&p);
    element(out, "notice", el, sizeof(el));
    assert_true(mfa_test_contains(el, "La double authentification a "
                                  "été désactivée."));
    element(out, "enable", el, sizeof(el));
    assert_true(mfa_test_contains(el, ">Activer la double "
                                  "authentification</a>"));
}


typedef struct {
    mfa_msg_e    msg;
    const char  *title[MFA_LANGS];
    const char  *text[MFA_LANGS];
} message_case_t;


static void
test_page_message(void **state)
{
    int          lang;
    char         el[4096], expect[1024];
    size_t       i;
    mfa_page_t   p;

    static const message_case_t  cases[] = {
        { MFA_MSG_LOGIN,
          { "Please log in", "Veuillez vous connecter" },
          { "Log in to the dashboard first.",
            "Connectez-vous d’abord au tableau de bord." } },
        { MFA_MSG_FORBIDDEN,
          { "Request refused", "Requête refusée" },
          { "This form has expired or did not come from this site.",
            "Ce formulaire a expiré ou ne provient pas de ce site." } },
        { MFA_MSG_UNAVAILABLE,
          { "Temporarily unavailable", "Momentanément indisponible" },
          { "Two-factor authentication cannot be checked for a moment, so "
            "the dashboard cannot open.",
            "La double authentification ne peut pas être vérifiée pour le "
            "moment" } },
        { MFA_MSG_NOT_SAVED,
          { "Not confirmed as saved", "Enregistrement non confirmé" },
          { "Your change could not be confirmed as saved, and it may be "
            "lost.",
            "Votre modification n’a pas pu être confirmée comme "
            "enregistrée" } },
        { MFA_MSG_RATE,
          { "Too many changes", "Trop de modifications" },
          { "Nothing was changed now; try again in a minute.",
            "Rien n’a été modifié ; réessayez dans une minute." } },
        { MFA_MSG_ERROR,
          { "Something went wrong", "Une erreur est survenue" },
          { "Your account cannot use two-factor authentication right now.",
            "Votre compte ne peut pas utiliser la double authentification "
            "pour le moment." } },

        /* anything else is an error */
        { MFA_MSG_NONE,
          { "Something went wrong", "Une erreur est survenue" },
          { "Contact your administrator.",
            "Contactez votre administrateur." } },
        { MFA_MSG_WRONG_CODE,
          { "Something went wrong", "Une erreur est survenue" },
          { "Contact your administrator.",
            "Contactez votre administrateur." } },
    };

    static const char  *back[MFA_LANGS] = {
        "Back to the dashboard", "Retour au tableau de bord"
    };

    static const char  *retry[MFA_LANGS] = {
        "Try again", "Réessayer"
    };

    for (i = 0; i < mfa_test_nelts(cases); i++) {
        for (lang = 0; lang < MFA_LANGS; lang++) {
            page_init(&p, MFA_PAGE_MESSAGE, (mfa_lang_e) lang);
            p.msg = cases[i].msg;
            render(&p);

            snprintf(expect, sizeof(expect), "<title>%s</title>",
                     cases[i].title[lang]);
            assert_true(mfa_test_contains(out, expect));
            snprintf(expect, sizeof(expect), "<h1>%s</h1>",
                     cases[i].title[lang]);
            assert_true(mfa_test_contains(out, expect));

            element(out, "message", el, sizeof(el));

            if (!mfa_test_contains(el, cases[i].text[lang])) {
                fail_msg("message %d, %s: %s", (int) cases[i].msg,
                         mfa_lang_name((mfa_lang_e) lang), el);
            }

            /* unavailable or not saved: the way on is the same page
               again */

            element(out, "back", el, sizeof(el));

            if (cases[i].msg == MFA_MSG_UNAVAILABLE
                || cases[i].msg == MFA_MSG_NOT_SAVED)
            {
                snprintf(expect, sizeof(expect),
                         "<a id=\"back\" class=\"button\" "
                         "href=\"/reports?tab=2\">%s</a>", retry[lang]);

            } else {
                snprintf(expect, sizeof(expect),
                         "<a id=\"back\" href=\"/reports?tab=2\">%s</a>",
                         back[lang]);
            }

            assert_string_equal(el, expect);

            /* a message page has no form, no message box, no logout */

            check_forms(out, "", "", 0);
            assert_false(mfa_test_contains(out, "id=\"error\""));
            assert_false(mfa_test_contains(out, "logout"));
        }
    }
}


/* every value from outside is escaped, wherever it goes */

static void
test_page_admin(void **state)
{
    size_t        len;
    mfa_page_t    p;
    mfa_member_t  members[3];

    members[0] = (mfa_member_t) { "ann", SINCE, 0 };
    members[1] = (mfa_member_t) { "b<o>b", 0, SINCE + 600 };
    members[2] = (mfa_member_t) { "cy", 0, SINCE - 600 };

    page_init(&p, MFA_PAGE_ADMIN, MFA_LANG_EN);
    p.company = "ac&me";
    p.required = 0;
    p.members_known = 1;
    p.members = members;
    p.nmembers = 3;
    p.members_total = 5;
    p.now = SINCE;

    len = render(&p);
    assert_true(len > 0);
    assert_non_null(strstr(out, "<strong id=\"company\">ac&amp;me</strong>"));
    assert_non_null(strstr(out, "<p id=\"policy\" data-required=\"0\">"));
    assert_null(strstr(out, "id=\"changed\""));

    /* one click: a form that sets the other value */
    assert_non_null(strstr(out, "<form method=\"post\" action=\"/_mfa/admin\""
                                " id=\"policy-form\">"));
    assert_non_null(strstr(out, "name=\"require_2fa\" value=\"1\""));
    assert_int_equal(count(out, "<form "), 1);

    /* nothing has the focus: one Enter changes nothing */
    assert_null(strstr(out, "autofocus"));
    assert_non_null(strstr(out, ">Require 2FA for every user…</button>"));

    /* the members: counted over those listed, out of all */
    assert_non_null(strstr(out, "<p id=\"members-use\"><strong "
                                "id=\"enrolled-count\">1</strong> of "
                                "<strong id=\"members-count\">5</strong> "
                                "members use 2FA.</p>"));
    assert_non_null(strstr(out, "Only the first ones are listed."));
    assert_int_equal(count(out, "<tr><td>"), 3);
    assert_non_null(strstr(out, "<tr><td>ann</td><td class=\"on\">on since "));
    assert_non_null(strstr(out, "<tr><td>b&lt;o&gt;b</td><td class=\"off\">"
                                "off; locked out until "));
    assert_non_null(strstr(out, "<tr><td>cy</td><td class=\"off\">off</td>"));

    /* the company's name rather than its id; the admin marked */
    p.company_name = "Acme & Co";
    p.user = "cy";
    render(&p);
    assert_non_null(strstr(out, "<strong id=\"company\">Acme &amp; Co"
                                "</strong>"));
    assert_non_null(strstr(out, "<tr><td>cy (you)</td>"));

    /* the confirmation step: who will be stopped, the admin included;
       "Yes" sends confirm=1, "Cancel" goes back; no focus */
    p.confirm = 1;
    render(&p);
    assert_non_null(strstr(out, "<h2>Require two-factor authentication for "
                                "every user of <span id=\"company\">Acme "
                                "&amp; Co</span>?</h2>"));
    assert_non_null(strstr(out, "<ul id=\"affected\"><li>b&lt;o&gt;b</li>"
                                "<li>cy (you)</li></ul>"));
    assert_non_null(strstr(out, "Only the first ones are listed."));
    assert_non_null(strstr(out, "id=\"confirm-form\">"));
    assert_non_null(strstr(out, "<input type=\"hidden\" name=\"require_2fa\" "
                                "value=\"1\"><input type=\"hidden\" "
                                "name=\"confirm\" value=\"1\">"));
    assert_non_null(strstr(out, ">Yes, require 2FA</button>"));
    assert_non_null(strstr(out, "<a id=\"cancel\" class=\"button secondary\" "
                                "href=\"/_mfa/admin\">Cancel</a>"));
    assert_null(strstr(out, "autofocus"));
    assert_null(strstr(out, "<table"));
    assert_int_equal(count(out, "<form "), 1);

    /* everyone listed uses 2FA already */
    members[1].since = SINCE;
    members[2].since = SINCE;
    p.members_total = 3;
    render(&p);
    assert_non_null(strstr(out, "<p id=\"affected-none\">"));
    assert_null(strstr(out, "id=\"affected\""));
    members[1].since = 0;
    members[2].since = 0;
    p.members_total = 5;

    /* turning it off: what that means */
    p.required = 1;
    render(&p);
    assert_non_null(strstr(out, "Stop requiring two-factor authentication "
                                "for <span id=\"company\">"));
    assert_non_null(strstr(out, "name=\"require_2fa\" value=\"0\""));
    assert_non_null(strstr(out, ">Yes, stop requiring 2FA</button>"));
    assert_null(strstr(out, "id=\"affected\""));
    p.required = 0;
    p.confirm = 0;
    p.company_name = NULL;
    p.user = NULL;

    /* after the change: a notice */
    p.msg = MFA_MSG_POLICY_ON;
    render(&p);
    assert_non_null(strstr(out, "<p id=\"notice\" class=\"notice\" "
                                "role=\"status\">Done: two-factor "
                                "authentication is now required"));
    p.msg = MFA_MSG_NONE;

    /* required, with its author; no list when membership is unknown */
    p.required = 1;
    p.changed_by = "admin:<x>";
    p.changed_at = SINCE;
    p.members_known = 0;
    p.lang = MFA_LANG_FR;
    render(&p);
    assert_non_null(strstr(out, "<p id=\"policy\" data-required=\"1\">"));
    assert_non_null(strstr(out, "name=\"require_2fa\" value=\"0\""));
    assert_non_null(strstr(out, "<span id=\"changed-by\">admin:&lt;x&gt;"
                                "</span>"));
    assert_non_null(strstr(out, "<p id=\"members-unknown\">"));
    assert_null(strstr(out, "<table"));
    assert_non_null(strstr(out, "Ne plus exiger l’A2F…"));
}


static void
test_page_escaping(void **state)
{
    int          lang;
    char         el[16384], ret[256];
    size_t       i, len;
    mfa_page_t   p;
    mfa_page_e   type;

    static const mfa_page_e  types[] = {
        MFA_PAGE_ENROLL, MFA_PAGE_CODES, MFA_PAGE_CHALLENGE,
        MFA_PAGE_SETTINGS, MFA_PAGE_MESSAGE
    };

    static const char  evil_codes[1][MFA_RECOVERY_LEN + 1] = {
        "<a\"b'c&d>ef"
    };

    for (i = 0; i < mfa_test_nelts(types); i++) {
        type = types[i];

        for (lang = 0; lang < MFA_LANGS; lang++) {
            page_init(&p, type, (mfa_lang_e) lang);
            p.return_url = EVIL_RETURN;
            p.logout_url = EVIL_LOGOUT;
            p.enrolled = (lang == MFA_LANG_EN);
            p.msg = (type == MFA_PAGE_MESSAGE) ? MFA_MSG_FORBIDDEN
                                               : MFA_MSG_NONE;

            len = render(&p);

            /* check_markup() found no raw character; the values are there */

            assert_false(mfa_test_memmem(out, len, "<>", 2));
            assert_false(mfa_test_contains(out, EVIL_RAW));
            assert_false(mfa_test_contains(out, "\"<"));

            snprintf(ret, sizeof(ret), "href=\"%s\"", EVIL_RETURN_HTML);

            switch (type) {

            case MFA_PAGE_ENROLL:
                check_forms(out, "csrf.TOKEN-value_1", EVIL_RETURN_HTML, 1);
                element(out, "logout", el, sizeof(el));
                assert_true(mfa_test_contains(el, "href=\"" EVIL_LOGOUT_HTML
                                              "\""));
                break;

            case MFA_PAGE_CHALLENGE:
                check_forms(out, "csrf.TOKEN-value_1", EVIL_RETURN_HTML, 2);
                element(out, "logout", el, sizeof(el));
                assert_true(mfa_test_contains(el, "href=\"" EVIL_LOGOUT_HTML
                                              "\""));
                break;

            case MFA_PAGE_CODES:
                element(out, "continue", el, sizeof(el));
                assert_true(mfa_test_contains(el, ret));
                assert_false(mfa_test_contains(out, "sso.example.com"));
                break;

            case MFA_PAGE_SETTINGS:
                check_forms(out, "csrf.TOKEN-value_1", EVIL_RETURN_HTML,
                            p.enrolled ? 3 : 0);
                element(out, "back", el, sizeof(el));
                assert_true(mfa_test_contains(el, ret));
                assert_false(mfa_test_contains(out, "sso.example.com"));
                break;

            default:
                element(out, "back", el, sizeof(el));
                assert_true(mfa_test_contains(el, ret));
                assert_false(mfa_test_contains(out, "sso.example.com"));
                break;
            }
        }
    }

    /* the other values: nonce, CSRF token, secret, otpauth URI, codes */

    page_init(&p, MFA_PAGE_ENROLL, MFA_LANG_EN);
    p.nonce = "n\"><script>";
    p.csrf = "c'\"<&>";
    p.secret = "AB<\"CD&'";
    p.otpauth = "otpauth://totp/a\"b?c=<d>&e='f'";
    p.return_url = EVIL_RETURN;
    render(&p);

    assert_true(mfa_test_contains(out, "<style nonce=\"n&quot;&gt;&lt;script"
                                  "&gt;\">"));
    check_forms(out, "c&#39;&quot;&lt;&amp;&gt;", EVIL_RETURN_HTML, 1);
    element(out, "secret", el, sizeof(el));
    assert_string_equal(el, "<code id=\"secret\" class=\"secret\">"
                        "AB&lt;&quot; CD&amp;&#39;</code>");
    element(out, "otpauth", el, sizeof(el));
    assert_true(mfa_test_contains(el, "href=\"otpauth://totp/a&quot;b?c="
                                  "&lt;d&gt;&amp;e=&#39;f&#39;\""));

    page_init(&p, MFA_PAGE_CODES, MFA_LANG_EN);
    p.codes = evil_codes;
    p.ncodes = 1;
    render(&p);

    element(out, "recovery-codes", el, sizeof(el));
    assert_true(mfa_test_contains(el, "<li><code>&lt;a&quot;b&#39;c&amp;d"
                                  "&gt;ef</code></li>"));
    element(out, "recovery-text", el, sizeof(el));
    assert_true(mfa_test_contains(el, ">&lt;a&quot;b&#39;c&amp;d&gt;ef\n"
                                  "</textarea>"));
    element(out, "download", el, sizeof(el));
    assert_true(mfa_test_contains(el, "%0A%0A%3Ca%22b%27c%26d%3Eef%0A\""));
    element(out, "copy-codes", el, sizeof(el));
    assert_true(mfa_test_contains(el, "data-copy=\"&lt;a&quot;b&#39;c&amp;d"
                                  "&gt;ef\n\""));

    /* who and where the codes are for: in the file, the printed header */

    p.issuer = "<i\"ss'&>";
    p.user = "<u\"&>";
    p.site = "<s'>";
    render(&p);
    element(out, "download", el, sizeof(el));
    assert_true(mfa_test_contains(el, "download=\"-i-ss----recovery-codes."
                                  "txt\""));
    assert_true(mfa_test_contains(el, "%3Ci%22ss%27%26%3E%0AAccount%3A%20"
                                  "%3Cu%22%26%3E%0ASite%3A%20%3Cs%27%3E"));
    assert_true(mfa_test_contains(out, "<p class=\"print\">Recovery codes "
                                  "for &lt;i&quot;ss&#39;&amp;&gt;\n"));

    /* a company's name, the user's id */

    page_init(&p, MFA_PAGE_ENROLL, MFA_LANG_EN);
    p.required = 1;
    p.company = "c";
    p.company_name = "<n\"a'm&e>";
    render(&p);
    element(out, "required", el, sizeof(el));
    assert_true(mfa_test_contains(el, "<strong>&lt;n&quot;a&#39;m&amp;e&gt;"
                                  "</strong>"));

    /* the pages' prefix, in form actions and the enrolment link */

    page_init(&p, MFA_PAGE_SETTINGS, MFA_LANG_EN);
    p.pages = "/a'b/";
    render(&p);
    assert_int_equal(count(out, "action=\"/a&#39;b/settings\""), 3);

    p.enrolled = 0;
    render(&p);
    element(out, "enable", el, sizeof(el));
    assert_true(mfa_test_contains(el, "href=\"/a&#39;b/enroll?return="
                                  "/a&#39;b/settings\""));
}


/*
 * A buffer one byte short of the page fails with MFA_TOO_LARGE, whatever
 * the size: never a partial page reported as success, never a byte past
 * the buffer.  From the page's length on, the same page.
 */

static void
check_sizes(const mfa_page_t *p, size_t step)
{
    int        rc;
    char      *full, *mem;
    size_t     len, size;
    mfa_buf_t  b;
    mfa_err_t  err;

    len = render(p);

    full = malloc(len + 1);
    mem = malloc(len + 64);
    assert_non_null(full);
    assert_non_null(mem);
    memcpy(full, out, len + 1);

    for (size = 0; size <= len + 32; size += (size + step < len) ? step : 1) {
        memset(mem, 0x5a, len + 64);
        mfa_buf_init(&b, mem, size);
        err.msg[0] = '\0';

        rc = mfa_html_render(p, &b, &err);

        if (size < len) {
            if (rc != MFA_TOO_LARGE) {
                fail_msg("%zu bytes of %zu: %d", size, len, rc);
            }

            assert_true(mfa_test_contains(err.msg, "does not fit"));
            assert_true(b.len <= size);

            /* what was written is the start of the page */
            assert_memory_equal(mem, full, b.len);

        } else {
            if (rc != MFA_OK) {
                fail_msg("%zu bytes of %zu: %d (%s)", size, len, rc, err.msg);
            }

            assert_int_equal(b.len, len);
            assert_memory_equal(mem, full, len);
        }

        /* vsnprintf may write up to the size, never past it */

        if (size < len + 64) {
            assert_int_equal((unsigned char) mem[size], 0x5a);
            assert_int_equal((unsigned char) mem[len + 63], 0x5a);
        }
    }

    free(mem);
    free(full);
}


static void
test_page_too_large(void **state)
{
    mfa_page_t  p;

    /* every size, for the challenge and the settings pages */

    page_init(&p, MFA_PAGE_CHALLENGE, MFA_LANG_FR);
    p.msg = MFA_MSG_LOCKED;
    p.wait = 42;
    check_sizes(&p, 1);

    page_init(&p, MFA_PAGE_SETTINGS, MFA_LANG_EN);
    p.return_url = EVIL_RETURN;
    check_sizes(&p, 1);

    /* the others: every seventh size, and every size near the end */

    page_init(&p, MFA_PAGE_ENROLL, MFA_LANG_EN);
    p.msg = MFA_MSG_WRONG_CODE;
    check_sizes(&p, 7);

    page_init(&p, MFA_PAGE_CODES, MFA_LANG_FR);
    check_sizes(&p, 3);

    page_init(&p, MFA_PAGE_SETTINGS, MFA_LANG_FR);
    p.enrolled = 0;
    check_sizes(&p, 3);

    page_init(&p, MFA_PAGE_MESSAGE, MFA_LANG_EN);
    p.msg = MFA_MSG_UNAVAILABLE;
    check_sizes(&p, 1);
}


static void
test_page_qr_fails(void **state)
{
    char        *text;
    mfa_buf_t    b;
    mfa_err_t    err;
    mfa_page_t   p;

    /* more than a QR code holds: the page fails, whatever the buffer */

    text = malloc(3001);
    assert_non_null(text);
    memset(text, 'a', 3000);
    text[3000] = '\0';

    page_init(&p, MFA_PAGE_ENROLL, MFA_LANG_EN);
    p.qr_text = text;

    mfa_buf_init(&b, out, PAGE_MAX);
    assert_int_equal(mfa_html_render(&p, &b, &err), MFA_ERROR);
    assert_non_null(strstr(err.msg, "cannot encode a QR code"));

    p.qr_text = "";
    mfa_buf_init(&b, out, PAGE_MAX);
    assert_int_equal(mfa_html_render(&p, &b, &err), MFA_ERROR);

    free(text);
}


/* mfa_qr_svg */


static void
check_qr(const char *text)
{
    int            size, x, y, n, n2, w, k, consumed;
    char          *mem, expect[256];
    char         (*grid)[200];
    size_t         len;
    QRcode        *qr;
    mfa_buf_t      b;
    mfa_err_t      err;
    const char    *d, *end;

    mem = malloc(PAGE_MAX + 1);
    grid = calloc(200, sizeof(*grid));
    assert_non_null(mem);
    assert_non_null(grid);

    mfa_buf_init(&b, mem, PAGE_MAX);
    assert_int_equal(mfa_qr_svg(text, &b, &err), MFA_OK);
    len = b.len;
    mem[len] = '\0';

    qr = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
    assert_non_null(qr);

    w = qr->width;
    size = w + 8;
    assert_true(size < 200);

    /* one svg element, nothing around it */

    assert_true(starts_with(mem, "<svg "));
    assert_int_equal(count(mem, "<svg"), 1);
    assert_int_equal(count(mem, "</svg>"), 1);
    assert_string_equal(mem + len - 6, "</svg>");
    check_markup(mem, len);

    snprintf(expect, sizeof(expect), " viewBox=\"0 0 %d %d\" ", size, size);
    assert_true(mfa_test_contains(mem, expect));
    snprintf(expect, sizeof(expect), " width=\"%d\" height=\"%d\" ",
             size * 5, size * 5);
    assert_true(mfa_test_contains(mem, expect));
    snprintf(expect, sizeof(expect),
             "<rect width=\"%d\" height=\"%d\" fill=\"#fff\"/>", size, size);
    assert_true(mfa_test_contains(mem, expect));
    assert_int_equal(count(mem, "<path "), 1);

    /* the path's runs, back into modules */

    d = strstr(mem, " d=\"");
    assert_non_null(d);
    d += 4;
    end = strchr(d, '"');
    assert_non_null(end);
    assert_string_equal(end, "\"/></svg>");

    while (d < end) {
        consumed = 0;

        if (sscanf(d, "M%d %dh%dv1h-%dz%n", &x, &y, &n, &n2, &consumed) != 4
            || consumed == 0)
        {
            fail_msg("bad path command: \"%.30s\"", d);
        }

        d += consumed;

        assert_int_equal(n, n2);
        assert_true(n >= 1);

        /* inside the quiet zone */
        assert_true(x >= 4 && y >= 4);
        assert_true(x + n <= w + 4 && y < w + 4);

        for (k = 0; k < n; k++) {
            if (grid[y][x + k]) {
                fail_msg("module %d,%d drawn twice", x + k, y);
            }

            grid[y][x + k] = 1;
        }

        /* a run is as long as it can be */

        assert_true(x == 4 || !(qr->data[(y - 4) * w + x - 5] & 1));
        assert_true(x + n == w + 4 || !(qr->data[(y - 4) * w + x + n - 4] & 1));
    }

    assert_true(d == end);

    for (y = 0; y < size; y++) {
        for (x = 0; x < size; x++) {
            k = (x >= 4 && x < w + 4 && y >= 4 && y < w + 4)
                ? qr->data[(y - 4) * w + x - 4] & 1 : 0;

            if (grid[y][x] != k) {
                fail_msg("\"%s\": module %d,%d is %d, not %d", text, x, y,
                         grid[y][x], k);
            }
        }
    }

    QRcode_free(qr);
    free(grid);
    free(mem);
}


static void
test_qr_svg(void **state)
{
    int     i;
    char    text[1200];
    size_t  k, len;

    check_qr(OTPAUTH);
    check_qr("A");
    check_qr("0123456789");
    check_qr("otpauth://totp/Caf%C3%A9%20Ltd:jos%C3%A9?secret=" SECRET
             "&issuer=Caf%C3%A9%20Ltd");
    check_qr("\xc3\xa9t\xc3\xa9 <&> \"'");

    /* random texts, up to version 24 or so */

    for (i = 0; i < 20; i++) {
        len = 1 + mfa_test_random_below(sizeof(text) - 1);
        mfa_test_random(text, len);
        text[len] = '\0';

        /* a C string: no NUL before the end */

        for (k = 0; k < len; k++) {
            if (text[k] == '\0') {
                text[k] = 'x';
            }
        }

        check_qr(text);
    }
}


static void
test_qr_svg_limits(void **state)
{
    char       *text, mem[8192];
    size_t      len, size;
    mfa_buf_t   b;
    mfa_err_t   err;

    mfa_buf_init(&b, mem, sizeof(mem));
    assert_int_equal(mfa_qr_svg("A", &b, &err), MFA_OK);
    len = b.len;

    /* every size short of the SVG */

    for (size = 0; size < len; size++) {
        mfa_buf_init(&b, mem, size);
        err.msg[0] = '\0';
        assert_int_equal(mfa_qr_svg("A", &b, &err), MFA_TOO_LARGE);
        assert_true(b.len <= size);
        assert_true(mfa_test_contains(err.msg, "does not fit"));
    }

    mfa_buf_init(&b, mem, len);
    assert_int_equal(mfa_qr_svg("A", &b, &err), MFA_OK);
    assert_int_equal(b.len, len);

    /* appended after what the buffer holds */

    mfa_buf_init(&b, mem, sizeof(mem));
    mfa_buf_str(&b, "<div>");
    assert_int_equal(mfa_qr_svg("A", &b, &err), MFA_OK);
    assert_int_equal(b.len, len + 5);
    assert_true(starts_with(mem, "<div><svg "));

    /* text no QR code can hold: an error, nothing written */

    text = malloc(3001);
    assert_non_null(text);
    memset(text, 'a', 3000);
    text[3000] = '\0';

    mfa_buf_init(&b, mem, sizeof(mem));
    err.msg[0] = '\0';
    assert_int_equal(mfa_qr_svg(text, &b, &err), MFA_ERROR);
    assert_int_equal(b.len, 0);
    assert_int_equal(mfa_buf_status(&b), MFA_OK);
    assert_true(mfa_test_contains(err.msg, "cannot encode"));

    err.msg[0] = '\0';
    assert_int_equal(mfa_qr_svg("", &b, &err), MFA_ERROR);
    assert_true(mfa_test_contains(err.msg, "cannot encode"));

    free(text);
}


int
main(void)
{
    const struct CMUnitTest  tests[] = {
        cmocka_unit_test(test_buf_add),
        cmocka_unit_test(test_buf_overflow_writes_nothing),
        cmocka_unit_test(test_buf_printf),
        cmocka_unit_test(test_buf_html),
        cmocka_unit_test(test_lang_pick),
        cmocka_unit_test(test_page_enroll),
        cmocka_unit_test(test_page_enroll_fr),
        cmocka_unit_test(test_page_codes),
        cmocka_unit_test(test_page_challenge),
        cmocka_unit_test(test_page_locked),
        cmocka_unit_test(test_page_settings),
        cmocka_unit_test(test_page_settings_off),
        cmocka_unit_test(test_page_message),
        cmocka_unit_test(test_page_admin),
        cmocka_unit_test(test_page_escaping),
        cmocka_unit_test(test_page_too_large),
        cmocka_unit_test(test_page_qr_fails),
        cmocka_unit_test(test_qr_svg),
        cmocka_unit_test(test_qr_svg_limits),
    };

    return cmocka_run_group_tests_name("html", tests, NULL, NULL);
}
