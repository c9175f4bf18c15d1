# mfa_session_max_size: a session record larger than it (64k by default)
# is not read; that session alone is denied, with a log line, and one
# huge record fails no lookup but its own.  The same holds for a record
# that grows after the worker cached its verified decision (the fast path
# reads at most the limit) and for a record kept as a hash.

use strict;
use warnings;

use lib 't/lib';
use MfaTest;
use GateTest;
use IO::Socket::INET;
use Test::More;

my $t = MfaTest->new();

$t->start_redis();
$t->start_upstream();
$t->allow_log(qr/mfa: /);
$t->run(gate_conf($t, timeout => '500ms',
                  locations => <<'CONF'));
        location /big/ {
            mfa on;
            mfa_session_max_size 1m;
            proxy_pass http://dashboard;
        }

        location /h/ {
            mfa on;
            mfa_session_format hash;
            mfa_session_key hsess:$mfa_session_id;
            mfa_session_user uid;
            mfa_session_company cid;
            proxy_pass http://dashboard;
        }
CONF

sub get {
    my ($uri, $sid) = @_;
    return $t->http(GET => $uri, headers => { %NAV, Cookie => "sid=$sid" });
}

sub record {
    my ($uid, $pad) = @_;
    return qq({"user":{"id":"$uid"},"company_id":"globex","pad":")
           . ('x' x $pad) . '"}';
}

# just under and over 64 KB
$t->redis('SET', 'sess:small', record('sam', 60_000));
$t->redis('SET', 'sess:large', record('lea', 70_000));
is(get('/page', 'small')->status, 200, '60 KB: read, through');

my $r = get('/page', 'large');
is($r->status, 403, '70 KB: not read, denied');
like($t->error_log, qr/the session record is more than 65536 bytes \("mfa_session_max_size"\): not read/,
     'the log says why, with the limit');
is(get('/big/page', 'large')->status, 200, 'with mfa_session_max_size 1m: read');

# one huge record among many requests: only its own is affected

$t->redis('SET', 'sess:huge', record('hugo', 16 * 1024 * 1024));
session($t, "s$_", "u$_", 'globex') for 1 .. 30;

my @socks;
for my $sid ('huge', map { "s$_" } 1 .. 30) {
    my $s = IO::Socket::INET->new(PeerAddr => '127.0.0.1',
                                  PeerPort => $t->port('http'))
        or die "connect: $!";
    print $s "GET /page HTTP/1.0\r\nHost: x\r\nAccept: text/html\r\n"
        . "Cookie: sid=$sid\r\n\r\n";
    push @socks, $s;
}

my @status = map {
    local $/;
    my $raw = <$_> // '';
    $raw =~ m{^HTTP/1\.\d (\d+)} ? $1 : 0;
} @socks;

is($status[0], 403, 'the 16 MB record: denied');
is(scalar(grep { $_ == 200 } @status[1 .. 30]), 30,
   'the 30 requests beside it: all through');
unlike($t->error_log, qr/did not answer in time/, 'no Redis timeout');

# a record that grows after its session was verified and cached

$t->redis('SET', 'sess:grow', record('gus', 10));
enrol($t, 'gus', 1);
verify($t, 'grow', 'gus', 1);
is(get('/page', 'grow')->status, 200, 'verified, cached');
is(get('/page', 'grow')->status, 200, 'again');

$t->redis('SET', 'sess:grow', record('gus', 70_000));
is(get('/page', 'grow')->status, 403,
   'grown past the limit: denied at the next request');

# a hash whose fields together are too large

$t->redis('HSET', 'hsess:h1', 'uid', 'hal', 'cid', 'globex');
is(get('/h/page', 'h1')->status, 200, 'a hash: through');
$t->redis('HSET', 'hsess:h2', 'uid', 'x' x 70_000, 'cid', 'globex');
is(get('/h/page', 'h2')->status, 403, 'a hash field too large: denied');

$t->done_testing();
