// koa 3 + koa-session 7 (external store) + koa-redis 4.
// Cookies "koa.sess" = <uuid> and "koa.sess.sig" = base64url, unpadded,
// of HMAC-SHA1("koa.sess=<uuid>", key) (keygrip; app.keys[0] signs, every
// key verifies); the record is the JSON string at the bare "<uuid>".
'use strict';

const { USERS, secrets } = require('../common.js');
const Koa = require('koa');
const session = require('koa-session').default;
const redisStore = require('koa-redis');

const app = new Koa();
app.keys = secrets();
if (!app.keys.length) throw new Error('koa: SECRET_FILE is required');

app.use(session({
  store: redisStore({
    host: '127.0.0.1', port: Number(process.env.REDIS_PORT), db: 0,
  }),
}, app));

async function form(ctx) {
  let body = '';
  ctx.req.setEncoding('utf8');
  for await (const chunk of ctx.req) body += chunk;
  return Object.fromEntries(new URLSearchParams(body));
}

app.use(async (ctx) => {
  const route = `${ctx.method} ${ctx.path}`;

  if (route === 'POST /login') {
    const f = await form(ctx);
    const u = USERS[f.user];
    if (!u || u[0] !== f.password) {
      ctx.status = 403;
      ctx.body = { error: 'bad password' };
      return;
    }
    ctx.session.user = { id: f.user };
    ctx.session.company_id = u[1];
    ctx.body = { user: f.user };

  } else if (route === 'GET /whoami') {
    ctx.body = {
      user: ctx.session.user ? ctx.session.user.id : null,
      cookie: ctx.get('Cookie') || null,
    };

  } else if (route === 'GET /anon') {
    ctx.session.visits = (ctx.session.visits || 0) + 1;
    ctx.body = { user: null };

  } else if (route === 'POST /logout') {
    ctx.session = null; // deletes the record, expires the cookies
    ctx.body = { user: null };

  } else {
    ctx.status = 404;
    ctx.body = { error: 'not found' };
  }
});

app.listen(Number(process.env.PORT), '127.0.0.1', () => {
  console.log(`koa listening on 127.0.0.1:${process.env.PORT}`);
});
