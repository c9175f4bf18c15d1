#!/bin/sh
# coverage.sh BUILD: the lines executed, as gcov counts them, of the core
# under the unit tests and of the core and the glue under the integration
# tests (make coverage runs both first).
set -eu

BUILD=$1

# gcov's "File 'x'" and "Lines executed:P% of N" lines, summed by group
summary() {
    awk -v what="$1" '
        /^File / { f = $2; gsub("\047", "", f); next }
        /^Lines executed:/ {
            split($2, a, ":"); p = a[2]; sub("%", "", p); n = $4
            g = ""
            if (f ~ /(^|\/)src\/mfa_[a-z0-9_]+\.c$/) g = "core"
            else if (f ~ /(^|\/)(src\/ngx_http_mfa_[a-z0-9_]+|ngx_http_mfa_module)\.c$/) g = "glue"
            if (g == "" || seen[f]++) next
            run[g] += p * n / 100; all[g] += n
        }
        END {
            for (g in all)
                printf "%-28s %-5s %5.1f%% of %d lines\n", what, g,
                       100 * run[g] / all[g], all[g]
        }'
}

find "$BUILD/unit/core" -name '*.gcda' | xargs gcov -n 2>/dev/null \
    | summary "unit tests (lua-free-tests)"

find "$BUILD/nginx" -name '*.gcda' \
    | while read -r f; do (cd "$(dirname "$f")" && gcov -n "$(basename "$f")"); done 2>/dev/null \
    | summary "integration tests (t/)" | sort -k4
