
/*
 * The check of the pages' markup that the unit tests (test_html.c) and
 * the fuzz target (fuzz/fuzz_html.c) share: the markup is what a parser
 * reads as intended.  Tags balanced, attribute values double-quoted with
 * no < > ' inside, no > " ' in text, every "&" the start of one of the
 * five escapes mfa_buf_html() writes, and the style and script elements'
 * text with no "<".  A value that escaped the escaping breaks one of
 * these.
 */


#ifndef MARKUP_CHECK_H
#define MARKUP_CHECK_H


#include <stdio.h>
#include <string.h>


#define markup_nelts(a)  (sizeof(a) / sizeof((a)[0]))


/* SVG has camelCase attributes (viewBox) */

static inline int
markup_attr_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-';
}


/* 1 when the markup reads as intended, else 0 and why */

static inline int
markup_check(const char *html, size_t len, char *why, size_t size)
{
    char         stack[64][16];
    size_t       i, n, depth, k;
    const char  *name, *end, *q;

    static const char  *voids[] = { "meta", "input", "br" };
    static const char  *entities[] = {
        "&amp;", "&lt;", "&gt;", "&quot;", "&#39;"
    };

    depth = 0;
    end = html + len;

    for (i = 0; i < len; i++) {

        if (html[i] == '&') {
            for (k = 0; k < markup_nelts(entities); k++) {
                n = strlen(entities[k]);

                if (len - i >= n && memcmp(html + i, entities[k], n) == 0) {
                    break;
                }
            }

            if (k == markup_nelts(entities)) {
                snprintf(why, size, "bare \"&\" at %zu", i);
                return 0;
            }

            continue;
        }

        if (html[i] == '>' || html[i] == '"' || html[i] == '\'') {
            snprintf(why, size, "raw '%c' in text at %zu", html[i], i);
            return 0;
        }

        if (html[i] != '<') {
            continue;
        }

        if (len - i >= 15 && memcmp(html + i, "<!DOCTYPE html>", 15) == 0) {
            i += 14;
            continue;
        }

        q = html + i + 1;

        if (q < end && *q == '/') {
            q++;
        }

        name = q;

        while (q < end
               && ((*q >= 'a' && *q <= 'z') || (*q >= '0' && *q <= '9')))
        {
            q++;
        }

        n = (size_t) (q - name);

        if (n == 0 || n >= 16) {
            snprintf(why, size, "not a tag at %zu", i);
            return 0;
        }

        if (html[i + 1] == '/') {
            if (q >= end || *q != '>') {
                snprintf(why, size, "bad closing tag at %zu", i);
                return 0;
            }

            if (depth == 0 || strlen(stack[depth - 1]) != n
                || memcmp(stack[depth - 1], name, n) != 0)
            {
                snprintf(why, size, "</%.*s> at %zu closes <%s>", (int) n,
                         name, i, depth ? stack[depth - 1] : "(nothing)");
                return 0;
            }

            depth--;
            i = (size_t) (q - html);
            continue;
        }

        /* attributes: name, or name="value" */

        for ( ;; ) {
            if (q < end && *q == '>') {
                break;
            }

            if (end - q >= 2 && q[0] == '/' && q[1] == '>') {
                break;
            }

            if (q >= end || *q != ' ') {
                snprintf(why, size, "bad attribute at %zu", i);
                return 0;
            }

            q++;

            if (q >= end || !markup_attr_char(*q)) {
                snprintf(why, size, "bad attribute name at %zu", i);
                return 0;
            }

            while (q < end && markup_attr_char(*q)) {
                q++;
            }

            if (q < end && *q == '=') {
                if (end - q < 2 || q[1] != '"') {
                    snprintf(why, size, "unquoted attribute at %zu", i);
                    return 0;
                }

                for (q += 2; q < end && *q != '"'; q++) {
                    if (*q == '<' || *q == '>' || *q == '\'') {
                        snprintf(why, size, "raw '%c' in an attribute at %zu",
                                 *q, i);
                        return 0;
                    }
                }

                if (q >= end) {
                    snprintf(why, size, "unterminated attribute at %zu", i);
                    return 0;
                }

                q++;
            }
        }

        if (*q == '/') {
            i = (size_t) (q + 1 - html);
            continue;
        }

        i = (size_t) (q - html);

        for (k = 0; k < markup_nelts(voids); k++) {
            if (strlen(voids[k]) == n && memcmp(voids[k], name, n) == 0) {
                break;
            }
        }

        if (k < markup_nelts(voids)) {
            continue;
        }

        if (depth == markup_nelts(stack)) {
            snprintf(why, size, "elements nested too deep at %zu", i);
            return 0;
        }

        memcpy(stack[depth], name, n);
        stack[depth][n] = '\0';
        depth++;

        /* the style and script elements' text is raw: its first "<"
           must end it */

        if ((n == 5 && memcmp(name, "style", 5) == 0)
            || (n == 6 && memcmp(name, "script", 6) == 0))
        {
            for (k = i + 1; k < len && html[k] != '<'; k++) {
                /* void */
            }

            if (len - k < n + 3 || html[k + 1] != '/'
                || memcmp(html + k + 2, name, n) != 0 || html[k + 2 + n] != '>')
            {
                snprintf(why, size, "\"<\" in the %.*s element at %zu",
                         (int) n, name, k);
                return 0;
            }

            i = k - 1;
        }
    }

    if (depth != 0) {
        snprintf(why, size, "<%s> not closed", stack[depth - 1]);
        return 0;
    }

    return 1;
}


#endif /* MARKUP_CHECK_H */
