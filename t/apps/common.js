// What the node apps share: the users and the secrets.
'use strict';

const fs = require('node:fs');

// user name -> [password, company]
const USERS = { bob: ['bob-pw', 'acme'], carol: ['carol-pw', 'globex'] };

// the file named by an environment variable, its bytes less one trailing
// "\n" (as the nginx module reads it); null when the variable is unset
function readSecret(env) {
  if (!process.env[env]) return null;
  const b = fs.readFileSync(process.env[env]);
  return b.length && b[b.length - 1] === 0x0a ? b.subarray(0, -1) : b;
}

// SECRET_FILE, then SECRET_FILE_OLD when set: the first signs, all verify
function secrets() {
  return [readSecret('SECRET_FILE'), readSecret('SECRET_FILE_OLD')]
    .filter((s) => s !== null);
}

module.exports = { USERS, readSecret, secrets };
