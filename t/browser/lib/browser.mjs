// What the browser stories share: Debian's Chromium launched headless,
// codes from oathtool, where a page is, its text, a click that waits for
// the navigation it starts, screenshots, and story steps that stop at the
// first failure.

import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { it } from 'node:test';

import { chromium } from 'playwright-core';

import { REPO } from './servers.mjs';

const CHROMIUM = process.env.TEST_CHROMIUM || '/usr/bin/chromium';

// TEST_SCREENSHOT_DIR: elsewhere than the committed docs/screenshots/
export const SHOTS = process.env.TEST_SCREENSHOT_DIR
    || path.join(REPO, 'docs', 'screenshots');

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export function launchChromium() {
    return chromium.launch({
        executablePath: CHROMIUM,
        headless: true,
        args: ['--no-sandbox', '--disable-gpu', '--disable-quic',
               '--no-first-run', '--disable-background-networking',
               '--disable-component-update', '--disable-sync'],
    });
}

// the current code of a base32 secret, from an independent implementation
export function totp(secret) {
    return execFileSync('oathtool', ['--totp', '-b', secret],
                        { encoding: 'utf8' }).trim();
}

export function location(page) {
    const u = new URL(page.url());
    return { path: u.pathname, pathQuery: u.pathname + u.search,
             returnTo: u.searchParams.get('return') };
}

export async function text(page, selector) {
    return (await page.locator(selector).first().textContent() ?? '').trim();
}

// clicks the one element `selector` names and waits for the navigation
// that follows (redirects included); returns the response of the page
// finally shown
export async function clickAndWait(page, selector) {
    const [response] = await Promise.all([
        page.waitForNavigation({ waitUntil: 'load' }),
        page.locator(selector).click(),
    ]);
    return response;
}

export async function screenshot(page, name) {
    fs.mkdirSync(SHOTS, { recursive: true });
    await page.screenshot({ path: path.join(SHOTS, name), fullPage: true });
}

// the steps of one story: once a step failed, the later ones are skipped
// (story.failed tells)
export function story() {
    const s = {
        failed: false,
        step(name, fn) {
            it(name, async (t) => {
                if (s.failed) {
                    t.skip('an earlier step failed');
                    return;
                }
                try {
                    await fn(t);
                } catch (err) {
                    s.failed = true;
                    throw err;
                }
            });
        },
    };
    return s;
}
