
/*
 * mfactl, the admin CLI of ngx_http_mfa_module: the arguments, the
 * verbs' table and their help.  docs/mfactl.1 is its manual.
 */


#include <errno.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mfactl.h"
#include "mfa_version.h"


typedef struct {
    const char   *group;
    const char   *name;
    int           min_args;
    int           max_args;
    unsigned      opts;
    int         (*run)(mfactl_t *ctl);
    const char   *usage;
    const char   *help;
} mfactl_verb_t;


static int mfactl_globals(mfactl_t *ctl, int argc, char **argv, int *i);
static const mfactl_verb_t *mfactl_find(int argc, char **argv, int *i);
static int mfactl_verb_args(mfactl_t *ctl, const mfactl_verb_t *v,
    int argc, char **argv, int *help);
static const char **mfactl_session_option(mfactl_t *ctl, const char *a);
static int mfactl_number_arg(const char *opt, const char *s, long max,
    long *n);
static void mfactl_login(mfactl_t *ctl);
static void mfactl_usage(FILE *f);
static void mfactl_group_usage(FILE *f, const char *group);
static void mfactl_verb_help(const mfactl_verb_t *v);


static const mfactl_verb_t  mfactl_verbs[] = {

    { "company", "require", 2, 2, MFACTL_OPT_DRY_RUN, mfactl_company_require,
      "company require <cid> on|off [--dry-run]",
      "Turns the company's 2FA mandate on or off (field require_2fa of\n"
      "<prefix>company:<cid>), records who and when (changed_by,\n"
      "changed_at) and writes a \"policy\" audit entry.  It applies to\n"
      "the very next request of every session.  Prints the members who\n"
      "have no 2FA: with \"on\", they must enrol at their next request.\n"
      "\n"
      "  --dry-run   change nothing; list the members who would be sent\n"
      "              to enrolment (members without 2FA)\n" },

    { "company", "show", 1, 1, 0, mfactl_company_show,
      "company show <cid>",
      "The company's policy, since when and by whom it was set, and its\n"
      "members (set <prefix>company:<cid>:members) with their 2FA status.\n"
      "Exit status 2 when the company has neither a policy nor members.\n" },

    { "company", "report", 1, 1, 0, mfactl_company_report,
      "company report <cid>",
      "Compliance of the company's members: how many and who are\n"
      "enrolled, not enrolled, and locked out (too many wrong codes).\n"
      "Exit status 2 when the company has neither a policy nor members.\n" },

    { "user", "show", 1, 1, 0, mfactl_user_show,
      "user show <uid>",
      "The user's 2FA: enrolled since when, recovery codes left, the key\n"
      "id the secret is sealed under, companies (and whether each requires\n"
      "2FA), locked out until when.  Exit status 2 for an unknown user\n"
      "(no <prefix>user:<uid> record and no companies).\n" },

    { "user", "reset", 1, 1, 0, mfactl_user_reset,
      "user reset <uid>",
      "For a user who lost the phone: in one atomic step, removes the\n"
      "secret, the enrolment time and the last step, deletes the recovery\n"
      "codes and the lockout, and bumps the generation, which ends every\n"
      "verified session of the user.  Writes a \"reset\" audit entry.  The\n"
      "user enrols again at the next request if a company requires it.\n"
      "Exit status 2 for an unknown user.\n" },

    { "user", "unlock", 1, 1, 0, mfactl_user_unlock,
      "user unlock <uid>",
      "Ends a lockout after too many wrong codes (deletes\n"
      "<prefix>user:<uid>:guard) and writes an \"unlocked\" audit entry.\n"
      "Exit status 2 for an unknown user.\n" },

    { "member", "add", 2, 2, 0, mfactl_member_add,
      "member add <cid> <uid>",
      "Adds the user to the company: both sets, <prefix>company:<cid>:members\n"
      "and <prefix>user:<uid>:companies, in one transaction, with a\n"
      "\"member_added\" audit entry.\n" },

    { "member", "remove", 2, 2, 0, mfactl_member_remove,
      "member remove <cid> <uid>",
      "Removes the user from the company's members, and the company from\n"
      "the user's companies, in one transaction, with a \"member_removed\"\n"
      "audit entry.\n" },

    { "audit", NULL, 0, 1, MFACTL_OPT_COUNT | MFACTL_OPT_FOLLOW, mfactl_audit,
      "audit [<cid>] [-n N] [--follow]",
      "The last entries of the audit stream <prefix>audit, or of one\n"
      "company's <prefix>audit:<cid> (its entries only, kept apart so that\n"
      "no other company's events push them out), oldest first, one\n"
      "a line: time (ISO 8601, UTC), event, then the other fields as\n"
      "name=value.  With --json, one JSON array (with --follow, one JSON\n"
      "object a line).\n"
      "\n"
      "  -n N       how many entries (default 20, 0 for none)\n"
      "  --follow   then wait for new entries and print them, until\n"
      "             interrupted (Ctrl-C)\n" },

    { "genkey", NULL, 0, 1, 0, mfactl_genkey,
      "genkey [path]",
      "Makes a new master key for mfa_secret_key_file: 32 random bytes,\n"
      "written to a new file (mode 0600; an existing file is never\n"
      "overwritten), or to stdout when no path is given (refused when\n"
      "stdout is a terminal).  Needs no Redis.\n" },

    { "key", "rotate", 0, 0, MFACTL_OPT_KEYS, mfactl_key_rotate,
      "key rotate --key NEW [--old OLD]...",
      "Re-seals every stored TOTP secret (users' and pending enrolments')\n"
      "under the key file NEW, opening them with NEW or any OLD key file.\n"
      "Each value is replaced only if it is still the one read, so that an\n"
      "enrolment or a disable meanwhile is never undone.  Prints how many\n"
      "were re-sealed, already current, changed meanwhile, and could not be\n"
      "opened; writes a \"key_rotated\" audit entry.  Exit status 2 when\n"
      "some could not be opened.  See the manual for the whole procedure.\n"
      "\n"
      "  --key NEW   the key nginx now seals with (first in\n"
      "              mfa_secret_key_file)\n"
      "  --old OLD   a key secrets may still be sealed under (repeatable)\n" },

    { "key", "check", 0, 0, MFACTL_OPT_KEYS, mfactl_key_check,
      "key check --key KEY [--old OLD]...",
      "Changes nothing: counts, for each key file given, the TOTP secrets\n"
      "and pending enrolments it opens and the recovery-code sets made\n"
      "under it, and names every value none of them can serve.  Run it\n"
      "before dropping an old key from mfa_secret_key_file: a key that\n"
      "nothing needs any more is said so.  Recovery codes made before key\n"
      "ids were stored are counted apart: which key they need cannot be\n"
      "told.  Exit status 2 when some value needs a key not given.\n"
      "\n"
      "  --key KEY   a key file (the first in mfa_secret_key_file)\n"
      "  --old OLD   another key file (repeatable)\n" },

    { "session", "inspect", 1, 1, MFACTL_OPT_SESSION, mfactl_session_inspect,
      "session inspect <key> --user PATH [--company PATH] [--admin PATH]\n"
      "        [--format F] [--serializer S] [--salt SALT] "
      "[--secret-file F]...",
      "What the module reads from the dashboard's session record at <key>,\n"
      "with the module's own readers: a user's session (the user, company\n"
      "and admin flag found), a visitor's (no user: the request goes\n"
      "through as anonymous), or a record the gate refuses (403), and why,\n"
      "with the format it looks like.  The options are the directives'.\n"
      "Exit status 2 when there is no such key.\n"
      "\n"
      "  --format F         mfa_session_format: json (default), hash, php,\n"
      "                     php_serialize, php_binary, pickle, marshal,\n"
      "                     django\n"
      "  --user PATH        mfa_session_user\n"
      "  --company PATH     mfa_session_company\n"
      "  --admin PATH       mfa_session_admin\n"
      "  --serializer S     django: json (default) or pickle; hash: json\n"
      "  --salt SALT        django: the signature's salt\n"
      "  --secret-file F    django: a secret the app signs with\n"
      "                     (repeatable; none: the signature is not\n"
      "                     checked)\n" },

    { NULL, NULL, 0, 0, 0, NULL, NULL, NULL }
};


static const char  mfactl_connection_help[] =
    "Options before the verb:\n"
    "  -h host       Redis host (default 127.0.0.1)\n"
    "  -p port       Redis port (default 6379)\n"
    "  -s socket     Redis unix socket (instead of host and port)\n"
    "  -n db         Redis database number (default 0)\n"
    "  --sentinel host:port   a Redis Sentinel (repeatable, tried in\n"
    "                turn), with --master: the master found through them\n"
    "  --master NAME the name the sentinels monitor the master by\n"
    "  --replicas N  a change is reported done only once N replicas have\n"
    "                it (WAIT), else exit status 3: it may be lost in a\n"
    "                failover\n"
    "  --replicas-timeout MS   how long to wait for them (default 500)\n"
    "  --prefix P    key prefix, as mfa_redis_prefix (default \"mfa:\")\n"
    "  --json        machine-readable output: one JSON document\n"
    "  --help        this help; \"mfactl <verb> --help\" for a verb's\n"
    "  --version     the version of mfactl and of the module it goes with\n"
    "\n"
    "Environment: MFA_REDIS_PASSWORD, MFA_REDIS_USER (Redis ACL user),\n"
    "MFA_SENTINEL_PASSWORD (the sentinels' own password, if any).\n"
    "Exit status: 0 success, 1 bad usage, 2 not found, 3 Redis cannot be\n"
    "reached or refused a command.\n";


int
main(int argc, char **argv)
{
    int                   i, rc, help;
    mfactl_t              ctl;
    const mfactl_verb_t  *v;

    memset(&ctl, 0, sizeof(mfactl_t));
    ctl.host = "127.0.0.1";
    ctl.port = 6379;
    ctl.prefix = "mfa:";
    ctl.count = 20;

    i = 1;

    rc = mfactl_globals(&ctl, argc, argv, &i);
    if (rc != MFACTL_OK) {
        return (rc == -1) ? MFACTL_OK : rc;
    }

    if ((ctl.nsentinels != 0) != (ctl.master != NULL)) {
        mfactl_error("\"--sentinel\" and \"--master\" go together: the "
                     "sentinels, and the name of the master they monitor");
        return MFACTL_USAGE;
    }

    if (ctl.replicas_timeout != 0 && ctl.replicas == 0) {
        mfactl_error("\"--replicas-timeout\" goes with \"--replicas\": how "
                     "long to wait for them");
        return MFACTL_USAGE;
    }

    if (ctl.nsentinels != 0 && ctl.addressed) {
        mfactl_error("\"--sentinel\" finds the master: it cannot be used "
                     "with -h, -p or -s");
        return MFACTL_USAGE;
    }

    if (i == argc) {
        mfactl_usage(stderr);
        return MFACTL_USAGE;
    }

    v = mfactl_find(argc, argv, &i);
    if (v == NULL) {
        return MFACTL_USAGE;
    }

    help = 0;

    rc = mfactl_verb_args(&ctl, v, argc - i, argv + i, &help);

    if (rc == MFACTL_OK && help) {
        mfactl_verb_help(v);

    } else if (rc == MFACTL_OK) {
        mfactl_login(&ctl);
        rc = v->run(&ctl);
    }

    mfactl_disconnect(&ctl);
    free(ctl.args);

    return rc;
}


/* the options before the verb; -1 when --help or --version was answered */

static int
mfactl_globals(mfactl_t *ctl, int argc, char **argv, int *i)
{
    long         n;
    const char  *opt, *val, *p;

    for ( /* void */ ; *i < argc; (*i)++) {
        opt = argv[*i];

        if (opt[0] != '-') {
            return MFACTL_OK;
        }

        if (strcmp(opt, "--help") == 0) {
            mfactl_usage(stdout);
            return -1;
        }

        if (strcmp(opt, "--version") == 0) {
            printf("mfactl (ngx_http_mfa_module) " MFA_VERSION "\n");
            return -1;
        }

        if (strcmp(opt, "--json") == 0) {
            ctl->json = 1;
            continue;
        }

        if (strcmp(opt, "-h") != 0 && strcmp(opt, "-p") != 0
            && strcmp(opt, "-s") != 0 && strcmp(opt, "-n") != 0
            && strcmp(opt, "--prefix") != 0
            && strcmp(opt, "--sentinel") != 0
            && strcmp(opt, "--master") != 0
            && strcmp(opt, "--replicas") != 0
            && strcmp(opt, "--replicas-timeout") != 0)
        {
            mfactl_error("unknown option \"%s\" (see mfactl --help)", opt);
            return MFACTL_USAGE;
        }

        if (*i + 1 == argc) {
            mfactl_error("option \"%s\" needs a value", opt);
            return MFACTL_USAGE;
        }

        val = argv[++(*i)];

        if (strcmp(opt, "--sentinel") == 0) {
            if (ctl->nsentinels == MFACTL_SENTINELS_MAX) {
                mfactl_error("at most %d \"--sentinel\" options",
                             MFACTL_SENTINELS_MAX);
                return MFACTL_USAGE;
            }

            if (mfactl_host_port(val, NULL, 0, NULL) != MFACTL_OK) {
                mfactl_error("invalid --sentinel \"%s\": host:port", val);
                return MFACTL_USAGE;
            }

            ctl->sentinels[ctl->nsentinels++] = val;
            continue;
        }

        if (strcmp(opt, "--replicas") == 0) {
            if (mfactl_number_arg(opt, val, 64, &ctl->replicas)
                != MFACTL_OK)
            {
                return MFACTL_USAGE;
            }

            continue;
        }

        if (strcmp(opt, "--replicas-timeout") == 0) {
            if (mfactl_number_arg(opt, val, 5000, &n) != MFACTL_OK) {
                return MFACTL_USAGE;
            }

            if (n == 0) {
                mfactl_error("option \"--replicas-timeout\" needs a time "
                             "from 1 to 5000 ms");
                return MFACTL_USAGE;
            }

            ctl->replicas_timeout = n;
            continue;
        }

        if (strcmp(opt, "--master") == 0) {
            if (val[0] == '\0') {
                mfactl_error("option \"--master\" needs the name the "
                             "sentinels monitor");
                return MFACTL_USAGE;
            }

            ctl->master = val;
            continue;
        }

        if (opt[1] == 'h' || opt[1] == 'p' || opt[1] == 's') {
            ctl->addressed = 1;
        }

        if (opt[1] == 'h') {
            ctl->host = val;

        } else if (opt[1] == 's') {
            ctl->socket = val;

        } else if (opt[1] == 'p') {
            if (mfactl_number_arg(opt, val, 65535, &n) != MFACTL_OK) {
                return MFACTL_USAGE;
            }

            if (n == 0) {
                mfactl_error("option \"-p\" needs a port number from 1 to "
                             "65535");
                return MFACTL_USAGE;
            }

            ctl->port = (int) n;

        } else if (opt[1] == 'n') {
            if (mfactl_number_arg(opt, val, 1 << 20, &n) != MFACTL_OK) {
                return MFACTL_USAGE;
            }

            ctl->db = (int) n;

        } else {
            for (p = val; *p; p++) {
                if ((unsigned char) *p <= 0x20 || (unsigned char) *p >= 0x7f) {
                    break;
                }
            }

            if (*p || p == val || p - val > MFACTL_PREFIX_MAX) {
                mfactl_error("invalid --prefix \"%s\": 1 to %d printable "
                             "ASCII bytes without spaces, as "
                             "mfa_redis_prefix", val, MFACTL_PREFIX_MAX);
                return MFACTL_USAGE;
            }

            ctl->prefix = val;
        }
    }

    return MFACTL_OK;
}


static const mfactl_verb_t *
mfactl_find(int argc, char **argv, int *i)
{
    const char           *group, *name;
    const mfactl_verb_t  *v;

    group = argv[(*i)++];
    name = (*i < argc) ? argv[*i] : NULL;

    for (v = mfactl_verbs; v->group; v++) {
        if (strcmp(v->group, group) != 0) {
            continue;
        }

        if (v->name == NULL) {
            return v;
        }

        if (name != NULL && strcmp(v->name, name) == 0) {
            (*i)++;
            return v;
        }
    }

    for (v = mfactl_verbs; v->group; v++) {
        if (strcmp(v->group, group) == 0) {
            break;
        }
    }

    if (v->group == NULL) {
        mfactl_error("unknown verb \"%s\" (see mfactl --help)", group);
        return NULL;
    }

    if (name != NULL && strcmp(name, "--help") == 0) {
        mfactl_group_usage(stdout, group);
        exit(MFACTL_OK);
    }

    if (name == NULL) {
        mfactl_error("\"%s\" needs a verb:", group);

    } else {
        mfactl_error("unknown verb \"%s %s\":", group, name);
    }

    mfactl_group_usage(stderr, group);

    return NULL;
}


/* the verb's positional arguments and its options, anywhere after it */

static int
mfactl_verb_args(mfactl_t *ctl, const mfactl_verb_t *v, int argc,
    char **argv, int *help)
{
    int          i, rest;
    const char  *a;

    ctl->args = calloc(argc + 1, sizeof(char *));
    if (ctl->args == NULL) {
        mfactl_error("out of memory");
        return MFACTL_USAGE;
    }

    rest = 0;

    for (i = 0; i < argc; i++) {
        a = argv[i];

        if (rest || a[0] != '-' || a[1] == '\0') {
            ctl->args[ctl->nargs++] = argv[i];
            continue;
        }

        if (strcmp(a, "--") == 0) {
            rest = 1;

        } else if (strcmp(a, "--help") == 0) {
            *help = 1;

        } else if (strcmp(a, "--json") == 0) {
            ctl->json = 1;

        } else if ((v->opts & MFACTL_OPT_DRY_RUN)
                   && strcmp(a, "--dry-run") == 0)
        {
            ctl->dry_run = 1;

        } else if ((v->opts & MFACTL_OPT_FOLLOW)
                   && strcmp(a, "--follow") == 0)
        {
            ctl->follow = 1;

        } else if (((v->opts & MFACTL_OPT_COUNT) && strcmp(a, "-n") == 0)
                   || ((v->opts & MFACTL_OPT_KEYS)
                       && (strcmp(a, "--key") == 0
                           || strcmp(a, "--old") == 0)))
        {
            if (i + 1 == argc) {
                mfactl_error("option \"%s\" needs a value", a);
                return MFACTL_USAGE;
            }

            i++;

            if (a[1] == 'n') {
                if (mfactl_number_arg(a, argv[i], 1000000, &ctl->count)
                    != MFACTL_OK)
                {
                    return MFACTL_USAGE;
                }

            } else if (a[2] == 'k') {
                ctl->key = argv[i];

            } else if (ctl->nold == MFACTL_OLD_MAX) {
                mfactl_error("at most %d --old keys", MFACTL_OLD_MAX);
                return MFACTL_USAGE;

            } else {
                ctl->old[ctl->nold++] = argv[i];
            }

        } else if ((v->opts & MFACTL_OPT_SESSION) && a[1] == '-'
                   && mfactl_session_option(ctl, a) != NULL)
        {
            if (i + 1 == argc) {
                mfactl_error("option \"%s\" needs a value", a);
                return MFACTL_USAGE;
            }

            if (strcmp(a, "--secret-file") == 0) {
                if (ctl->nsecret_files == 4) {
                    mfactl_error("at most 4 --secret-file");
                    return MFACTL_USAGE;
                }

                ctl->secret_files[ctl->nsecret_files++] = argv[++i];

            } else {
                *mfactl_session_option(ctl, a) = argv[++i];
            }

        } else {
            mfactl_error("unknown option \"%s\" for \"%s\" (usage: mfactl "
                         "%s)", a, v->name ? v->name : v->group, v->usage);
            return MFACTL_USAGE;
        }
    }

    if (*help) {
        return MFACTL_OK;
    }

    if (ctl->nargs < v->min_args || ctl->nargs > v->max_args) {
        mfactl_error("%s arguments (usage: mfactl %s)",
                     ctl->nargs < v->min_args ? "missing" : "too many",
                     v->usage);
        return MFACTL_USAGE;
    }

    if ((v->opts & MFACTL_OPT_KEYS) && ctl->key == NULL) {
        mfactl_error("missing --key NEW (usage: mfactl %s)", v->usage);
        return MFACTL_USAGE;
    }

    return MFACTL_OK;
}


/* where "session inspect" keeps the value of option a; NULL: none */

static const char **
mfactl_session_option(mfactl_t *ctl, const char *a)
{
    static const char  *names[] = {
        "--format", "--user", "--company", "--admin", "--serializer",
        "--salt", "--secret-file"
    };

    const char  **where[] = {
        &ctl->format, &ctl->paths[0], &ctl->paths[1], &ctl->paths[2],
        &ctl->serializer, &ctl->salt, &ctl->secret_files[0]
    };

    size_t  i;

    for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        if (strcmp(a, names[i]) == 0) {
            return where[i];
        }
    }

    return NULL;
}


static int
mfactl_number_arg(const char *opt, const char *s, long max, long *n)
{
    char  *end;

    errno = 0;
    *n = strtol(s, &end, 10);

    if (s[0] < '0' || s[0] > '9' || *end != '\0' || errno != 0 || *n > max) {
        mfactl_error("option \"%s\" needs a number from 0 to %ld, not \"%s\"",
                     opt, max, s);
        return MFACTL_USAGE;
    }

    return MFACTL_OK;
}


/* who runs mfactl (the login behind sudo, $USER, or the uid's name), when */

static void
mfactl_login(mfactl_t *ctl)
{
    const char     *login;
    struct passwd  *pw;

    login = getenv("SUDO_USER");

    if (login == NULL || login[0] == '\0') {
        login = getenv("USER");
    }

    if (login == NULL || login[0] == '\0') {
        pw = getpwuid(getuid());
        login = (pw != NULL) ? pw->pw_name : "unknown";
    }

    snprintf(ctl->by, sizeof(ctl->by), "mfactl:%s", login);
    snprintf(ctl->now, sizeof(ctl->now), "%lld", (long long) time(NULL));
}


static void
mfactl_usage(FILE *f)
{
    const mfactl_verb_t  *v;

    fprintf(f, "Usage: mfactl [options] <verb> [arguments]\n\n"
               "The admin CLI of ngx_http_mfa_module (TOTP 2FA in nginx).\n\n"
               "Verbs:\n");

    for (v = mfactl_verbs; v->group; v++) {
        fprintf(f, "  mfactl %s\n", v->usage);
    }

    fprintf(f, "\n%s", mfactl_connection_help);
}


static void
mfactl_group_usage(FILE *f, const char *group)
{
    const mfactl_verb_t  *v;

    for (v = mfactl_verbs; v->group; v++) {
        if (strcmp(v->group, group) == 0) {
            fprintf(f, "  mfactl %s\n", v->usage);
        }
    }
}


static void
mfactl_verb_help(const mfactl_verb_t *v)
{
    printf("Usage: mfactl [options] %s [--json]\n\n%s\n%s", v->usage,
           v->help, mfactl_connection_help);
}
