// `make demo`, played in a real browser: starts scripts/demo.sh itself
// (Redis, the sample dashboard of examples/dashboard, nginx with the
// module), logs in through the dashboard's own login form and plays the
// README's story; at the end stops the demo with SIGINT, as Ctrl-C would,
// and checks that nothing it started is left.
//
//   make && npm ci --prefix t/browser && node --test t/browser/demo_flow.test.mjs
//
// The story: carol (Globex, no mandate) works in the dashboard; bob (Acme
// mandates 2FA) must enrol right after his login; alice, admin of both,
// picks Acme and is stopped too, goes back to the company picker, picks
// Globex and passes, then requires 2FA for Globex in the admin page;
// carol's next click lands on enrolment, she enrols with a code from
// oathtool and is back on the very page and tab; she disables 2FA in the
// settings and is sent to enrolment again.  Screenshots go to
// docs/screenshots/demo-*.png (or TEST_SCREENSHOT_DIR).

import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';

import { clickAndWait, launchChromium, location, screenshot, sleep, story,
         text, totp } from './lib/browser.mjs';
import { REPO, RedisClient, canConnect, freePort } from './lib/servers.mjs';

const VIEWPORT = { width: 1000, height: 720 };
const BASE32_160 = /^[A-Z2-7]{32}$/;

const { companies, users } = createRequire(import.meta.url)(
    path.join(REPO, 'examples', 'dashboard', 'users.js'));

// the footer of every dashboard page: the headers nginx's gate added
async function gate(page) {
    return { user: await text(page, '#mfa-user'),
             status: await text(page, '#mfa-status') };
}

// the processes whose command line (or environment) names `needle`
function processesWith(needle, file = 'cmdline') {
    const found = [];
    for (const pid of fs.readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
        try {
            const cmd = fs.readFileSync(`/proc/${pid}/${file}`, 'utf8')
                .replace(/\0/g, ' ');
            if (cmd.includes(needle) && Number(pid) !== process.pid) {
                found.push(`${pid} ${cmd}`);
            }
        } catch { /* gone */ }
    }
    return found;
}

// the pids whose parent is `ppid`
function childrenOf(ppid) {
    return fs.readdirSync('/proc').filter((d) => /^\d+$/.test(d)).filter((pid) => {
        try {
            const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
            return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1] === ppid;
        } catch {
            return false;
        }
    });
}

function isNginx(pid) {
    try {
        return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').startsWith('nginx');
    } catch {
        return false;
    }
}

// starts scripts/demo.sh on a free port; resolves once it prints DEMO_READY
async function startDemo() {
    const port = await freePort();
    const built = ['ngx_http_mfa_module.so', 'mfactl']
        .every((f) => fs.existsSync(path.join(REPO, 'build', f)));
    const child = spawn('bash', [path.join(REPO, 'scripts', 'demo.sh')], {
        cwd: REPO,
        env: { ...process.env, DEMO_PORT: String(port),
               ...(built ? { DEMO_SKIP_BUILD: '1' } : {}) },
        stdio: ['ignore', 'pipe', 'pipe'],
    });
    const demo = { child, port, out: '', err: '', exit: null };
    demo.exited = new Promise((resolve) => child.once('exit', (code, signal) => {
        demo.exit = { code, signal };
        resolve(demo.exit);
    }));
    child.stdout.on('data', (d) => { demo.out += d; });
    child.stderr.on('data', (d) => { demo.err += d; });
    process.on('exit', () => { if (demo.exit === null) child.kill('SIGTERM'); });

    const deadline = Date.now() + 300000;      // npm ci or make may run first
    while (Date.now() < deadline) {
        const m = demo.out.match(/^DEMO_READY (.*)$/m);
        if (m) {
            for (const kv of m[1].split(' ')) {
                const [k, v] = kv.split('=');
                demo[k] = v;
            }
            return demo;
        }
        if (demo.exit !== null) {
            throw new Error(`demo.sh exited (${JSON.stringify(demo.exit)}):\n`
                            + demo.out + demo.err);
        }
        await sleep(100);
    }
    child.kill('SIGTERM');
    throw new Error(`demo.sh not ready after 300 s:\n${demo.out}${demo.err}`);
}

describe('make demo, played in a real browser', { timeout: 400000 }, () => {
    let demo;
    let redis;
    let browser;
    const { step } = story();
    const s = {};

    before(async () => {
        demo = await startDemo();
        redis = await new RedisClient(Number(demo.redis_port)).connect();
        browser = await launchChromium();
    });

    after(async () => {
        await browser?.close().catch(() => {});
        redis?.close();
        if (demo && demo.exit === null) {
            demo.child.kill('SIGTERM');
            await demo.exited;
        }
    });

    const url = (p) => `${demo.url}${p}`;

    async function newPage() {
        const ctx = await browser.newContext({ viewport: VIEWPORT });
        ctx.setDefaultTimeout(10000);
        return ctx.newPage();
    }

    // the dashboard's own login form
    async function login(page, user) {
        await page.goto(url('/login'));
        await page.locator('#username').fill(user);
        await page.locator('#password').fill(users[user].password);
        return clickAndWait(page, '#login-form button[type=submit]');
    }

    step('1. the demo is up: banner, companies and members seeded', async () => {
        assert.match(demo.out, /alice\s+alice-demo/);
        assert.match(demo.out, /mfactl -p \d+ company show acme/);
        assert.match(demo.out, /oathtool --totp -b/);

        for (const [cid, c] of Object.entries(companies)) {
            assert.equal(await redis.command('HGET', `mfa:company:${cid}`, 'require_2fa'),
                         c.require2fa ? '1' : '0', `${cid}'s policy`);
            const members = Object.keys(users)
                .filter((u) => users[u].companies.includes(cid));
            assert.deepEqual((await redis.command('SMEMBERS',
                                                  `mfa:company:${cid}:members`)).sort(),
                             members.sort(), `${cid}'s members`);
        }
        assert.deepEqual((await redis.command('SMEMBERS', 'mfa:user:alice:companies')).sort(),
                         ['acme', 'globex']);
    });

    step('2. a wrong password is refused by the dashboard', async () => {
        const page = s.carol = await newPage();
        await page.goto(url('/'));
        assert.equal(location(page).path, '/login', 'anonymous: the login page');
        await page.locator('#username').fill('carol');
        await page.locator('#password').fill('nope');
        const r = await clickAndWait(page, '#login-form button[type=submit]');
        assert.equal(r.status(), 401);
        assert.ok(await page.locator('#login-error').isVisible());
    });

    step('3. carol (Globex, no mandate) logs in and works in the dashboard', async () => {
        const page = s.carol;
        const r = await login(page, 'carol');
        assert.equal(r.status(), 200);
        assert.equal(location(page).path, '/');
        assert.equal(await text(page, '#title'), 'Globex overview');
        assert.deepEqual(await gate(page), { user: 'carol', status: 'not_required' });

        // the session as nginx reads it: connect-redis's JSON record
        const sid = (await page.context().cookies()).find((c) => c.name === 'sid');
        assert.match(sid.value, /^s%3A[^.]+\./, 'a signed express-session cookie');
        const id = decodeURIComponent(sid.value).slice(2).split('.')[0];
        const record = JSON.parse(await redis.command('GET', `sess:${id}`));
        assert.deepEqual([record.user.id, record.company_id, record.is_admin],
                         ['carol', 'globex', false]);

        await screenshot(page, 'demo-1-dashboard.png');

        await clickAndWait(page, '#nav-reports');
        await clickAndWait(page, '#tab-2');
        assert.equal(location(page).pathQuery, '/reports?tab=2');
        assert.equal(await page.locator('#tab-title').getAttribute('data-tab'), '2');
    });

    step('4. bob (Acme mandates 2FA) must enrol right after his login', async () => {
        const page = s.bob = await newPage();
        const r = await login(page, 'bob');
        assert.equal(r.status(), 200);
        const loc = location(page);
        assert.equal(loc.path, '/_mfa/enroll');
        assert.equal(loc.returnTo, '/');
        assert.match((await text(page, '#secret')).replace(/\s+/g, ''), BASE32_160);
    });

    step('5. alice picks Acme: enrolment too (admins included); back, Globex: '
         + 'the dashboard', async () => {
        const page = s.alice = await newPage();
        await login(page, 'alice');
        assert.equal(location(page).path, '/switch', 'two companies: the picker');
        await screenshot(page, 'demo-2-switch.png');

        await clickAndWait(page, '#pick-acme');
        assert.equal(location(page).path, '/_mfa/enroll');

        await page.goBack();
        assert.equal(location(page).path, '/switch');
        const r = await clickAndWait(page, '#pick-globex');
        assert.equal(r.status(), 200);
        assert.equal(location(page).path, '/');
        assert.equal(await text(page, '#company-name'), 'Globex');
        assert.deepEqual(await gate(page), { user: 'alice', status: 'not_required' });
    });

    step('6. alice requires 2FA for Globex in the admin page', async () => {
        const page = s.alice;
        await clickAndWait(page, '#nav-admin');
        assert.equal(location(page).path, '/_mfa/admin');
        assert.equal(await text(page, '#company'), 'Globex');
        assert.equal(await page.locator('#policy').getAttribute('data-required'), '0');
        await screenshot(page, 'demo-3-admin.png');

        // the switch asks first: who will be sent to enrolment
        await clickAndWait(page, 'form#policy-form button[type=submit]');
        const affected = (await page.locator('#affected li').allTextContents())
            .map((t) => t.trim());
        assert.deepEqual(affected, ['alice (you)', 'carol']);
        assert.equal(await redis.command('HGET', 'mfa:company:globex', 'require_2fa'), '0',
                     'nothing changed before "Yes"');
        await screenshot(page, 'demo-3-admin-confirm.png');

        const r = await clickAndWait(page, '#yes');
        assert.ok(r.status() < 400, `the flip answered ${r.status()}`);
        assert.equal(await redis.command('HGET', 'mfa:company:globex', 'require_2fa'), '1');
        assert.equal(await redis.command('HGET', 'mfa:company:globex', 'changed_by'),
                     'admin:alice');

        // the mandate holds for its admin too: her next page is enrolment
        await page.goto(url('/reports?tab=1'));
        assert.equal(location(page).path, '/_mfa/enroll');
    });

    step('7. carol\'s next click lands on enrolment; she enrols with oathtool',
         async () => {
        const page = s.carol;
        const r = await clickAndWait(page, '#tab-3');
        assert.equal(r.status(), 200);
        const loc = location(page);
        assert.equal(loc.path, '/_mfa/enroll');
        assert.equal(loc.returnTo, '/reports?tab=3');
        await screenshot(page, 'demo-4-enroll.png');

        s.secret = (await text(page, '#secret')).replace(/\s+/g, '');
        assert.match(s.secret, BASE32_160);
        await page.locator('#code').fill(totp(s.secret));
        await clickAndWait(page, '#enroll-form button[type=submit]');

        const codes = page.locator('#recovery-codes li');
        assert.equal(await codes.count(), 10);
        s.codes = (await codes.allTextContents()).map((c) => c.trim());
    });

    step('8. and is back on the very page and tab, verified', async () => {
        const page = s.carol;
        const r = await clickAndWait(page, 'a#continue');
        assert.equal(r.status(), 200);
        assert.equal(location(page).pathQuery, '/reports?tab=3');
        assert.equal(await page.locator('#tab-title').getAttribute('data-tab'), '3');
        assert.deepEqual(await gate(page), { user: 'carol', status: 'verified' });
        await screenshot(page, 'demo-5-verified.png');
    });

    step('9. carol disables 2FA in the settings: enrolment is imposed again',
         async () => {
        const page = s.carol;
        await clickAndWait(page, '#nav-2fa');
        assert.equal(location(page).path, '/_mfa/settings');
        assert.equal(await text(page, '#codes-left'), '10');

        // a recovery code: the TOTP code's time step is spent (replay)
        await page.locator('#disable-form input[name=code]').fill(s.codes[0]);
        await page.locator('#disable-confirm').check();
        const r = await clickAndWait(page, '#disable-form button[type=submit]');
        assert.ok(r.status() < 400, `disable answered ${r.status()}`);
        assert.equal(await redis.command('HEXISTS', 'mfa:user:carol', 'since'), 0,
                     '2FA is off');

        await page.goto(url('/reports?tab=3'));
        const loc = location(page);
        assert.equal(loc.path, '/_mfa/enroll', 'enrolment imposed again');
        assert.equal(loc.returnTo, '/reports?tab=3');
        const secret = (await text(page, '#secret')).replace(/\s+/g, '');
        assert.notEqual(secret, s.secret, 'a new secret');
    });

    step('10. the audit stream tells the story', async () => {
        const out = execFileSync(path.join(REPO, 'build', 'mfactl'),
                                 ['-p', demo.redis_port, 'audit', '-n', '20'],
                                 { encoding: 'utf8' });
        for (const event of ['policy', 'enrolled', 'disabled']) {
            assert.match(out, new RegExp(`\\b${event}\\b`), `audit: ${event}\n${out}`);
        }
    });

    it('Ctrl-C stops the demo and leaves nothing running', async () => {
        const log = fs.readFileSync(path.join(demo.dir, 'error.log'), 'utf8');

        // nginx's master and its workers (their command lines do not name
        // the directory)
        const master = fs.readFileSync(path.join(demo.dir, 'nginx.pid'), 'utf8').trim();
        const nginxPids = [master, ...childrenOf(master)];
        assert.ok(nginxPids.length >= 2, `nginx master and worker: ${nginxPids}`);
        await browser.close();
        redis.close();

        demo.child.kill('SIGINT');
        const timer = setTimeout(() => demo.child.kill('SIGKILL'), 20000);
        const exit = await demo.exited;
        clearTimeout(timer);

        assert.equal(exit.code, 130, `demo.sh exit: ${JSON.stringify(exit)}\n${demo.err}`);
        assert.match(demo.err, /demo: stopped/);
        for (const port of [demo.port, demo.redis_port, demo.dashboard_port]) {
            assert.equal(await canConnect(Number(port)), false, `port ${port} closed`);
        }
        assert.deepEqual(processesWith(demo.dir), [], 'no nginx left');
        assert.deepEqual(nginxPids.filter((pid) => isNginx(pid)), [],
                         'no nginx master or worker left');
        assert.deepEqual(processesWith(`127.0.0.1:${demo.redis_port}`), [],
                         'no redis-server left');
        assert.deepEqual(processesWith(`PORT=${demo.dashboard_port} `, 'environ'), [],
                         'no dashboard left');
        assert.equal(fs.existsSync(demo.dir), false, 'the temporary directory removed');

        assert.deepEqual(log.split('\n').filter((l) => /\[(alert|crit|emerg)\]/.test(l)),
                         [], 'nginx error.log');
    });
});
