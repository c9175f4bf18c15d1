# The worker's cache of facts is exact: a request served from it sees
# every change Redis applied before the request was sent, whoever made
# it: mfactl, the admin page, the API, redis-cli by hand, the user's own
# pages (disable, re-enrolment), a reset, a logout, a company switch, a
# session id reused for another user, FLUSHALL.  Every worker and every
# nginx instance on the same Redis sees it.  When the invalidation
# connection is killed, nothing cached is used (t/redis_faults.t: when it
# stops proving that it delivers).
#
# t/cache_exact_events.t runs this file again with "mfa_session_events
# on": session keys heard of by Redis's keyspace events instead of
# tracked, the module's own keys tracked in BCAST mode.
#
# Each case first checks that the request before the change was answered
# from the cache (Redis ran no read for it); otherwise it would prove
# nothing.  After a write by another process (mfactl, nginx's pages), a
# PING waits for the end of the Redis turn that applied it, as
# $t->redis() does after its own commands: Redis writes a reply and the
# invalidations it causes in the same turn, in an order of its own.

use strict;
use warnings;

use lib 't/lib';
use MfaTest;
use MfactlTest;
use GateTest;
use PagesTest;
use Test::More;
use Time::HiRes qw(sleep time);

our $EVENTS;

# with keyspace events: the classes the probe proves, and the directive
my @EVENTS_REDIS = $EVENTS ? (args => [ '--notify-keyspace-events', 'Eg$hxn' ])
                           : ();
my $EVENTS_CONF = $EVENTS ? 'mfa_session_events on;' : '';

my $t = MfaTest->new();
$t->start_redis(@EVENTS_REDIS);
$t->start_upstream();

my $token = 'c' x 32 . '0123456789abcdef0123456789abcdef';
$t->write_file('api.token', "$token\n");
chmod 0600, $t->path('api.token');

my $conf = gate_conf($t, http => 'mfa_api_token_file %%TESTDIR%%/api.token;'
                             . $EVENTS_CONF,
                     server => 'mfa_session_admin is_admin;');
$t->run($conf);

sub reads { redis_reads($t) }

sub get {
    my ($sid, $uri, $tt) = @_;
    return ($tt // $t)->http(GET => $uri // '/page',
                             headers => { %NAV, Cookie => "sid=$sid" });
}

# the session's facts are cached: a request then reads nothing
sub cached {
    my ($sid, $uri, $tt) = @_;
    return until_cached($t, sub { get($sid, $uri, $tt) });
}

sub turn { $t->redis('PING') }

sub through_cached {
    my ($sid, $what) = @_;
    my $r = cached($sid);
    ok($r, "$what: answered from the cache before the change");
    return $r;
}

sub admin_session {
    my ($sid, $uid, $cid, $admin) = @_;
    $t->redis('SET', "sess:$sid",
              qq({"user":{"id":"$uid"},"company_id":"$cid","is_admin":$admin}));
}

# -- a policy flip by hand, with redis-cli

session($t, 'a1', 'ann', 'acme');
through_cached('a1', 'not required');

system('redis-cli', '-p', $t->redis_port, 'HSET', 'mfa:company:acme',
       'require_2fa', '1') == 0 or die "redis-cli: $?";
turn();
my $r = get('a1');
is($r->status, 302, 'redis-cli HSET require_2fa 1: the next request');
like($r->header('Location'), qr{/_mfa/enroll\?}, 'to enrolment');

system('redis-cli', '-p', $t->redis_port, 'HDEL', 'mfa:company:acme',
       'require_2fa') == 0 or die "redis-cli: $?";
turn();
is(get('a1')->status, 200, 'redis-cli HDEL: through at once');

# -- mfactl

through_cached('a1', 'before mfactl');
my ($rc, $out, $err) = mfactl($t, 'company', 'require', 'acme', 'on');
is($rc, 0, 'mfactl company require acme on') or diag $err;
turn();
is(get('a1')->status, 302, 'mfactl: the next request goes to enrolment');
mfactl($t, 'company', 'require', 'acme', 'off');
turn();
is(get('a1')->status, 200, 'mfactl off: through at once');

# -- the API

through_cached('a1', 'before the API');
$r = $t->http(PUT => '/_mfa/api/companies/acme/policy',
              headers => { Authorization => "Bearer $token",
                           'Content-Type' => 'application/json' },
              body => '{"require_2fa":true}');
is($r->status, 200, 'API PUT require_2fa true');
turn();
is(get('a1')->status, 302, 'API: the next request goes to enrolment');
$t->redis('HSET', 'mfa:company:acme', 'require_2fa', '0');

# -- the admin page

admin_session('adm', 'boss', 'acme', 'true');
$t->redis('SADD', 'mfa:company:acme:members', 'boss', 'ann');
through_cached('a1', 'before the admin page');
my $p = page_get($t, 'adm', '/_mfa/admin');
$r = page_post($t, 'adm', '/_mfa/admin',
               { csrf => csrf_of($p), require_2fa => 1, confirm => 1 });
is($r->status, 303, 'the admin page requires 2FA');
turn();
is(get('a1')->status, 302, 'admin page: the next request goes to enrolment');

# -- enrolment through the pages, then disable, reset, re-enrolment

my ($secret) = enrol_via_pages($t, 'a1');
ok($secret, 'enrolled through the pages');
$r = through_cached('a1', 'enrolled and verified');
is(saw($r, 'X-MFA-Status'), 'verified', 'verified, from the cache');

$t->redis('HDEL', 'mfa:user:ann', 'step');
$p = page_get($t, 'a1', '/_mfa/settings');
$r = page_post($t, 'a1', '/_mfa/settings',
               { csrf => csrf_of($p), return => '/', action => 'disable',
                 code => totp($secret), confirm => 1 });
is($r->status, 200, 'disabled on the settings page');
turn();
$r = get('a1');
is($r->status, 302, 'disable: the next request goes to enrolment');
like($r->header('Location'), qr{/_mfa/enroll\?}, 'to enrolment');

($secret) = enrol_via_pages($t, 'a1');
through_cached('a1', 'enrolled again');
($rc, $out, $err) = mfactl($t, 'user', 'reset', 'ann');
is($rc, 0, 'mfactl user reset ann') or diag $err;
turn();
like(get('a1')->header('Location') // '', qr{/_mfa/enroll\?},
     'reset: the next request goes to enrolment');

# re-enrolment by another session of the same user: this session's
# marker names the old generation

($secret) = enrol_via_pages($t, 'a1');
through_cached('a1', 'enrolled a third time');
session($t, 'a2', 'ann', 'acme');
enrol($t, 'ann', 99);
$r = get('a1');
is($r->status, 302, 're-enrolled elsewhere: the next request');
like($r->header('Location'), qr{/_mfa/challenge\?}, 'asks for a code again');

# -- a logout that keeps the id, then the same user's next login on it:
# the gate deletes the marker of the login that ended when it finds the
# record gone, or naming nobody, and that login is asked for a code

sub marker_gone {
    my ($sid) = @_;
    my $key = 'mfa:verified:' . digest($t, $sid);
    for (1 .. 50) {
        return 1 unless $t->redis('EXISTS', $key);
        sleep 0.02;
    }
    return 0;
}

enrol($t, 'dan', 1);

for my $end (['DEL', 'the record deleted'],
             ['SET', 'the record left without its user'])
{
    session($t, 'd1', 'dan', 'acme');
    verify($t, 'd1', 'dan', 1);
    $r = through_cached('d1', "dan verified, before $end->[1]");
    is(saw($r, 'X-MFA-Status'), 'verified', '... verified');

    if ($end->[0] eq 'DEL') {
        $t->redis('DEL', 'sess:d1');
    } else {
        $t->redis('SET', 'sess:d1', '{"cookie":{"path":"/"}}');
    }

    is(saw(get('d1'), 'X-MFA-Status'), 'anonymous',
       "$end->[1], the id kept: anonymous");
    ok(marker_gone('d1'), '... and the marker of the login that ended '
                          . 'is deleted');

    session($t, 'd1', 'dan', 'acme');
    $r = get('d1');
    is($r->status, 302, 'dan logged in again on the same id: not verified');
    like($r->header('Location') // '', qr{/_mfa/challenge\?},
         '... asked for a code');
}

like($t->error_log, qr/the session's record is gone and its verified marker is not: the marker is deleted/,
     'the log says why the marker went');

# -- the session itself: logout, company switch, reuse by another user

$t->redis('HSET', 'mfa:company:acme', 'require_2fa', '0');
session($t, 'b1', 'bob', 'acme');
$r = through_cached('b1', 'bob at acme');
is(saw($r, 'X-MFA-User'), 'bob', 'as bob');

$t->redis('HSET', 'mfa:company:strict', 'require_2fa', '1');
session($t, 'b1', 'bob', 'strict');
is(get('b1')->status, 302, 'company switch to a mandating one: the next request');

session($t, 'b1', 'bob', 'acme');
through_cached('b1', 'back at acme');
session($t, 'b1', 'carl', 'acme');
$r = get('b1');
is($r->status, 200, 'the session id reused for another user: through');
is(saw($r, 'X-MFA-User'), 'carl', 'as the new user at once, never the old one');

through_cached('b1', 'before logout');
$t->redis('DEL', 'sess:b1');
$r = get('b1');
is($r->status, 200, 'logged out: through');
is(saw($r, 'X-MFA-Status'), 'anonymous', 'anonymous at the next request');

session($t, 'b1', 'bob', 'acme');
through_cached('b1', 'before the session expires');
$t->redis('PEXPIRE', 'sess:b1', 1);
sleep 0.05;
# tracking hears of the PEXPIRE itself; keyspace events of the key's end,
# when Redis removes it: at once when anyone reads it (the app, at its
# next request), else when its active expiry finds it
$t->redis('EXISTS', 'sess:b1') if $EVENTS;
is(saw(get('b1'), 'X-MFA-Status'), 'anonymous',
   'the session expired in Redis: anonymous');

# a session that ends at its time to live, read by nobody meanwhile: its
# entry ends when the time to live read with it does

$t->redis('SET', 'sess:b1', '{"user":{"id":"bob"},"company_id":"acme"}',
          'PX', 1500);
through_cached('b1', 'a session with a time to live');
sleep($t->redis('PTTL', 'sess:b1') / 1000 + 0.05);
is(saw(get('b1'), 'X-MFA-Status'), 'anonymous',
   'ended at its time to live: anonymous');

# -- FLUSHALL

session($t, 'b1', 'bob', 'acme');
through_cached('b1', 'before FLUSHALL');
$t->redis('FLUSHALL');
is(saw(get('b1'), 'X-MFA-Status'), 'anonymous', 'FLUSHALL: anonymous at once');

# -- the invalidation connection killed: nothing cached is used

session($t, 'b1', 'bob', 'acme');
through_cached('b1', 'before the invalidation connection is killed');
my $killed = $t->redis('CLIENT', 'KILL', 'TYPE', 'pubsub');
ok($killed >= 1, "CLIENT KILL TYPE pubsub: $killed killed");
$t->redis('HSET', 'mfa:company:acme', 'require_2fa', '1');
is(get('b1')->status, 302, 'a change right after: seen');
my $before = reads();
get('b1');
ok(reads() > $before, 'until it is back, requests read in Redis');
$t->redis('HSET', 'mfa:company:acme', 'require_2fa', '0');
ok(cached('b1'), 'it comes back: the cache is used again');

like($t->error_log, qr/lost the invalidation connection/,
     'the lost connection is logged');
$t->stop();

# -- two workers and two nginx instances on the same Redis

my $conf2 = "worker_processes 2;\n" . gate_conf($t);
$conf2 =~ s/listen 127\.0\.0\.1:%%PORT_HTTP%%;/listen 127.0.0.1:%%PORT_HTTP%% reuseport;/;
$t->run($conf2);

my $u = MfaTest->new();
$u->write_file('mfa.key', $t->read_file('mfa.key'));
chmod 0600, $u->path('mfa.key');
$u->start_upstream();
$u->run(gate_conf($u, redis => '127.0.0.1:' . $t->redis_port));

session($t, 'm1', 'max', 'acme');
$t->redis('HSET', 'mfa:company:acme', 'require_2fa', '0');

# both workers of the first, and the second instance, warm
my $warm = 0;
for (1 .. 100) {
    get('m1') for 1 .. 10;
    get('m1', '/page', $u);
    my $before = reads();
    my $ok = 1;
    for (1 .. 10) {
        $ok &&= get('m1')->status == 200;
        $ok &&= get('m1', '/page', $u)->status == 200;
    }
    if ($ok && reads() == $before) { $warm = 1; last }
    sleep 0.02;
}
ok($warm, 'two workers and a second instance answer from their caches');

$t->redis('HSET', 'mfa:company:acme', 'require_2fa', '1');
my @first = map { get('m1')->status } 1 .. 10;
my @second = map { get('m1', '/page', $u)->status } 1 .. 5;
is_deeply(\@first, [ (302) x 10 ], 'every worker sees the flip at once');
is_deeply(\@second, [ (302) x 5 ], 'and the other instance too');

$u->stop();
$u->finish();

$t->done_testing();
