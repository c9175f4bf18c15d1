// The demo's companies and users: the dashboard's own data.  The demo
// script (scripts/demo.sh) reads this file too, to seed the module's
// membership sets in Redis (mfa:company:<cid>:members, mfa:user:<uid>:companies)
// and to print the passwords, so both stay consistent.
//
// A user's first company is the one active after login.

'use strict';

const companies = {
    acme: { name: 'Acme Corp', require2fa: true },
    globex: { name: 'Globex', require2fa: false },
};

const users = {
    alice: {
        name: 'Alice Martin',
        password: 'alice-demo',
        companies: ['acme', 'globex'],
        admin: ['acme', 'globex'],
    },
    bob: {
        name: 'Bob Keller',
        password: 'bob-demo',
        companies: ['acme'],
        admin: [],
    },
    carol: {
        name: 'Carol Nguyen',
        password: 'carol-demo',
        companies: ['globex'],
        admin: [],
    },
};

module.exports = { companies, users };

// `node users.js`: one line per fact, for the demo script
//   company <cid> <0|1> <name>
//   user <uid> <password> <cid,cid> <admin cid,cid|-> <name>
if (require.main === module) {
    for (const [cid, c] of Object.entries(companies)) {
        console.log(`company ${cid} ${c.require2fa ? 1 : 0} ${c.name}`);
    }
    for (const [uid, u] of Object.entries(users)) {
        console.log(`user ${uid} ${u.password} ${u.companies.join(',')} `
                    + `${u.admin.join(',') || '-'} ${u.name}`);
    }
}
