
/*
 * Unit tests of Python's pickles of a session (src/mfa_pickle.c): records
 * written by Python 3.11's pickle.dumps() under protocols 2 to 5 (the
 * shapes of Flask-Session's and django-redis's records, every width of
 * an int, nesting, the memo sharing a value, unicode, records of 2 KB
 * and over 64 KB), the values at paths in them, and what is refused:
 * objects, globals, text opcodes, truncated records, bombs.
 *
 * The records were made by python3 (3.11.7) with
 *     sys.stdout.buffer.write(pickle.dumps(value, protocol=P))
 * the hand-made ones checked with pickle.loads(), its result in a
 * comment; each printed as a C string.
 */


#include "mfa_test.h"
#include "mfa_pickle.h"


static const char  flask_p2[] =
    "\x80\x02}q\x00(X\x0a\x00\x00\x00_permanentq\x01\x88X\x04\x00"
    "\x00\x00userq\x02}q\x03X\x02\x00\x00\x00idq\x04X\x03\x00\x00"
    "\x00" "bobq\x05sX\x0a\x00\x00\x00" "company_idq\x06X\x04\x00"
    "\x00\x00" "acmeq\x07u.";
static const char  flask_p3[] =
    "\x80\x03}q\x00(X\x0a\x00\x00\x00_permanentq\x01\x88X\x04\x00"
    "\x00\x00userq\x02}q\x03X\x02\x00\x00\x00idq\x04X\x03\x00\x00"
    "\x00" "bobq\x05sX\x0a\x00\x00\x00" "company_idq\x06X\x04\x00"
    "\x00\x00" "acmeq\x07u.";
static const char  flask_p4[] =
    "\x80\x04\x95<\x00\x00\x00\x00\x00\x00\x00}\x94(\x8c\x0a_perm"
    "anent\x94\x88\x8c\x04user\x94}\x94\x8c\x02id\x94\x8c\x03" "b"
    "ob\x94s\x8c\x0a" "company_id\x94\x8c\x04" "acme\x94u.";
static const char  flask_p5[] =
    "\x80\x05\x95<\x00\x00\x00\x00\x00\x00\x00}\x94(\x8c\x0a_perm"
    "anent\x94\x88\x8c\x04user\x94}\x94\x8c\x02id\x94\x8c\x03" "b"
    "ob\x94s\x8c\x0a" "company_id\x94\x8c\x04" "acme\x94u.";
static const char  django_p5[] =
    "\x80\x05\x95\x97\x00\x00\x00\x00\x00\x00\x00}\x94(\x8c\x0d_a"
    "uth_user_id\x94\x8c\x01" "1\x94\x8c\x12_auth_user_backend\x94"
    "\x8c)django.contrib.auth.backends.ModelBackend\x94\x8c\x0f_a"
    "uth_user_hash\x94\x8c(ababababababababababababababababababab"
    "ab\x94u.";
static const char  django_p2[] =
    "\x80\x02}q\x00(X\x0d\x00\x00\x00_auth_user_idq\x01X\x01\x00\x00"
    "\x00" "1q\x02X\x12\x00\x00\x00_auth_user_backendq\x03X)\x00\x00"
    "\x00" "django.contrib.auth.backends.ModelBackendq\x04X\x0f\x00"
    "\x00\x00_auth_user_hashq\x05X(\x00\x00\x00" "abababababababa"
    "bababababababababababababq\x06u.";
static const char  ints_p2[] =
    "\x80\x02}q\x00(X\x01\x00\x00\x00" "aq\x01K\x00X\x01\x00\x00\x00"
    "bq\x02K\xffX\x01\x00\x00\x00" "cq\x03M\x00\x01X\x01\x00\x00\x00"
    "dq\x04M\xff\xffX\x01\x00\x00\x00" "eq\x05J\x00\x00\x01\x00X\x01"
    "\x00\x00\x00" "fq\x06J\xff\xff\xff\xffX\x01\x00\x00\x00gq\x07"
    "J\xff\xff\xff\x7fX\x01\x00\x00\x00hq\x08J\x00\x00\x00\x80X\x01"
    "\x00\x00\x00iq\x09\x8a\x05\x00\x00\x00\x80\x00X\x01\x00\x00\x00"
    "jq\x0a\x8a\x08\xff\xff\xff\xff\xff\xff\xff\x7fX\x01\x00\x00\x00"
    "kq\x0b\x8a\x08\x00\x00\x00\x00\x00\x00\x00\x80X\x01\x00\x00\x00"
    "lq\x0c\x8a\x09\x00\x00\x00\x00\x00\x00\x00\x80\x00X\x01\x00\x00"
    "\x00mq\x0d\x8a\x09\xff\xff\xff\xff\xff\xff\xff\x7f\xffX\x01\x00"
    "\x00\x00nq\x0e\x8a~\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"
    "\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"
    "\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"
    "\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"
    "\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"
    "\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"
    "\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"
    "\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"
    "\x00\x00\x00\x00\x00\x00\x00\x00\x00\x01X\x01\x00\x00\x00oq\x0f"
    "\x8bx\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"
    "\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"
    "\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"
    "\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"
    "\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"
    "\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"
    "\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"
    "\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"
    "\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"
    "\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"
    "\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"
    "\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"
    "\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"
    "\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"
    "\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"
    "\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"
    "\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"
    "\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"
    "\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"
    "\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"
    "\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"
    "\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"
    "\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"
    "\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"
    "\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"
    "\x00\x00\x00\x00\xffX\x01\x00\x00\x00pq\x10\x88X\x01\x00\x00"
    "\x00qq\x11\x89X\x01\x00\x00\x00rq\x12NX\x01\x00\x00\x00sq\x13"
    "G\x3f\xf8\x00\x00\x00\x00\x00\x00X\x01\x00\x00\x00uq\x14J\x00"
    "\xff\xff\xffX\x01\x00\x00\x00vq\x15\x8a\x06\x00\x00\x00\x00\x00"
    "\x01u.";
static const char  ints_p4[] =
    "\x80\x04\x95\xc7\x02\x00\x00\x00\x00\x00\x00}\x94(\x8c\x01" "a"
    "\x94K\x00\x8c\x01" "b\x94K\xff\x8c\x01" "c\x94M\x00\x01\x8c\x01"
    "d\x94M\xff\xff\x8c\x01" "e\x94J\x00\x00\x01\x00\x8c\x01" "f\x94"
    "J\xff\xff\xff\xff\x8c\x01g\x94J\xff\xff\xff\x7f\x8c\x01h\x94"
    "J\x00\x00\x00\x80\x8c\x01i\x94\x8a\x05\x00\x00\x00\x80\x00\x8c"
    "\x01j\x94\x8a\x08\xff\xff\xff\xff\xff\xff\xff\x7f\x8c\x01k\x94"
    "\x8a\x08\x00\x00\x00\x00\x00\x00\x00\x80\x8c\x01l\x94\x8a\x09"
    "\x00\x00\x00\x00\x00\x00\x00\x80\x00\x8c\x01m\x94\x8a\x09\xff"
    "\xff\xff\xff\xff\xff\xff\x7f\xff\x8c\x01n\x94\x8a~\x00\x00\x00"
    "\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"
    "\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"
    "\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"
    "\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"
    "\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"
    "\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"
    "\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"
    "\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"
    "\x00\x00\x01\x8c\x01o\x94\x8bx\x01\x00\x00\x00\x00\x00\x00\x00"
    "\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"
    "\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"
    "\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"
    "\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"
    "\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"
    "\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"
    "\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"
    "\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"
    "\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"
    "\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"
    "\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"
    "\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"
    "\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"
    "\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"
    "\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"
    "\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"
    "\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"
    "\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"
    "\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"
    "\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"
    "\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"
    "\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"
    "\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"
    "\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"
    "\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\xff\x8c\x01p\x94\x88"
    "\x8c\x01q\x94\x89\x8c\x01r\x94N\x8c\x01s\x94G\x3f\xf8\x00\x00"
    "\x00\x00\x00\x00\x8c\x01t\x94" "C\x02id\x94\x8c\x01u\x94J\x00"
    "\xff\xff\xff\x8c\x01v\x94\x8a\x06\x00\x00\x00\x00\x00\x01u.";
static const char  nested_p4[] =
    "\x80\x04\x95\xa1\x00\x00\x00\x00\x00\x00\x00}\x94(\x8c\x05ro"
    "les\x94]\x94(\x8c\x05" "admin\x94\x8c\x01x\x94\x8c\x01y\x94\x8c"
    "\x01z\x94\x86\x94\x86\x94]\x94(K\x01]\x94(K\x02]\x94K\x03" "a"
    "eee\x8c\x01t\x94(K\x01K\x02K\x03K\x04t\x94\x8c\x03one\x94]\x94"
    "\x8c\x04solo\x94" "a\x8c\x01" "e\x94]\x94\x8c\x02" "et\x94)\x8c"
    "\x03set\x94\x8f\x94(K\x01K\x02\x90\x8c\x02" "fs\x94(\x8c\x01"
    "a\x94\x91\x94\x8c\x01" "d\x94}\x94\x8c\x01k\x94}\x94\x8c\x02"
    "k2\x94}\x94\x8c\x02k3\x94\x8c\x04" "deep\x94sssu.";
static const char  nested_p3[] =
    "\x80\x03}q\x00(X\x05\x00\x00\x00rolesq\x01]q\x02(X\x05\x00\x00"
    "\x00" "adminq\x03X\x01\x00\x00\x00xq\x04X\x01\x00\x00\x00yq\x05"
    "X\x01\x00\x00\x00zq\x06\x86q\x07\x86q\x08]q\x09(K\x01]q\x0a("
    "K\x02]q\x0bK\x03" "aeeeX\x01\x00\x00\x00tq\x0c(K\x01K\x02K\x03"
    "K\x04tq\x0dX\x03\x00\x00\x00oneq\x0e]q\x0fX\x04\x00\x00\x00s"
    "oloq\x10" "aX\x01\x00\x00\x00" "eq\x11]q\x12X\x02\x00\x00\x00"
    "etq\x13)X\x01\x00\x00\x00" "dq\x14}q\x15X\x01\x00\x00\x00kq\x16"
    "}q\x17X\x02\x00\x00\x00k2q\x18}q\x19X\x02\x00\x00\x00k3q\x1a"
    "X\x04\x00\x00\x00" "deepq\x1bsssu.";
static const char  alias_p2[] =
    "\x80\x02}q\x00(X\x01\x00\x00\x00" "aq\x01}q\x02X\x02\x00\x00"
    "\x00idq\x03X\x03\x00\x00\x00" "bobq\x04sX\x01\x00\x00\x00" "b"
    "q\x05h\x02X\x01\x00\x00\x00" "cq\x06]q\x07(h\x02h\x02" "eu.";
static const char  alias_p5[] =
    "\x80\x05\x95)\x00\x00\x00\x00\x00\x00\x00}\x94(\x8c\x01" "a\x94"
    "}\x94\x8c\x02id\x94\x8c\x03" "bob\x94s\x8c\x01" "b\x94h\x02\x8c"
    "\x01" "c\x94]\x94(h\x02h\x02" "eu.";
static const char  cycle_p4[] =
    "\x80\x04\x95\x0d\x00\x00\x00\x00\x00\x00\x00}\x94\x8c\x01l\x94"
    "]\x94h\x02" "as.";
static const char  unicode_p4[] =
    "\x80\x04\x95,\x00\x00\x00\x00\x00\x00\x00}\x94(\x8c\x04user\x94"
    "}\x94\x8c\x02id\x94\x8c\x09\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80"
    "\x94s\x8c\x03\xe5\x90\x8d\x94\x8c\x03\xe5\x80\xbc\x94u.";
static const char  unicode_p2[] =
    "\x80\x02}q\x00(X\x04\x00\x00\x00userq\x01}q\x02X\x02\x00\x00"
    "\x00idq\x03X\x09\x00\x00\x00\xc3\xa9\xe2\x82\xac\xf0\x9f\x98"
    "\x80q\x04sX\x03\x00\x00\x00\xe5\x90\x8dq\x05X\x03\x00\x00\x00"
    "\xe5\x80\xbcq\x06u.";
static const char  large_p4[] =
    "\x80\x04\x95\xf6\x07\x00\x00\x00\x00\x00\x00}\x94(\x8c\x04us"
    "er\x94}\x94\x8c\x02id\x94\x8c\x03" "bob\x94s\x8c\x03pad\x94X"
    "\xd0\x07\x00\x00xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\x94u.";
static const char  big_head[] =
    "\x80\x04\x95\x1e\x00\x00\x00\x00\x00\x00\x00}\x94(\x8c\x04us"
    "er\x94}\x94\x8c\x02id\x94\x8c\x03" "bob\x94s\x8c\x03pad\x94X"
    "p\x11\x01\x00";
static const char  big_tail[] =
    "\x95\x11\x00\x00\x00\x00\x00\x00\x00\x94\x8c\x05" "after\x94"
    "\x8c\x03" "end\x94u.";
/* big: big_head, 70000 "x", big_tail: 70072 bytes */
static const char  datetime_p2[] =
    "\x80\x02}q\x00X\x01\x00\x00\x00tq\x01" "cdatetime\x0a" "date"
    "time\x0aq\x02" "c_codecs\x0a" "encode\x0aq\x03X\x0b\x00\x00\x00"
    "\x07\xc3\xa8\x01\x02\x00\x00\x00\x00\x00\x00q\x04X\x06\x00\x00"
    "\x00latin1q\x05\x86q\x06Rq\x07\x85q\x08Rq\x09s.";
static const char  datetime_p4[] =
    "\x80\x04\x95" "1\x00\x00\x00\x00\x00\x00\x00}\x94\x8c\x01t\x94"
    "\x8c\x08" "datetime\x94\x8c\x08" "datetime\x94\x93\x94" "C\x0a"
    "\x07\xe8\x01\x02\x00\x00\x00\x00\x00\x00\x94\x85\x94R\x94s.";
static const char  object_p2[] =
    "\x80\x02}q\x00X\x04\x00\x00\x00userq\x01" "c__main__\x0a" "F"
    "oo\x0aq\x02)\x81q\x03}q\x04X\x02\x00\x00\x00idq\x05X\x03\x00"
    "\x00\x00" "bobq\x06sbs.";
static const char  exploit_p2[] =
    "\x80\x02" "cposix\x0asystem\x0aq\x00X\x02\x00\x00\x00idq\x01"
    "\x85q\x02Rq\x03.";
static const char  exploit_p0[] =
    "cposix\x0asystem\x0ap0\x0a(Vid\x0ap1\x0atp2\x0aRp3\x0a.";
static const char  set_p2[] =
    "\x80\x02}q\x00X\x01\x00\x00\x00sq\x01" "c__builtin__\x0aset\x0a"
    "q\x02]q\x03K\x01" "a\x85q\x04Rq\x05s.";
static const char  bytes_p2[] =
    "\x80\x02}q\x00X\x01\x00\x00\x00" "bq\x01" "c_codecs\x0a" "en"
    "code\x0aq\x02X\x01\x00\x00\x00xq\x03X\x06\x00\x00\x00latin1q"
    "\x04\x86q\x05Rq\x06s.";
static const char  text_p0[] =
    "(dp0\x0aVuser\x0ap1\x0aVbob\x0ap2\x0as.";
/* datetime_p2: first refused GLOBAL (0x63) at byte 13 */
/* datetime_p4: first refused STACK_GLOBAL (0x93) at byte 39 */
/* object_p2: first refused GLOBAL (0x63) at byte 16 */
/* exploit_p2: first refused GLOBAL (0x63) at byte 2 */
/* exploit_p0: first refused GLOBAL (0x63) at byte 0 */
/* set_p2: first refused GLOBAL (0x63) at byte 13 */
/* bytes_p2: first refused GLOBAL (0x63) at byte 13 */
/* text_p0: first refused DICT (0x64) at byte 1 */
/* hand-made, read by pickle.loads() as in the comments */
/* {'id': 'b'} */
static const char  dup_keys[] =
    "\x80\x04}\x94(\x8c\x02id\x8c\x01" "a\x8c\x02id\x8c\x01" "bu.";
/* {'a': {'id': 'bob'}} */
static const char  memo_changed[] =
    "\x80\x04}\x94}\x94\x8c\x01" "ah\x00sh\x00\x8c\x02id\x8c\x03" "b"
    "obsh\x01.";
/* {'id': 'bob', 'b': b'x'} */
static const char  unicode8[] =
    "\x80\x05}\x94(\x8c\x02id\x8d\x03\x00\x00\x00\x00\x00\x00\x00"
    "bob\x8c\x01" "b\x8e\x01\x00\x00\x00\x00\x00\x00\x00xu.";
/* {'1': 's', 1: 'i', 'id': 'v'} */
static const char  keys_both[] =
    "\x80\x04\x95\x1c\x00\x00\x00\x00\x00\x00\x00}\x94(\x8c\x01" "1"
    "\x94\x8c\x01s\x94K\x01\x8c\x01i\x94\x8c\x02id\x94\x8c\x01v\x94"
    "u.";
/* {1: 'i', -5: 'n', 'id': 'v'} */
static const char  keys_int[] =
    "\x80\x04\x95\x1d\x00\x00\x00\x00\x00\x00\x00}\x94(K\x01\x8c\x01"
    "i\x94J\xfb\xff\xff\xff\x8c\x01n\x94\x8c\x02id\x94\x8c\x01v\x94"
    "u.";
/* {True: 'x'} */
static const char  keys_bool[] =
    "\x80\x04\x95\x09\x00\x00\x00\x00\x00\x00\x00}\x94\x88\x8c\x01"
    "x\x94s.";
/* {1.0: 'x', 2.5: 'y'} */
static const char  keys_float[] =
    "\x80\x04\x95\x1f\x00\x00\x00\x00\x00\x00\x00}\x94(G\x3f\xf0\x00"
    "\x00\x00\x00\x00\x00\x8c\x01x\x94G@\x04\x00\x00\x00\x00\x00\x00"
    "\x8c\x01y\x94u.";
/* {b'id': 'x', 'id': 'y'} */
static const char  keys_bytes[] =
    "\x80\x04\x95\x17\x00\x00\x00\x00\x00\x00\x00}\x94(C\x02id\x94"
    "\x8c\x01x\x94\x8c\x02id\x94\x8c\x01y\x94u.";
/* {1180591620717411303424: 'x', 1e+30: 'y'} */
static const char  keys_huge[] =
    "\x80\x04\x95!\x00\x00\x00\x00\x00\x00\x00}\x94(\x8a\x09\x00\x00"
    "\x00\x00\x00\x00\x00\x00@\x8c\x01x\x94GF)>Y9\xa0\x8c\xea\x8c"
    "\x01y\x94u.";
/* {'id': 'v', (1, 'a'): 't', None: 'n', frozenset(): 'f'} */
static const char  keys_other[] =
    "\x80\x04\x95&\x00\x00\x00\x00\x00\x00\x00}\x94(\x8c\x02id\x94"
    "\x8c\x01v\x94K\x01\x8c\x01" "a\x94\x86\x94\x8c\x01t\x94N\x8c"
    "\x01n\x94(\x91\x94\x8c\x01" "f\x94u.";


static int
read1(const char *rec, size_t len, const char *path, mfa_session_value_t *v,
    mfa_err_t *err)
{
    mfa_str_t  p;

    p.data = path;
    p.len = strlen(path);
    err->msg[0] = '\0';

    return mfa_pickle_read(rec, len, &p, 1, v, err);
}


static void
found(const char *rec, size_t len, const char *path, const char *want)
{
    mfa_err_t            err;
    mfa_session_value_t  v;

    if (read1(rec, len, path, &v, &err) != MFA_OK) {
        fail_msg("%s: %s", path, err.msg);
    }

    if (!v.found || v.len != strlen(want) || memcmp(v.data, want, v.len)) {
        fail_msg("%s: found %d \"%.*s\", want \"%s\"", path, v.found,
                 (int) v.len, v.data, want);
    }
}


static void
not_found(const char *rec, size_t len, const char *path)
{
    mfa_err_t            err;
    mfa_session_value_t  v;

    if (read1(rec, len, path, &v, &err) != MFA_OK) {
        fail_msg("%s: %s", path, err.msg);
    }

    assert_false(v.found);
}


static void
refused(const char *rec, size_t len, const char *path, const char *why)
{
    mfa_err_t            err;
    mfa_session_value_t  v;

    if (read1(rec, len, path, &v, &err) != MFA_ERROR) {
        fail_msg("record of %zu bytes at %s: not refused", len, path);
    }

    if (!mfa_test_contains(err.msg, why)) {
        fail_msg("record of %zu bytes at %s: \"%s\" lacks \"%s\"", len,
                 path, err.msg, why);
    }

    assert_false(v.found);
}


#define REC(r)  (r), sizeof(r) - 1


static void
test_pickle_sessions(void **state)
{
    size_t  i;

    static const struct {
        const char  *rec;
        size_t       len;
    } flask[] = {
        { REC(flask_p2) }, { REC(flask_p3) }, { REC(flask_p4) },
        { REC(flask_p5) }
    };

    (void) state;

    /* Flask-Session's shape, under each protocol */

    for (i = 0; i < mfa_test_nelts(flask); i++) {
        found(flask[i].rec, flask[i].len, "user.id", "bob");
        found(flask[i].rec, flask[i].len, "company_id", "acme");
        found(flask[i].rec, flask[i].len, "_permanent", "true");
        not_found(flask[i].rec, flask[i].len, "user.name");
        not_found(flask[i].rec, flask[i].len, "admin");
        refused(flask[i].rec, flask[i].len, "user", "is a dict, not a str");
        refused(flask[i].rec, flask[i].len, "company_id.id",
                "meets a str where it expects a dict or a list with \"id\"");
    }

    /* django-redis's */
    found(REC(django_p5), "_auth_user_id", "1");
    found(REC(django_p2), "_auth_user_id", "1");
    found(REC(django_p5), "_auth_user_backend",
          "django.contrib.auth.backends.ModelBackend");
    found(REC(django_p5), "_auth_user_hash",
          "abababababababababababababababababababab");

    /* what follows STOP is not read, as pickle.loads() */
    {
        char  rec[sizeof(flask_p4) + 8];

        memcpy(rec, flask_p4, sizeof(flask_p4) - 1);
        memcpy(rec + sizeof(flask_p4) - 1, "junk\x63\x00", 6);
        found(rec, sizeof(flask_p4) + 5, "user.id", "bob");
    }

    /* several paths in one read, each with its own answer and the first
       error the read's */
    {
        mfa_err_t            err;
        mfa_str_t            paths[4];
        mfa_session_value_t  v[4];

        paths[0] = MFA_TEST_STR("user.id");
        paths[1] = MFA_TEST_STR("nobody");
        paths[2] = MFA_TEST_STR("user");
        paths[3] = MFA_TEST_STR("_permanent");

        assert_int_equal(mfa_pickle_read(REC(flask_p4), paths, 4, v, &err),
                         MFA_ERROR);
        assert_true(mfa_test_contains(err.msg, "\"user\" is a dict"));
        assert_true(v[0].found && strcmp(v[0].data, "bob") == 0);
        assert_false(v[1].found);
        assert_false(v[2].found);
        assert_true(v[3].found && v[3].boolean);

        assert_int_equal(mfa_pickle_read(REC(flask_p4), paths, 5, v, &err),
                         MFA_ERROR);
        assert_true(mfa_test_contains(err.msg, "more than 4"));
    }
}


static void
test_pickle_values(void **state)
{
    size_t  i;

    static const struct {
        const char  *path;
        const char  *want;
    } ints[] = {
        { "a", "0" }, { "b", "255" }, { "c", "256" }, { "d", "65535" },
        { "e", "65536" }, { "f", "-1" }, { "g", "2147483647" },
        { "h", "-2147483648" }, { "i", "2147483648" },
        { "j", "9223372036854775807" }, { "k", "-9223372036854775808" },
        { "p", "true" }, { "q", "false" }, { "u", "-256" },
        { "v", "1099511627776" }
    };

    (void) state;

    /* BININT1, BININT2, BININT, LONG1, NEWTRUE, NEWFALSE */

    for (i = 0; i < mfa_test_nelts(ints); i++) {
        found(REC(ints_p2), ints[i].path, ints[i].want);
        found(REC(ints_p4), ints[i].path, ints[i].want);
    }

    /* beyond 64 bits (LONG1 of 9 bytes, of 126; LONG4), a float, bytes,
       None */
    refused(REC(ints_p4), "l", "an int beyond 64 bits");
    refused(REC(ints_p4), "m", "an int beyond 64 bits");
    refused(REC(ints_p4), "n", "an int beyond 64 bits");
    refused(REC(ints_p2), "o", "an int beyond 64 bits");
    refused(REC(ints_p4), "s", "is a float, not a str");
    refused(REC(ints_p4), "t", "is bytes, not a str");
    not_found(REC(ints_p4), "r");
    not_found(REC(ints_p4), "r.id");

    /* lists and tuples by index */
    found(REC(nested_p4), "roles.0", "admin");
    found(REC(nested_p4), "roles.1.0", "x");
    found(REC(nested_p4), "roles.1.1.1", "z");
    found(REC(nested_p4), "roles.2.1.1.0", "3");
    found(REC(nested_p3), "roles.2.1.1.0", "3");
    found(REC(nested_p4), "t.3", "4");
    found(REC(nested_p4), "one.0", "solo");
    found(REC(nested_p4), "d.k.k2.k3", "deep");
    found(REC(nested_p3), "d.k.k2.k3", "deep");
    not_found(REC(nested_p4), "roles.3");
    not_found(REC(nested_p4), "e.0");
    not_found(REC(nested_p4), "et.0");
    not_found(REC(nested_p4), "t.99999999999999999999999");
    refused(REC(nested_p4), "roles.01", "where \"01\" is no index");
    refused(REC(nested_p4), "roles.-1", "where \"-1\" is no index");
    refused(REC(nested_p4), "roles.x", "meets a list where \"x\" is no");
    refused(REC(nested_p4), "t.x", "meets a tuple where \"x\" is no");
    refused(REC(nested_p4), "roles.1", "is a tuple, not a str");
    refused(REC(nested_p4), "set", "is a set, not a str");
    refused(REC(nested_p4), "set.0",
            "meets a set where it expects a dict or a list");
    refused(REC(nested_p4), "fs.a", "meets a frozenset where");

    /* the memo: one dict in several places; a dict changed after it was
       put in another */
    found(REC(alias_p2), "a.id", "bob");
    found(REC(alias_p2), "b.id", "bob");
    found(REC(alias_p5), "c.1.id", "bob");
    found(REC(memo_changed), "a.id", "bob");

    /* a list holding itself: a path is walked, never the tree */
    refused(REC(cycle_p4), "l.0.0.0.0", "is a list, not a str");
    not_found(REC(cycle_p4), "l.0.0.1");

    /* unicode: a str's UTF-8 bytes, a key by them */
    found(REC(unicode_p4), "user.id", "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80");
    found(REC(unicode_p2), "user.id", "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80");
    found(REC(unicode_p4), "\xe5\x90\x8d", "\xe5\x80\xbc");

    /* BINUNICODE8, BINBYTES8 */
    found(REC(unicode8), "id", "bob");
    refused(REC(unicode8), "b", "is bytes");

    /* a value longer than the module keeps */
    found(REC(large_p4), "user.id", "bob");
    refused(REC(large_p4), "pad", "longer than 255 bytes");
}


/* a record of over 64 KB: BINUNICODE of 70000 bytes, FRAMEs */
static void
test_pickle_big(void **state)
{
    char    *rec;
    size_t   len;

    (void) state;

    len = sizeof(big_head) - 1 + 70000 + sizeof(big_tail) - 1;
    rec = malloc(len);
    assert_non_null(rec);

    memcpy(rec, big_head, sizeof(big_head) - 1);
    memset(rec + sizeof(big_head) - 1, 'x', 70000);
    memcpy(rec + len - (sizeof(big_tail) - 1), big_tail,
           sizeof(big_tail) - 1);

    found(rec, len, "user.id", "bob");
    found(rec, len, "after", "end");
    refused(rec, len, "pad", "longer than");

    /* a FRAME's length beyond the record */
    refused(rec, sizeof(big_head) + 100, "user.id",
            "a length beyond the record");

    free(rec);
}


static void
test_pickle_keys(void **state)
{
    (void) state;

    /* the last of a key given twice, as the dict keeps it */
    found(REC(dup_keys), "id", "b");

    /* a key of another type that reads as the name: refused */
    refused(REC(keys_both), "1", "a key \"1\" that is an int, not a str");
    found(REC(keys_both), "id", "v");
    refused(REC(keys_int), "1", "an int, not a str");
    refused(REC(keys_int), "-5", "an int, not a str");
    not_found(REC(keys_int), "2");
    refused(REC(keys_bool), "1", "a bool, not a str");
    not_found(REC(keys_bool), "True");
    refused(REC(keys_float), "1", "a float, not a str");
    not_found(REC(keys_float), "2");
    not_found(REC(keys_float), "2.5");
    refused(REC(keys_bytes), "id", "bytes, not a str");
    refused(REC(keys_huge), "1180591620717411303424", "an int, not a str");
    refused(REC(keys_huge), "1000000000000000000000000000000",
            "an int, not a str");
    not_found(REC(keys_huge), "01180591620717411303424");

    /* a tuple, None, a frozenset as keys: never a name */
    found(REC(keys_other), "id", "v");
    not_found(REC(keys_other), "None");
}


/* what Python itself refuses, or only Python would read */
static void
test_pickle_refused(void **state)
{
    size_t  i, len, depth;
    char   *bomb;

    static const struct {
        const char  *rec;
        size_t       len;
        const char  *why;
    } cases[] = {
        /* globals, objects, a call: nothing imported or built */
        { REC(datetime_p2),
          "pickle opcode GLOBAL (0x63) at byte 13 is not read: only plain "
          "data" },
        { REC(datetime_p4), "STACK_GLOBAL (0x93) at byte 39" },
        { REC(object_p2), "GLOBAL (0x63) at byte 16" },
        { REC(exploit_p2), "GLOBAL (0x63) at byte 2" },
        { REC(exploit_p0), "GLOBAL (0x63) at byte 0" },
        { REC(set_p2), "GLOBAL (0x63) at byte 13" },
        { REC(bytes_p2), "GLOBAL (0x63) at byte 13" },
        { REC(text_p0), "DICT (0x64) at byte 1" },
        { REC("\x80\x04N\x85R."), "REDUCE (0x52) at byte 4" },
        { REC("\x80\x04}\x94}b."), "BUILD (0x62) at byte 5" },
        { REC("\x80\x04)\x81."), "NEWOBJ (0x81) at byte 3" },
        { REC("\x80\x04\x82\x01."), "EXT1 (0x82) at byte 2" },
        { REC("\x80\x04NN0."), "POP (0x30) at byte 4" },
        { REC("\x80\x05\x96\x00\x00\x00\x00\x00\x00\x00\x00."),
          "BYTEARRAY8 (0x96)" },

        /* what pickle.loads() refuses too */
        { "", 0, "the record ends before STOP at byte 0" },
        { REC("\x80\x04}"), "the record ends before STOP at byte 3" },
        { REC("\xff."), "a byte that is no pickle opcode at byte 0" },
        { REC("\x80\x06}."), "a protocol above 5 at byte 0" },
        { REC("\x80\x04."), "STOP with nothing to return at byte 2" },
        { REC("\x80\x04N(."), "STOP with nothing to return at byte 4" },
        { REC("\x80\x04h\x00."), "a memo index never put at byte 2" },
        { REC("\x80\x04N\x94h\x05."), "a memo index never put at byte 4" },
        { REC("\x80\x04(\x94."), "a memo put with nothing to put" },
        { REC("\x80\x04t."), "no MARK to end at byte 2" },
        { REC("\x80\x04N(N\x86."), "a tuple of more than the stack" },
        { REC("\x80\x04Na."), "APPEND with no list" },
        { REC("\x80\x04]NNa."), "APPEND into something not a list" },
        { REC("\x80\x04}N(Na."), "APPEND with no list" },
        { REC("\x80\x04}(Nu."), "SETITEMS with an odd number of items" },
        { REC("\x80\x04}(]Nu."), "a dict key not hashable" },
        { REC("\x80\x04}(]\x85Nu."), "a dict key not hashable" },
        { REC("\x80\x04NNNs."), "SETITEM into something not a dict" },
        { REC("\x80\x04\x8f(}\x90."), "a set item not hashable" },
        { REC("\x80\x04(]\x91."), "a set item not hashable" },
        { REC("\x80\x04)(N\x90."), "ADDITEMS into something not a set" },
        { REC("\x80\x04X\x01\x00\x00\x00\xff."), "a str that is not UTF-8" },
        { REC("\x80\x04X\x02\x00\x00\x00\xc0\x80."), "not UTF-8" },
        { REC("\x80\x04\x8c\x04\xf4\x90\x80\x80."), "not UTF-8" },
        { REC("\x80\x04\x8c\x02\xe2\x82."), "not UTF-8" },
        { REC("\x80\x04\x8b\xff\xff\xff\xff."),
          "LONG4 with a negative length at byte 2" },
        { REC("\x80\x04X\xff\xff\xff\x7f."), "a length beyond the record" },
        { REC("\x80\x04\x8d\xff\xff\xff\xff\xff\xff\xff\xff."),
          "a length beyond the record" },
        { REC("\x80\x04J\x01\x02"), "an opcode's argument truncated" },

        /* pickle.dumps() never writes these; Python would read them */
        { REC("\x80\x02Nq\x05."),
          "a memo index beyond the record's count of puts at byte 3" },
        /* [None], then list[0] = 7: Python reads [7] */
        { REC("\x80\x04]NaK\x00K\x07s."),
          "SETITEM into something not a dict at byte 9" },
    };

    (void) state;

    for (i = 0; i < mfa_test_nelts(cases); i++) {
        refused(cases[i].rec, cases[i].len, "user.id", cases[i].why);
    }

    /* what Python reads, odd as it is */
    not_found(REC("\x80\x04(N."), "user.id");
    not_found(REC("\x80\x04N(e."), "user.id");
    not_found(REC("\x80\x04N(u."), "user.id");
    refused(REC("\x80\x04N\x8f(\x90."), "user.id", "meets a set");
    found(REC("\x80\x04\x95\x01\x00\x00\x00\x00\x00\x00\x00}\x94\x8c\x02"
              "id\x94\x8a\x00s."), "id", "0");
    found(REC("\x80\x03X\x03\x00\x00\x00\xed\xa0\x80."), "", "\xed\xa0\x80");

    /* truncated at every byte */

    for (len = 0; len < sizeof(flask_p4) - 1; len++) {
        refused(flask_p4, len, "user.id", "");
    }

    for (len = 0; len < sizeof(ints_p2) - 1; len++) {
        refused(ints_p2, len, "a", "");
    }

    bomb = malloc(MFA_PICKLE_OBJECTS_MAX + 2);
    assert_non_null(bomb);

    /* lists, then tuples, nested MFA_PICKLE_DEPTH_MAX deep: read; one
       more: refused */

    for (depth = MFA_PICKLE_DEPTH_MAX; depth <= MFA_PICKLE_DEPTH_MAX + 1;
         depth++)
    {
        len = 0;
        bomb[len++] = '\x80';
        bomb[len++] = '\x04';
        memset(bomb + len, ']', depth);
        len += depth;
        memset(bomb + len, 'a', depth - 1);
        len += depth - 1;
        bomb[len++] = '.';

        refused(bomb, len, "0", (depth == MFA_PICKLE_DEPTH_MAX)
                                ? "is a list, not a str"
                                : "containers nested too deep at byte");

        bomb[0] = 'N';
        memset(bomb + 1, '\x85', depth);
        bomb[depth + 1] = '.';

        refused(bomb, depth + 2, "0", (depth == MFA_PICKLE_DEPTH_MAX)
                                      ? "is a tuple, not a str"
                                      : "containers nested too deep");
    }

    /* a key of tuples each holding the one before twice: 2^60 tuples
       to hash, were a tuple's hashability not kept */
    memcpy(bomb, "\x80\x04}\x94)\x94", 6);
    len = 6;

    for (i = 1; i <= 60; i++) {
        bomb[len++] = 'h';
        bomb[len++] = (char) i;
        bomb[len++] = '\x86';
        bomb[len++] = '\x94';
    }

    memcpy(bomb + len, "Ns.", 3);
    not_found(bomb, len + 3, "x");

    memset(bomb, '(', MFA_PICKLE_DEPTH_MAX + 1);
    bomb[MFA_PICKLE_DEPTH_MAX + 1] = '.';
    refused(bomb, MFA_PICKLE_DEPTH_MAX + 2, "0", "MARKs nested too deep");

    /* more objects than MFA_PICKLE_OBJECTS_MAX */
    memset(bomb, 'N', MFA_PICKLE_OBJECTS_MAX + 1);
    bomb[MFA_PICKLE_OBJECTS_MAX + 1] = '.';
    refused(bomb, MFA_PICKLE_OBJECTS_MAX + 2, "0",
            "more objects than the reader takes");
    not_found(bomb + 1, MFA_PICKLE_OBJECTS_MAX + 1, "0");

    free(bomb);
}


int
main(void)
{
    const struct CMUnitTest  tests[] = {
        cmocka_unit_test(test_pickle_sessions),
        cmocka_unit_test(test_pickle_values),
        cmocka_unit_test(test_pickle_big),
        cmocka_unit_test(test_pickle_keys),
        cmocka_unit_test(test_pickle_refused),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
