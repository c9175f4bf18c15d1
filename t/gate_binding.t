# Decisions bound to what was checked: after an internal redirect
# (error_page, try_files to a named location) a decision is reused only
# for the same session, session key and company as evaluated there; a
# subrequest ("mirror") gets through only from a request the gate let
# through, with the Cookie header the gate wrote, and never from the
# module's pages; records of the wrong shape deny; the pages act only on
# a session whose cookie signature was checked.

use strict;
use warnings;

use lib 't/lib';
use MfaTest;
use GateTest;
use PagesTest;
use AppsTest;
use Test::More;

my $t = MfaTest->new();

$t->start_redis();
$t->start_upstream();
$t->allow_log(qr/mfa: |forbidden/);

my $secret = 'keyboard cat';
$t->write_file('app.secret', "$secret\n", 0600);

$t->run(gate_conf($t,
    session => 'mfa_session_cookie sid express '
               . 'secret_file=%%TESTDIR%%/app.secret;',
    locations => <<'CONF'));
        location ~ ^/c/(?<cid>[a-z]+)/ {
            mfa on;
            mfa_company $cid;
            proxy_intercept_errors on;
            error_page 404 = /c/acme/fallback;
            proxy_pass http://dashboard;
        }

        location /t/ {
            mfa on;
            mfa_company globex;
            root %%TESTDIR%%/html;
            try_files $uri @acme;
        }

        location @acme {
            mfa on;
            mfa_company acme;
            proxy_pass http://dashboard;
        }

        location /m/ {
            mfa on;
            mirror /mirrored;
            proxy_pass http://dashboard;
        }

        location /_mfa/ {
            mfa on;
            mirror /mirrored;
        }

        location = /mirrored {
            internal;
            mfa on;
            proxy_pass http://dashboard;
        }
CONF

# express-signed cookies of a session id
sub cookie {
    my ($id) = @_;
    return 'sid=' . AppsTest::sign('express', $id, $secret)->{sid};
}

sub requests_for {
    my ($path) = @_;
    return scalar grep { $_->{path} eq $path } $t->upstream_requests();
}

# mirrors run in the background: waits until the upstream got n of path
sub wait_requests {
    my ($path, $n) = @_;

    for (1 .. 50) {
        last if requests_for($path) >= $n;
        select undef, undef, undef, 0.1;
    }

    return requests_for($path);
}

$t->redis('HSET', 'mfa:company:acme', 'require_2fa', '1');
session($t, 'CarolSession-0123456789abcdef', 'carol', 'globex');
session($t, 'BobSession-0123456789abcdefgh', 'bob', 'acme');

my $carol = cookie('CarolSession-0123456789abcdef');
my $bob = cookie('BobSession-0123456789abcdefgh');

###########################################################################
# internal redirects

# Globex is decided through; the error page goes to Acme's URI, in the same
# location: the company evaluated there is another, so it is decided again
my $r = $t->http(GET => '/c/globex/page',
                 headers => [%NAV, Cookie => $carol,
                             'X-Upstream-Status' => 404]);
is($r->status, 302, 'error_page to another company: decided again');
like($r->header('Location') // '', qr{/_mfa/enroll\?return=},
     'carol must enrol for Acme');
is(requests_for('/c/globex/page'), 1, 'Globex reached the dashboard');
is(requests_for('/c/acme/fallback'), 0, 'Acme was not reached');

# the same company after the redirect: the decision holds
$t->redis('HSET', 'mfa:company:acme', 'require_2fa', '0');
$r = $t->http(GET => '/c/globex/page',
              headers => [%NAV, Cookie => $carol,
                          'X-Upstream-Status' => 404]);
is(requests_for('/c/acme/fallback'), 1,
   'a company that lets her through: the fallback is reached');
$t->redis('HSET', 'mfa:company:acme', 'require_2fa', '1');

# try_files to a named location that names another company
$r = $t->http(GET => '/t/page', headers => [%NAV, Cookie => $carol]);
is($r->status, 302, 'try_files to a named location of Acme: decided again');
is(requests_for('/t/page'), 0, 'the named location was not reached');

###########################################################################
# subrequests

# a mirror of a request the gate let through: allowed, with the cookie the
# gate wrote (carol's, canonical, whatever the spelling)
# (a spelling dropped before it: the session cookie is not where it was)
my $spelled = $carol =~ s/%3A/:/r;
$r = $t->http(GET => '/m/page',
              headers => [%NAV, Cookie => "SID=x; a=1; $spelled"]);
is($r->status, 200, 'carol through a location that mirrors');
is(wait_requests('/mirrored', 1), 1, 'the mirror went out');

my ($mirrored) = grep { $_->{path} eq '/mirrored' } $t->upstream_requests();
ok($mirrored, 'the mirror reached the dashboard');
is($mirrored && $mirrored->header('cookie'), "a=1; $carol",
   'the mirror carries the Cookie header the gate wrote');

# bob (must enrol) through the same location: neither request gets there
$r = $t->http(GET => '/m/page', headers => [%NAV, Cookie => $bob]);
is($r->status, 302, 'bob must enrol');

# a mirror from the module's pages, refused or not, is not let through
for my $req (['GET', '/_mfa/no-such-page'], ['GET', '/_mfa/enroll'],
             ['POST', '/_mfa/challenge'])
{
    my ($method, $path) = @$req;
    $r = $t->http($method => $path,
                  headers => [%NAV, Cookie => $carol,
                              'Content-Type' =>
                                  'application/x-www-form-urlencoded'],
                  ($method eq 'POST' ? (body => 'code=123456') : ()));
    ok($r->status, "$method $path: answered " . $r->status);
}

# mirrors run in the background: wait until nginx logged the refusals
for (1 .. 50) {
    last if (() = $t->error_log =~ /subrequest "\/mirrored"/g) >= 3;
    select undef, undef, undef, 0.1;
}

is(scalar(grep { $_->{path} eq '/mirrored' } $t->upstream_requests()), 1,
   'no mirror from bob nor from the pages reached the dashboard');
my $refusal = 'subrequest "/mirrored" into a protected location from a '
              . 'request the gate did not check';
is((() = $t->error_log =~ /\Q$refusal\E/g), 3, 'each refusal is logged');

###########################################################################
# records of the wrong shape deny

$t->redis('SET', 'sess:Victim-0123456789abcdefghij',
          '{"user":"victim","company_id":"acme"}');
$r = $t->http(GET => '/page',
              headers => [%NAV, Cookie => cookie('Victim-0123456789abcdefghij')]);
is($r->status, 403, 'a string where the user path needs an object: 403');
like($t->error_log, qr/session path "user\.id" meets a string/,
     'logged: the record has another shape');

$t->redis('SET', 'sess:BoolCompany-0123456789abcdef',
          '{"user":{"id":"bob"},"company_id":false}');
$r = $t->http(GET => '/page', headers => [%NAV,
              Cookie => cookie('BoolCompany-0123456789abcdef')]);
is($r->status, 403, 'a boolean company id: 403');
like($t->error_log, qr/session's company is a boolean/, 'logged');
is(requests_for('/page'), 0, 'neither reached the dashboard');

###########################################################################
# the pages act on a checked session only

my $pending = scalar @{$t->redis('KEYS', 'mfa:pending:*')};

# bob's raw id, not signed (what a "map" recipe used to take): no session
$r = $t->http(GET => '/_mfa/enroll',
              headers => [%NAV, Cookie => 'sid=BobSession-0123456789abcdefgh']);
is($r->status, 403, 'enrolment with an unsigned id: refused');
like($r->body, qr/log in/i, 'as for a visitor not logged in');

my $forged = 'sid=s%3ABobSession-0123456789abcdefgh.forgedsignature';
$r = $t->http(GET => '/_mfa/enroll', headers => [%NAV, Cookie => $forged]);
is($r->status, 403, 'enrolment with a forged signature: refused');
is(scalar @{$t->redis('KEYS', 'mfa:pending:*')}, $pending,
   'no secret pending for bob');

$r = $t->http(GET => '/_mfa/enroll', headers => [%NAV, Cookie => $bob]);
is($r->status, 200, 'enrolment with the signed cookie: the page');
ok(secret_of($r), 'with a secret to scan');

$t->done_testing();
