
/*
 * bench/formats's driver: reads one session record file in one format, as
 * the gate does (src/mfa_record.h: the user, company and admin paths),
 * N times.  Under callgrind with --toggle-collect=mfa_record_read, the
 * instructions a read costs are the total over N.  Prints what it read,
 * so that a record the reader refuses is not measured as fast.
 *
 *   record_read FILE FORMAT N [secret]
 */


#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mfa_record.h"


int
main(int argc, char **argv)
{
    int                  format;
    long                 i, n;
    char                *rec;
    size_t               len;
    FILE                *f;
    mfa_err_t            err;
    mfa_str_t            paths[3];
    mfa_format_t         fmt;
    mfa_session_value_t  v[3];

    if (argc < 4 || argc > 5) {
        fprintf(stderr, "usage: record_read FILE FORMAT N [secret]\n");
        return 1;
    }

    format = mfa_format_parse(argv[2], strlen(argv[2]));
    n = strtol(argv[3], NULL, 10);

    if (format < 0 || format == MFA_FORMAT_HASH || n < 1) {
        fprintf(stderr, "record_read: bad format \"%s\" or count\n",
                argv[2]);
        return 1;
    }

    f = fopen(argv[1], "rb");
    if (f == NULL) {
        perror(argv[1]);
        return 1;
    }

    rec = malloc(1 << 20);
    len = rec ? fread(rec, 1, 1 << 20, f) : 0;
    fclose(f);

    memset(&fmt, 0, sizeof(fmt));
    fmt.format = (mfa_format_e) format;
    fmt.inner = MFA_FORMAT_JSON;

    if (argc == 5) {
        fmt.secrets[0].data = argv[4];
        fmt.secrets[0].len = strlen(argv[4]);
        fmt.nsecrets = 1;
    }

    paths[0].data = "user.id";
    paths[1].data = "company_id";
    paths[2].data = "is_admin";

    for (i = 0; i < 3; i++) {
        paths[i].len = strlen(paths[i].data);
    }

    for (i = 0; i < n; i++) {
        if (mfa_record_read(&fmt, rec, len, paths, 3, v, &err) != MFA_OK) {
            fprintf(stderr, "record_read: %s: %s\n", argv[1], err.msg);
            return 1;
        }
    }

    printf("%zu bytes, user \"%s\", company \"%s\"\n", len, v[0].data,
           v[1].data);

    free(rec);

    return 0;
}
