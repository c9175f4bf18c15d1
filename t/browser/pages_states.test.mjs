// Every page state a person can reach, in a real browser: each one checked
// by axe-core (WCAG 2.1 A and AA rules) in English and in French, and the
// stories where people got stuck: a form sent just after a mandate, a
// lockout seen on a reload and its end, the recovery codes on a 375 px
// phone (copy, print, download), a new phone, the admin's confirmation
// step, and Redis down.
//
//   npm ci --prefix t/browser && node --test t/browser/pages_states.test.mjs

import assert from 'node:assert/strict';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import { after, before, describe, it } from 'node:test';

import { clickAndWait, launchChromium, location, screenshot, sleep, story,
         text, totp } from './lib/browser.mjs';
import { createSession, startStack } from './lib/servers.mjs';

const require = createRequire(import.meta.url);
const AXE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

const LANGS = ['en-US', 'fr-FR'];
const PHONE = { width: 375, height: 800 };
const DESKTOP = { width: 1000, height: 900 };
const PERIOD = 30;

// the violations of WCAG 2.1 A/AA rules axe finds on the page, as text
async function axeViolations(page) {
    if (!await page.evaluate(() => typeof window.axe !== 'undefined')) {
        // evaluated by the test harness, not by the page: the page's CSP
        // does not apply, and the page's own script stays the only one
        await page.evaluate(AXE);
    }
    const result = await page.evaluate(() => window.axe.run(document, {
        runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a',
                                         'wcag21aa', 'best-practice'] },
    }));
    return result.violations.map((v) => `${v.id} (${v.impact}): `
        + v.nodes.map((n) => n.target.join(' ')).join(', '));
}

const waitForNextStep = async () => {
    const left = PERIOD * 1000 - (Date.now() % (PERIOD * 1000));
    await sleep(left + 1000);
};

describe('every page state, accessible and honest, in a real browser',
         { timeout: 300000 }, () => {
    let stack;
    let browser;
    const run = story();
    const step = run.step;
    const contexts = [];
    const s = {};
    const checked = [];
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

    async function newPage(sid, { locale = 'en-US', viewport = DESKTOP } = {}) {
        const ctx = await browser.newContext({ viewport, locale });
        ctx.setDefaultTimeout(10000);
        contexts.push(ctx);
        ctx.on('weberror', (err) => browserErrors.push(`page: ${err.error()}`));
        ctx.on('console', (msg) => {
            // the one expected: a resource refused is a CSP violation
            if (msg.type() === 'error' && !/status of 4\d\d|status of 503/.test(msg.text())) {
                browserErrors.push(`console: ${msg.text()}`);
            }
        });
        if (sid) {
            await ctx.addCookies([{ name: 'sid', value: sid, domain: '127.0.0.1',
                                    path: '/', httpOnly: true }]);
        }
        return ctx.newPage();
    }

    // the page as it is now, in both languages: no violation
    async function checkState(name, sid, url, prepare) {
        for (const locale of LANGS) {
            const page = await newPage(sid, { locale });
            if (prepare) {
                await prepare(page, url);
            } else {
                await page.goto(stack.url(url));
            }
            const lang = await page.locator('html').getAttribute('lang');
            assert.equal(lang, locale.slice(0, 2), `${name}: lang`);
            const violations = await axeViolations(page);
            assert.deepEqual(violations, [], `${name} (${locale})`);
            checked.push(`${name} ${locale}`);
            await page.context().close();
        }
    }

    // submits the page's form `form` with `fields`
    async function submit(page, form, fields = {}) {
        for (const [name, value] of Object.entries(fields)) {
            if (value === true) {
                await page.locator(`#${form} [name=${name}]`).check();
            } else {
                await page.locator(`#${form} [name=${name}]`).fill(value);
            }
        }
        return clickAndWait(page, `#${form} button[type=submit]`);
    }

    step('1. sessions: a mandate at Acme (named), none at Globex', async () => {
        await stack.redis.command('HSET', 'mfa:company:acme', 'require_2fa', '1',
                                  'name', 'Acme Corp');
        await stack.redis.command('HSET', 'mfa:company:globex', 'require_2fa', '0',
                                  'name', 'Globex');
        await stack.redis.command('SADD', 'mfa:company:globex:members',
                                  'gina', 'gus', 'hal');
        s.bob = await createSession(stack.redis, 'bob', 'acme');
        s.gina = await createSession(stack.redis, 'gina', 'globex', { admin: true });
        s.gus = await createSession(stack.redis, 'gus', 'globex');
    });

    step('2. a form sent just after a mandate: a 303 to enrolment, never JSON',
         async () => {
        const page = await newPage(s.gus);
        await page.goto(stack.url('/tickets?list=open'));
        await stack.redis.command('HSET', 'mfa:company:globex', 'require_2fa', '1');
        const r = await submit(page, 'ticket', { title: 'printer' });
        assert.equal(r.status(), 200);
        const loc = location(page);
        assert.equal(loc.path, '/_mfa/enroll');
        assert.equal(loc.returnTo, '/tickets?list=open');
        assert.match(await text(page, '#required'), /Globex requires two-factor/);
        assert.equal(await page.locator('#cancel').count(), 0, 'no way round it');
        await stack.redis.command('HSET', 'mfa:company:globex', 'require_2fa', '0');
        await page.context().close();
    });

    step('3. enrolment: mandated, optional (with Cancel), a wrong code', async () => {
        await checkState('enrol, mandated', s.bob, '/_mfa/enroll?return=%2Freports');
        await checkState('enrol, optional', s.gus,
                         '/_mfa/enroll?return=%2F_mfa%2Fsettings');
        await checkState('enrol, a wrong code', s.bob, '/_mfa/enroll?return=%2F',
                         async (page, url) => {
            await page.goto(stack.url(url));
            await submit(page, 'enroll-form', { code: '000000' });
            assert.equal(await page.locator('#error').count(), 1);
            assert.match(await page.title(), /^(Error|Erreur) – /);
            assert.equal(await page.evaluate(() => document.activeElement.id), 'code',
                         'the focus on the field in error');
        });

        // Cancel goes back where the user came from
        const page = await newPage(s.gus);
        await page.goto(stack.url('/_mfa/enroll?return=%2F_mfa%2Fsettings'));
        await clickAndWait(page, '#cancel');
        assert.equal(location(page).path, '/_mfa/settings');
        await page.context().close();
    });

    step('4. the recovery codes on a 375 px phone: whole, copy, print, download',
         async () => {
        const page = s.phone = await newPage(s.bob, { viewport: PHONE });
        await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
        await page.goto(stack.url('/reports?tab=2'));
        assert.equal(location(page).path, '/_mfa/enroll');
        s.bobSecret = (await text(page, '#secret')).replace(/\s+/g, '');
        s.bobStep = Math.floor(Date.now() / 1000 / PERIOD);
        await submit(page, 'enroll-form', { code: totp(s.bobSecret) });

        s.codes = (await page.locator('#recovery-codes li').allTextContents())
            .map((c) => c.trim());
        assert.equal(s.codes.length, 10);

        // each code on one line, nothing wider than the screen
        const lines = await page.locator('#recovery-codes code').evaluateAll(
            (els) => els.map((e) => e.getClientRects().length));
        assert.deepEqual(lines, Array(10).fill(1), 'no code broken at its hyphen');
        const width = await page.evaluate(() => document.documentElement.scrollWidth);
        assert.ok(width <= PHONE.width, `page width ${width} px`);

        await screenshot(page, 'recovery-codes-375.png');

        // copy: the script shows the button; the clipboard gets the codes
        assert.ok(await page.locator('#copy-codes').isVisible(), 'Copy shown');
        assert.ok(await page.locator('#print').isVisible(), 'Print shown');
        await page.locator('#copy-codes').click();
        const copied = await page.evaluate(() => navigator.clipboard.readText());
        assert.deepEqual(copied.split('\n').filter(Boolean), s.codes);
        await page.waitForFunction(
            () => /Copied|Copié/.test(document.querySelector('#copy-codes').textContent));

        // the file: named after the issuer, a header, then the codes
        const [download] = await Promise.all([
            page.waitForEvent('download'),
            page.locator('a#download').click(),
        ]);
        assert.equal(download.suggestedFilename(), 'Acme-Dashboard-recovery-codes.txt');
        const saved = fs.readFileSync(await download.path(), 'utf8');
        assert.match(saved, /^Recovery codes for Acme Dashboard\nAccount: bob\nSite: 127\.0\.0\.1\nCreated: \d{4}-\d\d-\d\d \d\d:\d\d UTC\n/);
        assert.deepEqual(saved.split('\n\n')[1].split('\n').filter(Boolean), s.codes);

        // printed: the codes and who they are for, not the buttons
        await page.emulateMedia({ media: 'print' });
        assert.ok(await page.locator('.print').isVisible(), 'the header printed');
        assert.equal(await page.locator('#copy-codes').isVisible(), false);
        await page.emulateMedia({ media: 'screen' });

        assert.deepEqual(await axeViolations(page), [], 'the codes page');
        checked.push('recovery codes en-US');
    });

    step('5. the challenge: plain, a wrong code, a wrong recovery code', async () => {
        s.bob2 = await createSession(stack.redis, 'bob', 'acme');
        await checkState('challenge', s.bob2, '/_mfa/challenge?return=%2F');
        await checkState('challenge, a wrong code', s.bob2, '/_mfa/challenge?return=%2F',
                         async (page, url) => {
            await page.goto(stack.url(url));
            await submit(page, 'challenge-form', { code: '000000' });
            assert.equal(await page.evaluate(() => document.activeElement.id), 'code');
        });
        await checkState('challenge, a wrong recovery code', s.bob2,
                         '/_mfa/challenge?return=%2F', async (page, url) => {
            await page.goto(stack.url(url));
            await page.locator('summary').click();
            await submit(page, 'recovery-form', { code: 'aaaaa-bbbbb' });
            assert.equal(await page.locator('details[open]').count(), 1,
                         'the recovery panel stays open');
            assert.equal(await page.locator('#recovery-form #error').count(), 1,
                         'the error in the recovery form');
            assert.equal(await page.evaluate(() => document.activeElement.id),
                         'recovery-code');
            assert.equal(await page.locator('#code[aria-invalid]').count(), 0);
        });
        await stack.redis.command('DEL', 'mfa:user:bob:guard');
    });

    step('6. a lockout seen on a reload, and its end', async () => {
        await stack.redis.command('HSET', 'mfa:user:bob:guard', 'n', '5',
                                  'until', String(Math.floor(Date.now() / 1000) + 4));
        const page = await newPage(s.bob2);
        await page.goto(stack.url('/_mfa/challenge?return=%2F'));
        assert.match(await text(page, '#lock'), /no code is checked until/);
        assert.equal(await page.locator('#challenge-form button[type=submit]').isDisabled(),
                     true, 'the button waits');
        assert.deepEqual(await axeViolations(page), [], 'the lockout page');
        await screenshot(page, 'challenge-locked.png');

        // at its end, the script lets the user try again
        await page.waitForFunction(() => !document.querySelector(
            '#challenge-form button[type=submit]').disabled, null, { timeout: 8000 });
        assert.match(await text(page, '#lock'), /You can try again now/);

        await waitForNextStep();
        await page.locator('#code').fill(totp(s.bobSecret));
        await clickAndWait(page, '#challenge-form button[type=submit]');
        assert.equal(location(page).path, '/');
        await page.context().close();

        s.bob3 = await createSession(stack.redis, 'bob', 'acme');
        await stack.redis.command('HSET', 'mfa:user:bob:guard', 'n', '5', 'until',
                                  String(Math.floor(Date.now() / 1000) + 300));
        await checkState('challenge, locked out', s.bob3, '/_mfa/challenge?return=%2F',
                         async (p, url) => {
            await p.goto(stack.url(url));
            assert.equal(await p.locator('#lock').count(), 1);
        });
        await stack.redis.command('DEL', 'mfa:user:bob:guard');
    });

    step('7. settings: on, off, an error in its form, the box not ticked', async () => {
        await checkState('settings, on', s.bob2, '/_mfa/settings');
        await checkState('settings, off', s.gus, '/_mfa/settings');
        await checkState('settings, a wrong code', s.bob2, '/_mfa/settings',
                         async (page, url) => {
            await page.goto(stack.url(url));
            await submit(page, 'regenerate-form', { code: '000000' });
            assert.equal(await page.locator('#regenerate-form #error').count(), 1);
            assert.equal(await page.evaluate(() => document.activeElement.id),
                         'regenerate-code');
            assert.equal(await page.locator('[aria-invalid=true]').count(), 1,
                         'only that field flagged');
        });
        await stack.redis.command('DEL', 'mfa:user:bob:guard');
        await checkState('settings, not confirmed', s.bob2, '/_mfa/settings',
                         async (page, url) => {
            await page.goto(stack.url(url));
            // the browser itself asks for the box; without it, the page does
            await page.locator('#disable-confirm').evaluate((e) => { e.required = false; });
            await submit(page, 'disable-form', { code: s.codes[9] });
            assert.match(await text(page, '#disable-form #error'), /(Tick|Cochez)/);
            assert.equal(await page.evaluate(() => document.activeElement.id),
                         'disable-confirm');
        });
        assert.equal(await stack.redis.command('HEXISTS', 'mfa:user:bob', 'secret'), 1,
                     'still on');
    });

    step('8. a new phone: a current code, a new key, new codes', async () => {
        // in each language: the new phone's page and the codes page after it
        let codes = s.codes;
        let old = s.bobSecret;
        for (const locale of LANGS) {
            const page = await newPage(s.bob2, { locale });
            await page.goto(stack.url('/_mfa/settings'));
            await submit(page, 'reenroll-form', { code: codes[8] });
            assert.equal(location(page).path, '/_mfa/enroll');
            assert.match(await page.title(), /new phone|nouveau téléphone/);
            assert.deepEqual(await axeViolations(page), [], `new phone (${locale})`);
            const secret = (await text(page, '#secret')).replace(/\s+/g, '');
            assert.notEqual(secret, old);
            await submit(page, 'enroll-form', { code: totp(secret) });
            assert.equal(await page.locator('#notice').count(), 1);
            codes = (await page.locator('#recovery-codes li').allTextContents())
                .map((c) => c.trim());
            assert.equal(codes.length, 10);
            assert.deepEqual(await axeViolations(page), [], `codes (${locale})`);
            checked.push(`new phone ${locale}`, `recovery codes, new phone ${locale}`);
            old = secret;
            await page.context().close();
        }
    });

    step('9. the admin: the switch asks first, lists who is stopped, then says done',
         async () => {
        const page = await newPage(s.gina);
        await page.goto(stack.url('/_mfa/admin'));
        assert.equal(await page.evaluate(() => document.activeElement.tagName), 'BODY',
                     'nothing focused: one Enter changes nothing');
        assert.match(await text(page, '#company'), /^Globex$/);
        assert.match(await text(page, '#members-use'), /0 of 3 members use 2FA/);
        await page.keyboard.press('Enter');
        assert.equal(location(page).path, '/_mfa/admin', 'Enter did nothing');

        await clickAndWait(page, '#policy-form button[type=submit]');
        assert.deepEqual((await page.locator('#affected li').allTextContents())
            .map((t) => t.trim()), ['gina (you)', 'gus', 'hal']);
        assert.equal(await stack.redis.command('HGET', 'mfa:company:globex',
                                               'require_2fa'), '0', 'not yet');
        assert.deepEqual(await axeViolations(page), [], 'the confirmation');
        await screenshot(page, 'admin-confirm.png');

        await clickAndWait(page, '#yes');
        assert.equal(await stack.redis.command('HGET', 'mfa:company:globex',
                                               'require_2fa'), '1');
        // the admin too must enrol now, and comes back to the notice
        assert.equal(location(page).path, '/_mfa/enroll');
        const secret = (await text(page, '#secret')).replace(/\s+/g, '');
        await submit(page, 'enroll-form', { code: totp(secret) });
        await clickAndWait(page, '#continue');
        assert.equal(location(page).path, '/_mfa/admin');
        assert.match(await text(page, '#notice'), /now required/);
        await page.context().close();

        await checkState('admin', s.gina, '/_mfa/admin');
        await checkState('admin, done', s.gina, '/_mfa/admin?done=1');
        await checkState('admin, confirm off', s.gina, '/_mfa/admin',
                         async (p, url) => {
            await p.goto(stack.url(url));
            await clickAndWait(p, '#policy-form button[type=submit]');
            assert.equal(await p.locator('#confirm').count(), 1);
        });
        await checkState('admin, not an admin', s.gus, '/_mfa/admin');
    });

    step('10. 320 px wide (WCAG reflow, 400 % zoom): nothing scrolls sideways',
         async () => {
        for (const [sid, url] of [[s.gus, '/_mfa/enroll?return=%2F'],
                                  [s.bob3, '/_mfa/challenge?return=%2F'],
                                  [s.bob2, '/_mfa/settings'],
                                  [s.gina, '/_mfa/admin']]) {
            const page = await newPage(sid, { viewport: { width: 320, height: 640 },
                                              locale: 'fr-FR' });
            await page.goto(stack.url(url));
            const width = await page.evaluate(() => document.documentElement.scrollWidth);
            assert.ok(width <= 320, `${url}: ${width} px wide`);
            await page.context().close();
        }
    });

    step('11. messages: no session, a refused form', async () => {
        await checkState('no session', null, '/_mfa/settings');
        await checkState('a refused form', s.bob2, '/_mfa/settings',
                         async (page, url) => {
            await page.goto(stack.url(url));
            await page.locator('#regenerate-form [name=csrf]')
                .evaluate((e) => { e.value = 'forged'; });
            await submit(page, 'regenerate-form', { code: '123456' });
            assert.match(await page.title(), /Request refused|Requête refusée/);
        });
    });

    step('12. Redis down: the translated page, and its way on', async () => {
        await stack.redis.stop();
        await checkState('Redis down', s.bob2, '/reports?tab=2', async (page, url) => {
            const r = await page.goto(stack.url(url));
            assert.equal(r.status(), 503);
            assert.match(r.headers()['content-type'], /^text\/html/);
            assert.equal(await page.locator('#back').getAttribute('href'), '/reports?tab=2');
        });
        const page = await newPage(s.bob2, { locale: 'fr-FR' });
        await page.goto(stack.url('/reports?tab=2'));
        assert.equal(await page.title(), 'Momentanément indisponible');
        await screenshot(page, 'unavailable-fr.png');
        await page.context().close();
    });

    step('13. every state checked in both languages; no script error', async () => {
        assert.ok(checked.length >= 40, `${checked.length} states checked`);
        assert.deepEqual(browserErrors, []);
    });

    it('nginx stops cleanly', async () => {
        for (const ctx of contexts.splice(0)) {
            await ctx.close().catch(() => {});
        }
        await stack.stop({ keep: run.failed });
        assert.equal(stack.quitInTime, true);
        assert.deepEqual(stack.logProblems, []);
    });
});
