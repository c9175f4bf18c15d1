"""Django 3.2 in one file, no database: the cache session engine on
django-redis with its default serializer (pickle, highest protocol).

Cookie "sessionid" = <32 chars [a-z0-9]>, not signed; the record is the
pickled session dict at ":1:django.contrib.sessions.cache<sessionid>"
(django-redis key ":<version>:<key>", empty KEY_PREFIX).  Served by runserver's threaded
WSGI server (django.core.servers.basehttp.run), without autoreload.
"""

import os
import sys

from django.conf import settings

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from common import USERS, read_secret  # noqa: E402


settings.configure(
    DEBUG=False,
    SECRET_KEY=(read_secret('SECRET_FILE') or b'not-used-by-sessionid')
    .decode('latin-1'),
    ALLOWED_HOSTS=['*'],
    ROOT_URLCONF=__name__,
    INSTALLED_APPS=[],
    DATABASES={},
    # only sessions: no CsrfViewMiddleware, so CSRF is off for every view
    MIDDLEWARE=['django.contrib.sessions.middleware.SessionMiddleware'],
    # DJANGO_SESSIONS=signed: Django's signed encoding in Redis
    # (signed_store.py, as django-redis-sessions keeps it)
    SESSION_ENGINE=('signed_store'
                    if os.environ.get('DJANGO_SESSIONS') == 'signed'
                    else 'django.contrib.sessions.backends.cache'),
    CACHES={'default': {
        'BACKEND': 'django_redis.cache.RedisCache',
        'LOCATION': 'redis://127.0.0.1:%s/0' % os.environ['REDIS_PORT'],
    }},
)

import django  # noqa: E402
django.setup()

from django.core.servers.basehttp import run  # noqa: E402
from django.core.wsgi import get_wsgi_application  # noqa: E402
from django.http import JsonResponse  # noqa: E402
from django.urls import path  # noqa: E402
from django.views.decorators.http import require_GET, require_POST  # noqa

@require_POST
def login(request):
    user, password = request.POST.get('user'), request.POST.get('password')
    if user not in USERS or USERS[user][0] != password:
        return JsonResponse({'error': 'bad password'}, status=403)
    request.session['user'] = {'id': user}
    request.session['company_id'] = USERS[user][1]
    return JsonResponse({'user': user})


@require_GET
def whoami(request):
    return JsonResponse({
        'user': (request.session.get('user') or {}).get('id'),
        'cookie': request.META.get('HTTP_COOKIE'),
    })


@require_GET
def anon(request):
    request.session['visits'] = request.session.get('visits', 0) + 1
    return JsonResponse({'user': None})


@require_POST
def logout(request):
    request.session.flush()  # deletes the record; the cookie is deleted
    return JsonResponse({'user': None})


urlpatterns = [
    path('login', login),
    path('whoami', whoami),
    path('anon', anon),
    path('logout', logout),
]

if __name__ == '__main__':
    run('127.0.0.1', int(os.environ['PORT']), get_wsgi_application(),
        ipv6=False, threading=True)
