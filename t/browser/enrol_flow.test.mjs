// The mandatory-2FA story (README, docs/admin.md) in a real browser: Debian's
// Chromium driven by playwright-core, in front of a real nginx with the
// module, a real redis-server and a dashboard stand-in.
//
//   npm ci --prefix t/browser && node --test t/browser/
//
// A logged-in user works; the company admin flips "require 2FA"; the next
// click lands on the enrolment page; the user enrols (a wrong code first)
// and is sent back to the very page and query string; a new session passes
// the challenge with a recovery code; the settings page counts the codes
// left and disables 2FA, after which enrolment is imposed again; the
// enrolment page in French.  Screenshots go to docs/screenshots/.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import { after, before, describe, it } from 'node:test';

import { clickAndWait, launchChromium, location, screenshot, sleep, story,
         text, totp } from './lib/browser.mjs';
import { createSession, startStack } from './lib/servers.mjs';

const VIEWPORT = { width: 900, height: 1000 };
const PERIOD = 30;

const RECOVERY_CODE = /^[23456789abcdefghjkmnpqrstuvwxyz]{5}-[23456789abcdefghjkmnpqrstuvwxyz]{5}$/;
const BASE32_160 = /^[A-Z2-7]{32}$/;

const currentStep = () => Math.floor(Date.now() / 1000 / PERIOD);

// waits until the TOTP time step after `step` has begun (plus a margin)
async function waitForStepAfter(step) {
    const boundary = (step + 1) * PERIOD * 1000;
    const wait = boundary - Date.now();
    if (wait > 0) {
        await sleep(wait + 1000);
    }
}

// the code with its last digit changed
function wrongCode(code) {
    const last = Number(code.at(-1));
    return code.slice(0, -1) + String((last + 1) % 10);
}

// what the dashboard stand-in shows: the URI it was asked for and the
// X-MFA-* headers it received
async function dashboard(page) {
    return {
        uri: await text(page, '#page'),
        user: await text(page, '#mfa-user'),
        status: await text(page, '#mfa-status'),
    };
}

describe('enrolment under a company mandate, in a real browser',
         { timeout: 240000 }, () => {
    let stack;
    let browser;
    const run = story();
    const step = run.step;
    const contexts = [];

    // shared between the steps of the story
    const s = {};

    // every URL the browser asked for, and every console error or uncaught
    // page error (a Content-Security-Policy violation shows up there)
    const requested = [];
    const browserErrors = [];

    before(async () => {
        stack = await startStack();
        browser = await launchChromium();
    });

    after(async () => {
        for (const ctx of contexts) {
            await ctx.close().catch(() => {});
        }
        await browser?.close().catch(() => {});
        await stack?.stop({ keep: run.failed }).catch(() => {});
    });

    async function newContext(sid, options = {}) {
        const ctx = await browser.newContext({ viewport: VIEWPORT, ...options });
        ctx.setDefaultTimeout(10000);
        contexts.push(ctx);
        ctx.on('request', (req) => requested.push(req.url()));
        ctx.on('console', (msg) => {
            if (msg.type() === 'error') {
                browserErrors.push(`console: ${msg.text()} (${msg.location().url})`);
            }
        });
        ctx.on('weberror', (err) => browserErrors.push(`page: ${err.error()}`));
        await ctx.addCookies([{ name: 'sid', value: sid, domain: '127.0.0.1',
                                path: '/', httpOnly: true }]);
        return ctx;
    }

    step('1. a dashboard session for alice of company acme', async () => {
        s.sid1 = await createSession(stack.redis, 'alice', 'acme');
        assert.match(s.sid1, /^[0-9a-f]{32}$/);
        assert.equal(await stack.redis.command('GET', `sess:${s.sid1}`),
                     '{"user":{"id":"alice"},"company_id":"acme"}');

        s.ctx1 = await newContext(s.sid1);
        s.page1 = await s.ctx1.newPage();
    });

    step('2. not required, not enrolled: the dashboard, untouched', async () => {
        const r = await s.page1.goto(stack.url('/reports?tab=2'));
        assert.equal(r.status(), 200);
        assert.equal(location(s.page1).pathQuery, '/reports?tab=2');

        // X-MFA-Status values per docs/directives.md: "not_required" is
        // "no 2FA and none required"
        assert.deepEqual(await dashboard(s.page1), {
            uri: '/reports?tab=2', user: 'alice', status: 'not_required',
        });
    });

    step('3. the company admin requires 2FA (HSET in Redis)', async () => {
        assert.equal(await stack.redis.command('HSET', 'mfa:company:acme',
                                               'require_2fa', '1'), 1);
    });

    step('4. the very next click lands on the enrolment page', async () => {
        const r = await clickAndWait(s.page1, '#self');
        s.enrollResponse = r;

        const loc = location(s.page1);
        assert.equal(loc.path, '/_mfa/enroll');
        assert.equal(loc.returnTo, '/reports?tab=2');
        assert.equal(r.status(), 200);
        assert.equal(r.request().method(), 'GET');

        await screenshot(s.page1, '1-enroll.png');
    });

    step('5. the enrolment page: secret, QR code, otpauth link, headers', async () => {
        const page = s.page1;

        s.secret = (await text(page, '#secret')).replace(/\s+/g, '');
        assert.match(s.secret, BASE32_160, 'a 160-bit secret in base32');

        assert.ok(await page.locator('#qr svg').count() >= 1,
                  'an inline svg inside #qr');

        const href = await page.locator('a#otpauth').getAttribute('href');
        assert.ok(href.startsWith('otpauth://totp/Acme%20Dashboard:alice?'),
                  `otpauth href: ${href}`);
        assert.ok(href.includes(`secret=${s.secret}`),
                  `otpauth href has the secret shown: ${href}`);

        const h = await s.enrollResponse.allHeaders();
        assert.match(h['cache-control'] ?? '', /\bno-store\b/,
                     `cache-control: ${h['cache-control']}`);
        assert.ok((h['content-security-policy'] ?? '').length > 0,
                  'a content-security-policy header');
        assert.equal(h['x-frame-options'], 'DENY');
    });

    step('6. a wrong code: an error, still enrolling; the right code: enrolled',
         async () => {
        const page = s.page1;

        const wrong = wrongCode(totp(s.secret));
        await page.locator('#code').fill(wrong);
        await clickAndWait(page, '#enroll-form button[type=submit]');

        assert.equal(location(page).path, '/_mfa/enroll', 'still the enrol page');
        assert.ok(await page.locator('#error').isVisible(), '#error shown');
        assert.ok((await text(page, '#error')).length > 0, '#error has a message');
        assert.equal(await page.locator('#enroll-form').count(), 1,
                     'the enrol form again');
        assert.equal((await text(page, '#secret')).replace(/\s+/g, ''), s.secret,
                     'the same pending secret');

        const code = totp(s.secret);
        // the step of that code, or a later one when a step boundary fell
        // in between: the step the disable code must come after
        s.usedStep = currentStep();
        await page.locator('#code').fill(code);
        await clickAndWait(page, '#enroll-form button[type=submit]');
    });

    step('7. ten recovery codes, shown once, with a download link', async () => {
        const page = s.page1;

        const items = page.locator('#recovery-codes li');
        assert.equal(await items.count(), 10);

        s.codes = (await items.allTextContents()).map((c) => c.trim());
        for (const c of s.codes) {
            assert.match(c, RECOVERY_CODE);
        }
        assert.equal(new Set(s.codes).size, 10, 'ten different codes');

        assert.equal(await page.locator('a#download').count(), 1, 'a#download');

        await screenshot(page, '2-recovery-codes.png');

        // the download holds the same ten codes
        const [download] = await Promise.all([
            page.waitForEvent('download'),
            page.locator('a#download').click(),
        ]);
        const saved = fs.readFileSync(await download.path(), 'utf8');
        assert.match(saved, /^Recovery codes for Acme Dashboard\nAccount: alice\n/,
                     'the file says whose codes they are');
        assert.deepEqual(saved.split('\n').filter((l) => RECOVERY_CODE.test(l)),
                         s.codes, 'the downloaded file lists the codes shown');
        assert.equal(location(page).path, '/_mfa/enroll', 'still on the page');
    });

    step('8. continue: back on the same page and query string, verified', async () => {
        const page = s.page1;

        const r = await clickAndWait(page, 'a#continue');
        assert.equal(r.status(), 200);
        assert.equal(location(page).pathQuery, '/reports?tab=2');
        assert.deepEqual(await dashboard(page), {
            uri: '/reports?tab=2', user: 'alice', status: 'verified',
        });
    });

    step('9. a new session: the challenge, passed with a recovery code', async () => {
        s.sid2 = await createSession(stack.redis, 'alice', 'acme');
        s.ctx2 = await newContext(s.sid2);
        const page = s.page2 = await s.ctx2.newPage();

        const r = await page.goto(stack.url('/reports?tab=2'));
        assert.equal(r.status(), 200);
        const loc = location(page);
        assert.equal(loc.path, '/_mfa/challenge');
        assert.equal(loc.returnTo, '/reports?tab=2');
        assert.equal(await page.locator('#challenge-form').count(), 1);

        await screenshot(page, '3-challenge.png');

        await page.locator('#code').fill(s.codes[0]);
        const back = await clickAndWait(page, '#challenge-form button[type=submit]');
        assert.equal(back.status(), 200);
        assert.equal(location(page).pathQuery, '/reports?tab=2');
        assert.deepEqual(await dashboard(page), {
            uri: '/reports?tab=2', user: 'alice', status: 'verified',
        });
    });

    step('10. settings: 9 codes left; disable; enrolment is imposed again',
         async () => {
        const page = s.page2;

        const r = await page.goto(stack.url('/_mfa/settings'));
        assert.equal(r.status(), 200);
        assert.equal(location(page).path, '/_mfa/settings');

        await screenshot(page, '4-settings.png');

        assert.equal(await text(page, '#codes-left'), '9');

        // the enrolment code's time step is spent (replay protection):
        // a fresh code needs the next step
        await waitForStepAfter(s.usedStep);
        const code = totp(s.secret);
        await page.locator('#disable-form input[name=code]').fill(code);
        await page.locator('#disable-confirm').check();
        const done = await clickAndWait(page, '#disable-form button[type=submit]');
        assert.ok(done.status() < 400, `disable answered ${done.status()}`);

        await page.goto(stack.url('/reports?tab=2'));
        const loc = location(page);
        assert.equal(loc.path, '/_mfa/enroll', 'enrolment imposed again');
        assert.equal(loc.returnTo, '/reports?tab=2');

        const secret = (await text(page, '#secret')).replace(/\s+/g, '');
        assert.match(secret, BASE32_160);
        assert.notEqual(secret, s.secret, 'a new secret');
    });

    step('11. the enrolment page in French (Accept-Language: fr)', async () => {
        const ctx = await newContext(s.sid1, { locale: 'fr-FR' });
        const page = await ctx.newPage();

        const r = await page.goto(stack.url('/reports?tab=2'));
        const lang = (await r.request().allHeaders())['accept-language'] ?? '';
        assert.match(lang, /^fr\b/, `accept-language: ${lang}`);

        assert.equal(r.status(), 200);
        assert.equal(location(page).path, '/_mfa/enroll');
        assert.equal(await page.locator('html').getAttribute('lang'), 'fr');

        await screenshot(page, '5-enroll-fr.png');
    });

    step('12. nothing loaded from elsewhere; no browser errors (CSP)', async () => {
        const origin = new URL(stack.url('/')).origin;
        const foreign = requested.filter((u) => !u.startsWith('data:')
                                                && new URL(u).origin !== origin);
        assert.deepEqual(foreign, [], 'every request went to nginx');
        assert.ok(requested.length > 10, `${requested.length} requests seen`);
        assert.deepEqual(browserErrors, []);
    });

    it('nginx stops cleanly, its error.log has no [alert], [crit] or [emerg]',
       async () => {
        for (const ctx of contexts.splice(0)) {
            await ctx.close().catch(() => {});
        }
        await stack.stop({ keep: run.failed });
        assert.equal(stack.quitInTime, true, 'nginx exited on QUIT in time');
        assert.deepEqual(stack.logProblems, []);
    });
});
