
/*
 * Fuzz target for the Accept-Language choice (mfa_lang_pick() in
 * src/mfa_html.c), which reads a header every client sends as it likes.
 *
 * The value is read only within its length (the input is copied into a
 * buffer of exactly that size, so that AddressSanitizer sees a read past
 * it), the answer is English or French, and NULL is English.
 *
 * The answer must agree with a reference written from the header comment
 * and RFC 9110: items split on ",", spaces before an item skipped, the
 * primary subtag the bytes before "-", ";", " " or the end, a weight
 * ";q=" (after optional spaces, "q" in either case) whose value is a
 * qvalue ("0", "0.5", "1.000"...) followed by optional spaces, no weight
 * meaning 1 and a malformed one 0; French only when its best weight is
 * above 0 and above English's.
 *
 * strtod() in the core accepts more than a qvalue ("1e-1", " .5", "0x1",
 * "inf"); where a weight of "en" or "fr" is neither a qvalue nor something
 * strtod() cannot start to read, the reference does not judge.
 */


#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mfa_html.h"
#include "fuzz.h"


/* the reference's weights are in thousandths */
#define FUZZ_Q_UNKNOWN  -1


int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int fuzz_ref_qvalue(const char *s, size_t len);
static int fuzz_ref_q(const char *s, size_t len);
static int fuzz_ref_pick(const char *value, size_t len);


/*
 * A qvalue and optional spaces: its weight; a value strtod() cannot read
 * at all, or one of 16 bytes or more (longer than any qvalue): 0.
 */

static int
fuzz_ref_qvalue(const char *s, size_t len)
{
    int     q;
    size_t  i, n, digits;

    if (len == 0 || len >= 16) {
        return 0;
    }

    n = len;

    while (n > 0 && s[n - 1] == ' ') {
        n--;
    }

    if (n > 0 && (s[0] == '0' || s[0] == '1')) {
        q = (s[0] - '0') * 1000;
        i = 1;
        digits = 0;

        if (i < n && s[i] == '.') {
            for (i++; i < n && digits < 3 && s[i] >= '0' && s[i] <= '9'; i++)
            {
                q += (s[i] - '0') * (digits == 0 ? 100 : digits == 1 ? 10 : 1);
                digits++;
            }
        }

        if (i == n && q <= 1000) {
            return q;
        }
    }

    /* where strtod() may start reading a number */

    if (s[0] != '\0' && strchr("0123456789.+-iInN \t\n\v\f\r", s[0]) != NULL) {
        return FUZZ_Q_UNKNOWN;
    }

    return 0;
}


/* the weight of an item's rest, after its primary subtag */

static int
fuzz_ref_q(const char *s, size_t len)
{
    size_t  i, j;

    for (i = 0; i < len; i++) {
        if (s[i] != ';') {
            continue;
        }

        for (j = i + 1; j < len && s[j] == ' '; j++) {
            /* void */
        }

        if (j + 1 < len && (s[j] == 'q' || s[j] == 'Q') && s[j + 1] == '=') {
            return fuzz_ref_qvalue(s + j + 2, len - j - 2);
        }
    }

    return 1000;
}


/* MFA_LANG_EN, MFA_LANG_FR, or -1 when the reference does not judge */

static int
fuzz_ref_pick(const char *value, size_t len)
{
    int          q, lang, best[MFA_LANGS];
    size_t       start, end, tag, n, first[MFA_LANGS];
    const char  *item, *comma;

    best[MFA_LANG_EN] = -1;
    best[MFA_LANG_FR] = -1;
    first[MFA_LANG_EN] = 0;
    first[MFA_LANG_FR] = 0;
    n = 0;

    for (start = 0; start <= len; start = end + 1) {
        comma = memchr(value + start, ',', len - start);
        end = (comma == NULL) ? len : (size_t) (comma - value);
        n++;

        while (start < end && (value[start] == ' ' || value[start] == '\t')) {
            start++;
        }

        item = value + start;

        for (tag = 0; start + tag < end; tag++) {
            if (item[tag] == '-' || item[tag] == ';' || item[tag] == ' '
                || item[tag] == '\t')
            {
                break;
            }
        }

        if (tag != 2) {
            continue;
        }

        if ((item[0] | 0x20) == 'f' && (item[1] | 0x20) == 'r') {
            lang = MFA_LANG_FR;

        } else if ((item[0] | 0x20) == 'e' && (item[1] | 0x20) == 'n') {
            lang = MFA_LANG_EN;

        } else {
            continue;
        }

        q = fuzz_ref_q(item + tag, end - start - tag);

        if (q == FUZZ_Q_UNKNOWN) {
            return -1;
        }

        if (q > best[lang]) {
            best[lang] = q;
            first[lang] = n;
        }
    }

    /* a tie goes to the language listed first */

    if (best[MFA_LANG_FR] <= 0) {
        return MFA_LANG_EN;
    }

    if (best[MFA_LANG_FR] != best[MFA_LANG_EN]) {
        return best[MFA_LANG_FR] > best[MFA_LANG_EN] ? MFA_LANG_FR
                                                     : MFA_LANG_EN;
    }

    return first[MFA_LANG_FR] < first[MFA_LANG_EN] ? MFA_LANG_FR
                                                   : MFA_LANG_EN;
}


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    int          ref;
    char        *value;
    mfa_lang_e   lang;

    value = malloc(size ? size : 1);
    FUZZ_CHECK(value != NULL);
    memcpy(value, data, size);

    lang = mfa_lang_pick(value, size);
    FUZZ_CHECK(lang == MFA_LANG_EN || lang == MFA_LANG_FR);

    /* the same answer twice: no state kept between calls */
    FUZZ_CHECK(mfa_lang_pick(value, size) == lang);

    ref = fuzz_ref_pick(value, size);
    FUZZ_CHECK(ref == -1 || (int) lang == ref);

    FUZZ_CHECK(mfa_lang_pick(NULL, size) == MFA_LANG_EN);

    free(value);

    return 0;
}
