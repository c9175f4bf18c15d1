
/*
 * Unit tests of Django's session records (src/mfa_django.c): records
 * written by Django 3.2 itself, read back with the secret, with a rotated
 * secret and with none; tampered, truncated and malformed records, the
 * old encoding and a zip bomb refused.
 */


#include "mfa_test.h"
#include "mfa_django.h"
#include "mfa_session.h"


/*
 * Written by Debian's python3-django 3.2.25 (a script, not kept: it
 * printed these literals), settings.configure(SECRET_KEY=
 * "s3cr3t-key-for-mfa-tests"):
 *
 *   tiny_json, small_json, big_json: SessionStore().encode(d)
 *     (SessionBase.encode(), key_salt "django.contrib.sessions.
 *     SessionStore", JSONSerializer): tiny is not compressed, small and
 *     big (d with "history", 100 paths) are;
 *   *_pickle: signing.dumps(d, salt=key_salt, serializer=
 *     PickleSerializer, compress=True);
 *   *_plain: what the serializer gave, what the decoder must give back;
 *   rotated_json: signing.dumps() with key="0ld-s3cr3t-before-rotation";
 *   tenant_json: salt "django.contrib.sessions.TenantStore";
 *   bomb: TimestampSigner(salt=key_salt).sign("." + b64_encode(
 *     zlib.compress(b"\0" * 10 MiB, 9))), signed as Django signs;
 *   zlib_*: the same signer over "." and the base64 of small's JSON
 *     compressed, then "junk" appended, or its last 3 bytes cut; or of
 *     bytes that are no zlib stream;
 *   legacy: SessionStore().encode(small) under DEFAULT_HASHING_ALGORITHM
 *     = "sha1" (the encoding of Django before 3.1).
 */

static const char  tiny_json[] =
    "eyJfYXV0aF91c2VyX2lkIjoiNyIsImMiOiJ4In0:1xa5TC:D2rH3KqDkPGJ6E7wF9_"
    "9B6o3yv_TkFedRqaM5KOjeGA";
static const char  tiny_json_plain[] =
    "{\"_auth_user_id\":\"7\",\"c\":\"x\"}";
static const char  tiny_pickle[] =
    "gAWVIQAAAAAAAAB9lCiMDV9hdXRoX3VzZXJfaWSUjAE3lIwBY5SMAXiUdS4:1xa5TC"
    ":ea7Le9MU-hQ527LV0FWJlDWF2YbuM8ekeZ04KUD9N-E";
static const char  tiny_pickle_plain[] =
    "\200\005\225!\000\000\000\000\000\000\000}\224(\214\015_auth_user_"
    "id\224\214\0017\224\214\001c\224\214\001x\224u.";
static const char  small_json[] =
    ".eJyrVopPLC3JiC8tTi2Kz0xRslIyMVLSQRZMSkzOTs0DyaRkJeal5-sl5-eVFGUm6"
    "YGU6EFli_V881NSc5yganWUkvNzCxLzKiFGJibnpirVAgAHaSYJ:1xa5TC:fKQOmEP"
    "RUs_c0dcWlspR6Xpc-WYw1LPnnwdtnqAbIiI";
static const char  big_json[] =
    ".eJztz00KwjAQhuG7zLokWutfl-49gUiY_NBUbVKSdFHEu9tiFyJzA7N9vmHgfYLAI"
    "VkxRBNEq6GGqoTiGyWqu3Hzom_oGs-Udym0ks0nbFkjO3ttHqfltgDlux7d-HmJqjO"
    "T2TYmH0aoL8A1Ris9Bs17bAxfTfOvrQkrCdsQVhG2JWxH2J6wA2FHwnJH7sgduSN35"
    "I7_6bi-3kO5sLk:1xa5TC:9uyppINyaKFRxe8sg8gNqvgeekSamvporQbn_MbzyKw";
static const char  big_json_plain[] =
    "{\"_auth_user_id\":\"42\",\"_auth_user_backend\":\"django.contrib."
    "auth.backends.ModelBackend\",\"company_id\":\"acme\",\"history\":["
    "\"/dashboard/page/0\",\"/dashboard/page/1\",\"/dashboard/page/2\","
    "\"/dashboard/page/3\",\"/dashboard/page/4\",\"/dashboard/page/5\","
    "\"/dashboard/page/6\",\"/dashboard/page/7\",\"/dashboard/page/8\","
    "\"/dashboard/page/9\",\"/dashboard/page/0\",\"/dashboard/page/1\","
    "\"/dashboard/page/2\",\"/dashboard/page/3\",\"/dashboard/page/4\","
    "\"/dashboard/page/5\",\"/dashboard/page/6\",\"/dashboard/page/7\","
    "\"/dashboard/page/8\",\"/dashboard/page/9\",\"/dashboard/page/0\","
    "\"/dashboard/page/1\",\"/dashboard/page/2\",\"/dashboard/page/3\","
    "\"/dashboard/page/4\",\"/dashboard/page/5\",\"/dashboard/page/6\","
    "\"/dashboard/page/7\",\"/dashboard/page/8\",\"/dashboard/page/9\","
    "\"/dashboard/page/0\",\"/dashboard/page/1\",\"/dashboard/page/2\","
    "\"/dashboard/page/3\",\"/dashboard/page/4\",\"/dashboard/page/5\","
    "\"/dashboard/page/6\",\"/dashboard/page/7\",\"/dashboard/page/8\","
    "\"/dashboard/page/9\",\"/dashboard/page/0\",\"/dashboard/page/1\","
    "\"/dashboard/page/2\",\"/dashboard/page/3\",\"/dashboard/page/4\","
    "\"/dashboard/page/5\",\"/dashboard/page/6\",\"/dashboard/page/7\","
    "\"/dashboard/page/8\",\"/dashboard/page/9\",\"/dashboard/page/0\","
    "\"/dashboard/page/1\",\"/dashboard/page/2\",\"/dashboard/page/3\","
    "\"/dashboard/page/4\",\"/dashboard/page/5\",\"/dashboard/page/6\","
    "\"/dashboard/page/7\",\"/dashboard/page/8\",\"/dashboard/page/9\","
    "\"/dashboard/page/0\",\"/dashboard/page/1\",\"/dashboard/page/2\","
    "\"/dashboard/page/3\",\"/dashboard/page/4\",\"/dashboard/page/5\","
    "\"/dashboard/page/6\",\"/dashboard/page/7\",\"/dashboard/page/8\","
    "\"/dashboard/page/9\",\"/dashboard/page/0\",\"/dashboard/page/1\","
    "\"/dashboard/page/2\",\"/dashboard/page/3\",\"/dashboard/page/4\","
    "\"/dashboard/page/5\",\"/dashboard/page/6\",\"/dashboard/page/7\","
    "\"/dashboard/page/8\",\"/dashboard/page/9\",\"/dashboard/page/0\","
    "\"/dashboard/page/1\",\"/dashboard/page/2\",\"/dashboard/page/3\","
    "\"/dashboard/page/4\",\"/dashboard/page/5\",\"/dashboard/page/6\","
    "\"/dashboard/page/7\",\"/dashboard/page/8\",\"/dashboard/page/9\","
    "\"/dashboard/page/0\",\"/dashboard/page/1\",\"/dashboard/page/2\","
    "\"/dashboard/page/3\",\"/dashboard/page/4\",\"/dashboard/page/5\","
    "\"/dashboard/page/6\",\"/dashboard/page/7\",\"/dashboard/page/8\","
    "\"/dashboard/page/9\"]}";
static const char  small_pickle[] =
    ".eJxrYJ2azwABtVM0enjjE0tLMuJLi1OL4jNTpvQwmRhN6RFCEkxKTM5OzQPKaKZkJ"
    "eal5-sl5-eVFGUm6YGU6EFli_V881NSc5xgarmS83MLEvMqwUayJCbnpk4p1QMANrc"
    "s8A:1xa5TC:4agcOlje-Lzvv0eQl16xnxXhi6-uqf2E_F6M3la8S-g";
static const char  small_pickle_plain[] =
    "\200\005\225o\000\000\000\000\000\000\000}\224(\214\015_auth_user_"
    "id\224\214\00242\224\214\022_auth_user_backend\224\214)django.cont"
    "rib.auth.backends.ModelBackend\224\214\012company_id\224\214\004ac"
    "me\224u.";
static const char  big_pickle[] =
    ".eJxrYJ3qy8EABrVTNHp44xNLSzLiS4tTi-IzU6b0MJkYTekRQhJMSkzOTs0DymimZ"
    "CXmpefrJefnlRRlJumBlOhBZYv1fPNTUnOcYGq5kvNzCxLzKsFGsiQm56ZO6WHPyCw"
    "uyS-qnBILtFZQPyWxOCMpP7EoRb8gMT1V32AKppghFjEjLGLGWMRMsIiZYhEzwyJmj"
    "kXMAouYJRaxUX-M-mPUH6P-GPXHqD9Gjj9SS_UAul4EaA:1xa5TC:f1qj8c0JowP1A"
    "XKS7FWSU7dQTmZyZTLToTSvUUoMoGc";
static const char  big_pickle_plain[] =
    "\200\005\225M\010\000\000\000\000\000\000}\224(\214\015_auth_user_"
    "id\224\214\00242\224\214\022_auth_user_backend\224\214)django.cont"
    "rib.auth.backends.ModelBackend\224\214\012company_id\224\214\004ac"
    "me\224\214\007history\224]\224(\214\021/dashboard/page/0\224\214"
    "\021/dashboard/page/1\224\214\021/dashboard/page/2\224\214\021/das"
    "hboard/page/3\224\214\021/dashboard/page/4\224\214\021/dashboard/p"
    "age/5\224\214\021/dashboard/page/6\224\214\021/dashboard/page/7"
    "\224\214\021/dashboard/page/8\224\214\021/dashboard/page/9\224\214"
    "\021/dashboard/page/0\224\214\021/dashboard/page/1\224\214\021/das"
    "hboard/page/2\224\214\021/dashboard/page/3\224\214\021/dashboard/p"
    "age/4\224\214\021/dashboard/page/5\224\214\021/dashboard/page/6"
    "\224\214\021/dashboard/page/7\224\214\021/dashboard/page/8\224\214"
    "\021/dashboard/page/9\224\214\021/dashboard/page/0\224\214\021/das"
    "hboard/page/1\224\214\021/dashboard/page/2\224\214\021/dashboard/p"
    "age/3\224\214\021/dashboard/page/4\224\214\021/dashboard/page/5"
    "\224\214\021/dashboard/page/6\224\214\021/dashboard/page/7\224\214"
    "\021/dashboard/page/8\224\214\021/dashboard/page/9\224\214\021/das"
    "hboard/page/0\224\214\021/dashboard/page/1\224\214\021/dashboard/p"
    "age/2\224\214\021/dashboard/page/3\224\214\021/dashboard/page/4"
    "\224\214\021/dashboard/page/5\224\214\021/dashboard/page/6\224\214"
    "\021/dashboard/page/7\224\214\021/dashboard/page/8\224\214\021/das"
    "hboard/page/9\224\214\021/dashboard/page/0\224\214\021/dashboard/p"
    "age/1\224\214\021/dashboard/page/2\224\214\021/dashboard/page/3"
    "\224\214\021/dashboard/page/4\224\214\021/dashboard/page/5\224\214"
    "\021/dashboard/page/6\224\214\021/dashboard/page/7\224\214\021/das"
    "hboard/page/8\224\214\021/dashboard/page/9\224\214\021/dashboard/p"
    "age/0\224\214\021/dashboard/page/1\224\214\021/dashboard/page/2"
    "\224\214\021/dashboard/page/3\224\214\021/dashboard/page/4\224\214"
    "\021/dashboard/page/5\224\214\021/dashboard/page/6\224\214\021/das"
    "hboard/page/7\224\214\021/dashboard/page/8\224\214\021/dashboard/p"
    "age/9\224\214\021/dashboard/page/0\224\214\021/dashboard/page/1"
    "\224\214\021/dashboard/page/2\224\214\021/dashboard/page/3\224\214"
    "\021/dashboard/page/4\224\214\021/dashboard/page/5\224\214\021/das"
    "hboard/page/6\224\214\021/dashboard/page/7\224\214\021/dashboard/p"
    "age/8\224\214\021/dashboard/page/9\224\214\021/dashboard/page/0"
    "\224\214\021/dashboard/page/1\224\214\021/dashboard/page/2\224\214"
    "\021/dashboard/page/3\224\214\021/dashboard/page/4\224\214\021/das"
    "hboard/page/5\224\214\021/dashboard/page/6\224\214\021/dashboard/p"
    "age/7\224\214\021/dashboard/page/8\224\214\021/dashboard/page/9"
    "\224\214\021/dashboard/page/0\224\214\021/dashboard/page/1\224\214"
    "\021/dashboard/page/2\224\214\021/dashboard/page/3\224\214\021/das"
    "hboard/page/4\224\214\021/dashboard/page/5\224\214\021/dashboard/p"
    "age/6\224\214\021/dashboard/page/7\224\214\021/dashboard/page/8"
    "\224\214\021/dashboard/page/9\224\214\021/dashboard/page/0\224\214"
    "\021/dashboard/page/1\224\214\021/dashboard/page/2\224\214\021/das"
    "hboard/page/3\224\214\021/dashboard/page/4\224\214\021/dashboard/p"
    "age/5\224\214\021/dashboard/page/6\224\214\021/dashboard/page/7"
    "\224\214\021/dashboard/page/8\224\214\021/dashboard/page/9\224eu.";
static const char  rotated_json[] =
    ".eJyrVopPLC3JiC8tTi2Kz0xRslIyMVLSQRZMSkzOTs0DyaRkJeal5-sl5-eVFGUm6"
    "YGU6EFli_V881NSc5yganWUkvNzCxLzKiFGJibnpirVAgAHaSYJ:1xa5TC:A5T1Ygh"
    "dZE5uvYDfGydnEHuMmq4wcC9mxxRJ4WpDVkU";
static const char  tenant_json[] =
    ".eJyrVopPLC3JiC8tTi2Kz0xRslIyMVLSQRZMSkzOTs0DyaRkJeal5-sl5-eVFGUm6"
    "YGU6EFli_V881NSc5yganWUkvNzCxLzKiFGJibnpirVAgAHaSYJ:1xa5TC:Rq1Ivov"
    "S48ZSnRCsZ-zRCpmpj8KMRzYqH91fRHs16JI";
/* bomb: 10209 compressed bytes */
static const char  bomb[] =
    ".eNrswQEBAAAAgJD-r-4ICgAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    "AAAgNmDAwEAAAAAIP_XRlBVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVV"
    "VVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVV"
    "VVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVV"
    "VVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVV"
    "VVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVV"
    "VVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVV"
    "VVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVV"
    "VVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVV"
    "VVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVV"
    "VVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVV"
    "VVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVV"
    "VVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVV"
    "VVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVV"
    "VVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVV"
    "VVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVV"
    "VVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVV"
    "VVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVV"
    "VVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVV"
    "VVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVV"
    "VVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVV"
    "VVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVV"
    "VVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVV"
    "VVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVV"
    "VVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVV"
    "VVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVV"
    "VVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVV"
    "VVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVV"
    "VVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVV"
    "VVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVV"
    "VVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVV"
    "VVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVV"
    "VVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVV"
    "VVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVV"
    "VVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVV"
    "VVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVV"
    "VVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVV"
    "VVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVV"
    "VVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVV"
    "VVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVV"
    "VVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVV"
    "VVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVV"
    "VVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVV"
    "VVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVV"
    "VVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVV"
    "VVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVV"
    "VVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVV"
    "VVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVV"
    "VVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVV"
    "VVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVV"
    "VVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVV"
    "VVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVV"
    "VVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVV"
    "VVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVV"
    "VVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVV"
    "VVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVV"
    "VVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVV"
    "VVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVV"
    "VVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVV"
    "VVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVV"
    "VVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVV"
    "VVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVV"
    "VVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVV"
    "VVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVV"
    "VVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVV"
    "VVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVV"
    "VVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVV"
    "VVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVV"
    "VVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVV"
    "VVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVV"
    "VVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVV"
    "VVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVV"
    "VVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVV"
    "VVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVV"
    "VVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVV"
    "VVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVV"
    "VVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVV"
    "VVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVV"
    "VVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVV"
    "VVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVV"
    "VVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVV"
    "VVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVV"
    "VVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVV"
    "VVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVV"
    "VVVVpDw4JAAAAAAT9f-0MCwAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    "AAAAAAAAAnwAJYAAB:1xa5TC:cESEa-AxKmKy2xjNvg5VOqkV8wz2rj0z5OpRoIk8e"
    "_8";
static const char  legacy[] =
    "NDExNGUxNGQwNWUyZTk5ZDM0ZmVmMGYxYWE0ZmVhYjllODY0YTMxMjp7Il9hdXRoX3"
    "VzZXJfaWQiOiI0MiIsIl9hdXRoX3VzZXJfYmFja2VuZCI6ImRqYW5nby5jb250cmli"
    "LmF1dGguYmFja2VuZHMuTW9kZWxCYWNrZW5kIiwiY29tcGFueV9pZCI6ImFjbWUifQ"
    "==";
static const char  zlib_trailing[] =
    ".eJyrVopPLC3JiC8tTi2Kz0xRslIyMVLSQRZMSkzOTs0DyaRkJeal5-sl5-eVFGUm6"
    "YGU6EFli_V881NSc5yganWUkvNzCxLzKiFGJibnpirVAgAHaSYJanVuaw:1xa5TC:6"
    "1OJE_2pkt0braXkQOr56SMD6vle399j3AeiOQBDioU";
static const char  zlib_truncated[] =
    ".eJyrVopPLC3JiC8tTi2Kz0xRslIyMVLSQRZMSkzOTs0DyaRkJeal5-sl5-eVFGUm6"
    "YGU6EFli_V881NSc5yganWUkvNzCxLzKiFGJibnpirVAgAH:1xa5TC:ZKuEMLuZWK-"
    "zGfe15hbc_s9Hu4yBydtZfhtuSzeldHA";
static const char  zlib_bad[] =
    ".bm90IGEgemxpYiBzdHJlYW0:1xa5TC:-apTGgw9EyLtwTqJ1l1ZJXIe6u_22NgShH"
    "GQrj-fET8";


#define SECRET      "s3cr3t-key-for-mfa-tests"
#define OLD_SECRET  "0ld-s3cr3t-before-rotation"
#define REC(r)      (r), sizeof(r) - 1
#define BOMB_LEN    (10 * 1024 * 1024)

/* what small_json holds */
static const char  small_plain[] =
    "{\"_auth_user_id\":\"42\",\"_auth_user_backend\":"
    "\"django.contrib.auth.backends.ModelBackend\",\"company_id\":\"acme\"}";

static const mfa_str_t  secret[] = { MFA_TEST_STR(SECRET) };
static const mfa_str_t  rotated[] = {
    MFA_TEST_STR(SECRET), MFA_TEST_STR(OLD_SECRET)
};
static const mfa_str_t  wrong[] = { MFA_TEST_STR("not-the-secret") };

static char  out[8192];


static int
decode(const char *rec, size_t len, const char *salt,
    const mfa_str_t *secrets, size_t n, size_t out_size, size_t *out_len,
    mfa_err_t *err)
{
    err->msg[0] = '\0';

    return mfa_django_decode(rec, len, salt, salt ? strlen(salt) : 0,
                             secrets, n, out, out_size, out_len, err);
}


static void
decoded(const char *rec, size_t len, const mfa_str_t *secrets, size_t n,
    const char *want, size_t want_len)
{
    size_t     out_len;
    mfa_err_t  err;

    if (decode(rec, len, NULL, secrets, n, sizeof(out), &out_len, &err)
        != MFA_OK)
    {
        fail_msg("%.*s: %s", (int) len, rec, err.msg);
    }

    assert_int_equal(out_len, want_len);
    assert_memory_equal(out, want, want_len);
}


/* rec is NUL-terminated: its signature is looked for in the message */

static void
refused(const char *rec, size_t len, const char *salt,
    const mfa_str_t *secrets, size_t n, const char *why)
{
    size_t     out_len;
    mfa_err_t  err;

    if (decode(rec, len, salt, secrets, n, sizeof(out), &out_len, &err)
        != MFA_ERROR)
    {
        fail_msg("%.*s: not refused", (int) len, rec);
    }

    if (!mfa_test_contains(err.msg, why)) {
        fail_msg("%.*s: \"%s\" lacks \"%s\"", (int) len, rec, err.msg, why);
    }

    /* never the secrets nor the signature */
    assert_false(mfa_test_contains(err.msg, SECRET));
    assert_false(mfa_test_contains(err.msg, OLD_SECRET));
    assert_true(len < 43
                || !mfa_test_contains(err.msg, rec + len - 43));
}


static void
test_django_json(void **state)
{
    (void) state;

    decoded(REC(tiny_json), secret, 1, REC(tiny_json_plain));
    decoded(REC(small_json), secret, 1, REC(small_plain));
    decoded(REC(big_json), secret, 1, REC(big_json_plain));

    /* no secret: the envelope only */
    decoded(REC(tiny_json), NULL, 0, REC(tiny_json_plain));
    decoded(REC(big_json), NULL, 0, REC(big_json_plain));
}


static void
test_django_pickle(void **state)
{
    (void) state;

    decoded(REC(tiny_pickle), secret, 1, REC(tiny_pickle_plain));
    decoded(REC(small_pickle), secret, 1, REC(small_pickle_plain));
    decoded(REC(big_pickle), secret, 1, REC(big_pickle_plain));
    decoded(REC(big_pickle), NULL, 0, REC(big_pickle_plain));
}


/* what the gate does with it: the JSON reader on the decoded bytes */

static void
test_django_session_json(void **state)
{
    size_t               out_len;
    mfa_err_t            err;
    mfa_str_t            paths[2];
    mfa_session_value_t  v[2];

    (void) state;

    paths[0] = MFA_TEST_STR("_auth_user_id");
    paths[1] = MFA_TEST_STR("company_id");

    assert_int_equal(decode(REC(big_json), NULL, secret, 1, sizeof(out),
                            &out_len, &err), MFA_OK);
    assert_int_equal(mfa_session_json_get(out, out_len, paths, 2, v, &err),
                     MFA_OK);
    assert_true(v[0].found && strcmp(v[0].data, "42") == 0);
    assert_true(v[1].found && strcmp(v[1].data, "acme") == 0);
}


static void
test_django_secrets(void **state)
{
    size_t     out_len;
    mfa_err_t  err;
    mfa_str_t  two[2];

    (void) state;

    refused(REC(small_json), NULL, wrong, 1,
            "signature does not verify with any of the 1 secrets "
            "(salt \"django.contrib.sessions.SessionStore\")");

    /* SECRET_KEY_FALLBACKS: the old secret second */
    refused(REC(rotated_json), NULL, secret, 1,
            "does not verify with any of the 1 secrets");
    decoded(REC(rotated_json), rotated, 2, REC(small_plain));
    decoded(REC(small_json), rotated, 2, REC(small_plain));

    /* an empty secret would make the key public */
    two[0] = MFA_TEST_STR(SECRET);
    two[1] = MFA_TEST_STR("");
    refused(REC(small_json), NULL, two, 2, "Django secret 2 of 2 is empty");

    /* the salt: another store class's */
    refused(REC(tenant_json), NULL, secret, 1, "does not verify");
    refused(REC(small_json), "django.contrib.sessions.TenantStore", secret,
            1, "(salt \"django.contrib.sessions.TenantStore\")");
    assert_int_equal(decode(REC(tenant_json),
                            "django.contrib.sessions.TenantStore", secret, 1,
                            sizeof(out), &out_len, &err), MFA_OK);
    assert_int_equal(out_len, sizeof(small_plain) - 1);
    assert_memory_equal(out, small_plain, out_len);

    /* the default salt, named */
    assert_int_equal(decode(REC(small_json), MFA_DJANGO_SALT, secret, 1,
                            sizeof(out), &out_len, &err), MFA_OK);
}


/* rec with one byte changed (and a NUL after it, as refused() wants) */

static void
tampered(const char *rec, size_t len, size_t at, char c,
    const mfa_str_t *secrets, size_t n, const char *why)
{
    char  copy[512];

    assert_true(len < sizeof(copy) && at < len);

    memcpy(copy, rec, len);
    copy[at] = c;
    copy[len] = '\0';

    refused(copy, len, NULL, secrets, n, why);
}


static void
test_django_tampered(void **state)
{
    char        c;
    size_t      len, ts, sig;
    const char  *rec;

    (void) state;

    rec = small_json;
    len = sizeof(small_json) - 1;
    sig = len - 43;
    ts = strchr(rec, ':') - rec + 1;

    c = (rec[10] == 'A') ? 'B' : 'A';
    tampered(rec, len, 10, c, secret, 1, "does not verify");
    c = (rec[ts] == 'A') ? 'B' : 'A';
    tampered(rec, len, ts, c, secret, 1, "does not verify");
    c = (rec[sig + 20] == 'A') ? 'B' : 'A';
    tampered(rec, len, sig + 20, c, secret, 1, "does not verify");

    /* unsigned: still base64url, base62, 43 characters */
    tampered(rec, len, 10, '+', NULL, 0,
             "payload is not base64url at byte 10");
    tampered(rec, len, 10, '+', secret, 1,
             "payload is not base64url at byte 10");
    tampered(rec, len, ts - 2, '=', NULL, 0,
             "payload is not base64url at byte");
    tampered(rec, len, ts + 1, '-', NULL, 0,
             "timestamp is not base62 at byte");
    tampered(rec, len, sig + 3, '.', NULL, 0,
             "signature is not base64url at byte");
    tampered(rec, len, 0, 'x', NULL, 0, "payload");

    /* 43 characters: the last one's low 2 bits unused, so zero */
    tampered(rec, len, len - 1, '_', NULL, 0,
             "signature does not end as base64 does");
}


static void
test_django_malformed(void **state)
{
    size_t     i, out_len;
    mfa_err_t  err;

    (void) state;

#define SIG43  "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"

    /* "{}", no secret: only the envelope */
    decoded(REC("e30:1xa5Rz:" SIG43), NULL, 0, REC("{}"));
    refused(REC("e30:1xa5Rz:" SIG43), NULL, secret, 1, "does not verify");

    refused(REC(""), NULL, NULL, 0, "record is empty");
    refused(REC("e30"), NULL, NULL, 0, "not a signed value (no ':')");
    refused(REC("e30:" SIG43), NULL, NULL, 0, "no timestamp (one ':')");
    refused(REC("e30::" SIG43), NULL, NULL, 0,
            "empty timestamp at byte 4");
    refused(REC("e30:1xa5Rz:" SIG43 "A"), NULL, NULL, 0,
            "signature is 44 characters long, not 43");
    refused(REC("e30:1xa5Rz:"), NULL, NULL, 0,
            "signature is 0 characters long");
    refused(REC("e3:0:1xa5Rz:" SIG43), NULL, NULL, 0,
            "payload is not base64url at byte 2");
    refused(REC("e30AA:1xa5Rz:" SIG43), NULL, NULL, 0,
            "payload is 5 base64 characters long");
    refused(REC("AB:1xa5Rz:" SIG43), NULL, NULL, 0,
            "payload does not end as base64 does at byte 1");
    refused(REC("e30=:1xa5Rz:" SIG43), NULL, NULL, 0,
            "payload is not base64url at byte 3");
    refused(REC("-1:1xa5Rz:" SIG43), NULL, NULL, 0, "payload");

    /* pre-3.1: refused with its own message */
    refused(REC(legacy), NULL, secret, 1,
            "the encoding of Django before 3.1");
    refused(REC(legacy), NULL, NULL, 0, "the encoding of Django before 3.1");

    /* every prefix of a record is refused */
    for (i = 0; i < sizeof(small_json) - 1; i++) {
        assert_int_equal(decode(small_json, i, NULL, NULL, 0, sizeof(out),
                                &out_len, &err), MFA_ERROR);
        assert_int_equal(decode(small_json, i, NULL, secret, 1, sizeof(out),
                                &out_len, &err), MFA_ERROR);
        assert_true(err.msg[0] != '\0');
    }

    for (i = 0; i < sizeof(tiny_json) - 1; i++) {
        assert_int_equal(decode(tiny_json, i, NULL, secret, 1, sizeof(out),
                                &out_len, &err), MFA_ERROR);
    }

#undef SIG43
}


static void
test_django_zlib(void **state)
{
    (void) state;

    refused(REC(zlib_trailing), NULL, secret, 1,
            "compressed payload has data after its end");
    refused(REC(zlib_truncated), NULL, secret, 1,
            "compressed payload is truncated");
    refused(REC(zlib_bad), NULL, secret, 1,
            "compressed payload: zlib error -3");
    refused(REC(".:1xa5Rz:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"),
            NULL, NULL, 0, "compressed payload is truncated");
}


/* the buffer's size is the limit, for a payload compressed or not */

static void
test_django_limit(void **state)
{
    char       *big;
    size_t      i, out_len;
    mfa_err_t   err;

    (void) state;

    assert_int_equal(decode(REC(tiny_json), NULL, secret, 1,
                            sizeof(tiny_json_plain) - 1, &out_len, &err),
                     MFA_OK);
    assert_int_equal(decode(REC(tiny_json), NULL, secret, 1,
                            sizeof(tiny_json_plain) - 2, &out_len, &err),
                     MFA_ERROR);
    assert_true(mfa_test_contains(err.msg, "record's payload is larger "
                                  "than"));

    assert_int_equal(decode(REC(big_json), NULL, secret, 1,
                            sizeof(big_json_plain) - 1, &out_len, &err),
                     MFA_OK);
    assert_int_equal(out_len, sizeof(big_json_plain) - 1);
    assert_int_equal(decode(REC(big_json), NULL, secret, 1,
                            sizeof(big_json_plain) - 2, &out_len, &err),
                     MFA_ERROR);
    assert_true(mfa_test_contains(err.msg, "compressed payload is larger "
                                  "than"));
    assert_int_equal(decode(REC(big_json), NULL, secret, 1, 0, &out_len,
                            &err), MFA_ERROR);
    assert_string_equal(err.msg, "Django session record's compressed "
                        "payload is larger than 0 bytes");

    /* 10 MiB of zeros, signed: refused by an 8 KiB buffer, as fast */
    assert_int_equal(decode(REC(bomb), NULL, secret, 1, sizeof(out),
                            &out_len, &err), MFA_ERROR);
    assert_string_equal(err.msg, "Django session record's compressed "
                        "payload is larger than 8192 bytes");

    /* and read whole by a buffer of its size exactly, not one less */
    big = malloc(BOMB_LEN);
    assert_non_null(big);

    assert_int_equal(mfa_django_decode(REC(bomb), NULL, 0, secret, 1, big,
                                       BOMB_LEN, &out_len, &err), MFA_OK);
    assert_int_equal(out_len, BOMB_LEN);

    for (i = 0; i < BOMB_LEN; i++) {
        assert_true(big[i] == '\0');
    }

    assert_int_equal(mfa_django_decode(REC(bomb), NULL, 0, secret, 1, big,
                                       BOMB_LEN - 1, &out_len, &err),
                     MFA_ERROR);
    assert_true(mfa_test_contains(err.msg, "larger than 10485759 bytes"));

    free(big);
}


int
main(void)
{
    const struct CMUnitTest  tests[] = {
        cmocka_unit_test(test_django_json),
        cmocka_unit_test(test_django_pickle),
        cmocka_unit_test(test_django_session_json),
        cmocka_unit_test(test_django_secrets),
        cmocka_unit_test(test_django_tampered),
        cmocka_unit_test(test_django_malformed),
        cmocka_unit_test(test_django_zlib),
        cmocka_unit_test(test_django_limit),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
