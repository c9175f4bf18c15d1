// Servers for the browser tests: a private redis-server, a dashboard
// stand-in (node http) and Debian's nginx with ngx_http_mfa_module, each
// on a free loopback port, in one temporary directory.
//
//   const stack = await startStack();   // { redis, dashboard, nginx, dir, url(path) }
//   await stack.redis.command('SET', 'k', 'v');
//   ...
//   await stack.stop();                 // also stops what did start on failure
//   stack.nginx.errorLogProblems();     // [alert] / [crit] / [emerg] lines
//
// Environment:
//   TEST_NGINX_BINARY   nginx to run (default /usr/sbin/nginx)
//   TEST_NGINX_MODULE   the module (default <repo>/build/ngx_http_mfa_module.so),
//                       copied into the temporary directory and loaded from there
//   TEST_REDIS_BINARY   redis-server to run (default redis-server from PATH)
//   TEST_NGINX_LEAVE    keep the temporary directory
//   TEST_NGINX_CATLOG   print nginx's error.log when the stack stops

import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)),
                                 '..', '..', '..');

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// every child process started here, with the signal that ends it, sent
// when node exits whatever happens (nginx gets TERM so that its master
// takes its workers along)
const children = new Map();

process.on('exit', () => {
    for (const [child, sig] of children) {
        try { child.kill(sig); } catch { /* already gone */ }
    }
});

for (const sig of ['SIGINT', 'SIGTERM']) {
    process.once(sig, () => process.exit(1));
}

function track(child, sig = 'SIGKILL') {
    children.set(child, sig);
    child.once('exit', () => children.delete(child));
    return child;
}

function exited(child) {
    return child.exitCode !== null || child.signalCode !== null;
}

function waitExit(child, ms) {
    if (exited(child)) {
        return Promise.resolve(true);
    }
    return new Promise((resolve) => {
        const timer = setTimeout(() => resolve(false), ms);
        child.once('exit', () => { clearTimeout(timer); resolve(true); });
    });
}

// sends each signal in turn, waiting ms after each, until the process
// exits (SIGKILL last); true when the first signal was enough
async function stopProcess(child, signals = ['SIGTERM'], ms = 5000) {
    if (!child || exited(child)) {
        return true;
    }
    for (const [i, sig] of [...signals, 'SIGKILL'].entries()) {
        child.kill(sig);
        if (await waitExit(child, ms)) {
            return i === 0;
        }
    }
    return false;
}

// a free loopback TCP port, different from those in `taken`
export async function freePort(taken = new Set()) {
    for (let i = 0; i < 50; i++) {
        const port = await new Promise((resolve, reject) => {
            const srv = net.createServer();
            srv.once('error', reject);
            srv.listen(0, '127.0.0.1', () => {
                const { port } = srv.address();
                srv.close(() => resolve(port));
            });
        });
        if (!taken.has(port)) {
            taken.add(port);
            return port;
        }
    }
    throw new Error('no free loopback port');
}

// is 127.0.0.1:port accepting connections?
export function canConnect(port) {
    return new Promise((resolve) => {
        const sock = net.connect({ host: '127.0.0.1', port });
        sock.setTimeout(1000);
        sock.once('connect', () => { sock.destroy(); resolve(true); });
        sock.once('error', () => resolve(false));
        sock.once('timeout', () => { sock.destroy(); resolve(false); });
    });
}

// waits until 127.0.0.1:port accepts connections; fails early when `child`
// exits meanwhile
export async function waitForPort(port, { child, name = 'server',
                                          timeout = 10000, why } = {}) {
    const deadline = Date.now() + timeout;

    while (Date.now() < deadline) {
        if (child && exited(child)) {
            throw new Error(`${name} exited (${child.exitCode ?? child.signalCode})`
                + ` before listening on ${port}` + (why ? `:\n${why()}` : ''));
        }
        if (await canConnect(port)) {
            return;
        }
        await sleep(50);
    }
    throw new Error(`${name} did not listen on ${port} within ${timeout} ms`
        + (why ? `:\n${why()}` : ''));
}

function readTail(file, lines = 40) {
    try {
        return fs.readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
    } catch {
        return '';
    }
}

///////////////////////////////////////////////////////////////////////////
// Redis: a minimal RESP2 client (one command at a time is all a test needs)

export class RedisClient {
    constructor(port) {
        this.port = port;
        this.sock = null;
        this.buf = Buffer.alloc(0);
        this.waiting = [];
        this.queue = Promise.resolve();
    }

    async connect() {
        await new Promise((resolve, reject) => {
            this.sock = net.connect({ host: '127.0.0.1', port: this.port },
                                    resolve);
            this.sock.once('error', reject);
        });
        this.sock.on('error', (err) => this._fail(err));
        this.sock.on('close', () => this._fail(new Error('redis: connection closed')));
        this.sock.on('data', (data) => {
            this.buf = Buffer.concat([this.buf, data]);
            this._drain();
        });
        return this;
    }

    _fail(err) {
        for (const w of this.waiting.splice(0)) {
            w.reject(err);
        }
    }

    _drain() {
        while (this.waiting.length) {
            const parsed = parseReply(this.buf, 0);
            if (!parsed) {
                return;
            }
            this.buf = this.buf.subarray(parsed.end);
            const w = this.waiting.shift();
            if (parsed.value instanceof RedisError) {
                w.reject(parsed.value);
            } else {
                w.resolve(parsed.value);
            }
        }
    }

    // command('HSET', 'key', 'field', 1): the reply (string, number, null,
    // array); an error reply rejects with a RedisError
    command(...args) {
        const parts = [`*${args.length}\r\n`];
        for (const a of args) {
            const b = Buffer.from(String(a));
            parts.push(`$${b.length}\r\n`, b, '\r\n');
        }
        const req = Buffer.concat(parts.map((p) => Buffer.from(p)));

        return new Promise((resolve, reject) => {
            this.waiting.push({ resolve, reject });
            this.sock.write(req);
        });
    }

    close() {
        if (this.sock) {
            this.sock.removeAllListeners('close');
            this.sock.destroy();
            this.sock = null;
        }
    }
}

export class RedisError extends Error {}

// one RESP reply at buf[off..]: { value, end } or null when incomplete
function parseReply(buf, off) {
    const eol = buf.indexOf('\r\n', off);
    if (eol < 0) {
        return null;
    }
    const type = String.fromCharCode(buf[off]);
    const line = buf.toString('utf8', off + 1, eol);
    const next = eol + 2;

    switch (type) {
    case '+':
        return { value: line, end: next };
    case '-':
        return { value: new RedisError(line), end: next };
    case ':':
        return { value: Number(line), end: next };
    case '$': {
        const len = Number(line);
        if (len < 0) {
            return { value: null, end: next };
        }
        if (buf.length < next + len + 2) {
            return null;
        }
        return { value: buf.toString('utf8', next, next + len), end: next + len + 2 };
    }
    case '*': {
        const n = Number(line);
        if (n < 0) {
            return { value: null, end: next };
        }
        const items = [];
        let end = next;
        for (let i = 0; i < n; i++) {
            const item = parseReply(buf, end);
            if (!item) {
                return null;
            }
            items.push(item.value);
            end = item.end;
        }
        return { value: items, end };
    }
    default:
        throw new Error(`redis: unexpected reply type ${JSON.stringify(type)}`);
    }
}

export async function startRedis(dir, taken) {
    const port = await freePort(taken);
    const rdir = path.join(dir, 'redis');
    fs.mkdirSync(rdir, { recursive: true });
    const log = path.join(rdir, 'redis.log');

    const child = track(spawn(process.env.TEST_REDIS_BINARY || 'redis-server', [
        '--port', String(port), '--bind', '127.0.0.1', '--save', '',
        '--appendonly', 'no', '--dir', rdir, '--logfile', log,
        '--daemonize', 'no',
    ], { cwd: rdir, stdio: ['ignore', 'ignore', 'pipe'] }));

    let stderr = '';
    child.stderr.on('data', (d) => { stderr += d; });

    const spawned = new Promise((resolve, reject) => {
        child.once('spawn', resolve);
        child.once('error', reject);
    });
    await spawned;

    await waitForPort(port, { child, name: 'redis-server',
                              why: () => stderr + readTail(log) });

    const client = await new RedisClient(port).connect();

    return {
        port,
        child,
        client,
        command: (...args) => client.command(...args),
        async stop() {
            client.close();
            await stopProcess(child, ['SIGTERM']);
        },
    };
}

///////////////////////////////////////////////////////////////////////////
// the dashboard stand-in: any path answers a page that shows the URI and
// the X-MFA-* headers it received, with a form that POSTs

const escapeHtml = (s) => String(s).replace(/[&<>"']/g, (c) => ({
    '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;',
}[c]));

export async function startDashboard(taken) {
    const port = await freePort(taken);
    const requests = [];

    const server = http.createServer((req, res) => {
        const user = req.headers['x-mfa-user'];
        const status = req.headers['x-mfa-status'];
        requests.push({ method: req.method, url: req.url, user, status,
                        headers: req.headers });

        const body = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Dashboard</title></head>
<body>
<h1 id="page">${escapeHtml(req.url)}</h1>
<p>X-MFA-User: <span id="mfa-user">${escapeHtml(user ?? '')}</span></p>
<p>X-MFA-Status: <span id="mfa-status">${escapeHtml(status ?? '')}</span></p>
<p><a id="self" href="${escapeHtml(req.url)}">this page again</a></p>
<form id="ticket" method="post" action="/tickets?list=open">
<label>Title <input name="title" id="title"></label>
<button type="submit">Save</button>
</form>
</body>
</html>
`;
        req.resume();
        res.writeHead(200, {
            'Content-Type': 'text/html; charset=utf-8',
            'Content-Length': Buffer.byteLength(body),
            'Cache-Control': 'no-store',
        });
        res.end(req.method === 'HEAD' ? undefined : body);
    });

    await new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, '127.0.0.1', resolve);
    });

    return {
        port,
        server,
        requests,
        async stop() {
            server.closeAllConnections?.();
            await new Promise((resolve) => server.close(() => resolve()));
        },
    };
}

///////////////////////////////////////////////////////////////////////////
// nginx

export function nginxConfig({ dir, module, port, redisPort, upstreamPort }) {
    const root = process.getuid && process.getuid() === 0 ? 'user root;\n' : '';

    return `load_module ${module};
${root}pid ${dir}/nginx.pid;
lock_file ${dir}/nginx.lock;
error_log ${dir}/error.log info;
daemon off;
master_process on;
worker_processes 1;

events {}

http {
    access_log ${dir}/access.log;
    root ${dir}/html;
    client_body_temp_path ${dir}/client_body_temp;
    proxy_temp_path ${dir}/proxy_temp;
    fastcgi_temp_path ${dir}/fastcgi_temp;
    uwsgi_temp_path ${dir}/uwsgi_temp;
    scgi_temp_path ${dir}/scgi_temp;

    mfa_redis 127.0.0.1:${redisPort};
    mfa_secret_key_file ${dir}/mfa.key;
    mfa_issuer "Acme Dashboard";

    server {
        listen 127.0.0.1:${port};

        mfa_session_cookie sid;
        mfa_session_key sess:$mfa_session_id;
        mfa_session_format json;
        mfa_session_user user.id;
        mfa_session_company company_id;
        mfa_session_admin is_admin;
        mfa_logout_url /logout;

        location / {
            mfa on;
            proxy_pass http://127.0.0.1:${upstreamPort};
        }
    }
}
`;
}

export async function startNginx({ dir, redisPort, upstreamPort, taken }) {
    const binary = process.env.TEST_NGINX_BINARY || '/usr/sbin/nginx';
    const module = path.resolve(process.env.TEST_NGINX_MODULE
        || path.join(REPO, 'build', 'ngx_http_mfa_module.so'));

    if (!fs.existsSync(binary)) {
        throw new Error(`no nginx binary at ${binary} (set TEST_NGINX_BINARY)`);
    }
    if (!fs.existsSync(module)) {
        throw new Error(`no module at ${module}: run "make module" or set TEST_NGINX_MODULE`);
    }

    const port = await freePort(taken);

    // nginx loads a private copy: a rebuild that rewrites the .so in place
    // while the test runs would otherwise change the code under the running
    // workers (they die on SIGSEGV)
    const loaded = path.join(dir, path.basename(module));
    fs.copyFileSync(module, loaded);

    fs.mkdirSync(path.join(dir, 'html'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'mfa.key'), randomBytes(32), { mode: 0o600 });
    fs.chmodSync(path.join(dir, 'mfa.key'), 0o600);
    fs.writeFileSync(path.join(dir, 'nginx.conf'),
                     nginxConfig({ dir, module: loaded, port, redisPort,
                                   upstreamPort }));

    const errorLog = path.join(dir, 'error.log');
    const stderrFile = path.join(dir, 'nginx.stderr');
    const out = fs.openSync(stderrFile, 'a');

    const child = track(spawn(binary, ['-p', `${dir}/`, '-c', `${dir}/nginx.conf`,
                                       '-e', errorLog],
                              { cwd: dir, stdio: ['ignore', out, out] }),
                        'SIGTERM');
    fs.closeSync(out);

    await new Promise((resolve, reject) => {
        child.once('spawn', resolve);
        child.once('error', reject);
    });

    const why = () => `--- nginx.stderr:\n${readTail(stderrFile)}\n`
        + `--- error.log:\n${readTail(errorLog)}`;

    await waitForPort(port, { child, name: 'nginx', why });

    return {
        port,
        child,
        dir,
        errorLog,
        url: (p) => `http://127.0.0.1:${port}${p}`,
        log: () => { try { return fs.readFileSync(errorLog, 'utf8'); } catch { return ''; } },
        // the error.log lines a healthy run never has
        errorLogProblems() {
            return this.log().split('\n')
                .filter((l) => /\[(alert|crit|emerg)\]/.test(l));
        },
        // QUIT (graceful), then TERM, then KILL; true when QUIT was enough
        async stop() {
            return stopProcess(child, ['SIGQUIT', 'SIGTERM']);
        },
    };
}

///////////////////////////////////////////////////////////////////////////
// the whole stack

export async function startStack() {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mfa-browser-'));
    fs.chmodSync(dir, 0o755);

    const taken = new Set();
    const stack = {
        dir,
        redis: null,
        dashboard: null,
        nginx: null,
        url: (p) => stack.nginx.url(p),
        // filled by stop(): nginx's [alert]/[crit]/[emerg] lines, and
        // whether nginx exited on QUIT in time
        logProblems: [],
        quitInTime: null,
        // stops everything; keep: leave the directory (as TEST_NGINX_LEAVE)
        stopped: false,
        async stop({ keep = false } = {}) {
            if (stack.stopped) {
                return;
            }
            stack.stopped = true;
            const errors = [];
            for (const name of ['nginx', 'dashboard', 'redis']) {
                try {
                    const r = await stack[name]?.stop();
                    if (name === 'nginx' && stack.nginx) {
                        stack.quitInTime = r;
                    }
                } catch (err) {
                    errors.push(`${name}: ${err.message}`);
                }
            }
            if (stack.nginx) {
                stack.logProblems = stack.nginx.errorLogProblems();
            }
            if (process.env.TEST_NGINX_CATLOG && stack.nginx) {
                process.stderr.write(stack.nginx.log());
            }
            if (keep || process.env.TEST_NGINX_LEAVE) {
                process.stderr.write(`test directory kept: ${dir}\n`);
            } else {
                fs.rmSync(dir, { recursive: true, force: true });
            }
            if (errors.length) {
                throw new Error(`stopping the stack: ${errors.join('; ')}`);
            }
        },
    };

    try {
        stack.redis = await startRedis(dir, taken);
        stack.dashboard = await startDashboard(taken);
        stack.nginx = await startNginx({ dir, redisPort: stack.redis.port,
                                         upstreamPort: stack.dashboard.port,
                                         taken });
    } catch (err) {
        await stack.stop().catch(() => {});
        throw err;
    }

    return stack;
}

// a dashboard session record in Redis, as the dashboard's login would
// leave it (admin: the user administers that company): returns its random
// 32-hex id
export async function createSession(redis, user, company, { admin } = {}) {
    const sid = randomBytes(16).toString('hex');
    const record = { user: { id: user } };
    if (company !== undefined) {
        record.company_id = company;
    }
    if (admin) {
        record.is_admin = true;
    }
    await redis.command('SET', `sess:${sid}`, JSON.stringify(record));
    return sid;
}
