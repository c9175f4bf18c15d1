// fastify 5 + @fastify/cookie + @fastify/session, store: connect-redis 7.
// Cookie "sessionId" = <id> + "." + base64(HMAC-SHA256(<id>, secret)) with
// the "=" padding cut, sent as is; the record is the JSON string at
// "sess:<id>".
'use strict';

const { USERS, secrets: appSecrets } = require('../common.js');
const Fastify = require('fastify');
const RedisStore = require('connect-redis').default;
const { createClient } = require('redis');

const client = createClient({
  url: `redis://127.0.0.1:${process.env.REDIS_PORT}/0`,
});
client.on('error', (err) => console.error('redis:', err.message));
client.connect();

// given as Buffers (the file's exact bytes), so @fastify/session does not
// check the length itself: the same rule as its own for a string secret
const secrets = appSecrets();
if (!secrets.length || secrets[0].length < 32) {
  throw new Error('fastify: SECRET_FILE must hold 32 bytes or more');
}

const app = Fastify({ logger: false });
app.register(require('@fastify/cookie'));
app.register(require('@fastify/session'), {
  secret: secrets,
  store: new RedisStore({ client }),
  cookie: { secure: false }, // its default is true: no cookie over http
  saveUninitialized: true,
});
app.addContentTypeParser('application/x-www-form-urlencoded',
  { parseAs: 'string' },
  (req, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(body)));
  });

app.post('/login', async (req, reply) => {
  const u = USERS[req.body.user];
  if (!u || u[0] !== req.body.password) {
    return reply.code(403).send({ error: 'bad password' });
  }
  req.session.set('user', { id: req.body.user });
  req.session.set('company_id', u[1]);
  return { user: req.body.user };
});

app.get('/whoami', async (req) => ({
  user: req.session.get('user')?.id ?? null,
  cookie: req.headers.cookie ?? null,
}));

app.get('/anon', async (req) => {
  req.session.set('visits', (req.session.get('visits') || 0) + 1);
  return { user: null };
});

app.post('/logout', async (req, reply) => {
  await req.session.destroy();
  reply.clearCookie('sessionId', { path: '/' });
  return { user: null };
});

app.listen({ port: Number(process.env.PORT), host: '127.0.0.1' }).then(() => {
  console.log(`fastify listening on 127.0.0.1:${process.env.PORT}`);
}, (err) => {
  console.error(err);
  process.exit(1);
});
