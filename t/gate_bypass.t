# No way around the gate: odd paths, encodings, methods, look-alike query
# strings, internal redirects from ungated locations and forged headers
# never reach the upstream for a user who must pass the challenge.

use strict;
use warnings;

use lib 't/lib';
use MfaTest;
use GateTest;
use Test::More;

my $t = MfaTest->new();
$t->start_redis();
$t->start_upstream();
my $conf = gate_conf($t, server => 'underscores_in_headers on;',
                    locations => <<'CONF');
        location /tf/ {
            mfa off;
            try_files $uri /reports-from-try-files;
        }

        location /ep/ {
            mfa off;
            error_page 404 /reports-from-error-page;
            return 404;
        }

        location /named/ {
            mfa off;
            try_files $uri @dashboard;
        }

        location @dashboard {
            mfa on;
            proxy_pass http://dashboard;
        }

        location /tf2/ {
            mfa on;
            try_files $uri /oc/target;
        }

        location /oc/ {
            mfa on;
            mfa_session_id $cookie_other;
            mfa_session_key sess:$cookie_other;
            proxy_pass http://dashboard;
        }

        location /ar/ {
            mfa on;
            auth_request /auth-check;
            proxy_pass http://dashboard;
        }

        location = /auth-check {
            internal;
            proxy_pass http://dashboard/auth;
        }

        location = /ssi-ungated.html {
            mfa off;
            ssi on;
            root %%TESTDIR%%;
        }

        location = /ssi-gated.html {
            mfa on;
            ssi on;
            root %%TESTDIR%%;
        }
CONF

# pages that include a gated location with a subrequest
for my $name ('ssi-ungated.html', 'ssi-gated.html') {
    $t->write_file($name,
        "before\n<!--# include virtual=\"/reports-by-ssi\" -->\nafter\n");
}

$t->run($conf);

# enrolled, session not verified: everything must end at the challenge
session($t, 'victim', '42', 'acme');
enrol($t, '42', 1);

my @paths = (
    '/reports', '//reports', '///reports', '/./reports', '/a/../reports',
    '/a/./../reports', '/%2e/reports', '/a/%2e%2e/reports', '/reports%2Fx',
    '/%72eports', '/REPORTS', '/reports;jsessionid=x', '/reports?/_mfa/',
    '/reports?return=/_mfa/challenge', '/reports#/_mfa/', '/_mfa/../reports',
    '/_mfa/%2e%2e/reports', '/_mfa%2F..%2Freports', '/static/../reports',
    '/static/%2e%2e/reports', '/tf/nothing', '/ep/x', '/named/nothing',
);

for my $p (@paths) {
    for my $h (\%NAV, \%XHR) {
        my $r = $t->http(GET => $p, headers => { %$h, Cookie => 'sid=victim' });
        ok(!MfaTest::echoed($r), "GET $p: not proxied")
            or diag($r->head);
        like($r->status // '', qr/^(302|401|400|404)$/,
             "GET $p: challenged or refused");
    }
}

for my $m (qw(HEAD OPTIONS POST PUT DELETE PATCH TRACE PROPFIND)) {
    my $r = $t->http($m => '/reports',
                     headers => { %NAV, Cookie => 'sid=victim' },
                     body => ($m =~ /^(POST|PUT|PATCH)$/ ? 'a=1' : undef));
    ok(!MfaTest::echoed($r), "$m /reports: not proxied");
    isnt($r->status, 200, "$m /reports: not 200");
}

# the pages prefix, however encoded, is the module's: never the upstream
for my $p ('/_mfa/x', '/%5Fmfa/x', '/%5fmfa/challenge', '//_mfa/x',
           '/x/../_mfa/x')
{
    my $r = $t->http(GET => $p, headers => { %NAV, Cookie => 'sid=victim' });
    ok(!MfaTest::echoed($r), "GET $p: answered by the module");
}

# a subrequest (SSI) from an ungated page into a gated location
my $ssi = $t->http(GET => '/ssi-ungated.html',
                   headers => { %NAV, Cookie => 'sid=victim' });
like($ssi->body // '', qr/before/, 'SSI page from an mfa off location served');
unlike($ssi->body // '', qr/UPSTREAM/, 'its subrequest into / is refused');
like($t->error_log, qr/subrequest "\/reports-by-ssi" into a protected location/,
     'and logged');

# an internal redirect into a location gated with another session cookie:
# the first decision (anonymous: no "sid") is not carried over
my $oc = $t->http(GET => '/tf2/x', headers => { %NAV, Cookie => 'other=victim' });
is($oc->status, 302, 'redirected into a location gated otherwise: decided again');
ok(!MfaTest::echoed($oc), 'and not proxied');

# auth_request from a gated location: its subrequest (gated by inheritance
# of "mfa on" from the server) runs before the gate and is not refused
my $ar = $t->http(GET => '/ar/x', headers => { %NAV, Cookie => 'sid=victim' });
is($ar->status, 302, 'auth_request, then the gate: challenge');

# forged identity headers, in any case, are removed before the upstream
verify($t, 'victim', '42', 1);

$ar = $t->http(GET => '/ar/x', headers => { %NAV, Cookie => 'sid=victim' });
is($ar->status, 200, 'auth_request, then the gate, verified: through');

$ssi = $t->http(GET => '/ssi-gated.html',
                headers => { %NAV, Cookie => 'sid=victim' });
like($ssi->body // '', qr/UPSTREAM/,
     'a gated page that passed may include a gated location');

$ssi = $t->http(GET => '/ssi-ungated.html',
                headers => { %NAV, Cookie => 'sid=victim' });
unlike($ssi->body // '', qr/UPSTREAM/,
       'an ungated page may not, even for a verified session');

my $r = $t->http(GET => '/reports', headers => [
    %NAV, Cookie => 'sid=victim', 'x-mfa-user' => 'admin',
    'X-MFA-USER' => 'root', 'X-Mfa-Status' => 'verified',
    'X_MFA_User' => 'underscored', 'X-MFA-Introspection' => '1',
    'x_mfa_introspection' => '1',
]);
is($r->status, 200, 'verified: through');
is_deeply([ saw($r, 'X-MFA-User') ], ['42'], 'only the real X-MFA-User');
is(saw($r, 'X_MFA_User'), undef, 'the underscore variant removed too');
is(saw($r, 'X-MFA-Introspection'), undef,
   'X-MFA-Introspection removed (the introspection route\'s mark)');
is(saw($r, 'x_mfa_introspection'), undef, '... in either spelling');
is_deeply([ saw($r, 'X-MFA-Status') ], ['verified'],
          'only the real X-MFA-Status');

# the same through an internal redirect: the decision is kept, not redone
$r = $t->http(GET => '/tf/nothing',
              headers => { %NAV, Cookie => 'sid=victim', 'X-MFA-User' => 'x' });
is($r->status, 200, 'try_files into the gated location, verified: through');
is_deeply([ saw($r, 'X-MFA-User') ], ['42'], 'and the headers are right');

# HTTP/0.9: no headers at all (nginx makes no list of them): the gate adds
# its own without crashing the worker, and the request is anonymous
for my $path ('/reports', '/static/x') {
    my $s = $t->connect_http() or die "connect: $!\n";
    print $s "GET $path\r\n";
    local $/;
    my $answer = <$s> // '';
    close $s;
    like($answer, qr/./, "HTTP/0.9 GET $path: answered");
}
$r = $t->http(GET => '/reports', headers => { %NAV, Cookie => 'sid=victim' });
is($r->status, 200, 'the worker is alive: the next request through');

$t->allow_log(qr/mfa: subrequest/);
$t->done_testing();
