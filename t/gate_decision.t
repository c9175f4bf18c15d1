# Every row of the gate's decision table (docs/internals.md), for a browser
# navigation and for an API request: what reaches the upstream, with which
# X-MFA-* headers, and what is answered instead.

use strict;
use warnings;

use lib 't/lib';
use MfaTest;
use GateTest;
use Test::More;

my $t = MfaTest->new();
$t->start_redis();
$t->start_upstream();
$t->run(gate_conf($t));

my %nav = %NAV;
my %xhr = %XHR;

sub get {
    my ($uri, $sid, %h) = @_;
    $h{Cookie} = "sid=$sid" if defined $sid;
    return $t->http(GET => $uri, headers => \%h);
}

sub upstream_saw { scalar saw(@_) }

# mfa off: untouched, but for a client's X-MFA-User, which never reaches
# the dashboard of a server the gate protects (t/mfa_off.t)
my $r = get('/static/a.css', 'nosuch', %nav, 'X-MFA-User' => 'forged');
is($r->status, 200, 'mfa off: through');
is(upstream_saw($r, 'X-MFA-User'), undef, 'mfa off: no forged X-MFA-User');
is(upstream_saw($r, 'X-MFA-Status'), undef, 'mfa off: no status added');

# the module's own pages are answered by the module, never proxied
$r = get('/_mfa/nothing-here', 'nosuch', %nav);
ok(!MfaTest::echoed($r), 'own pages: not proxied');

# no session id, and a session id unknown to Redis: anonymous, through
for my $case ([undef, 'no session id'], ['nosuch', 'no such session']) {
    for my $h (\%nav, \%xhr) {
        $r = get('/reports', $case->[0], %$h, 'X-MFA-User' => 'forged');
        is($r->status, 200, "$case->[1]: through");
        is(upstream_saw($r, 'X-MFA-Status'), 'anonymous',
           "$case->[1]: X-MFA-Status anonymous");
        is(upstream_saw($r, 'X-MFA-User'), undef,
           "$case->[1]: client's X-MFA-User removed");
    }
}

# a session of a visitor not logged in (express-session stores one for
# every visitor, Passport leaves "passport":{} after logout): anonymous,
# so that the dashboard's own login page works
$t->redis('HSET', 'mfa:company:c1', 'require_2fa', '1');

for my $rec ('{"cookie":{"originalMaxAge":86400000,"httpOnly":true}}',
             '{"user":{}}', '{"user":{"id":null},"company_id":"c1"}',
             '{"csrf":"abc","company_id":"c1"}')
{
    $t->redis('SET', 'sess:visitor', $rec);

    for my $m (qw(GET POST)) {
        $r = $t->http($m => '/login', body => ($m eq 'POST' ? 'u=a' : undef),
                      headers => { %nav, Cookie => 'sid=visitor' });
        is($r->status, 200, "visitor session $rec, $m /login: through");
        is(upstream_saw($r, 'X-MFA-Status'), 'anonymous', 'as anonymous');
        is(upstream_saw($r, 'X-MFA-User'), undef, 'with no user');
    }
}

$t->redis('HDEL', 'mfa:company:c1', 'require_2fa');

# user not enrolled, company does not require 2FA: through
session($t, 's1', '41', 'c1');
$r = get('/reports', 's1', %nav);
is($r->status, 200, 'not enrolled, not required: through');
is(upstream_saw($r, 'X-MFA-User'), '41', 'X-MFA-User is the user id');
is(upstream_saw($r, 'X-MFA-Status'), 'not_required', 'status not_required');

$t->redis('HSET', 'mfa:company:c1', 'require_2fa', '0');
is(get('/reports', 's1', %xhr)->status, 200, 'require_2fa 0: through');

# user not enrolled, company requires 2FA: enrolment
$t->redis('HSET', 'mfa:company:c1', 'require_2fa', '1');

$r = get('/reports?tab=2&x=%2F', 's1', %nav);
is($r->status, 302, 'not enrolled, required, navigation: 302');
like($r->header('Location'),
     qr{/_mfa/enroll\?return=%2Freports%3Ftab%3D2%26x%3D%252F$},
     'to enrolment, with the original URI percent-encoded');
is($r->header('Cache-Control'), 'no-store', 'redirect not cached');

$r = get('/reports?tab=2', 's1', %xhr);
is($r->status, 401, 'not enrolled, required, XHR: 401');
like($r->header('Content-Type'), qr{^application/json}, 'JSON');
is($r->body,
   '{"error":"mfa_enrollment_required",'
   . '"location":"/_mfa/enroll?return=%2Freports%3Ftab%3D2"}',
   'JSON body names the error and the page');

# every method other than a navigation is answered 401, never redirected
for my $m (qw(POST PUT DELETE PATCH OPTIONS)) {
    $r = $t->http($m => '/api/x', headers => { Cookie => 'sid=s1', %nav },
                  body => 'a=1');
    is($r->status, 401, "$m: 401");
    ok(!MfaTest::echoed($r), "$m: not proxied");
}

$r = $t->http(HEAD => '/reports', headers => { Cookie => 'sid=s1', %nav });
is($r->status, 302, 'HEAD navigation: 302');

for my $h ({ Accept => '*/*' }, {},
           { %nav, 'Sec-Fetch-Mode' => 'cors' },
           { %nav, 'X-Requested-With' => 'XMLHttpRequest' })
{
    is(get('/reports', 's1', %$h)->status, 401,
       'GET not asking for HTML: 401 (' . join(',', %$h) . ')');
}

is(get('/reports', 's1', %nav, 'Sec-Fetch-Mode' => 'navigate')->status,
   302, 'Sec-Fetch-Mode navigate: 302');

# user enrolled, session not verified: challenge
session($t, 's2', '42', 'c2');
enrol($t, '42', 5);

$r = get('/a/b?c=d', 's2', %nav);
is($r->status, 302, 'enrolled, not verified: 302');
like($r->header('Location'), qr{/_mfa/challenge\?return=%2Fa%2Fb%3Fc%3Dd$},
     'to the challenge');

$r = get('/a/b', 's2', %xhr);
is($r->status, 401, 'enrolled, not verified, XHR: 401');
like($r->body, qr/^\{"error":"mfa_challenge_required","location":"/,
     'challenge error in JSON');

# enrolled with no company policy at all still needs the challenge
session($t, 's2b', '42');
is(get('/a', 's2b', %nav)->status, 302, 'enrolled, no company: challenge');

# user enrolled, this session verified for the current enrolment: through
verify($t, 's2', '42', 5);
$r = get('/a/b', 's2', %nav, 'X-MFA-Status' => 'forged');
is($r->status, 200, 'verified: through');
is(upstream_saw($r, 'X-MFA-Status'), 'verified', 'status verified');
is(upstream_saw($r, 'X-MFA-User'), '42', 'user 42');
is(scalar(() = saw($r, 'X-MFA-Status')), 1, 'one X-MFA-Status only');

# the verified marker is bound to the session, the user and the generation
is(get('/a', 's2b', %nav)->status, 302, 'another session: not verified');

verify($t, 's2b', '41', 5);
is(get('/a', 's2b', %nav)->status, 302, 'marker of another user: no');

enrol($t, '42', 6);
is(get('/a/b', 's2', %nav)->status, 302, 'new generation: challenge again');

verify($t, 's2', '42', 6);
is(get('/a/b', 's2', %nav)->status, 200, 'verified again');

# user disables 2FA under a mandate: to enrolment
$t->redis('HDEL', 'mfa:user:42', 'since');
$t->redis('HINCRBY', 'mfa:user:42', 'gen', 1);
$t->redis('HSET', 'mfa:company:c2', 'require_2fa', '1');
$r = get('/a/b', 's2', %nav);
is($r->status, 302, 'disabled under a mandate: 302');
like($r->header('Location'), qr{/_mfa/enroll\?}, 'to enrolment');

# present but unreadable: deny, with the reason in the error log
my @bad = (
    ['not json', 'sess:b1', 'SET', 'not json at all', qr/not valid JSON/],
    ['a JSON array', 'sess:b2', 'SET', '[1,2]', qr/not valid JSON|not an object/],
    ['user id an object', 'sess:b4', 'SET', '{"user":{"id":{}}}',
     qr/not a string, an integer or a boolean/],
    ['user id with a colon', 'sess:b5', 'SET', '{"user":{"id":"4:2"}}',
     qr/not a valid id/],
);

for my $b (@bad) {
    my ($name, $key, $cmd, $val, $log) = @$b;
    (my $sid = $key) =~ s/^sess://;
    $t->redis($cmd, $key, $val);

    for my $h (\%nav, \%xhr) {
        $r = get('/x', $sid, %$h);
        is($r->status, 403, "session $name: 403");
        ok(!MfaTest::echoed($r), "session $name: not proxied");
    }
    like($t->error_log, $log, "session $name: logged why");
}

$t->redis('HSET', 'sess:b6', 'user', '1');
is(get('/x', 'b6', %nav)->status, 403, 'session key of the wrong type: 403');

session($t, 's7', '47', 'c7');
$t->redis('HSET', 'mfa:user:47', 'gen', '1', 'since', 'yesterday');
is(get('/x', 's7', %nav)->status, 403, 'unreadable user record: 403');
like($t->error_log, qr/user's 2FA record is unreadable/,
     'unreadable user record logged');

$t->redis('DEL', 'mfa:user:47');
$t->redis('SET', 'mfa:user:47', 'string');
is(get('/x', 's7', %nav)->status, 403, 'user key of the wrong type: 403');

session($t, 's8', '48', 'c8');
$t->redis('HSET', 'mfa:company:c8', 'require_2fa', 'yes');
is(get('/x', 's8', %nav)->status, 403, 'unreadable policy: 403');
like($t->error_log, qr/"require_2fa" is neither/,
     'unreadable policy logged');

# the module's own log lines never carry a session id
my @mfa_lines = grep { /\bmfa: / } split /\n/, $t->error_log;
ok(@mfa_lines > 5, 'the module logged its decisions');
is((grep { /\b(?:s[0-9]+|b[0-9]+|nosuch)\b/ } @mfa_lines), 0,
   'no session id in the module\'s log lines');

$t->done_testing();
