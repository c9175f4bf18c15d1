// A sample dashboard for the ngx_http_mfa_module demo.  It knows nothing
// of 2FA: it has its own password login and keeps its sessions in Redis
// with express-session + connect-redis (cookie "sid", signed; the record a
// JSON string at sess:<id>), as real apps do.  nginx, in front, reads that
// record and enforces the company's 2FA policy.
//
//   PORT=3000 REDIS_URL=redis://127.0.0.1:6379 SESSION_SECRET=... node server.js

'use strict';

const crypto = require('node:crypto');
const { promisify } = require('node:util');

const RedisStore = require('connect-redis').default;
const express = require('express');
const session = require('express-session');
const { createClient } = require('redis');

const { companies, users } = require('./users');

const PORT = Number(process.env.PORT || 3000);
const REDIS_URL = process.env.REDIS_URL || 'redis://127.0.0.1:6379';
const SECRET = process.env.SESSION_SECRET;

if (!SECRET) {
    console.error('dashboard: set SESSION_SECRET');
    process.exit(1);
}

// passwords: scrypt'ed once at start, compared in constant time; an
// unknown user costs the same as a wrong password

const scrypt = promisify(crypto.scrypt);
const SALT = crypto.randomBytes(16);
const hashes = new Map(Object.entries(users).map(
    ([id, u]) => [id, crypto.scryptSync(u.password, SALT, 32)]));
const NOBODY = crypto.scryptSync(crypto.randomBytes(16), SALT, 32);

async function checkPassword(id, password) {
    const want = hashes.get(id) ?? NOBODY;
    const got = await scrypt(String(password ?? ''), SALT, 32);
    return crypto.timingSafeEqual(got, want) && hashes.has(id);
}

// a local path to go back to after login or a company switch, else '/'
const localPath = (p) => (typeof p === 'string' && /^\/(?![/\\])[^\x00-\x20\\]*$/.test(p)
    ? p : '/');

const h = (s) => String(s ?? '').replace(/[&<>"']/g, (c) => ({
    '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;',
}[c]));

///////////////////////////////////////////////////////////////////////////
// pages

const CSS = `
*{box-sizing:border-box}body{margin:0;font:15px/1.5 system-ui,-apple-system,"Segoe UI",sans-serif;color:#1f2933;background:#f4f6f9}
header{display:flex;align-items:center;gap:1.5rem;padding:.6rem 1.5rem;background:#1e2a3b;color:#fff;flex-wrap:wrap}
header a{color:#cfd8e3;text-decoration:none}header a:hover{color:#fff}
.brand{font-weight:700;color:#fff;font-size:1.05rem}nav{display:flex;gap:1.1rem;flex:1}
.who{display:flex;align-items:center;gap:.6rem;font-size:.9rem}
.who select,.who button{font:inherit;font-size:.85rem;padding:.2rem .4rem;border-radius:4px;border:1px solid #52627a;background:#2b3a50;color:#fff}
main{max-width:960px;margin:1.5rem auto;padding:0 1.5rem}
h1{font-size:1.5rem;margin:.2rem 0 1rem}
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(180px,1fr));gap:1rem}
.card{background:#fff;border-radius:8px;padding:1rem 1.2rem;box-shadow:0 1px 3px rgba(0,0,0,.08)}
.card .n{font-size:1.6rem;font-weight:700}.card .l{color:#65758b;font-size:.85rem}
table{width:100%;border-collapse:collapse;background:#fff;border-radius:8px;overflow:hidden;box-shadow:0 1px 3px rgba(0,0,0,.08);margin-top:1rem}
th,td{text-align:left;padding:.55rem .9rem;border-bottom:1px solid #e6eaf0}th{background:#f8fafc;font-size:.85rem;color:#65758b}
.tabs{display:flex;gap:.3rem;border-bottom:2px solid #d5dce6}
.tabs a{padding:.45rem 1rem;text-decoration:none;color:#52627a;border-radius:6px 6px 0 0}
.tabs a.on{background:#fff;color:#1e2a3b;font-weight:600;border:2px solid #d5dce6;border-bottom-color:#fff;margin-bottom:-2px}
.box{background:#fff;border-radius:8px;padding:1.5rem;box-shadow:0 1px 3px rgba(0,0,0,.08);max-width:380px;margin:3rem auto}
.box label{display:block;margin:.8rem 0 .2rem;font-weight:600;font-size:.9rem}
.box input{width:100%;padding:.5rem;font:inherit;border:1px solid #c3ccd8;border-radius:5px}
button.primary{margin-top:1.1rem;width:100%;padding:.6rem;font:inherit;font-weight:600;color:#fff;background:#2f6fde;border:0;border-radius:5px;cursor:pointer}
.error{color:#b42318;background:#fef3f2;padding:.5rem .7rem;border-radius:5px}
.hint{color:#65758b;font-size:.85rem}
.pick button{display:block;width:100%;margin:.5rem 0;padding:.7rem;font:inherit;text-align:left;background:#f8fafc;border:1px solid #c3ccd8;border-radius:6px;cursor:pointer}
.pick button:hover{border-color:#2f6fde}
footer{max-width:960px;margin:2rem auto;padding:0 1.5rem;color:#65758b;font-size:.8rem}
code{background:#e9edf3;padding:.1rem .35rem;border-radius:4px}
`;

function page(req, title, body, { bare = false } = {}) {
    const s = req.session ?? {};
    let header = '<header><span class="brand">&#9670; Demo Dashboard</span></header>';

    if (s.user && !bare) {
        const mine = users[s.user.id]?.companies ?? [];
        const options = mine.map((cid) => `<option value="${h(cid)}"${
            cid === s.company_id ? ' selected' : ''}>${h(companies[cid]?.name ?? cid)}</option>`).join('');
        header = `<header><span class="brand">&#9670; Demo Dashboard</span>
<nav><a id="nav-home" href="/">Home</a><a id="nav-reports" href="/reports?tab=1">Reports</a>
<a id="nav-2fa" href="/_mfa/settings">Two-factor settings</a>${s.is_admin
    ? '<a id="nav-admin" href="/_mfa/admin">Company 2FA (admin)</a>' : ''}</nav>
<div class="who"><form id="company-form" method="post" action="/switch">
<select name="company" aria-label="Active company">${options}</select>
<input type="hidden" name="next" value="/"><button type="submit">Switch</button></form>
<span id="user-name">${h(s.user.name)}</span> &middot; <span id="company-name">${
    h(companies[s.company_id]?.name ?? s.company_id)}</span>
<form method="post" action="/logout"><button id="logout" type="submit">Log out</button></form></div></header>`;
    }

    // the headers nginx's gate added to this request: proof that it ran
    const user = req.get('X-MFA-User');
    const status = req.get('X-MFA-Status');
    const gate = user || status ? `<footer id="gate">Request headers from nginx:
X-MFA-User <code id="mfa-user">${h(user)}</code>
X-MFA-Status <code id="mfa-status">${h(status)}</code></footer>`
        : '<footer id="gate">No X-MFA-* headers: nginx did not gate this page.</footer>';

    return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>${h(title)} - Demo Dashboard</title><style>${CSS}</style></head>
<body>${header}<main>${body}</main>${gate}</body></html>
`;
}

// a few stable figures per company, so that each one looks different
function figures(cid) {
    const d = crypto.createHash('sha256').update(cid).digest();
    return {
        users: 12 + d[0] % 90,
        revenue: (40 + d[1]) * 1000 + d[2] * 10,
        tickets: d[3] % 30,
        uptime: (99.5 + (d[4] % 50) / 100).toFixed(2),
    };
}

const TABS = { 1: 'Revenue', 2: 'Customers', 3: 'Tickets' };

///////////////////////////////////////////////////////////////////////////
// the app

const app = express();
app.disable('x-powered-by');
app.set('trust proxy', 'loopback');
app.use(express.urlencoded({ extended: false, limit: '4kb' }));

const redis = createClient({ url: REDIS_URL });
redis.on('error', (err) => console.error(`dashboard: redis: ${err.message}`));

app.use(session({
    name: 'sid',
    secret: SECRET,
    store: new RedisStore({ client: redis, prefix: 'sess:' }),
    resave: false,
    saveUninitialized: false,
    cookie: { httpOnly: true, sameSite: 'lax', maxAge: 8 * 3600 * 1000 },
}));

app.use((req, res, next) => {
    res.set('Cache-Control', 'no-store');
    next();
});

app.get('/login', (req, res) => {
    if (req.session.user) {
        return res.redirect(303, '/');
    }
    res.send(loginPage(req, localPath(req.query.next)));
});

function loginPage(req, next, error) {
    const demo = Object.entries(users)
        .map(([id, u]) => `<code>${h(id)}</code> / <code>${h(u.password)}</code>`).join(', ');
    return page(req, 'Log in', `<form class="box" id="login-form" method="post" action="/login">
<h1>Log in</h1>${error ? `<p class="error" id="login-error">${h(error)}</p>` : ''}
<input type="hidden" name="next" value="${h(next)}">
<label for="username">User name</label><input id="username" name="username" autocomplete="username" required autofocus>
<label for="password">Password</label><input id="password" name="password" type="password" autocomplete="current-password" required>
<button class="primary" type="submit">Log in</button>
<p class="hint">Demo accounts: ${demo}</p></form>`);
}

app.post('/login', async (req, res, next) => {
    const id = String(req.body.username ?? '').trim();
    const target = localPath(req.body.next);

    if (!(await checkPassword(id, req.body.password))) {
        return res.status(401).send(loginPage(req, target, 'Wrong user name or password.'));
    }

    const u = users[id];
    const cid = u.companies[0];

    // a new session id at login (no fixation), then the record nginx reads
    req.session.regenerate((err) => {
        if (err) {
            return next(err);
        }
        req.session.user = { id, name: u.name };
        req.session.company_id = cid;
        req.session.is_admin = u.admin.includes(cid);
        req.session.save((err2) => {
            if (err2) {
                return next(err2);
            }
            // several companies: let the user choose where to go first
            res.redirect(303, u.companies.length > 1
                ? `/switch?next=${encodeURIComponent(target)}` : target);
        });
    });
});

function logout(req, res, next) {
    req.session.destroy((err) => {
        if (err) {
            return next(err);
        }
        res.clearCookie('sid');
        res.redirect(303, '/login');
    });
}

app.get('/logout', logout);
app.post('/logout', logout);

// everything below needs a logged-in user
app.use((req, res, next) => {
    if (req.session.user) {
        return next();
    }
    if (req.method === 'GET' || req.method === 'HEAD') {
        return res.redirect(303, `/login?next=${encodeURIComponent(req.originalUrl)}`);
    }
    res.status(401).json({ error: 'login_required' });
});

// the company picker: nginx lets it through without 2FA (mfa off), so that
// a user whom one company's mandate stops can still pick another company
app.get('/switch', (req, res) => {
    const next = localPath(req.query.next);
    const buttons = users[req.session.user.id].companies.map((cid) =>
        `<button type="submit" name="company" value="${h(cid)}" id="pick-${h(cid)}">${
            h(companies[cid].name)}${cid === req.session.company_id ? ' (current)' : ''}</button>`)
        .join('\n');
    res.send(page(req, 'Choose a company', `<form class="box pick" method="post" action="/switch">
<h1>Choose a company</h1><p class="hint">Signed in as ${h(req.session.user.name)}.</p>
<input type="hidden" name="next" value="${h(next)}">
${buttons}
<p class="hint"><a href="/logout">Log out</a></p></form>`, { bare: true }));
});

// a new session id for the new company, as at login: a request that the
// gate decided for the old company while this one ran then finds no
// session, instead of the new company's pages
app.post('/switch', (req, res, next) => {
    const user = req.session.user;
    const u = users[user.id];
    const cid = String(req.body.company ?? '');

    if (!u.companies.includes(cid)) {
        return res.status(403).send(page(req, 'Forbidden',
            '<h1>Forbidden</h1><p>You are not a member of that company.</p>'));
    }
    req.session.regenerate((err) => {
        if (err) {
            return next(err);
        }
        req.session.user = user;
        req.session.company_id = cid;
        req.session.is_admin = u.admin.includes(cid);
        req.session.save((err2) => (err2 ? next(err2)
            : res.redirect(303, localPath(req.body.next))));
    });
});

app.get('/', (req, res) => {
    const c = companies[req.session.company_id];
    const f = figures(req.session.company_id);
    res.send(page(req, 'Home', `<h1 id="title">${h(c.name)} overview</h1>
<div class="cards">
<div class="card"><div class="n">${f.users}</div><div class="l">Active users</div></div>
<div class="card"><div class="n">$${f.revenue.toLocaleString('en-US')}</div><div class="l">Revenue this month</div></div>
<div class="card"><div class="n">${f.tickets}</div><div class="l">Open tickets</div></div>
<div class="card"><div class="n">${f.uptime} %</div><div class="l">Uptime, 30 days</div></div>
</div>
<table><thead><tr><th>Recent activity</th><th>When</th></tr></thead><tbody>
<tr><td>Invoice #${1000 + f.tickets} paid</td><td>2 hours ago</td></tr>
<tr><td>${f.tickets} tickets triaged</td><td>yesterday</td></tr>
<tr><td>Quarterly report published</td><td>3 days ago</td></tr>
</tbody></table>`));
});

app.get('/reports', (req, res) => {
    const tab = TABS[req.query.tab] ? Number(req.query.tab) : 1;
    const f = figures(`${req.session.company_id}/${tab}`);
    const tabs = Object.entries(TABS).map(([n, name]) =>
        `<a id="tab-${n}" href="/reports?tab=${n}"${Number(n) === tab ? ' class="on"' : ''}>${name}</a>`)
        .join('');
    res.send(page(req, `Reports: ${TABS[tab]}`, `<h1>Reports</h1>
<div class="tabs">${tabs}</div>
<h2 id="tab-title" data-tab="${tab}">Tab ${tab}: ${TABS[tab]}</h2>
<table><thead><tr><th>Month</th><th>${TABS[tab]}</th></tr></thead><tbody>
${['September', 'October', 'November'].map((m, i) =>
        `<tr><td>${m}</td><td>${(f.users * (i + 3) * (tab === 1 ? 97 : 1)).toLocaleString('en-US')}</td></tr>`)
        .join('\n')}
</tbody></table>`));
});

app.use((req, res) => {
    res.status(404).send(page(req, 'Not found', '<h1>Not found</h1>'));
});

app.use((err, req, res, next) => {
    console.error(`dashboard: ${req.method} ${req.originalUrl}: ${err.stack || err}`);
    res.status(500).send(page(req, 'Error', '<h1>Something went wrong</h1>'));
});

async function main() {
    await redis.connect();
    const server = app.listen(PORT, '127.0.0.1', () => {
        console.log(`dashboard: listening on 127.0.0.1:${PORT}, sessions in ${REDIS_URL}`);
    });
    for (const sig of ['SIGINT', 'SIGTERM']) {
        process.once(sig, () => {
            server.close();
            redis.disconnect().finally(() => process.exit(0));
            setTimeout(() => process.exit(0), 2000).unref();
        });
    }
}

main().catch((err) => {
    console.error(`dashboard: ${err.message}`);
    process.exit(1);
});
