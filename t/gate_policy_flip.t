# Company policy: a flip with HSET applies at the very next request of a
# session already logged in; several companies; "mfa_policy_scope any";
# the active company named by the request with "mfa_company".

use strict;
use warnings;

use lib 't/lib';
use MfaTest;
use GateTest;
use Test::More;

my $t = MfaTest->new();
$t->start_redis();
$t->start_upstream();
$t->run(gate_conf($t, locations => <<'CONF'));
        location /any/ {
            mfa on;
            mfa_policy_scope any;
            proxy_pass http://dashboard;
        }

        location ~ ^/c/(?<company>[^/]+)/ {
            mfa on;
            mfa_company $company;
            proxy_pass http://dashboard;
        }
CONF

my %nav = (Accept => 'text/html');

sub status {
    my ($uri, $sid) = @_;
    return $t->http(GET => $uri, headers => { %nav, Cookie => "sid=$sid" })
        ->status;
}

# a logged-in user of company acme, working, when the admin flips
session($t, 'alice', 'u1', 'acme');
is(status('/reports?tab=2', 'alice'), 200, 'before the flip: through');

$t->redis('HSET', 'mfa:company:acme', 'require_2fa', '1');
my $r = $t->http(GET => '/reports?tab=2',
                 headers => { %nav, Cookie => 'sid=alice' });
is($r->status, 302, 'the very next request after HSET: enrolment');
like($r->header('Location'),
     qr{/_mfa/enroll\?return=%2Freports%3Ftab%3D2$},
     'back to the same page, same query string, afterwards');

$t->redis('HSET', 'mfa:company:acme', 'require_2fa', '0');
is(status('/reports', 'alice'), 200, 'flipped back: through at once');

$t->redis('HDEL', 'mfa:company:acme', 'require_2fa');
is(status('/reports', 'alice'), 200, 'field absent: not required');

# several companies: only the active company's policy applies
$t->redis('HSET', 'mfa:company:strict', 'require_2fa', '1');
$t->redis('SADD', 'mfa:user:u2:companies', 'acme', 'strict');
session($t, 'bob-at-acme', 'u2', 'acme');
session($t, 'bob-at-strict', 'u2', 'strict');

is(status('/x', 'bob-at-acme'), 200, 'active company acme: through');
is(status('/x', 'bob-at-strict'), 302, 'active company strict: enrolment');

# scope any: required as soon as any of the user's companies requires it
is(status('/any/x', 'bob-at-acme'), 302, 'scope any: strict requires it');

$t->redis('SREM', 'mfa:user:u2:companies', 'strict');
is(status('/any/x', 'bob-at-acme'), 200, 'scope any: no longer');

session($t, 'carol', 'u3');
is(status('/any/x', 'carol'), 200, 'scope any, no company at all: through');
$t->redis('SADD', 'mfa:user:u3:companies', 'strict');
is(status('/any/x', 'carol'), 302, 'scope any, from membership only');

$t->redis('DEL', 'mfa:user:u3:companies');
$t->redis('SADD', 'mfa:user:u3:companies', map { "c$_" } 1 .. 70);
is(status('/any/x', 'carol'), 403, 'scope any, too many companies: deny');

$t->redis('DEL', 'mfa:user:u3:companies');
$t->redis('SET', 'mfa:user:u3:companies', 'x');
is(status('/any/x', 'carol'), 403, 'scope any, unreadable set: deny');

# mfa_company: the request names the company, overriding the session
is(status('/c/acme/page', 'bob-at-acme'), 200,
   'mfa_company acme from the URL: through');
is(status('/c/strict/page', 'bob-at-acme'), 403,
   'mfa_company strict, not one of the user\'s companies (acme): deny');
is(status('/c/acme/page', 'bob-at-strict'), 302,
   'mfa_company acme, the session\'s company strict still applies');
is(status('/c/a%3Ab/page', 'bob-at-acme'), 403,
   'a company id with a colon names no policy: deny');

# the company named by the request never escapes the session company's
# policy (case, ";params", trailing dots, percent-encoding)
session($t, 'dave', 'u4', 'strict');
for my $c ('STRICT', 'strict;x', 'strict.', '%73trict', 'other') {
    is(status("/c/$c/page", 'dave'), 302,
       "mfa_company $c, session company strict: still enrolment");
}

# and must be one of the user's companies when they are known
session($t, 'erin', 'u5', 'acme');
$t->redis('SADD', 'mfa:user:u5:companies', 'acme', 'open');
is(status('/c/open/page', 'erin'), 200, 'a company of the user: through');
is(status('/c/ACME/page', 'erin'), 403, 'not one of the user\'s: deny');

# no active company in the session: the user's companies decide
session($t, 'frank', 'u6');
is(status('/x', 'frank'), 200, 'no company, no membership: through');
$t->redis('SADD', 'mfa:user:u6:companies', 'acme', 'strict');
is(status('/x', 'frank'), 302, 'no active company, a mandating one: enrol');

# enrolled users are challenged whatever the policy
enrol($t, 'u2', 1);
is(status('/c/acme/page', 'bob-at-acme'), 302, 'enrolled: challenge');

$t->done_testing();
