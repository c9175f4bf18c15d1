"""Flask 2.2 + Flask-Session 0.3.2 (RedisSessionInterface), pickled records.

Cookie "session" = <uuid>, or with FLASK_SIGNER=1 (SESSION_USE_SIGNER)
<uuid> + "." + itsdangerous signature (salt "flask-session", key derivation
"hmac", SHA-1, base64url unpadded); the record is
pickle.dumps(dict(session)) (Flask-Session's default serializer, Python's
default protocol) at "session:<uuid>".  Served by werkzeug's threaded
server.
"""

import os
import sys

from flask import Flask, jsonify, request, session
from flask_session import Session
from redis import Redis

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from common import USERS, read_secret  # noqa: E402

app = Flask(__name__)
app.secret_key = read_secret('SECRET_FILE')
app.config.update(
    SESSION_TYPE='redis',
    SESSION_REDIS=Redis(host='127.0.0.1', port=int(os.environ['REDIS_PORT']),
                        db=0),
    SESSION_KEY_PREFIX='session:',
    SESSION_USE_SIGNER=os.environ.get('FLASK_SIGNER') == '1',
)
if app.config['SESSION_USE_SIGNER'] and not app.secret_key:
    raise SystemExit('flask: FLASK_SIGNER=1 needs SECRET_FILE')
Session(app)


@app.post('/login')
def login():
    user, password = request.form.get('user'), request.form.get('password')
    if user not in USERS or USERS[user][0] != password:
        return jsonify(error='bad password'), 403
    session['user'] = {'id': user}
    session['company_id'] = USERS[user][1]
    return jsonify(user=user)


@app.get('/whoami')
def whoami():
    return jsonify(user=(session.get('user') or {}).get('id'),
                   cookie=request.headers.get('Cookie'))


@app.get('/anon')
def anon():
    session['visits'] = session.get('visits', 0) + 1
    return jsonify(user=None)


@app.post('/logout')
def logout():
    session.clear()  # empty and modified: the record and cookie are deleted
    return jsonify(user=None)


if __name__ == '__main__':
    app.run(host='127.0.0.1', port=int(os.environ['PORT']), threaded=True,
            debug=False, use_reloader=False)
