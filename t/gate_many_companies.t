# "mfa_policy_scope any" with a user in many companies: up to the most it
# reads (63), every company's policy counts; beyond it the user is denied
# with a log line that says why, never taken for a Redis failure (which
# "mfa_fail open" would let through).

use strict;
use warnings;

use lib 't/lib';
use MfaTest;
use GateTest;
use Test::More;

my $t = MfaTest->new();

$t->start_redis();
$t->start_upstream();
$t->allow_log(qr/mfa: /);
$t->run(gate_conf($t, server => 'mfa_policy_scope any; mfa_fail open;',
                  locations => <<'CONF'));
        location /c/ {
            mfa on;
            mfa_company $arg_c;
            proxy_pass http://dashboard;
        }
CONF

sub get {
    my ($sid, $uri) = @_;
    return $t->http(GET => $uri // '/page',
                    headers => { %NAV, Cookie => "sid=$sid" });
}

# dora: 63 companies, the last of which requires 2FA
session($t, 'dora-s', 'dora', 'c1');
$t->redis('SADD', 'mfa:user:dora:companies', map { "c$_" } 1 .. 63);
$t->redis('HSET', 'mfa:company:c63', 'require_2fa', '1');

my $r = get('dora-s');
is($r->status, 302, '63 companies, one requires 2FA: enrolment');
like($r->header('Location') // '', qr{/_mfa/enroll\?}, 'to the enrolment');

$t->redis('HSET', 'mfa:company:c63', 'require_2fa', '0');
$r = get('dora-s');
is($r->status, 200, '63 companies, none requires 2FA: through');
is(saw($r, 'X-MFA-Status'), 'not_required', 'not required');

# with a company named by the request: its policy, the session's
# company's, and all 63 (65 policies)
$r = get('dora-s', '/c/page?c=c2');
is($r->status, 200, '63 companies and one named by the request: through');
is(saw($r, 'X-MFA-Status'), 'not_required', 'decided, not unchecked');

# one more company than that: denied, and the log says why
$t->redis('SADD', 'mfa:user:dora:companies', 'c64');
$r = get('dora-s');
is($r->status, 403, '64 companies: denied, not let through as unchecked');
like($t->error_log, qr/the user is in more than 63 companies/,
     'the log says why');
unlike($t->error_log, qr/could not be read|unexpected reply/,
       'not a Redis failure');

# a company the request names that is not one of the user's
session($t, 'eve-s', 'eve', 'c1');
$t->redis('SADD', 'mfa:user:eve:companies', 'c1', 'c2');
$r = get('eve-s', '/c/page?c=c9');
is($r->status, 403, 'a company that is not the user\'s: denied');
like($t->error_log, qr/the company the request names is not one of the user's/,
     'the log says why');
is(get('eve-s', '/c/page?c=c2')->status, 200, 'one of hers: through');

$t->done_testing();
