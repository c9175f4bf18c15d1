
/*
 * Unit tests of the gate (src/mfa_gate.c): every row of the decision
 * table of docs/internals.md and invariants over all inputs, the reading of
 * what Redis returned into the gate's input, navigation versus API
 * requests, and the exact redirect location and JSON body.
 */


#include "mfa_test.h"

#include <jansson.h>

#include "mfa_gate.h"


/* an active gate for a known session of an enrolled, verified user */

static mfa_gate_input_t
input(void)
{
    mfa_gate_input_t  in;

    memset(&in, 0, sizeof(in));

    in.enabled = 1;
    in.own_page = 0;
    in.fail_open = 0;
    in.has_session_id = 1;
    in.lookup_failed = 0;
    in.verified = 1;
    in.required = 0;
    in.session = MFA_RECORD_OK;
    in.user = MFA_RECORD_OK;
    in.policy = MFA_RECORD_OK;

    return in;
}


static mfa_gate_decision_t
decide(const mfa_gate_input_t *in)
{
    mfa_gate_decision_t  d;

    d.action = (mfa_gate_action_e) 99;
    d.status = "garbage";
    d.reason = "garbage";

    mfa_gate_decide(in, &d);

    return d;
}


static void
assert_decision(const mfa_gate_input_t *in, mfa_gate_action_e action,
    const char *status, int has_reason)
{
    mfa_gate_decision_t  d;

    d = decide(in);

    assert_int_equal(d.action, action);

    if (status == NULL) {
        assert_null(d.status);

    } else {
        assert_non_null(d.status);
        assert_string_equal(d.status, status);
    }

    if (has_reason) {
        assert_non_null(d.reason);
        assert_true(strlen(d.reason) > 0);

    } else {
        assert_null(d.reason);
    }
}


static void
test_decide_untouched(void **state)
{
    mfa_gate_input_t  in;

    /* mfa off: through untouched, whatever else holds */

    in = input();
    in.enabled = 0;
    in.verified = 0;
    assert_decision(&in, MFA_GATE_THROUGH, NULL, 0);

    in.lookup_failed = 1;
    in.session = MFA_RECORD_INVALID;
    assert_decision(&in, MFA_GATE_THROUGH, NULL, 0);

    /* the module's own pages */

    in = input();
    in.own_page = 1;
    in.verified = 0;
    assert_decision(&in, MFA_GATE_THROUGH, NULL, 0);

    in.user = MFA_RECORD_ABSENT;
    in.required = 1;
    assert_decision(&in, MFA_GATE_THROUGH, NULL, 0);

    in.lookup_failed = 1;
    assert_decision(&in, MFA_GATE_THROUGH, NULL, 0);
}


static void
test_decide_anonymous(void **state)
{
    mfa_gate_input_t  in;

    /* no session id: nothing to look up */

    in = input();
    in.has_session_id = 0;
    in.verified = 0;
    assert_decision(&in, MFA_GATE_THROUGH, "anonymous", 0);

    in.lookup_failed = 1;
    assert_decision(&in, MFA_GATE_THROUGH, "anonymous", 0);

    /* no such session in Redis: the upstream gets no session cookie */

    in = input();
    in.session = MFA_RECORD_ABSENT;
    in.user = MFA_RECORD_ABSENT;
    in.verified = 0;
    in.required = 1;
    assert_decision(&in, MFA_GATE_THROUGH, "anonymous", 0);
    assert_false(decide(&in).session);

    /* a visitor's record without a user: it keeps its session */

    in.visitor = 1;
    assert_decision(&in, MFA_GATE_THROUGH, "anonymous", 0);
    assert_true(decide(&in).session);

    /* ... unless the location keeps visitors' cookies out */

    in.visitor_bare = 1;
    assert_decision(&in, MFA_GATE_THROUGH, "anonymous", 0);
    assert_false(decide(&in).session);
}


static void
test_decide_session_cookie(void **state)
{
    mfa_gate_input_t  in;

    /* through with a session: the upstream gets its cookie */

    in = input();
    assert_true(decide(&in).session);

    in.user = MFA_RECORD_ABSENT;
    in.verified = 0;
    assert_decision(&in, MFA_GATE_THROUGH, "not_required", 0);
    assert_true(decide(&in).session);

    in = input();
    in.lookup_failed = 1;
    in.fail_open = 1;
    assert_decision(&in, MFA_GATE_THROUGH, "unchecked", 1);
    assert_true(decide(&in).session);

    /* no session id, or not through: no cookie to pass */

    in = input();
    in.has_session_id = 0;
    assert_false(decide(&in).session);

    in = input();
    in.verified = 0;
    assert_false(decide(&in).session);

    in = input();
    in.session = MFA_RECORD_INVALID;
    assert_false(decide(&in).session);

    in = input();
    in.enabled = 0;
    assert_false(decide(&in).session);
}


static void
test_decide_enrolled(void **state)
{
    mfa_gate_input_t  in;

    /* verified for the current enrolment */
    in = input();
    assert_decision(&in, MFA_GATE_THROUGH, "verified", 0);

    in.required = 1;
    assert_decision(&in, MFA_GATE_THROUGH, "verified", 0);

    /* not verified */
    in = input();
    in.verified = 0;
    assert_decision(&in, MFA_GATE_CHALLENGE, NULL, 0);

    in.required = 1;
    assert_decision(&in, MFA_GATE_CHALLENGE, NULL, 0);

    /* a policy that cannot be read does not matter once enrolled */

    in = input();
    in.policy = MFA_RECORD_INVALID;
    assert_decision(&in, MFA_GATE_THROUGH, "verified", 0);

    in.verified = 0;
    assert_decision(&in, MFA_GATE_CHALLENGE, NULL, 0);
}


static void
test_decide_not_enrolled(void **state)
{
    mfa_gate_input_t  in;

    in = input();
    in.user = MFA_RECORD_ABSENT;
    in.verified = 0;

    in.required = 1;
    assert_decision(&in, MFA_GATE_ENROLL, NULL, 0);

    in.required = 0;
    assert_decision(&in, MFA_GATE_THROUGH, "not_required", 0);

    /* a verified flag without an enrolment counts for nothing */

    in.verified = 1;
    in.required = 1;
    assert_decision(&in, MFA_GATE_ENROLL, NULL, 0);

    in.required = 0;
    assert_decision(&in, MFA_GATE_THROUGH, "not_required", 0);

    /* a policy that cannot be read denies, required or not */

    in.verified = 0;
    in.policy = MFA_RECORD_INVALID;
    in.required = 0;
    assert_decision(&in, MFA_GATE_DENY, NULL, 1);
    assert_true(mfa_test_contains(decide(&in).reason, "policy"));

    in.required = 1;
    assert_decision(&in, MFA_GATE_DENY, NULL, 1);
}


static void
test_decide_lookup_failed(void **state)
{
    mfa_gate_input_t  in;

    /* closed (the default): 503, whatever the stale fields say */

    in = input();
    in.lookup_failed = 1;
    assert_decision(&in, MFA_GATE_UNAVAILABLE, NULL, 1);

    in.user = MFA_RECORD_ABSENT;
    in.required = 0;
    assert_decision(&in, MFA_GATE_UNAVAILABLE, NULL, 1);

    /* open: through, marked and logged */

    in = input();
    in.lookup_failed = 1;
    in.fail_open = 1;
    in.verified = 0;
    assert_decision(&in, MFA_GATE_THROUGH, "unchecked", 1);
    assert_true(mfa_test_contains(decide(&in).reason, "fail open"));

    /* "open" changes nothing when the lookup worked */

    in.lookup_failed = 0;
    assert_decision(&in, MFA_GATE_CHALLENGE, NULL, 0);

    in.session = MFA_RECORD_INVALID;
    assert_decision(&in, MFA_GATE_DENY, NULL, 1);
}


static void
test_decide_invalid(void **state)
{
    mfa_gate_input_t  in;

    /* session record unreadable: deny, even with everything else fine */

    in = input();
    in.session = MFA_RECORD_INVALID;
    assert_decision(&in, MFA_GATE_DENY, NULL, 1);
    assert_true(mfa_test_contains(decide(&in).reason, "session"));

    in.user = MFA_RECORD_ABSENT;
    in.verified = 0;
    assert_decision(&in, MFA_GATE_DENY, NULL, 1);

    /* user record unreadable */

    in = input();
    in.user = MFA_RECORD_INVALID;
    assert_decision(&in, MFA_GATE_DENY, NULL, 1);
    assert_true(mfa_test_contains(decide(&in).reason, "user"));

    in.verified = 0;
    in.required = 0;
    assert_decision(&in, MFA_GATE_DENY, NULL, 1);
}


static void
test_decide_invariants(void **state)
{
    int                  active;
    unsigned             bits, s, u, p;
    mfa_gate_input_t     in;
    mfa_gate_decision_t  d;

    /* every combination of the inputs */

    for (bits = 0; bits < 128; bits++) {
        for (s = 0; s < 3; s++) {
            for (u = 0; u < 3; u++) {
                for (p = 0; p < 3; p++) {

                    memset(&in, 0, sizeof(in));
                    in.enabled = bits & 1;
                    in.own_page = (bits >> 1) & 1;
                    in.fail_open = (bits >> 2) & 1;
                    in.has_session_id = (bits >> 3) & 1;
                    in.lookup_failed = (bits >> 4) & 1;
                    in.verified = (bits >> 5) & 1;
                    in.required = (bits >> 6) & 1;
                    in.session = (mfa_record_e) s;
                    in.user = (mfa_record_e) u;
                    in.policy = (mfa_record_e) p;

                    d = decide(&in);

                    active = in.enabled && !in.own_page && in.has_session_id
                             && !in.lookup_failed
                             && in.session == MFA_RECORD_OK;

                    /* untouched exactly when off or on the module's pages */
                    assert_int_equal(d.status == NULL
                                     && d.action == MFA_GATE_THROUGH,
                                     !in.enabled || in.own_page);

                    /* "verified" only for a verified enrolled user */
                    if (d.status != NULL
                        && strcmp(d.status, "verified") == 0)
                    {
                        assert_true(active && in.user == MFA_RECORD_OK
                                    && in.verified);
                    }

                    /* an enrolled user is never let through unverified */
                    if (active && in.user == MFA_RECORD_OK && !in.verified) {
                        assert_int_equal(d.action, MFA_GATE_CHALLENGE);
                    }

                    /* anything unreadable denies */
                    if (active && (in.user == MFA_RECORD_INVALID
                                   || (in.user == MFA_RECORD_ABSENT
                                       && in.policy == MFA_RECORD_INVALID)))
                    {
                        assert_int_equal(d.action, MFA_GATE_DENY);
                    }

                    if (in.enabled && !in.own_page && in.has_session_id
                        && !in.lookup_failed
                        && in.session == MFA_RECORD_INVALID)
                    {
                        assert_int_equal(d.action, MFA_GATE_DENY);
                    }

                    /* fail closed unless told otherwise */
                    if (in.enabled && !in.own_page && in.has_session_id
                        && in.lookup_failed)
                    {
                        assert_int_equal(d.action, in.fail_open
                                                   ? MFA_GATE_THROUGH
                                                   : MFA_GATE_UNAVAILABLE);
                    }

                    /* the session cookie goes on only with a session,
                       checked or (fail open) not readable */
                    if (d.session) {
                        assert_int_equal(d.action, MFA_GATE_THROUGH);
                        assert_true(in.enabled && !in.own_page
                                    && in.has_session_id);
                        assert_true(in.lookup_failed
                                    || in.session == MFA_RECORD_OK);
                    }

                    /* the shape of the answer */
                    switch (d.action) {
                    case MFA_GATE_THROUGH:
                        break;
                    case MFA_GATE_CHALLENGE:
                    case MFA_GATE_ENROLL:
                        assert_null(d.status);
                        assert_null(d.reason);
                        break;
                    case MFA_GATE_DENY:
                    case MFA_GATE_UNAVAILABLE:
                        assert_null(d.status);
                        assert_non_null(d.reason);
                        break;
                    default:
                        fail_msg("action %d", d.action);
                    }
                }
            }
        }
    }
}


/* mfa_gate_identify, then mfa_gate_judge, as src/mfa_lookup.c runs them */


typedef struct {
    mfa_gate_spec_t      spec;
    mfa_gate_state_t     st;
    mfa_gate_input_t     in;
    mfa_gate_identity_t  id;
    mfa_err_t            err;
} read_t;


static const mfa_format_t  json_format = { .format = MFA_FORMAT_JSON };
static const mfa_format_t  hash_format = { .format = MFA_FORMAT_HASH };


#define SET(s, v)  ((s) = MFA_TEST_STR(v))
#define UNSET(s)   ((s).data = NULL, (s).len = 0)


/* a JSON session of user 42, company 7, enrolled (gen 3) and verified */

static void
read_init(read_t *r)
{
    memset(r, 0, sizeof(*r));

    r->spec.format = &json_format;
    SET(r->spec.paths[MFA_PATH_USER], "user.id");
    SET(r->spec.paths[MFA_PATH_COMPANY], "company");
    SET(r->spec.paths[MFA_PATH_ADMIN], "admin");

    r->st.session = MFA_RECORD_OK;
    SET(r->st.record, "{\"user\":{\"id\":\"42\"},\"company\":\"7\","
                      "\"admin\":true}");
    SET(r->st.user, "42");
    SET(r->st.company, "7");
    SET(r->st.gen, "3");
    SET(r->st.since, "1700000000");
    SET(r->st.verified, "42 3");
    r->st.npolicies = 1;
    SET(r->st.policies[0], "1");

    /* what the two steps must set, set to the opposite */
    r->in.session = MFA_RECORD_INVALID;
    r->in.user = MFA_RECORD_INVALID;
    r->in.policy = MFA_RECORD_INVALID;
    r->in.verified = 0;
    r->in.required = 0;
}


static void
read_run(read_t *r)
{
    r->err.msg[0] = '\0';
    mfa_gate_identify(&r->spec, &r->st, &r->in, &r->id, &r->err);

    if (r->in.session == MFA_RECORD_OK) {
        mfa_gate_judge(&r->spec, &r->st, &r->in, &r->id, &r->err);
    }
}


static void
test_read_json(void **state)
{
    read_t  r;

    read_init(&r);
    read_run(&r);

    assert_int_equal(r.in.session, MFA_RECORD_OK);
    assert_int_equal(r.in.user, MFA_RECORD_OK);
    assert_int_equal(r.in.policy, MFA_RECORD_OK);
    assert_int_equal(r.in.verified, 1);
    assert_int_equal(r.in.required, 1);

    assert_true(r.id.user.found);
    assert_string_equal(r.id.user.data, "42");
    assert_true(r.id.company.found);
    assert_string_equal(r.id.company.data, "7");
    assert_true(r.id.own_company);
    assert_true(r.id.admin.found);
    assert_string_equal(r.id.admin.data, "true");

    /* an integer id reads the same */
    read_init(&r);
    SET(r.st.record, "{\"user\":{\"id\":42},\"company\":7}");
    read_run(&r);
    assert_int_equal(r.in.session, MFA_RECORD_OK);
    assert_int_equal(r.in.verified, 1);
    assert_false(r.id.admin.found);

    /* an unconfigured path is not read */
    read_init(&r);
    r.spec.paths[MFA_PATH_ADMIN].len = 0;
    read_run(&r);
    assert_int_equal(r.in.session, MFA_RECORD_OK);
    assert_false(r.id.admin.found);
}


static void
test_read_verified_marker(void **state)
{
    char    buf[32];
    size_t  i;
    read_t  r;

    static const char  *stale[] = {
        "42 2", "42 30", "43 3", "4 3", "42  3", "42 3 ", "423", "42:3", "",
        " 42 3",
    };

    for (i = 0; i < mfa_test_nelts(stale); i++) {
        read_init(&r);
        r.st.verified.data = stale[i];
        r.st.verified.len = strlen(stale[i]);
        read_run(&r);

        assert_int_equal(r.in.user, MFA_RECORD_OK);

        if (r.in.verified) {
            fail_msg("marker \"%s\" verifies user 42 gen 3", stale[i]);
        }
    }

    read_init(&r);
    UNSET(r.st.verified);
    read_run(&r);
    assert_int_equal(r.in.verified, 0);

    /* not enrolled: a marker left behind verifies nothing */
    read_init(&r);
    UNSET(r.st.since);
    read_run(&r);
    assert_int_equal(r.in.user, MFA_RECORD_ABSENT);
    assert_int_equal(r.in.verified, 0);

    /* the value of a marker */
    assert_int_equal(mfa_gate_verified_value("42", 2, "3", 1, NULL), 4);
    assert_int_equal(mfa_gate_verified_value("42", 2, "3", 1, buf), 4);
    assert_memory_equal(buf, "42 3", 4);
}


static void
test_read_user_record(void **state)
{
    read_t  r;

    read_init(&r);
    SET(r.st.since, "soon");
    read_run(&r);
    assert_int_equal(r.in.user, MFA_RECORD_INVALID);
    assert_true(mfa_test_contains(r.err.msg, "2FA record"));
    assert_int_equal(r.in.verified, 0);

    read_init(&r);
    UNSET(r.st.gen);
    read_run(&r);
    assert_int_equal(r.in.user, MFA_RECORD_INVALID);

    read_init(&r);
    SET(r.st.gen, "-1");
    read_run(&r);
    assert_int_equal(r.in.user, MFA_RECORD_INVALID);

    read_init(&r);
    SET(r.st.since, "");
    read_run(&r);
    assert_int_equal(r.in.user, MFA_RECORD_INVALID);

    read_init(&r);
    SET(r.st.gen, "1234567890123456789");
    read_run(&r);
    assert_int_equal(r.in.user, MFA_RECORD_INVALID);
}


static void
test_read_session(void **state)
{
    read_t  r;

    /* no session */
    read_init(&r);
    r.st.session = MFA_RECORD_ABSENT;
    read_run(&r);
    assert_int_equal(r.in.session, MFA_RECORD_ABSENT);
    assert_int_equal(r.in.user, MFA_RECORD_ABSENT);
    assert_int_equal(r.in.verified, 0);
    assert_false(r.id.user.found);

    /* a key of the wrong type */
    read_init(&r);
    r.st.session = MFA_RECORD_INVALID;
    read_run(&r);
    assert_int_equal(r.in.session, MFA_RECORD_INVALID);
    assert_true(mfa_test_contains(r.err.msg, "wrong type"));

    /* not JSON */
    read_init(&r);
    SET(r.st.record, "{\"user\":");
    read_run(&r);
    assert_int_equal(r.in.session, MFA_RECORD_INVALID);
    assert_true(mfa_test_contains(r.err.msg, "JSON"));

    /* no user id: a visitor not logged in, anonymous */
    read_init(&r);
    SET(r.st.record, "{\"company\":\"7\"}");
    read_run(&r);
    assert_int_equal(r.in.session, MFA_RECORD_ABSENT);
    assert_false(r.id.user.found);

    assert_true(r.in.visitor);

    read_init(&r);
    SET(r.st.record, "{\"user\":{\"id\":null}}");
    read_run(&r);
    assert_int_equal(r.in.session, MFA_RECORD_ABSENT);
    assert_true(r.in.visitor);

    /* wrong types deny: a string where the path needs an object, a
       boolean for an id */
    read_init(&r);
    SET(r.st.record, "{\"user\":\"victim\",\"company\":\"7\"}");
    read_run(&r);
    assert_int_equal(r.in.session, MFA_RECORD_INVALID);
    assert_false(r.in.visitor);
    assert_true(mfa_test_contains(r.err.msg, "meets a string"));

    read_init(&r);
    SET(r.st.record, "{\"user\":{\"id\":true},\"company\":\"7\"}");
    SET(r.st.user, "true");
    read_run(&r);
    assert_int_equal(r.in.session, MFA_RECORD_INVALID);
    assert_true(mfa_test_contains(r.err.msg, "user is a boolean"));

    read_init(&r);
    SET(r.st.record, "{\"user\":{\"id\":\"42\"},\"company\":false}");
    SET(r.st.company, "false");
    read_run(&r);
    assert_int_equal(r.in.session, MFA_RECORD_INVALID);
    assert_true(mfa_test_contains(r.err.msg, "company is a boolean"));

    /* a boolean where a flag is expected is fine */
    read_init(&r);
    read_run(&r);
    assert_true(r.id.admin.boolean);
    assert_int_equal(r.in.session, MFA_RECORD_OK);

    /* a user id that cannot be part of a key */
    read_init(&r);
    SET(r.st.record, "{\"user\":{\"id\":\"4:2\"}}");
    SET(r.st.user, "4:2");
    read_run(&r);
    assert_int_equal(r.in.session, MFA_RECORD_INVALID);

    /* Redis read another id than jansson */
    read_init(&r);
    SET(r.st.user, "43");
    read_run(&r);
    assert_int_equal(r.in.session, MFA_RECORD_INVALID);
    assert_true(mfa_test_contains(r.err.msg, "read differently"));

    read_init(&r);
    UNSET(r.st.user);
    read_run(&r);
    assert_int_equal(r.in.session, MFA_RECORD_INVALID);

    read_init(&r);
    SET(r.st.user, "420");
    read_run(&r);
    assert_int_equal(r.in.session, MFA_RECORD_INVALID);
}


static void
test_read_policy(void **state)
{
    char    big[300];
    read_t  r;

    read_init(&r);
    SET(r.st.policies[0], "0");
    read_run(&r);
    assert_int_equal(r.in.required, 0);
    assert_int_equal(r.in.policy, MFA_RECORD_OK);

    read_init(&r);
    UNSET(r.st.policies[0]);
    read_run(&r);
    assert_int_equal(r.in.required, 0);
    assert_int_equal(r.in.policy, MFA_RECORD_OK);

    /* any company requiring it ("mfa_policy_scope any") */
    read_init(&r);
    r.st.npolicies = 3;
    SET(r.st.policies[0], "0");
    UNSET(r.st.policies[1]);
    SET(r.st.policies[2], "1");
    read_run(&r);
    assert_int_equal(r.in.required, 1);
    assert_int_equal(r.in.policy, MFA_RECORD_OK);

    /* anything but "0" and "1" */

    read_init(&r);
    SET(r.st.policies[0], "true");
    read_run(&r);
    assert_int_equal(r.in.policy, MFA_RECORD_INVALID);
    assert_true(mfa_test_contains(r.err.msg, "require_2fa"));

    read_init(&r);
    SET(r.st.policies[0], "");
    read_run(&r);
    assert_int_equal(r.in.policy, MFA_RECORD_INVALID);

    read_init(&r);
    SET(r.st.policies[0], "01");
    read_run(&r);
    assert_int_equal(r.in.policy, MFA_RECORD_INVALID);

    /* the company Redis used differs, or is no valid id */

    read_init(&r);
    SET(r.st.company, "8");
    read_run(&r);
    assert_int_equal(r.in.policy, MFA_RECORD_INVALID);
    assert_int_equal(r.in.session, MFA_RECORD_OK);

    read_init(&r);
    SET(r.st.record, "{\"user\":{\"id\":\"42\"},\"company\":\"a b\"}");
    SET(r.st.company, "a b");
    read_run(&r);
    assert_int_equal(r.in.policy, MFA_RECORD_INVALID);

    /* a company from "mfa_company" replaces the session's */

    read_init(&r);
    SET(r.spec.company, "acme");
    SET(r.st.company, "acme");
    read_run(&r);
    assert_int_equal(r.in.policy, MFA_RECORD_OK);
    assert_string_equal(r.id.company.data, "acme");

    /* ... and then the admin flag, the session's, is not for it */
    assert_false(r.id.own_company);

    read_init(&r);
    SET(r.spec.company, "7");
    read_run(&r);
    assert_string_equal(r.id.company.data, "7");
    assert_true(r.id.own_company);

    read_init(&r);
    SET(r.st.record, "{\"user\":{\"id\":\"42\"}}");
    r.st.company.data = NULL;
    r.st.company.len = 0;
    read_run(&r);
    assert_false(r.id.company.found);
    assert_false(r.id.own_company);

    read_init(&r);
    memset(big, 'c', sizeof(big));
    r.spec.company.data = big;
    r.spec.company.len = sizeof(big);
    read_run(&r);
    assert_int_equal(r.in.policy, MFA_RECORD_INVALID);
}


/* an identity left as anything before: a path not configured reads as
   found nowhere, never as a boolean id */

static void
test_read_unconfigured_paths(void **state)
{
    read_t  r;

    read_init(&r);
    memset(&r.id, 0xff, sizeof(r.id));
    r.spec.paths[MFA_PATH_COMPANY].len = 0;
    r.spec.paths[MFA_PATH_ADMIN].len = 0;
    SET(r.spec.company, "7");

    read_run(&r);

    assert_int_equal(r.in.session, MFA_RECORD_OK);
    assert_string_equal(r.id.user.data, "42");
    assert_false(r.id.admin.found);
    assert_false(r.id.admin.boolean);
    assert_string_equal(r.err.msg, "");
}


static void
test_read_hash(void **state)
{
    read_t  r;

    read_init(&r);
    r.spec.format = &hash_format;
    SET(r.spec.paths[MFA_PATH_USER], "uid");
    SET(r.spec.paths[MFA_PATH_COMPANY], "data.company");
    r.spec.paths[MFA_PATH_ADMIN].len = 0;

    SET(r.st.fields[MFA_PATH_USER], "42");
    SET(r.st.fields[MFA_PATH_COMPANY], "{\"company\":7}");
    UNSET(r.st.record);

    read_run(&r);

    assert_int_equal(r.in.session, MFA_RECORD_OK);
    assert_int_equal(r.in.policy, MFA_RECORD_OK);
    assert_int_equal(r.in.verified, 1);
    assert_string_equal(r.id.user.data, "42");
    assert_string_equal(r.id.company.data, "7");
    assert_false(r.id.admin.found);

    /* no user field: a visitor not logged in, anonymous */
    UNSET(r.st.fields[MFA_PATH_USER]);
    read_run(&r);
    assert_int_equal(r.in.session, MFA_RECORD_ABSENT);

    /* bad JSON in a field */
    SET(r.st.fields[MFA_PATH_USER], "42");
    SET(r.st.fields[MFA_PATH_COMPANY], "{");
    read_run(&r);
    assert_int_equal(r.in.session, MFA_RECORD_INVALID);
}


static void
test_request_kind(void **state)
{
    mfa_str_t  html, json, any, xrw, nav, cors, empty, xhtml, form, multi,
               plain, jtype;

    html = MFA_TEST_STR("text/html,application/xhtml+xml,application/xml;"
                        "q=0.9,*/*;q=0.8");
    xhtml = MFA_TEST_STR("application/xhtml+xml");
    json = MFA_TEST_STR("application/json");
    any = MFA_TEST_STR("*/*");
    empty = MFA_TEST_STR("");
    xrw = MFA_TEST_STR("XMLHttpRequest");
    nav = MFA_TEST_STR("navigate");
    cors = MFA_TEST_STR("cors");
    form = MFA_TEST_STR("application/x-www-form-urlencoded");
    multi = MFA_TEST_STR("multipart/form-data; boundary=----x");
    plain = MFA_TEST_STR("text/plain;charset=UTF-8");
    jtype = MFA_TEST_STR("application/json");

    /* GET or HEAD asking for HTML */
    assert_int_equal(mfa_request_kind(MFA_METHOD_READ, &html, NULL, NULL,
                                      NULL),
                     MFA_REQUEST_NAVIGATION);
    assert_int_equal(mfa_request_kind(MFA_METHOD_READ, &xhtml, NULL, NULL,
                                      NULL),
                     MFA_REQUEST_NAVIGATION);
    assert_int_equal(mfa_request_kind(MFA_METHOD_READ, &html, NULL, &nav,
                                      NULL),
                     MFA_REQUEST_NAVIGATION);
    assert_int_equal(mfa_request_kind(MFA_METHOD_READ,
                                      &MFA_TEST_STR("TEXT/HTML"), NULL,
                                      &MFA_TEST_STR("Navigate"), NULL),
                     MFA_REQUEST_NAVIGATION);

    /* a browser's form: navigating, or a form's type asking for HTML */
    assert_int_equal(mfa_request_kind(MFA_METHOD_POST, &html, NULL, &nav,
                                      &jtype),
                     MFA_REQUEST_FORM);
    assert_int_equal(mfa_request_kind(MFA_METHOD_POST, &html, NULL, NULL,
                                      &form),
                     MFA_REQUEST_FORM);
    assert_int_equal(mfa_request_kind(MFA_METHOD_POST, &html, NULL, NULL,
                                      &multi),
                     MFA_REQUEST_FORM);
    assert_int_equal(mfa_request_kind(MFA_METHOD_POST, &html, NULL, NULL,
                                      &plain),
                     MFA_REQUEST_FORM);
    assert_int_equal(mfa_request_kind(MFA_METHOD_POST, &html, NULL,
                                      &MFA_TEST_STR("NAVIGATE"), NULL),
                     MFA_REQUEST_FORM);

    /* POSTs that are not: a script's, JSON, not asking for HTML */
    assert_int_equal(mfa_request_kind(MFA_METHOD_POST, &html, NULL, NULL,
                                      &jtype),
                     MFA_REQUEST_API);
    assert_int_equal(mfa_request_kind(MFA_METHOD_POST, &html, NULL, NULL,
                                      NULL),
                     MFA_REQUEST_API);
    assert_int_equal(mfa_request_kind(MFA_METHOD_POST, &html, NULL, &cors,
                                      &form),
                     MFA_REQUEST_API);
    assert_int_equal(mfa_request_kind(MFA_METHOD_POST, &html, &xrw, NULL,
                                      &form),
                     MFA_REQUEST_API);
    assert_int_equal(mfa_request_kind(MFA_METHOD_POST, &json, NULL, NULL,
                                      &form),
                     MFA_REQUEST_API);
    assert_int_equal(mfa_request_kind(MFA_METHOD_POST, &any, NULL, &nav,
                                      &form),
                     MFA_REQUEST_API);
    assert_int_equal(mfa_request_kind(MFA_METHOD_POST, &html, NULL, NULL,
                                      &MFA_TEST_STR("application/"
                                                    "x-www-form-urlencodedx")),
                     MFA_REQUEST_API);

    /* the other methods never */
    assert_int_equal(mfa_request_kind(MFA_METHOD_OTHER, &html, NULL, NULL,
                                      &form),
                     MFA_REQUEST_API);
    assert_int_equal(mfa_request_kind(MFA_METHOD_OTHER, &html, NULL, &nav,
                                      NULL),
                     MFA_REQUEST_API);

    /* a script's request */
    assert_int_equal(mfa_request_kind(MFA_METHOD_READ, &html, &xrw, NULL,
                                      NULL),
                     MFA_REQUEST_API);
    assert_int_equal(mfa_request_kind(MFA_METHOD_READ, &html, &empty, NULL,
                                      NULL),
                     MFA_REQUEST_API);
    assert_int_equal(mfa_request_kind(MFA_METHOD_READ, &html, NULL, &cors,
                                      NULL),
                     MFA_REQUEST_API);
    assert_int_equal(mfa_request_kind(MFA_METHOD_READ, &html, NULL,
                                      &MFA_TEST_STR("no-cors"), NULL),
                     MFA_REQUEST_API);
    assert_int_equal(mfa_request_kind(MFA_METHOD_READ, &html, NULL,
                                      &MFA_TEST_STR("navigatex"), NULL),
                     MFA_REQUEST_API);

    /* not asking for HTML */
    assert_int_equal(mfa_request_kind(MFA_METHOD_READ, &json, NULL, NULL,
                                      NULL),
                     MFA_REQUEST_API);
    assert_int_equal(mfa_request_kind(MFA_METHOD_READ, &any, NULL, NULL,
                                      NULL),
                     MFA_REQUEST_API);
    assert_int_equal(mfa_request_kind(MFA_METHOD_READ, &empty, NULL, NULL,
                                      NULL),
                     MFA_REQUEST_API);
    assert_int_equal(mfa_request_kind(MFA_METHOD_READ, NULL, NULL, NULL,
                                      NULL),
                     MFA_REQUEST_API);
    assert_int_equal(mfa_request_kind(MFA_METHOD_READ, &any, NULL, &nav,
                                      NULL),
                     MFA_REQUEST_API);
    assert_int_equal(mfa_request_kind(MFA_METHOD_READ,
                                      &MFA_TEST_STR("text/htm"), NULL, NULL,
                                      NULL),
                     MFA_REQUEST_API);

    /* absent headers may also come as data NULL */
    empty.data = NULL;
    assert_int_equal(mfa_request_kind(MFA_METHOD_READ, &html, &empty,
                                      &empty, &empty),
                     MFA_REQUEST_NAVIGATION);
    assert_int_equal(mfa_request_kind(MFA_METHOD_READ, &empty, NULL, NULL,
                                      NULL),
                     MFA_REQUEST_API);
    assert_int_equal(mfa_request_kind(MFA_METHOD_POST, &html, &empty,
                                      &empty, &empty),
                     MFA_REQUEST_API);
}


static void
assert_location(const char *pages, mfa_gate_action_e action,
    const char *uri, const char *want)
{
    char       out[512];
    size_t     n, len;
    mfa_str_t  p, u;

    p.data = pages;
    p.len = strlen(pages);
    u.data = uri;
    u.len = strlen(uri);

    memset(out, '#', sizeof(out));

    len = mfa_gate_location(&p, action, &u, NULL);
    n = mfa_gate_location(&p, action, &u, out);

    if (n != strlen(want) || memcmp(out, want, n) != 0) {
        fail_msg("location for \"%s\": \"%.*s\", want \"%s\"", uri, (int) n,
                 out, want);
    }

    assert_int_equal(len, n);
    assert_int_equal(out[n], '#');
}


static void
test_location(void **state)
{
    assert_location("/_mfa/", MFA_GATE_CHALLENGE, "/reports?tab=2",
                    "/_mfa/challenge?return=%2Freports%3Ftab%3D2");
    assert_location("/_mfa/", MFA_GATE_ENROLL, "/reports?tab=2",
                    "/_mfa/enroll?return=%2Freports%3Ftab%3D2");
    assert_location("/_mfa/", MFA_GATE_CHALLENGE, "/",
                    "/_mfa/challenge?return=%2F");
    assert_location("/auth/2fa/", MFA_GATE_ENROLL, "/a/b#c",
                    "/auth/2fa/enroll?return=%2Fa%2Fb%23c");
    assert_location("/_mfa/", MFA_GATE_CHALLENGE, "/%7Euser",
                    "/_mfa/challenge?return=%2F%257Euser");
    assert_location("/_mfa/", MFA_GATE_CHALLENGE, "/a?x=1&y=2",
                    "/_mfa/challenge?return=%2Fa%3Fx%3D1%26y%3D2");

    /* an unsafe uri becomes "/" */

    assert_location("/_mfa/", MFA_GATE_CHALLENGE, "//evil.com",
                    "/_mfa/challenge?return=%2F");
    assert_location("/_mfa/", MFA_GATE_ENROLL, "//evil.com",
                    "/_mfa/enroll?return=%2F");
    assert_location("/_mfa/", MFA_GATE_CHALLENGE, "/\\evil.com",
                    "/_mfa/challenge?return=%2F");
    assert_location("/_mfa/", MFA_GATE_CHALLENGE, "https://evil.com",
                    "/_mfa/challenge?return=%2F");
    assert_location("/_mfa/", MFA_GATE_CHALLENGE, "/%2F%2Fevil.com",
                    "/_mfa/challenge?return=%2F");
    assert_location("/_mfa/", MFA_GATE_CHALLENGE, "/a\r\nX: y",
                    "/_mfa/challenge?return=%2F");
    assert_location("/_mfa/", MFA_GATE_CHALLENGE, "",
                    "/_mfa/challenge?return=%2F");
}


static void
assert_json_body(mfa_gate_action_e action, const char *location,
    const char *want, const char *error)
{
    char          out[512];
    size_t        n, len;
    json_t       *root;
    mfa_str_t     loc;
    json_error_t  jerr;

    loc.data = location;
    loc.len = strlen(location);

    memset(out, '#', sizeof(out));

    len = mfa_gate_json_body(action, &loc, NULL);
    n = mfa_gate_json_body(action, &loc, out);

    assert_int_equal(len, n);
    assert_int_equal(n, strlen(want));
    assert_memory_equal(out, want, n);
    assert_int_equal(out[n], '#');

    /* and it is JSON with those two members */

    root = json_loadb(out, n, JSON_REJECT_DUPLICATES, &jerr);
    assert_non_null(root);
    assert_int_equal(json_object_size(root), 2);
    assert_string_equal(json_string_value(json_object_get(root, "error")),
                        error);
    assert_string_equal(json_string_value(json_object_get(root, "location")),
                        location);
    json_decref(root);
}


static void
test_json_body(void **state)
{
    assert_json_body(MFA_GATE_CHALLENGE,
                     "/_mfa/challenge?return=%2Freports%3Ftab%3D2",
                     "{\"error\":\"mfa_challenge_required\","
                     "\"location\":\"/_mfa/challenge?return="
                     "%2Freports%3Ftab%3D2\"}",
                     "mfa_challenge_required");

    assert_json_body(MFA_GATE_ENROLL, "/_mfa/enroll?return=%2F",
                     "{\"error\":\"mfa_enrollment_required\","
                     "\"location\":\"/_mfa/enroll?return=%2F\"}",
                     "mfa_enrollment_required");
}


#define WANT  "/_mfa/challenge?return=%2Fx%22%7D%3Cscript%3E"


static void
test_location_then_json(void **state)
{
    char       loc[512], body[1024];
    size_t     n;
    mfa_str_t  pages, uri, l;

    /* what the glue does: the location of a hostile uri inside the body */

    pages = MFA_TEST_STR("/_mfa/");
    uri = MFA_TEST_STR("/x\"}<script>");

    n = mfa_gate_location(&pages, MFA_GATE_CHALLENGE, &uri, loc);
    assert_int_equal(n, sizeof(WANT) - 1);
    assert_memory_equal(loc, WANT, n);

    l.data = loc;
    l.len = n;
    n = mfa_gate_json_body(MFA_GATE_CHALLENGE, &l, body);
    body[n] = '\0';

    assert_false(mfa_test_contains(body, "<"));
    assert_false(mfa_test_contains(body, "x\""));
}


int
main(void)
{
    const struct CMUnitTest  tests[] = {
        cmocka_unit_test(test_decide_untouched),
        cmocka_unit_test(test_decide_anonymous),
        cmocka_unit_test(test_decide_session_cookie),
        cmocka_unit_test(test_decide_enrolled),
        cmocka_unit_test(test_decide_not_enrolled),
        cmocka_unit_test(test_decide_lookup_failed),
        cmocka_unit_test(test_decide_invalid),
        cmocka_unit_test(test_decide_invariants),
        cmocka_unit_test(test_read_json),
        cmocka_unit_test(test_read_verified_marker),
        cmocka_unit_test(test_read_user_record),
        cmocka_unit_test(test_read_session),
        cmocka_unit_test(test_read_policy),
        cmocka_unit_test(test_read_unconfigured_paths),
        cmocka_unit_test(test_read_hash),
        cmocka_unit_test(test_request_kind),
        cmocka_unit_test(test_location),
        cmocka_unit_test(test_json_body),
        cmocka_unit_test(test_location_then_json),
    };

    return cmocka_run_group_tests_name("gate", tests, NULL, NULL);
}
