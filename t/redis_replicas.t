# mfa_redis_replicas: a write the pages, the API or mfactl report as done
# has reached the replicas asked for (WAIT), with a real master and a real
# replica from Debian's redis-server.  A replica frozen (SIGSTOP) makes the
# writes wait and then say "not confirmed as saved" (503, or exit 3 for
# mfactl), while the gate's lookups and the read-only pages go on; once the
# replica is back, writes are done again.  A script Redis lost (NOSCRIPT)
# is sent again whole after its WAIT.  Without the directive, no WAIT.

use strict;
use warnings;

use lib 't/lib';
use IO::Select;
use JSON::PP;
use MfaTest;
use GateTest;
use PagesTest;
use MfactlTest;
use SentinelTest;
use Test::More;

my $token = 'r' x 20 . '0123456789abcdef0123456789abcdef';

my $t = MfaTest->new();
my $m = $t->start_redis(args => [SentinelTest::master_args()]);
my $rp = SentinelTest::start_replica($t, 'replica', $m);
$t->start_upstream();
$t->write_file('api.token', "$token\n", 0600);
$t->allow_log(qr/mfa: a write at "127\.0\.0\.1:\d+" reached 0 of the 1 replicas/);

sub conf {
    my ($replicas) = @_;

    return gate_conf($t,
        http => "$replicas mfa_api_token_file %%TESTDIR%%/api.token;",
        server => 'mfa_session_admin is_admin;',
        locations => 'location = /metrics { mfa_metrics; }');
}

$t->run(conf('mfa_redis_replicas 1 1s;'));

session($t, 's1', 'u1', 'open');
enrol($t, 'u1', 1);
verify($t, 's1', 'u1', 1);
session($t, $_, $_, 'strict') for qw(p1 p2 p3);
$t->redis('HSET', 'mfa:company:strict', 'require_2fa', '1');
$t->redis('SET', 'sess:A', '{"user":{"id":"ann"},"company_id":"acme",'
                           . '"is_admin":true}');
$t->redis('SADD', 'mfa:company:acme:members', 'ann');

SentinelTest::wait_for(sub {
    SentinelTest::cli($rp, 'GET', 'sess:A') =~ /ann/
}, 10, 'the replica to have the records');

sub on_replica {
    my (@cmd) = @_;
    my $v = SentinelTest::cli($rp, @cmd);
    chomp $v;
    return $v;
}

sub api_policy {
    my ($on) = @_;
    return $t->http(PUT => '/_mfa/api/companies/acme/policy',
                    headers => { Accept => 'application/json',
                                 'Content-Type' => 'application/json',
                                 Authorization => "Bearer $token" },
                    body => '{"require_2fa":' . ($on ? 'true' : 'false')
                            . '}');
}

sub metric {
    my ($name) = @_;
    my ($v) = $t->http(GET => '/metrics')->body =~ /^\Q$name\E (\d+)$/m;
    return $v // 0;
}

sub title_of {
    my ($res) = @_;
    my ($v) = $res->body =~ m{<title>([^<]*)</title>};
    return $v // '';
}

# a client of the master blocked in WAIT now
sub blocked {
    return scalar grep { /\bflags=\w*b/ && /\bcmd=wait\b/ }
        split /\n/, $t->redis('CLIENT', 'LIST');
}

sub wait_calls {
    my ($n) = $t->redis('INFO', 'commandstats') =~ /cmdstat_wait:calls=(\d+)/;
    return $n // 0;
}

# the replica in sync: every write is done, and on the replica when told so

my ($secret) = enrol_via_pages($t, 'p1');
ok($secret, 'enrolment through the pages, the replica up: done');
ok(on_replica('HGET', 'mfa:user:p1', 'since'),
   '... and on the replica when the page says so');
is(page_get($t, 'p1', '/')->status, 200, '... and the user passes');
ok(wait_calls() >= 2, 'the writes waited for the replica (WAIT sent)');

my $r = api_policy(1);
is($r->status, 200, 'a policy change by the API: done') or diag $r->body;
is(on_replica('HGET', 'mfa:company:acme', 'require_2fa'), '1',
   '... and on the replica');

my ($rc, $out, $err) = mfactl($t, '--replicas', '1', 'company', 'require',
                              'acme', 'off');
is($rc, 0, 'mfactl --replicas 1 company require: done') or diag $err;
is(on_replica('HGET', 'mfa:company:acme', 'require_2fa'), '0',
   '... and on the replica');

# Redis lost the script: EVAL after the WAIT of the EVALSHA refused

$t->redis('SCRIPT', 'FLUSH');
$r = page_get($t, 'p2', '/_mfa/enroll?return=%2F');
is($r->status, 200, 'after SCRIPT FLUSH: the enrolment page (a write)');
ok(secret_of($r), '... with its secret');
is(page_get($t, 'p2', '/_mfa/enroll?return=%2F')->status, 200,
   '... and again, the script known once more');

# the replica frozen: writes wait, and are not told done

my $page = page_get($t, 'p2', '/_mfa/enroll?return=%2F');
my $secret2 = secret_of($page);
my $before = metric('mfa_redis_errors_total{reason="not_replicated"}');

SentinelTest::signal_server('replica', 'STOP');

my $post = $t->connect_http() or die "connect: $!\n";
my $body = join '&', map { MfaTest::urlencode($_->[0]) . '='
                           . MfaTest::urlencode($_->[1]) }
    ([code => totp($secret2)], [csrf => csrf_of($page)], [return => '/']);
print $post MfaTest::_build_request(POST => '/_mfa/enroll',
    headers => { Cookie => 'sid=p2',
                 'Content-Type' => 'application/x-www-form-urlencoded' },
    body => $body);

# the POST is in nginx, its WAIT under way: lookups are not held up by it
SentinelTest::wait_for(\&blocked, 5, 'the write to wait for the replica');
is(page_get($t, 's1', '/x')->status, 200,
   'while a write waits: the verified user passes');
is(page_get($t, 'p3', '/x')->status, 302,
   '... the one who must enrol is sent to enrolment');
is(page_get($t, 'p1', '/_mfa/settings')->status, 200,
   '... and a page that only reads opens');
ok(!IO::Select->new($post)->can_read(0),
   '... all of them answered before the write');

my $raw = do { local $/; <$post> };
my ($status) = $raw =~ m{^HTTP/1\.1 (\d+)};
is($status, 503, 'the enrolment, not replicated: 503');
like($raw, qr{<title>Not confirmed as saved</title>},
     '... titled "Not confirmed as saved"');
like($raw, qr{could not be confirmed as saved, and it may be lost},
     '... saying it may be lost');
like($raw, qr{<a id="back" class="button" href="/">Try again</a>},
     '... with a way to try again');
unlike($raw, qr{recovery-codes}, '... and no recovery codes shown');
ok($t->redis('HGET', 'mfa:user:p2', 'since'),
   'the master has it (WAIT does not undo a write)');

$r = $t->http(GET => '/_mfa/enroll?return=%2F',
              headers => { %NAV, Cookie => 'sid=p3',
                           'Accept-Language' => 'fr' });
is($r->status, 503, 'a write of the enrolment page, not replicated: 503');
is(title_of($r), 'Enregistrement non confirmé', '... in French too');

$r = api_policy(1);
is($r->status, 503, 'a policy change by the API, not replicated: 503');
is(decode_json($r->body)->{error}, 'not_replicated',
   '... error "not_replicated"');

($rc, $out, $err) = mfactl($t, '--replicas', '1', '--replicas-timeout',
                           '300', 'company', 'require', 'acme', 'on');
is($rc, 3, 'mfactl --replicas 1, not replicated: exit 3');
like($err, qr/the change is made at 127\.0\.0\.1:$m, but 0 of the 1 replicas asked for confirmed it within 300 ms: a failover now may lose it/,
     '... saying so');

# a wrong code changes nothing the user is told of: told as it is

session($t, 'p1b', 'p1', 'strict');
$page = page_get($t, 'p1b', '/_mfa/challenge?return=%2F');
is($page->status, 200, 'the challenge page (it only reads) opens');
my $wrong = totp_at($secret, time + 300);
$r = page_post($t, 'p1b', '/_mfa/challenge',
               { csrf => csrf_of($page), return => '/', code => $wrong });
is($r->status, 200, 'a wrong code, not replicated: the challenge again');
ok(error_of($r), '... saying the code is wrong, not "not saved"');

# writes at once: each waits its turn behind the WAITs before it, and
# each is told not saved, none "unavailable"

session($t, "q$_", "q$_", 'strict') for 1 .. 3;
my @socks = map {
    my $sock = $t->connect_http() or die "connect: $!\n";
    print $sock MfaTest::_build_request(GET => '/_mfa/enroll?return=%2F',
        headers => { %NAV, Cookie => "sid=q$_" });
    $sock;
} 1 .. 3;
my @titles = map {
    my $raw = do { local $/; <$_> };
    $raw =~ m{<title>([^<]*)</title>} ? $1 : 'no page';
} @socks;
is("@titles", join(' ', ('Not confirmed as saved') x 3),
   'three writes at once: each told "Not confirmed as saved"');

# a write whose script Redis lost (NOSCRIPT) behind another's WAIT, and
# whose client leaves while it waits for its own: nothing of the request
# is used once it is gone (the script is not sent again)

session($t, "r$_", "r$_", 'strict') for 1 .. 2;
my $first = $t->connect_http() or die "connect: $!\n";
print $first MfaTest::_build_request(GET => '/_mfa/enroll?return=%2F',
    headers => { %NAV, Cookie => 'sid=r1' });
SentinelTest::wait_for(\&blocked, 5, 'the first write to wait');
$t->redis('SCRIPT', 'FLUSH');
my $second = $t->connect_http() or die "connect: $!\n";
print $second MfaTest::_build_request(GET => '/_mfa/enroll?return=%2F',
    headers => { %NAV, Cookie => 'sid=r2' });
my $raw1 = do { local $/; <$first> };
like($raw1, qr{<title>Not confirmed as saved</title>},
     'the first write: not saved');
SentinelTest::wait_for(\&blocked, 5,
                       'the second write (NOSCRIPT) to wait for its WAIT');
close $second;
SentinelTest::wait_for(sub { !blocked() }, 5, 'its WAIT to end');
is(page_get($t, 's1', '/x')->status, 200,
   'its client gone meanwhile: the worker goes on');

is(metric('mfa_redis_errors_total{reason="not_replicated"}') - $before, 8,
   'mfa_redis_errors_total{reason="not_replicated"}: the writes that were '
   . 'not confirmed');
like($t->error_log, qr/mfa: a write at "127\.0\.0\.1:$m" reached 0 of the 1 replicas asked for within 1000 ms: it is reported as not saved/,
     'the log says why');

# the replica back: writes are done again

SentinelTest::signal_server('replica', 'CONT');
SentinelTest::wait_for(sub {
    on_replica('HGET', 'mfa:user:p2', 'since')
}, 10, 'the replica to catch up');

$r = page_get($t, 'p3', '/_mfa/enroll?return=%2F');
is($r->status, 200, 'the replica back: the enrolment page opens');
$r = page_post($t, 'p3', '/_mfa/enroll',
               { csrf => csrf_of($r), return => '/',
                 code => totp(secret_of($r)) });
is(scalar(() = codes_of($r)), 10, '... and the enrolment is done');

# without the directive: no WAIT, and no write connection

ok($t->reload(conf('')), 'reload without mfa_redis_replicas');
session($t, 'p4', 'p4', 'strict');
my $waits = wait_calls();
is(page_get($t, 'p4', '/_mfa/enroll?return=%2F')->status, 200,
   'the enrolment page without the directive');
is(api_policy(0)->status, 200, 'a policy change without the directive');
is(wait_calls(), $waits, '... no WAIT sent');

$t->finish();
done_testing();
