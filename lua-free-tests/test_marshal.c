
/*
 * Unit tests of Ruby's session records (src/mfa_marshal.c): records
 * written by Ruby 3.1 itself, Marshal.dump(session) as Rack's and Rails'
 * Redis session stores write it, the values at paths through hashes,
 * arrays and links, and what Ruby would read differently, or instantiate,
 * refused.
 *
 * The records' literals were printed by a Ruby script (not kept) that ran
 * STDOUT.write Marshal.dump({...}) for each one under ruby 3.1.2 (Debian
 * bookworm), the classes Point = Struct.new(:x), Thing (an @id set in
 * initialize), MyString < String and a module Ext defined for the records
 * that hold them.  The hand-made records below them say what Ruby 3.1's
 * Marshal.load makes of each.
 */


#include "mfa_test.h"
#include "mfa_marshal.h"


/* rails_rec: 350 bytes */
static const char  rails_rec[] =
    "\x04\x08{\x0fI\"\x0fsession_id\x06:\x06" "ETI\"%3f1e2d4c5b6a79880f"
    "1e2d3c4b5a6978\x06;\x00TI\"\x09user\x06;\x00T{\x06I\"\x07id\x06;"
    "\x00TI\"\x08" "bob\x06;\x00TI\"\x0f" "company_id\x06;\x00TI\"\x09"
    "acme\x06;\x00TI\"\x19warden.user.user.key\x06;\x00T[\x07[\x06i\x06"
    "I\"\"$2a$12$abcdefghijklmnopqrstuv\x06;\x00TI\"\x10_csrf_token\x06"
    ";\x00TI\"\x15Zm9vYmFyYmF6cXV4\x06;\x00TI\"\x0a" "flash\x06;\x00T{"
    "\x07I\"\x0c" "discard\x06;\x00T[\x00I\"\x0c" "flashes\x06;\x00T{"
    "\x06I\"\x0bnotice\x06;\x00TI\"\x07hi\x06;\x00TI\"\x0a" "admin\x06;"
    "\x00TTI\"\x0astaff\x06;\x00TFI\"\x0cnothing\x06;\x00T0I\"\x06n\x06"
    ";\x00Ti/";

/* ints_rec: 626 bytes */
static const char  ints_rec[] =
    "\x04\x08{\"I\"\x06" "0\x06:\x06" "EFi\x00I\"\x06" "1\x06;\x00" "Fi"
    "\x06I\"\x08" "122\x06;\x00" "Fi\x7fI\"\x08" "123\x06;\x00" "Fi\x01"
    "{I\"\x08" "255\x06;\x00" "Fi\x01\xffI\"\x08" "256\x06;\x00" "Fi"
    "\x02\x00\x01I\"\x0a" "65535\x06;\x00" "Fi\x02\xff\xffI\"\x0a" "655"
    "36\x06;\x00" "Fi\x03\x00\x00\x01I\"\x0d" "16777215\x06;\x00" "Fi"
    "\x03\xff\xff\xffI\"\x0d" "16777216\x06;\x00" "Fi\x04\x00\x00\x00"
    "\x01I\"\x0f" "1073741823\x06;\x00" "Fi\x04\xff\xff\xff\x3fI\"\x07-"
    "1\x06;\x00" "Fi\xfaI\"\x09-123\x06;\x00" "Fi\x80I\"\x09-124\x06;"
    "\x00" "Fi\xff\x84I\"\x09-256\x06;\x00" "Fi\xff\x00I\"\x09-257\x06;"
    "\x00" "Fi\xfe\xff\xfeI\"\x0b-65536\x06;\x00" "Fi\xfe\x00\x00I\""
    "\x0b-65537\x06;\x00" "Fi\xfd\xff\xff\xfeI\"\x10-1073741824\x06;"
    "\x00" "Fi\xfc\x00\x00\x00\xc0I\"\x0f" "1073741824\x06;\x00" "Fl+"
    "\x07\x00\x00\x00@I\"\x10-1073741825\x06;\x00" "Fl-\x07\x01\x00\x00"
    "@I\"\x0f" "2147483648\x06;\x00" "Fl+\x07\x00\x00\x00\x80I\"\x0f"
    "4294967296\x06;\x00" "Fl+\x08\x00\x00\x00\x00\x01\x00I\"\x18" "461"
    "1686018427387904\x06;\x00" "Fl+\x09\x00\x00\x00\x00\x00\x00\x00@I"
    "\"\x18" "9223372036854775807\x06;\x00" "Fl+\x09\xff\xff\xff\xff"
    "\xff\xff\xff\x7fI\"\x19-9223372036854775808\x06;\x00" "Fl-\x09\x00"
    "\x00\x00\x00\x00\x00\x00\x80I\"\x18" "9223372036854775808\x06;\x00"
    "Fl+\x09\x00\x00\x00\x00\x00\x00\x00\x80I\"\x19-9223372036854775809"
    "\x06;\x00" "Fl-\x09\x01\x00\x00\x00\x00\x00\x00\x80I\"\x19" "18446"
    "744073709551616\x06;\x00" "Fl+\x0a\x00\x00\x00\x00\x00\x00\x00\x00"
    "\x01\x00";

/* symbols_rec: 99 bytes */
static const char  symbols_rec[] =
    "\x04\x08{\x09:\x09user{\x07:\x07idI\"\x08" "bob\x06:\x06" "ET:\x09"
    "name:\x08" "bob:\x0f" "company_id:\x09" "acme:\x09list[\x07{\x06;"
    "\x06i\x06{\x06;\x06i\x07I:\x07\xc3\xa9\x06;\x07TI\"\x0c" "e-acute"
    "\x06;\x07T";

/* links_rec: 96 bytes */
static const char  links_rec[] =
    "\x04\x08{\x0aI\"\x06" "a\x06:\x06" "ETI\"\x08" "bob\x06;\x00TI\""
    "\x06" "b\x06;\x00T@\x07I\"\x06" "c\x06;\x00T[\x07@\x07@\x07I\"\x07"
    "u1\x06;\x00T{\x06I\"\x07id\x06;\x00TI\"\x06x\x06;\x00TI\"\x07u2"
    "\x06;\x00T{\x06@\x0dI\"\x06y\x06;\x00T";

/* cycle_rec: 68 bytes */
static const char  cycle_rec[] =
    "\x04\x08{\x07I\"\x06" "a\x06:\x06" "ET[\x07@\x07I\"\x08" "end\x06;"
    "\x00TI\"\x06h\x06;\x00T{\x07I\"\x09self\x06;\x00T@\x0aI\"\x07id"
    "\x06;\x00TI\"\x07me\x06;\x00T";

/* arrays_rec: 159 bytes */
static const char  arrays_rec[] =
    "\x04\x08{\x07I\"\x06" "a\x06:\x06" "ET[\x08[\x07i\x06[\x07i\x07I\""
    "\x06x\x06;\x00T[\x00[\x06[\x06[\x00I\"\x06" "b\x06;\x00T[\x11I\""
    "\x07v0\x06;\x00TI\"\x07v1\x06;\x00TI\"\x07v2\x06;\x00TI\"\x07v3"
    "\x06;\x00TI\"\x07v4\x06;\x00TI\"\x07v5\x06;\x00TI\"\x07v6\x06;\x00"
    "TI\"\x07v7\x06;\x00TI\"\x07v8\x06;\x00TI\"\x07v9\x06;\x00TI\"\x08v"
    "10\x06;\x00TI\"\x08v11\x06;\x00T";

/* enc_rec: 154 bytes */
static const char  enc_rec[] =
    "\x04\x08{\x0bI\"\x08" "bin\x06:\x06" "ET\"\x08\xff\x00" "aI\"\x0al"
    "atin\x06;\x00TI\"\x09" "caf\xe9\x06:\x0d" "encoding\"\x0fISO-8859-"
    "1I\"\x0a" "ascii\x06;\x00TI\"\x06x\x06;\x00" "FI\"\x09utf8\x06;"
    "\x00TI\"\x0a\xc3\xa9t\xc3\xa9\x06;\x00TI\"\x09" "caf\xe9\x06;\x06@"
    "\x0aI\"\x0elatin key\x06;\x00T\"\x07k\xffI\"\x0f" "binary key\x06;"
    "\x00T";

/* float_rec: 75 bytes */
static const char  float_rec[] =
    "\x04\x08{\x0aI\"\x06" "f\x06:\x06" "ETf\x08" "1.5I\"\x08nan\x06;"
    "\x00Tf\x08nanI\"\x08inf\x06;\x00Tf\x09-infI\"\x06u\x06;\x00TI\""
    "\x06x\x06;\x00TI\"\x06g\x06;\x00T@\x07";

/* mixed_rec: 150 bytes */
static const char  mixed_rec[] =
    "\x04\x08{\x0fI\"\x06" "a\x06:\x06" "ETi\x06:\x06" "ai\x07i\x0aI\""
    "\x09" "five\x06;\x00TI\"\x06" "5\x06;\x00TI\"\x10string five\x06;"
    "\x00Ti\x0cI\"\x0aseven\x06;\x00Tl+\x0a\x00\x00\x00\x00\x00\x00\x00"
    "\x00@\x00I\"\x08" "big\x06;\x00T0I\"\x08nil\x06;\x00TTI\"\x09true"
    "\x06;\x00Tf\x06" "1I\"\x0a" "float\x06;\x00T[\x06i\x06I\"\x0a" "ar"
    "ray\x06;\x00T";

/* intkey_rec: 81 bytes */
static const char  intkey_rec[] =
    "\x04\x08{\x09i\x0cI\"\x0aseven\x06:\x06" "ETi\xf8I\"\x10minus thre"
    "e\x06;\x00Tl+\x08\x00\x00\x00\x00\x00\x01I\"\x08" "big\x06;\x00TI"
    "\"\x06k\x06;\x00T{\x06i\x00I\"\x09zero\x06;\x00T";

/* bigkey_rec: 47 bytes */
static const char  bigkey_rec[] =
    "\x04\x08{\x07l+\x0a\x00\x00\x00\x00\x00\x00\x00\x00@\x00I\"\x08"
    "big\x06:\x06" "ETI\"\x07id\x06;\x00TI\"\x08" "bob\x06;\x00T";

/* default_rec: 59 bytes */
static const char  default_rec[] =
    "\x04\x08{\x07I\"\x09user\x06:\x06" "ET}\x06I\"\x07id\x06;\x00TI\""
    "\x08" "bob\x06;\x00TI\"\x0aguest\x06;\x00T@\x08I\"\x06x\x06;\x00T";

/* time_rec: 80 bytes */
static const char  time_rec[] =
    "\x04\x08{\x07I\"\x09user\x06:\x06" "ET{\x06I\"\x07id\x06;\x00TI\""
    "\x08" "bob\x06;\x00TI\"\x07" "at\x06;\x00TIu:\x09Time\x0d \x80\x11"
    "\xc0\x00\x00\x00\x00\x06:\x09zoneI\"\x08UTC\x06;\x00" "F";

/* struct_rec: 38 bytes */
static const char  struct_rec[] =
    "\x04\x08{\x06I\"\x09user\x06:\x06" "ETS:\x0aPoint\x06:\x06xI\"\x08"
    "bob\x06;\x00T";

/* object_rec: 40 bytes */
static const char  object_rec[] =
    "\x04\x08{\x06I\"\x09user\x06:\x06" "ETo:\x0aThing\x06:\x08@idI\""
    "\x08" "bob\x06;\x00T";

/* regexp_rec: 27 bytes */
static const char  regexp_rec[] =
    "\x04\x08{\x06I\"\x09user\x06:\x06" "ETI/\x08" "bob\x00\x06;\x00"
    "F";

/* rational_rec: 33 bytes */
static const char  rational_rec[] =
    "\x04\x08{\x06I\"\x09user\x06:\x06" "ETU:\x0dRational[\x07i\x06i"
    "\x07";

/* class_rec: 24 bytes */
static const char  class_rec[] =
    "\x04\x08{\x06I\"\x09user\x06:\x06" "ETc\x0bString";

/* module_rec: 24 bytes */
static const char  module_rec[] =
    "\x04\x08{\x06I\"\x09user\x06:\x06" "ETm\x0bKernel";

/* uclass_rec: 37 bytes */
static const char  uclass_rec[] =
    "\x04\x08{\x06I\"\x09user\x06:\x06" "ETIC:\x0dMyString\"\x08" "bob"
    "\x06;\x00T";

/* extended_rec: 32 bytes */
static const char  extended_rec[] =
    "\x04\x08{\x06I\"\x09user\x06:\x06" "ETIe:\x08" "Ext\"\x08" "bob"
    "\x06;\x00T";

/* nil_rec: 3 bytes */
static const char  nil_rec[] =
    "\x04\x08" "0";

/* string_rec: 13 bytes */
static const char  string_rec[] =
    "\x04\x08I\"\x08" "bob\x06:\x06" "ET";

/* dup_rec: 22 bytes */
static const char  dup_rec[] =
    "\x04\x08{\x07I\"\x07\xc3\xa9\x06:\x06" "ETi\x06\"\x07\xc3\xa9i\x07";


/* hand-made; what Ruby 3.1's Marshal.load reads */
#define DUP_STRINGS  "\x04\x08{\x07\"\x06" "ai\x06\"\x06" "ai\x07"
#define DUP_SYMBOLS  "\x04\x08{\x07:\x06" "ai\x06;\x00i\x07"
#define DUP_INTEGERS "\x04\x08{\x07i\x0ai\x06l+\x06\x05\x00i\x07"


static int
read1(const char *rec, size_t len, const char *path, mfa_session_value_t *v,
    mfa_err_t *err)
{
    mfa_str_t  p;

    p.data = path;
    p.len = strlen(path);
    err->msg[0] = '\0';

    return mfa_marshal_read(rec, len, &p, 1, v, err);
}


static void
found_bytes(const char *rec, size_t len, const char *path, const char *want,
    size_t want_len)
{
    mfa_err_t            err;
    mfa_session_value_t  v;

    if (read1(rec, len, path, &v, &err) != MFA_OK) {
        fail_msg("%s: %s", path, err.msg);
    }

    if (!v.found || v.len != want_len || memcmp(v.data, want, v.len) != 0
        || v.data[v.len] != '\0')
    {
        fail_msg("%s: found %d \"%.*s\", want \"%s\"", path, v.found,
                 (int) v.len, v.data, want);
    }
}


static void
found(const char *rec, size_t len, const char *path, const char *want)
{
    found_bytes(rec, len, path, want, strlen(want));
}


static void
not_found(const char *rec, size_t len, const char *path)
{
    mfa_err_t            err;
    mfa_session_value_t  v;

    if (read1(rec, len, path, &v, &err) != MFA_OK) {
        fail_msg("%s: %s", path, err.msg);
    }

    if (v.found) {
        fail_msg("%s: found \"%.*s\"", path, (int) v.len, v.data);
    }
}


static void
refused(const char *rec, size_t len, const char *path, const char *why)
{
    mfa_err_t            err;
    mfa_session_value_t  v;

    if (read1(rec, len, path, &v, &err) != MFA_ERROR) {
        fail_msg("%s: not refused", path);
    }

    if (!mfa_test_contains(err.msg, why)) {
        fail_msg("%s: \"%s\" lacks \"%s\"", path, err.msg, why);
    }
}


#define REC(r)  (r), sizeof(r) - 1


/* the shapes Rack and Rails keep */
static void
test_marshal_rails(void **state)
{
    size_t               i;
    mfa_err_t            err;
    mfa_str_t            paths[MFA_MARSHAL_PATHS_MAX + 1];
    mfa_session_value_t  v[MFA_MARSHAL_PATHS_MAX + 1];

    static const char  *names[] = {
        "user.id", "company_id", "admin", "nothing", "n"
    };

    (void) state;

    found(REC(rails_rec), "user.id", "bob");
    found(REC(rails_rec), "company_id", "acme");
    found(REC(rails_rec), "session_id", "3f1e2d4c5b6a79880f1e2d3c4b5a6978");
    found(REC(rails_rec), "_csrf_token", "Zm9vYmFyYmF6cXV4");
    found(REC(rails_rec), "flash.flashes.notice", "hi");
    found(REC(rails_rec), "n", "42");
    not_found(REC(rails_rec), "flash.discard.0");
    not_found(REC(rails_rec), "nothing");
    not_found(REC(rails_rec), "nothing.id");
    not_found(REC(rails_rec), "nobody.id");
    not_found(REC(rails_rec), "user.name");

    /* a key with dots: Devise's, the user's id at [0][0] */
    found(REC(rails_rec), "[warden.user.user.key][0][0]", "1");
    found(REC(rails_rec), "[warden.user.user.key][1]",
          "$2a$12$abcdefghijklmnopqrstuv");
    not_found(REC(rails_rec), "[warden.user.user.key][0][1]");
    refused(REC(rails_rec), "[warden.user.user.key][0]",
            "is an array, not a string");
    not_found(REC(rails_rec), "warden.user.user.key.0.0");

    /* booleans */
    assert_int_equal(read1(REC(rails_rec), "admin", &v[0], &err), MFA_OK);
    assert_true(v[0].found && v[0].boolean);
    assert_string_equal(v[0].data, "true");
    assert_int_equal(read1(REC(rails_rec), "staff", &v[0], &err), MFA_OK);
    assert_true(v[0].found && v[0].boolean);
    assert_string_equal(v[0].data, "false");
    assert_int_equal(read1(REC(rails_rec), "n", &v[0], &err), MFA_OK);
    assert_false(v[0].boolean);

    /* what a path cannot end at, or go through */
    refused(REC(rails_rec), "user", "is a hash, not a string");
    refused(REC(rails_rec), "flash.discard", "is an array");
    refused(REC(rails_rec), "company_id.x",
            "meets a string where it expects a hash or an array with \"x\"");
    refused(REC(rails_rec), "admin.x", "meets a boolean");
    refused(REC(rails_rec), "n.x", "meets an integer");
    refused(REC(rails_rec), "flash.discard.x",
            "meets an array where it expects a hash with \"x\"");

    /* several paths at once, each with its own answer */
    for (i = 0; i < MFA_MARSHAL_PATHS_MAX; i++) {
        paths[i].data = names[i];
        paths[i].len = strlen(names[i]);
    }

    assert_int_equal(mfa_marshal_read(REC(rails_rec), paths,
                                      MFA_MARSHAL_PATHS_MAX, v, &err),
                     MFA_OK);
    assert_string_equal(v[0].data, "bob");
    assert_string_equal(v[1].data, "acme");
    assert_string_equal(v[2].data, "true");
    assert_false(v[3].found);

    /* the first path's error is the read's, the others still answered */
    paths[3].data = "user";
    paths[3].len = 4;

    assert_int_equal(mfa_marshal_read(REC(rails_rec), paths,
                                      MFA_MARSHAL_PATHS_MAX, v, &err),
                     MFA_ERROR);
    assert_true(mfa_test_contains(err.msg, "\"user\" is a hash"));
    assert_string_equal(v[1].data, "acme");

    paths[MFA_MARSHAL_PATHS_MAX].data = names[4];
    paths[MFA_MARSHAL_PATHS_MAX].len = 1;

    assert_int_equal(mfa_marshal_read(REC(rails_rec), paths,
                                      MFA_MARSHAL_PATHS_MAX + 1, v, &err),
                     MFA_ERROR);
    assert_true(mfa_test_contains(err.msg, "more than 4 session paths"));

    /* nil, or not a hash, at the top */
    not_found(REC(nil_rec), "user.id");
    refused(REC(string_rec), "user", "meets a string");
    found(REC(string_rec), "", "bob");

    /* as Marshal.load: the bytes after the top value are not read */
    {
        char  rec[sizeof(rails_rec) + 8];

        memcpy(rec, rails_rec, sizeof(rails_rec) - 1);
        memcpy(rec + sizeof(rails_rec) - 1, "\x04\x08junk", 6);

        found(rec, sizeof(rails_rec) - 1 + 6, "user.id", "bob");
    }
}


/* every width of Ruby's packed integers, and bignums */
static void
test_marshal_integers(void **state)
{
    size_t  i;

    static const char  *fit[] = {
        "0", "1", "122", "123", "255", "256", "65535", "65536", "16777215",
        "16777216", "1073741823", "-1", "-123", "-124", "-256", "-257",
        "-65536", "-65537", "-1073741824", "1073741824", "-1073741825",
        "2147483648", "4294967296", "4611686018427387904",
        "9223372036854775807", "-9223372036854775808"
    };

    static const char  *beyond[] = {
        "9223372036854775808", "-9223372036854775809",
        "18446744073709551616"
    };

    (void) state;

    /* each key is the value's decimal text, a US-ASCII string */
    for (i = 0; i < mfa_test_nelts(fit); i++) {
        found(REC(ints_rec), fit[i], fit[i]);
    }

    for (i = 0; i < mfa_test_nelts(beyond); i++) {
        refused(REC(ints_rec), beyond[i], "an integer beyond a long long");
    }

    /* hand-made: a bignum of zero words, a sign of neither '+' nor '-'
       (positive to Ruby), a packed integer longer than it needs */
    found(REC("\x04\x08l+\x00"), "", "0");
    found(REC("\x04\x08lx\x06\x05\x00"), "", "5");
    found(REC("\x04\x08l-\x07\x00\x00\x00\x80"), "", "-2147483648");
    found(REC("\x04\x08i\x02\x05\x00"), "", "5");
    found(REC("\x04\x08i\xfc\x00\x00\x00\x00"), "", "-4294967296");

    /* more than 4 words, as Ruby writes none that fits: beyond */
    refused(REC("\x04\x08l+\x0a\x05\x00\x00\x00\x00\x00\x00\x00\x00\x00"),
            "", "an integer beyond a long long");
}


static void
test_marshal_symbols(void **state)
{
    (void) state;

    /* symbol keys, symbol values, symbol links (';') */
    found(REC(symbols_rec), "user.id", "bob");
    found(REC(symbols_rec), "user.name", "bob");
    found(REC(symbols_rec), "company_id", "acme");
    found(REC(symbols_rec), "list.0.id", "1");
    found(REC(symbols_rec), "list.1.id", "2");
    not_found(REC(symbols_rec), "list.2.id");
    found(REC(symbols_rec), "\xc3\xa9", "e-acute");
}


/* one object met twice: '@' and its index */
static void
test_marshal_links(void **state)
{
    (void) state;

    found(REC(links_rec), "a", "bob");
    found(REC(links_rec), "b", "bob");
    found(REC(links_rec), "c.0", "bob");
    found(REC(links_rec), "c.1", "bob");
    found(REC(links_rec), "u1.id", "x");
    /* the key "id" a link to the first hash's */
    found(REC(links_rec), "u2.id", "y");

    /* an array and a hash in themselves */
    found(REC(cycle_rec), "a.0.0.0.1", "end");
    found(REC(cycle_rec), "h.self.self.id", "me");
    refused(REC(cycle_rec), "a.0.0", "is an array");

    /* a link to no object, or to an object not read yet: Ruby's "dump
       format error (unlinked)" */
    refused(REC("\x04\x08[\x07\"\x06" "a@\x07"), "0", "a link to no object");
    refused(REC("\x04\x08[\x06@\x06"), "0", "a link to no object");
    refused(REC("\x04\x08[\x06@\xfa"), "0", "a link to no object");
    found(REC("\x04\x08[\x07\"\x06" "a@\x06"), "1", "a");
    /* Ruby's "bad symbol" */
    refused(REC("\x04\x08[\x07:\x06" "a;\x06"), "0", "a link to no symbol");
    found(REC("\x04\x08[\x07:\x06" "a;\x00"), "1", "a");
}


static void
test_marshal_arrays(void **state)
{
    (void) state;

    found(REC(arrays_rec), "a.0.0", "1");
    found(REC(arrays_rec), "a.0.1.0", "2");
    found(REC(arrays_rec), "a.0.1.1", "x");
    not_found(REC(arrays_rec), "a.0.1.2");
    not_found(REC(arrays_rec), "a.1.0");
    not_found(REC(arrays_rec), "a.2.0.0.0");
    refused(REC(arrays_rec), "a.2.0.0", "is an array");
    found(REC(arrays_rec), "b.0", "v0");
    found(REC(arrays_rec), "b.11", "v11");
    not_found(REC(arrays_rec), "b.12");
    not_found(REC(arrays_rec), "b.99999999999999999999999");

    /* an index is decimal, without a sign or a leading zero */
    refused(REC(arrays_rec), "b.01", "meets an array where it expects a "
            "hash with \"01\"");
    refused(REC(arrays_rec), "b.-1", "meets an array");
    refused(REC(arrays_rec), "b.+1", "meets an array");
    refused(REC(arrays_rec), "b.x", "meets an array");
    refused(REC(arrays_rec), "b.1x", "meets an array");
}


/* strings of any encoding, and a value too long */
static void
test_marshal_strings(void **state)
{
    char                 rec[400];
    mfa_err_t            err;
    mfa_session_value_t  v;

    (void) state;

    /* bytes without an encoding (ASCII-8BIT), a NUL among them */
    found_bytes(REC(enc_rec), "bin", "\xff\x00" "a", 3);
    /* :encoding "ISO-8859-1", :E false (US-ASCII), :E true (UTF-8) */
    found(REC(enc_rec), "latin", "caf\xe9");
    found(REC(enc_rec), "ascii", "x");
    found(REC(enc_rec), "utf8", "\xc3\xa9t\xc3\xa9");
    /* keys matched by their bytes, whatever their encoding */
    found(REC(enc_rec), "caf\xe9", "latin key");
    found(REC(enc_rec), "k\xff", "binary key");

    /* 255 bytes are kept, 256 are not */
    memcpy(rec, "\x04\x08[\x06\"\x02\xff\x00", 8);
    memset(rec + 8, 'x', 255);
    found_bytes(rec, 8 + 255, "0", rec + 8, 255);

    memcpy(rec, "\x04\x08[\x06\"\x02\x00\x01", 8);
    memset(rec + 8, 'x', 256);
    assert_int_equal(read1(rec, 8 + 256, "0", &v, &err), MFA_ERROR);
    assert_true(mfa_test_contains(err.msg, "longer than 255 bytes"));
    /* never a value in a message */
    assert_false(mfa_test_contains(err.msg, "xxx"));
}


static void
test_marshal_floats(void **state)
{
    (void) state;

    /* floats are objects: read past, and counted for the links after */
    found(REC(float_rec), "u", "x");
    refused(REC(float_rec), "f", "is a float");
    refused(REC(float_rec), "nan", "is a float");
    refused(REC(float_rec), "inf", "is a float");
    refused(REC(float_rec), "g", "is a float");
    refused(REC(float_rec), "f.x", "meets a float");
}


/* keys a name matches, and keys Ruby may keep apart */
static void
test_marshal_keys(void **state)
{
    (void) state;

    /* integer keys, by their decimal text */
    found(REC(intkey_rec), "7", "seven");
    found(REC(intkey_rec), "-3", "minus three");
    found(REC(intkey_rec), "1099511627776", "big");
    found(REC(intkey_rec), "k.0", "zero");
    not_found(REC(intkey_rec), "07");
    not_found(REC(intkey_rec), "+7");
    not_found(REC(intkey_rec), "k.00");

    /* "a" and :a, 5 and "5": two keys to Ruby, refused */
    refused(REC(mixed_rec), "a", "meets keys Ruby may keep apart that "
            "both match \"a\"");
    refused(REC(mixed_rec), "5", "keys Ruby may keep apart");
    /* a name of digits, and an integer key whose text is not made */
    refused(REC(mixed_rec), "7", "an integer key beyond a long long");
    refused(REC(bigkey_rec), "1180591620717411303424",
            "an integer key beyond a long long");
    refused(REC(bigkey_rec), "-1", "an integer key beyond a long long");
    found(REC(bigkey_rec), "id", "bob");
    /* nil, true, a float ({1.0 => 1}), an array ({[1] => 1}): keys no
       name matches */
    not_found(REC(mixed_rec), "nil");
    not_found(REC(mixed_rec), "true");
    refused(REC(mixed_rec), "1", "an integer key beyond a long long");
    not_found(REC("\x04\x08{\x06" "f\x06" "1i\x06"), "1");
    not_found(REC("\x04\x08{\x06[\x06i\x06i\x06"), "1");

    /* one key twice: the last, as Ruby's Hash keeps it */
    found(REC(DUP_STRINGS), "a", "2");
    found(REC(DUP_SYMBOLS), "a", "2");
    found(REC(DUP_INTEGERS), "5", "2");

    /* "\xc3\xa9" in UTF-8 and in ASCII-8BIT: two keys to Ruby */
    refused(REC(dup_rec), "\xc3\xa9", "keys Ruby may keep apart");
}


/* a hash with a default value ('}'): the default is Ruby's answer for a
   key it lacks; Ruby does not dump a hash with a default proc */
static void
test_marshal_default(void **state)
{
    (void) state;

    refused(REC(default_rec), "user.id",
            "meets a hash with a default value where it looks for \"id\"");
    refused(REC(default_rec), "user.name", "a hash with a default value");
    refused(REC(default_rec), "user", "is a hash with a default value");
    found(REC(default_rec), "id", "x");
}


/* Ruby objects: the record is not read, wherever the paths go */
static void
test_marshal_objects(void **state)
{
    size_t  i;

    static const struct {
        const char  *rec;
        size_t       len;
        const char  *why;
    } cases[] = {
        { REC(time_rec), "an object of _dump() (type byte 0x75) at byte 47" },
        { REC(struct_rec), "a Struct (type byte 0x53) at byte 16" },
        { REC(object_rec), "an object (type byte 0x6f) at byte 16" },
        { REC(regexp_rec), "a Regexp (type byte 0x2f) at byte 17" },
        { REC(rational_rec),
          "an object of marshal_dump() (type byte 0x55) at byte 16" },
        { REC(class_rec), "a class or a module (type byte 0x63) at byte 16" },
        { REC(module_rec), "a class or a module (type byte 0x6d) at byte 16" },
        { REC(uclass_rec),
          "an instance of a subclass (type byte 0x43) at byte 17" },
        { REC(extended_rec),
          "an object extended by a module (type byte 0x65) at byte 17" },
    };

    (void) state;

    for (i = 0; i < mfa_test_nelts(cases); i++) {
        refused(cases[i].rec, cases[i].len, "user.id", cases[i].why);
        refused(cases[i].rec, cases[i].len, "nobody", "no Ruby object is "
                "read");
    }

    refused(REC(time_rec), "user.id", "session record holds an object");
}


/* records Marshal.load does not read, or that the module bounds */
static void
test_marshal_malformed(void **state)
{
    char                 *rec;
    char                  path[2 * MFA_MARSHAL_DEPTH_MAX + 2];
    size_t                i, n;
    mfa_err_t             err;
    mfa_session_value_t   v;

    static const struct {
        const char  *rec;
        size_t       len;
        const char  *why;
    } cases[] = {
        { "", 0, "not Marshal format 4.8 at byte 0" },
        { REC("\x04"), "not Marshal format 4.8" },
        { REC("\x04\x07T"), "not Marshal format 4.8" },
        { REC("\x04\x09T"), "not Marshal format 4.8" },
        { REC("{\"user\":{\"id\":\"bob\"}}"), "not Marshal format 4.8" },
        { REC("\x04\x08"), "premature end of a value at byte 2" },
        { REC("\x04\x08\"\xfa"), "a negative length at byte 4" },
        { REC("\x04\x08\"\x0a" "abc"), "a length beyond the record" },
        { REC("\x04\x08[\x7f"), "a length beyond the record" },
        { REC("\x04\x08{\x07i\x00"), "a length beyond the record" },
        { REC("\x04\x08{\xfa"), "a negative length" },
        { REC("\x04\x08i\x03\x01\x02"), "premature end of an integer" },
        { REC("\x04\x08l+"), "premature end of an integer" },
        { REC("\x04\x08l"), "premature end of a bignum" },
        { REC("\x04\x08l+\x08\x01\x02\x03"), "a length beyond the record" },
        { REC("\x04\x08I"), "premature end of a value" },
        { REC("\x04\x08I\"\x06" "a"), "premature end of an integer" },
        { REC("\x04\x08I\"\x06" "a\x06i\x00i\x00"), "a symbol expected" },
        { REC("\x04\x08I\"\x06" "a\x06I\"\x06" "Ei\x00"),
          "a symbol expected" },
        { REC("\x04\x08I[\x00\x00"), "instance variables on a value other "
          "than a string or a symbol at byte 2" },
        { REC("\x04\x08II\"\x00\x00\x00"), "instance variables" },
        /* Ruby's "invalid byte sequence in UTF-8" (or US-ASCII) */
        { REC("\x04\x08I:\x06\xff\x06:\x06" "ET"),
          "a symbol's bytes invalid in its encoding" },
        { REC("\x04\x08I:\x07\xed\xa0\x06:\x06" "ET"),
          "a symbol's bytes invalid in its encoding" },
        { REC("\x04\x08I:\x06\xff\x06:\x06" "EF"),
          "a symbol's bytes invalid in its encoding" },
        /* Ruby's "no implicit conversion of Symbol into String", "string
           contains null byte" */
        { REC("\x04\x08I\"\x06" "a\x06:\x0d" "encoding:\x06x"),
          "an encoding's name not a string without a NUL" },
        { REC("\x04\x08I\"\x06" "a\x06:\x0d" "encoding\"\x06\x00"),
          "an encoding's name not a string without a NUL" },
        { REC("\x04\x08[\x07i\x00I\"\x06" "a\x06:\x0d" "encoding@\x00"),
          "an encoding's name not a string without a NUL" },
        /* Ruby's "ruby2_keywords flag is given but a is not a Hash" */
        { REC("\x04\x08I\"\x06" "a\x06:\x06Ki\x00"),
          "a string flagged as keywords" },
        { REC("\x04\x08z"), "an unknown type (type byte 0x7a) at byte 2" },
        { REC("\x04\x08[\x06\x00"), "an unknown type (type byte 0x00) at "
          "byte 4" },
    };

    (void) state;

    for (i = 0; i < mfa_test_nelts(cases); i++) {
        refused(cases[i].rec, cases[i].len, "user.id", cases[i].why);
    }

    /* what Ruby reads of the same: a symbol valid in its last variable's
       encoding; an encoding's name a link, to the string itself; :K on a
       symbol */
    found(REC("\x04\x08I:\x06\xff\x07:\x06" "ET:\x06xi\x00"), "", "\xff");
    found(REC("\x04\x08I:\x09\xf0\x9f\x94\x91\x06:\x06" "ET"), "",
          "\xf0\x9f\x94\x91");
    found(REC("\x04\x08I\"\x06" "a\x06:\x0d" "encoding@\x00"), "", "a");
    found(REC("\x04\x08I:\x06" "a\x06:\x06Ki\x00"), "", "a");

    /* not checked: a symbol's bytes in an encoding it names (Ruby refuses
       "\xff" in Shift_JIS) */
    found(REC("\x04\x08I:\x06\xff\x06:\x0d" "encoding\"\x0eShift_JIS"),
          "", "\xff");

    /* a Rails record cut anywhere */
    for (n = 0; n < sizeof(rails_rec) - 1; n++) {
        rec = malloc(n ? n : 1);
        assert_non_null(rec);
        memcpy(rec, rails_rec, n);

        assert_int_equal(read1(rec, n, "nobody", &v, &err), MFA_ERROR);
        assert_true(mfa_test_contains(err.msg, "session record"));

        free(rec);
    }

    /* nested as deep as the limit (true in 63 arrays), and one deeper */
    rec = malloc(2 * MFA_MARSHAL_DEPTH_MAX + 8);
    assert_non_null(rec);

    for (n = MFA_MARSHAL_DEPTH_MAX; n <= MFA_MARSHAL_DEPTH_MAX + 1; n++) {
        memcpy(rec, "\x04\x08", 2);

        for (i = 0; i + 1 < n; i++) {
            memcpy(rec + 2 + 2 * i, "[\x06", 2);
            memcpy(path + 2 * i, "0.", 2);
        }

        rec[2 + 2 * i] = 'T';
        path[2 * i - 1] = '\0';

        if (n == MFA_MARSHAL_DEPTH_MAX) {
            found(rec, 3 + 2 * i, path, "true");

        } else {
            refused(rec, 3 + 2 * i, path, "nested too deep");
        }
    }

    free(rec);

    /* more objects than the table holds: an array of empty strings */
    n = MFA_MARSHAL_OBJECTS_MAX;
    rec = malloc(2 * n + 16);
    assert_non_null(rec);

    memcpy(rec, "\x04\x08[\x03", 4);
    rec[4] = (char) (n & 0xff);
    rec[5] = (char) ((n >> 8) & 0xff);
    rec[6] = (char) ((n >> 16) & 0xff);

    for (i = 0; i < n; i++) {
        memcpy(rec + 7 + 2 * i, "\"\x00", 2);
    }

    /* the array and its strings: one object too many */
    refused(rec, 7 + 2 * n, "0", "too many objects");

    /* one string fewer: read */
    rec[4] = (char) ((n - 1) & 0xff);
    rec[5] = (char) (((n - 1) >> 8) & 0xff);
    rec[6] = (char) (((n - 1) >> 16) & 0xff);
    memcpy(rec + 7 + 2 * (n - 2), "\"\x06" "z", 3);
    found(rec, 7 + 2 * (n - 2) + 3, "65534", "z");

    free(rec);
}


int
main(void)
{
    const struct CMUnitTest  tests[] = {
        cmocka_unit_test(test_marshal_rails),
        cmocka_unit_test(test_marshal_integers),
        cmocka_unit_test(test_marshal_symbols),
        cmocka_unit_test(test_marshal_links),
        cmocka_unit_test(test_marshal_arrays),
        cmocka_unit_test(test_marshal_strings),
        cmocka_unit_test(test_marshal_floats),
        cmocka_unit_test(test_marshal_keys),
        cmocka_unit_test(test_marshal_default),
        cmocka_unit_test(test_marshal_objects),
        cmocka_unit_test(test_marshal_malformed),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
