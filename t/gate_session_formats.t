# Session records kept as a Redis hash ("mfa_session_format hash", with a
# JSON path inside a field), user ids given as JSON integers, and Redis
# reached over a unix socket.

use strict;
use warnings;

use lib 't/lib';
use MfaTest;
use GateTest;
use Test::More;

my $t = MfaTest->new();
my $sock = $t->path('redis.sock');

$t->start_redis(args => ['--unixsocket', $sock, '--unixsocketperm', '700']);
$t->start_upstream();
$t->allow_log(qr/mfa: /);
$t->run(gate_conf($t, redis => "unix:$sock", locations => <<'CONF'));
        location /h/ {
            mfa on;
            mfa_session_format hash;
            mfa_session_key hsess:$mfa_session_id;
            mfa_session_user uid;
            mfa_session_company profile.company;
            proxy_pass http://dashboard;
        }
CONF

sub get {
    my ($uri, $sid) = @_;
    return $t->http(GET => $uri, headers => { %NAV, Cookie => "sid=$sid" });
}

# JSON: an integer user id, over the unix socket
$t->redis('SET', 'sess:int', '{"user":{"id":1234567},"company_id":7}');
my $r = get('/x', 'int');
is($r->status, 200, 'unix socket: through');
is(saw($r, 'X-MFA-User'), '1234567', 'an integer user id, in decimal');

$t->redis('HSET', 'mfa:company:7', 'require_2fa', '1');
is(get('/x', 'int')->status, 302, 'an integer company id names the policy');

# hash: a plain field and a JSON path inside a field
$t->redis('HSET', 'hsess:h1', 'uid', 'u-hash', 'profile',
          '{"company":"hc","theme":"dark"}');
$r = get('/h/page', 'h1');
is($r->status, 200, 'hash session: through');
is(saw($r, 'X-MFA-User'), 'u-hash', 'user from the field');

$t->redis('HSET', 'mfa:company:hc', 'require_2fa', '1');
is(get('/h/page', 'h1')->status, 302, 'company from the JSON in a field');

enrol($t, 'u-hash', 2);
verify($t, 'h1', 'u-hash', 2);
is(get('/h/page', 'h1')->status, 200, 'hash session, verified: through');

# hash: absent, wrong type, no user field, bad JSON in the field
is(get('/h/page', 'nosuch')->status, 200, 'no such hash: anonymous');

$t->redis('SET', 'hsess:str', 'x');
is(get('/h/page', 'str')->status, 403, 'a string where a hash is expected');

$t->redis('HSET', 'hsess:nouser', 'profile', '{"company":"hc"}');
$r = get('/h/page', 'nouser');
is($r->status, 200, 'a hash without the user field: a visitor, through');
is(saw($r, 'X-MFA-Status'), 'anonymous', 'as anonymous');

$t->redis('HSET', 'hsess:baduser', 'uid', 'a b');
is(get('/h/page', 'baduser')->status, 403, 'a user id with a space: deny');
like($t->error_log, qr/user id is not a valid id/, 'logged');

$t->redis('HSET', 'hsess:badjson', 'uid', 'u9', 'profile', '{broken');
is(get('/h/page', 'badjson')->status, 403, 'bad JSON in a field');

$t->done_testing();
