
/*
 * Django's session records (src/mfa_django.c): what SessionBase.encode()
 * writes since Django 3.1, as the backends that store it keep it (django-
 * redis-sessions in Redis, Django's db and file backends; not the cache
 * backends, django-redis's included, which store the dict itself):
 *
 *     signing.dumps(session, salt=key_salt, serializer=..., compress=True)
 *
 * that is, TimestampSigner's "<payload>:<timestamp>:<signature>": the
 * payload base64url without padding, "." before it when zlib compressed
 * it; the timestamp base62; the signature base64url of HMAC-SHA256 under
 * the key SHA-256(key_salt "signer" secret) (salted_hmac()) over
 * "<payload>:<timestamp>".  key_salt is "django.contrib.sessions." and
 * the session store class's __qualname__: "django.contrib.sessions.
 * SessionStore" for Django's own stores and django-redis-sessions'.
 *
 * Matched against Django 3.2 (django/core/signing.py, contrib/sessions/
 * backends/base.py, utils/crypto.py) and the fallback keys of Django 4.1
 * (SECRET_KEY_FALLBACKS: any one of the secrets verifies).  What Django
 * writes is read; some records Django would also take are refused, none
 * of which Django writes (and none of which verifies unless signed with
 * the secret): base64 with "=", "+", "/" or other bytes Python skips, or
 * with its last character's unused bits set; a negative timestamp; data
 * after the end of the zlib stream; a SHA-1 signature (Django 3.1 and 3.2
 * still check one, but their sessions are then written in the old
 * encoding below).
 *
 * The encoding of Django before 3.1 (and of 3.1 and 3.2 under
 * DEFAULT_HASHING_ALGORITHM = 'sha1'), base64 of "<SHA-1 hex>:<serialized
 * session>", is recognised and refused with its own message: Django 4.0
 * no longer reads it either.
 */


#ifndef MFA_DJANGO_H
#define MFA_DJANGO_H


#include "mfa_core.h"


/* the key_salt of a store class named SessionStore (when salt_len is 0) */
#define MFA_DJANGO_SALT  "django.contrib.sessions.SessionStore"


/*
 * Decodes a record into out: the serialized session (JSON for Django's
 * default JSONSerializer, pickle under PickleSerializer), out_size bytes
 * at most, not NUL-terminated; a compressed payload is inflated no further
 * than out_size bytes (a zip bomb is refused, not allocated).
 *
 * With nsecrets > 0 the signature must verify under one of the secrets
 * (SECRET_KEY, then SECRET_KEY_FALLBACKS; none of them empty), compared in
 * constant time, before the payload is decoded.  With nsecrets == 0 the
 * signature is not checked, but the record must still be well formed: a
 * base64url payload, a base62 timestamp, a signature of 43 base64url
 * characters.  Django's max_age is not applied (sessions expire with
 * their Redis key).
 *
 * MFA_OK with *out_len, or MFA_ERROR with err naming the problem (and the
 * byte, where there is one); err never holds a secret, the signature or
 * bytes of the session.
 */
int mfa_django_decode(const char *rec, size_t len, const char *salt,
    size_t salt_len, const mfa_str_t *secrets, size_t nsecrets, char *out,
    size_t out_size, size_t *out_len, mfa_err_t *err);


#endif /* MFA_DJANGO_H */
