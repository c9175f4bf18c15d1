// The HTTP/2 client of t/lib/MfaTest.pm under TEST_NGINX_HTTP2: cleartext
// with prior knowledge, one connection a request, Node's own http2 (no
// package).  It reads one request a line on stdin:
//   {"port": N, "method": "GET", "path": "/x", "timeout": 8,
//    "headers": [["name", "value"], ...], "body": "<base64>" or null}
// and writes one answer a line on stdout, in the same order:
//   {"status": 200, "headers": [["name", "value"], ...],
//    "body": "<base64>"}  or  {"error": "why"}
// A server may answer before it has read a request's body and then reset
// the stream with NO_ERROR (RFC 9113 8.1; nginx does, for a refusal):
// the answer is kept, as browsers keep it.

import http2 from 'node:http2';
import readline from 'node:readline';

function request(q) {
    return new Promise((resolve) => {
        let done = false;
        const finish = (answer) => {
            if (done) {
                return;
            }
            done = true;
            clearTimeout(timer);
            client.close();
            client.destroy();
            resolve(answer);
        };

        const client = http2.connect(`http://127.0.0.1:${q.port}`);
        const timer = setTimeout(
            () => finish({ error: `timeout after ${q.timeout}s` }),
            q.timeout * 1000);

        client.on('error', (e) => finish({ error: e.message }));

        const headers = { ':method': q.method, ':path': q.path };

        for (const [name, value] of q.headers) {
            const n = name.toLowerCase();

            if (n === 'host') {
                headers[':authority'] = value;
            } else if (n in headers) {
                headers[n] = [].concat(headers[n], value);
            } else {
                headers[n] = value;
            }
        }

        let stream;

        try {
            stream = client.request(headers, { endStream: q.body === null });
        } catch (e) {
            finish({ error: `cannot send: ${e.message}` });
            return;
        }

        let status = null;
        let raw = [];
        const body = [];

        stream.on('response', (h, flags, rawHeaders) => {
            status = h[':status'];
            raw = rawHeaders;
        });
        stream.on('data', (chunk) => body.push(chunk));
        stream.on('end', () => {
            const list = [];

            for (let i = 0; i < raw.length; i += 2) {
                if (!raw[i].startsWith(':')) {
                    list.push([raw[i], raw[i + 1]]);
                }
            }

            finish({ status, headers: list,
                     body: Buffer.concat(body).toString('base64') });
        });
        stream.on('close', () => {
            // after 'end' this does nothing; before it, the answer is cut
            finish({ error: `stream closed before the whole answer `
                            + `(code ${stream.rstCode})` });
        });
        stream.on('error', (e) => {
            if (status === null) {
                finish({ error: e.message });
            }
        });

        if (q.body !== null) {
            stream.end(Buffer.from(q.body, 'base64'));
        }
    });
}

const lines = readline.createInterface({ input: process.stdin });
let chain = Promise.resolve();

lines.on('line', (line) => {
    chain = chain.then(async () => {
        let answer;

        try {
            answer = await request(JSON.parse(line));
        } catch (e) {
            answer = { error: e.message };
        }

        process.stdout.write(JSON.stringify(answer) + '\n');
    });
});
