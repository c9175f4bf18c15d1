
/*
 * mfactl session inspect: what the module reads from a dashboard's session
 * record, and why, with the module's own readers and the gate's own first
 * step (mfa_gate_identify): a user, a visitor, or a record it refuses.
 */


#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mfactl.h"
#include "mfa_gate.h"


static int mfactl_session_format(mfactl_t *ctl, mfa_format_t *f,
    char secrets[][MFACTL_SECRET_MAX + 1]);
static int mfactl_session_secret(const char *path, char *buf, size_t *len);
static int mfactl_session_read(mfactl_t *ctl, const mfa_gate_spec_t *spec,
    redisReply **replies, mfa_gate_state_t *st, long long *ttl);
static void mfactl_session_print(mfactl_t *ctl, const mfa_gate_spec_t *spec,
    const mfa_gate_state_t *st, long long ttl, const mfa_gate_input_t *in,
    const mfa_gate_identity_t *id, const mfa_err_t *err);


static const char  *mfactl_session_names[MFA_PATHS] = {
    "user", "company", "admin"
};


int
mfactl_session_inspect(mfactl_t *ctl)
{
    int                  rc, i;
    long long            ttl;
    mfa_err_t            err;
    redisReply          *replies[2 + MFA_PATHS];
    mfa_format_t         f;
    mfa_gate_spec_t      spec;
    mfa_gate_state_t     st;
    mfa_gate_input_t     in;
    mfa_gate_identity_t  id;
    char                 secrets[MFA_RECORD_SECRETS_MAX][MFACTL_SECRET_MAX + 1];

    memset(&spec, 0, sizeof(spec));
    memset(replies, 0, sizeof(replies));

    rc = mfactl_session_format(ctl, &f, secrets);
    if (rc != MFACTL_OK) {
        goto done;
    }

    spec.format = &f;

    for (i = 0; i < MFA_PATHS; i++) {
        if (ctl->paths[i] == NULL) {
            continue;
        }

        if (!mfa_session_path_valid(ctl->paths[i], strlen(ctl->paths[i]))) {
            mfactl_error("--%s \"%s\" is not a path such as \"user.id\" or "
                         "\"[warden.user.user.key][0][0]\"",
                         mfactl_session_names[i], ctl->paths[i]);
            rc = MFACTL_USAGE;
            goto done;
        }

        spec.paths[i].data = ctl->paths[i];
        spec.paths[i].len = strlen(ctl->paths[i]);
    }

    if (spec.paths[MFA_PATH_USER].len == 0) {
        mfactl_error("missing --user PATH, as \"mfa_session_user\" has it");
        rc = MFACTL_USAGE;
        goto done;
    }

    if (mfactl_connect(ctl) != MFACTL_OK) {
        rc = MFACTL_REDIS;
        goto done;
    }

    rc = mfactl_session_read(ctl, &spec, replies, &st, &ttl);
    if (rc != MFACTL_OK) {
        goto done;
    }

    err.msg[0] = '\0';
    mfa_gate_identify(&spec, &st, &in, &id, &err);

    mfactl_session_print(ctl, &spec, &st, ttl, &in, &id, &err);

done:

    for (i = 0; i < 2 + MFA_PATHS; i++) {
        if (replies[i] != NULL) {
            freeReplyObject(replies[i]);
        }
    }

    explicit_bzero(secrets, sizeof(secrets));

    return rc;
}


/* the format options, checked as "mfa_session_format" checks its own */

static int
mfactl_session_format(mfactl_t *ctl, mfa_format_t *f,
    char secrets[][MFACTL_SECRET_MAX + 1])
{
    int          format;
    size_t       len;
    const char  *name;

    memset(f, 0, sizeof(mfa_format_t));

    name = (ctl->format != NULL) ? ctl->format : "json";
    format = mfa_format_parse(name, strlen(name));

    if (format < 0) {
        mfactl_error("unknown --format \"%s\": " MFA_FORMAT_NAMES,
                     ctl->format);
        return MFACTL_USAGE;
    }

    f->format = (mfa_format_e) format;
    f->inner = MFA_FORMAT_JSON;

    if (ctl->salt != NULL) {
        f->salt.data = ctl->salt;
        f->salt.len = strlen(ctl->salt);
    }

    if (f->format == MFA_FORMAT_HASH && ctl->serializer != NULL
        && strcmp(ctl->serializer, "json") == 0 && !ctl->salt
        && !ctl->nsecret_files)
    {
        f->json_fields = 1;
        return MFACTL_OK;
    }

    if (f->format != MFA_FORMAT_DJANGO
        && (ctl->serializer || ctl->salt || ctl->nsecret_files))
    {
        mfactl_error("--serializer, --salt and --secret-file are for "
                     "--format django (and --serializer json for --format "
                     "hash)");
        return MFACTL_USAGE;
    }

    if (ctl->serializer != NULL) {
        format = mfa_format_serializer(ctl->serializer,
                                       strlen(ctl->serializer));

        if (format < 0) {
            mfactl_error("unknown --serializer \"%s\": json or pickle",
                         ctl->serializer);
            return MFACTL_USAGE;
        }

        f->inner = (mfa_format_e) format;
    }

    for (f->nsecrets = 0; f->nsecrets < (size_t) ctl->nsecret_files;
         f->nsecrets++)
    {
        if (mfactl_session_secret(ctl->secret_files[f->nsecrets],
                                  secrets[f->nsecrets], &len)
            != MFACTL_OK)
        {
            return MFACTL_USAGE;
        }

        f->secrets[f->nsecrets].data = secrets[f->nsecrets];
        f->secrets[f->nsecrets].len = len;
    }

    return MFACTL_OK;
}


/* a secret file as nginx reads it: one line, its final newline cut */

static int
mfactl_session_secret(const char *path, char *buf, size_t *len)
{
    int      fd;
    ssize_t  n;

    fd = open(path, O_RDONLY);
    if (fd == -1) {
        mfactl_error("cannot open --secret-file \"%s\": %s", path,
                     strerror(errno));
        return MFACTL_USAGE;
    }

    n = read(fd, buf, MFACTL_SECRET_MAX + 1);
    close(fd);

    if (n < 0 || n > MFACTL_SECRET_MAX) {
        mfactl_error("--secret-file \"%s\": %s", path,
                     n < 0 ? strerror(errno) : "longer than allowed");
        return MFACTL_USAGE;
    }

    while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r')) {
        n--;
    }

    if (n == 0 || memchr(buf, '\n', n) != NULL || memchr(buf, '\r', n) != NULL)
    {
        mfactl_error("--secret-file \"%s\" must hold one line", path);
        return MFACTL_USAGE;
    }

    *len = (size_t) n;

    return MFACTL_OK;
}


/*
 * The record as the module reads it: its type and time to live, then the
 * string, or the fields the paths name in a hash.
 */

static int
mfactl_session_read(mfactl_t *ctl, const mfa_gate_spec_t *spec,
    redisReply **replies, mfa_gate_state_t *st, long long *ttl)
{
    int          i, hash;
    char         name[MFA_SESSION_VALUE_MAX];
    size_t       rest;
    mfa_str_t    field;
    const char  *key, *argv[3];
    redisReply  *r;

    key = ctl->args[0];
    hash = (spec->format->format == MFA_FORMAT_HASH);
    memset(st, 0, sizeof(mfa_gate_state_t));

    replies[0] = mfactl_command(ctl, "TYPE", key, MFACTL_END);
    if (replies[0] == NULL) {
        return MFACTL_REDIS;
    }

    if (strcmp(replies[0]->str, "none") == 0) {
        mfactl_error("no key \"%s\"", key);
        return MFACTL_NOT_FOUND;
    }

    replies[1] = mfactl_command(ctl, "PTTL", key, MFACTL_END);
    if (replies[1] == NULL) {
        return MFACTL_REDIS;
    }

    *ttl = replies[1]->integer;

    if (strcmp(replies[0]->str, hash ? "hash" : "string") != 0) {
        st->session = MFA_RECORD_INVALID;
        return MFACTL_OK;
    }

    st->session = MFA_RECORD_OK;

    if (!hash) {
        r = mfactl_command(ctl, "GET", key, MFACTL_END);
        replies[2] = r;

        if (r == NULL) {
            return MFACTL_REDIS;
        }

        st->record.data = r->str;
        st->record.len = r->len;
        return MFACTL_OK;
    }

    for (i = 0; i < MFA_PATHS; i++) {
        if (spec->paths[i].len == 0) {
            continue;
        }

        field = mfa_session_hash_field(spec->paths[i], &rest);
        memcpy(name, field.data, field.len);
        name[field.len] = '\0';

        argv[0] = "HGET";
        argv[1] = key;
        argv[2] = name;

        r = mfactl_command_argv(ctl, 3, argv);
        replies[2 + i] = r;

        if (r == NULL) {
            return MFACTL_REDIS;
        }

        if (r->type == REDIS_REPLY_STRING) {
            st->fields[i].data = r->str;
            st->fields[i].len = r->len;
        }
    }

    return MFACTL_OK;
}


static void
mfactl_session_print(mfactl_t *ctl, const mfa_gate_spec_t *spec,
    const mfa_gate_state_t *st, long long ttl, const mfa_gate_input_t *in,
    const mfa_gate_identity_t *id, const mfa_err_t *err)
{
    int                         i, format;
    json_t                     *doc, *paths, *p;
    const char                 *verdict, *like;
    const mfa_session_value_t  *values[MFA_PATHS];

    values[MFA_PATH_USER] = &id->user;
    values[MFA_PATH_COMPANY] = &id->company;
    values[MFA_PATH_ADMIN] = &id->admin;

    verdict = (in->session == MFA_RECORD_OK) ? "user"
              : in->visitor ? "visitor"
              : (in->session == MFA_RECORD_INVALID) ? "unreadable" : "absent";

    like = NULL;
    format = -1;

    if (st->record.data != NULL) {
        like = mfa_record_guess(st->record.data, st->record.len, &format);
    }

    if (ctl->json) {
        doc = json_object();
        json_object_set_new(doc, "key", json_string(ctl->args[0]));
        json_object_set_new(doc, "format", json_string(
                                mfa_format_name(spec->format->format)));
        json_object_set_new(doc, "ttl_ms", json_integer(ttl));

        if (st->record.data != NULL) {
            json_object_set_new(doc, "size", json_integer(st->record.len));
            json_object_set_new(doc, "looks_like",
                                like ? json_string(like) : json_null());
        }

        json_object_set_new(doc, "session", json_string(verdict));
        json_object_set_new(doc, "error", err->msg[0]
                                          ? json_string(err->msg)
                                          : json_null());

        paths = json_object();

        for (i = 0; i < MFA_PATHS; i++) {
            if (spec->paths[i].len == 0) {
                continue;
            }

            p = json_object();
            json_object_set_new(p, "path", json_stringn(spec->paths[i].data,
                                                        spec->paths[i].len));
            json_object_set_new(p, "found",
                                json_boolean(in->session == MFA_RECORD_OK
                                             && values[i]->found));

            if (in->session == MFA_RECORD_OK && values[i]->found) {
                json_object_set_new(p, "value",
                                    json_stringn(values[i]->data,
                                                 values[i]->len));
            }

            json_object_set_new(paths, mfactl_session_names[i], p);
        }

        json_object_set_new(doc, "paths", paths);
        mfactl_json_print(doc);
        json_decref(doc);
        return;
    }

    printf("key:      %s\n", ctl->args[0]);
    printf("format:   %s\n", mfa_format_name(spec->format->format));
    printf("ttl:      %lld ms\n", ttl);

    if (st->record.data != NULL) {
        printf("size:     %zu bytes\n", st->record.len);
        printf("looks:    %s\n", like ? like : "like no known format");
    }

    if (in->session == MFA_RECORD_OK) {
        printf("session:  a user's: the gate decides on the user and "
               "company below\n");

    } else if (in->visitor) {
        printf("session:  a visitor's (no user at \"%.*s\"): the request "
               "goes through as anonymous\n",
               (int) spec->paths[MFA_PATH_USER].len,
               spec->paths[MFA_PATH_USER].data);

    } else {
        printf("session:  unreadable: the gate denies (403): %s\n",
               err->msg[0] ? err->msg : "a key of another type");
    }

    for (i = 0; i < MFA_PATHS; i++) {
        if (spec->paths[i].len == 0 || in->session != MFA_RECORD_OK) {
            continue;
        }

        if (values[i]->found) {
            printf("%-9s %.*s = \"%.*s\"%s\n", mfactl_session_names[i],
                   (int) spec->paths[i].len, spec->paths[i].data,
                   (int) values[i]->len, values[i]->data,
                   values[i]->boolean ? " (a boolean)" : "");

        } else {
            printf("%-9s %.*s: not found\n", mfactl_session_names[i],
                   (int) spec->paths[i].len, spec->paths[i].data);
        }
    }
}
