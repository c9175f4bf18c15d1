# The gate decides once the request is whole.  A client that sends its
# headers and holds its body back must not keep a decided request from the
# dashboard while the session changes: a visitor's session logged in with
# the password alone (a second request), then the body.  Decided at the
# headers, the request would reach the dashboard as the logged-in user
# without 2FA; decided at the body, it is stopped.

use strict;
use warnings;

use lib 't/lib';
use MfaTest;
use GateTest;
use IO::Socket::INET;
use Test::More;
use Time::HiRes qw(sleep);

my $t = MfaTest->new();
$t->start_redis();
$t->start_upstream();
$t->run(gate_conf($t, locations => <<'CONF'));
        location /login/ {
            mfa on;
            mfa_visitor_cookie on;
            proxy_pass http://dashboard;
        }
CONF

$t->redis('HSET', 'mfa:company:acme', 'require_2fa', '1');

# POST $path with $body, the headers first; $meanwhile runs before the
# body goes: the status line of the answer
sub held {
    my ($path, $headers, $body, $meanwhile) = @_;

    my $s = IO::Socket::INET->new(PeerAddr => '127.0.0.1',
                                  PeerPort => $t->port('http'),
                                  Proto => 'tcp', Timeout => 10)
        or die "connect: $!\n";
    $s->autoflush(1);

    print {$s} "POST $path HTTP/1.1\r\nHost: localhost\r\n"
        . "Connection: close\r\n$headers\r\n";
    sleep 0.3;
    $meanwhile->();
    print {$s} $body;

    local $/;
    my $answer = <$s> // '';
    close $s;

    return $answer =~ m{^HTTP/1\.1 (\d+)} ? $1 : 0;
}

my $r;
my $form = "Content-Type: application/x-www-form-urlencoded\r\n"
           . "Accept: text/html\r\n";

# a visitor's record; bob logs in on it while the body is held
$t->redis('SET', 'sess:v1', '{"visits":1}');
my $before = $t->upstream_requests();

my $status = held('/reports/export', "Cookie: sid=v1\r\n$form"
                  . "Content-Length: 9\r\n", 'format=csv', sub {
    $t->redis('SET', 'sess:v1', '{"user":{"id":"bob"},"company_id":"acme"}');
});

is($status, 303, 'held body, logged in meanwhile: sent to enrolment');
is($t->upstream_requests(), $before, 'the dashboard never saw it');

# chunked, the same
$t->redis('SET', 'sess:v2', '{"visits":1}');
$status = held('/reports/export', "Cookie: sid=v2\r\n$form"
               . "Transfer-Encoding: chunked\r\n", "4\r\nx=12\r\n0\r\n\r\n",
               sub {
    $t->redis('SET', 'sess:v2', '{"user":{"id":"bob"},"company_id":"acme"}');
});
is($status, 303, 'chunked, held, logged in meanwhile: sent to enrolment');

# a visitor who stays one: through, with the body, as before
$t->redis('SET', 'sess:v3', '{"visits":1}');
$status = held('/echo', "Cookie: sid=v3\r\n$form" . "Content-Length: 9\r\n",
               'format=csv', sub {});
is($status, 200, 'a visitor with a body: through');
is($t->upstream_requests(), $before + 1, 'the dashboard got it');

# "mfa_visitor_cookie off", the default: a visitor's cookie stays out of
# the location, so that no request decided as a visitor's can reach it as
# the session of a login that lands meanwhile, held body or not

$t->redis('SET', 'sess:v5', '{"visits":1}');
$r = $t->http(GET => '/page', headers => { %NAV, Cookie => 'sid=v5; a=1' });
is($r->status, 200, 'mfa_visitor_cookie off: a visitor, through');
is(saw($r, 'Cookie'), 'a=1', 'without the session cookie');
is(saw($r, 'X-MFA-Status'), 'anonymous', 'as anonymous');

$r = $t->http(GET => '/login/page',
              headers => { %NAV, Cookie => 'sid=v5; a=1' });
is(saw($r, 'Cookie'), 'sid=v5; a=1', 'where it is on (the login), with it');

# a body larger than client_body_buffer_size (a temporary file): the
# upstream still gets it whole
session($t, 's4', 'carol', 'globex');
my $big = 'x' x 300_000;
$r = $t->http(POST => '/upload', headers => { %NAV, Cookie => 'sid=s4',
                 'Content-Type' => 'application/octet-stream' }, body => $big);
is($r->status, 200, 'a large body: through');
is(length((MfaTest::echoed($r) // {})->{body} // ''), 300_000,
   'the upstream got all of it');

$t->done_testing();
