"""A Django session engine that keeps SessionBase.encode() in Redis, as
django-redis-sessions does: the signed encoding (base64 payload, zlib
when shorter, ":<timestamp>:<HMAC-SHA256 signature>") as a plain string at
"session:<session_key>", with the session's expiry as its TTL."""

import os

from django.contrib.sessions.backends.base import CreateError, SessionBase
from redis import Redis

_redis = Redis(host='127.0.0.1', port=int(os.environ['REDIS_PORT']), db=0)


class SessionStore(SessionBase):
    @staticmethod
    def _key(session_key):
        return 'session:' + session_key

    def load(self):
        data = _redis.get(self._key(self._get_or_create_session_key()))
        if data is None:
            self._session_key = None
            return {}
        return self.decode(data.decode('ascii'))

    def exists(self, session_key):
        return bool(_redis.exists(self._key(session_key)))

    def create(self):
        while True:
            self._session_key = self._get_new_session_key()
            try:
                self.save(must_create=True)
            except CreateError:
                continue
            self.modified = True
            return

    def save(self, must_create=False):
        if self.session_key is None:
            return self.create()
        data = self.encode(self._get_session(no_load=must_create))
        if not _redis.set(self._key(self._get_or_create_session_key()), data,
                          ex=self.get_expiry_age(), nx=must_create):
            raise CreateError

    def delete(self, session_key=None):
        if session_key is None:
            if self.session_key is None:
                return
            session_key = self.session_key
        _redis.delete(self._key(session_key))

    @classmethod
    def clear_expired(cls):
        pass
