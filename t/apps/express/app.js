// express 4 + express-session + connect-redis 7 + redis 4.
// Cookie "sid" = "s:" + <id> + "." + base64(HMAC-SHA256(<id>, secret)) with
// the "=" padding cut, sent percent-encoded ("s%3A..."); the record is the
// JSON string at "sess:<id>".
'use strict';

const { USERS, secrets: appSecrets } = require('../common.js');
const express = require('express');
const session = require('express-session');
const RedisStore = require('connect-redis').default;
const { createClient } = require('redis');

const client = createClient({
  url: `redis://127.0.0.1:${process.env.REDIS_PORT}/0`,
});
client.on('error', (err) => console.error('redis:', err.message));
client.connect();

// the first secret signs, every one verifies (rotation)
const secrets = appSecrets();
if (!secrets.length) throw new Error('express: SECRET_FILE is required');

const app = express();
app.use(session({
  name: 'sid',
  secret: secrets,
  store: new RedisStore({ client }),
  resave: false,
  saveUninitialized: true,
}));
app.use(express.urlencoded({ extended: false }));

app.post('/login', (req, res) => {
  const u = USERS[req.body.user];
  if (!u || u[0] !== req.body.password) {
    return res.status(403).json({ error: 'bad password' });
  }
  req.session.user = { id: req.body.user };
  req.session.company_id = u[1];
  res.json({ user: req.body.user });
});

app.get('/whoami', (req, res) => {
  res.json({
    user: req.session.user ? req.session.user.id : null,
    cookie: req.headers.cookie ?? null,
  });
});

app.get('/anon', (req, res) => {
  req.session.visits = (req.session.visits || 0) + 1;
  res.json({ user: null });
});

app.post('/logout', (req, res, next) => {
  req.session.destroy((err) => {
    if (err) return next(err);
    res.clearCookie('sid');
    res.json({ user: null });
  });
});

app.listen(Number(process.env.PORT), '127.0.0.1', () => {
  console.log(`express listening on 127.0.0.1:${process.env.PORT}`);
});
