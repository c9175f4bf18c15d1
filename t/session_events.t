# "mfa_session_events on": session keys are heard of by Redis's keyspace
# events, not tracked, so that a touch (EXPIRE, as express-session with
# connect-redis sends at every request the dashboard serves) leaves the
# cached session in place, while every command that changes or ends a
# session is seen at the next request.  A probe proves, four times a
# second, that Redis sends the events: without them (notify-keyspace-
# events off, at start or switched off later) sessions are read at every
# request, a warning says why, and once the events are back what was
# cached before is forgotten.
#
# t/cache_exact_events.t runs the exactness cases of t/cache_exact.t in
# this mode; here are the events themselves.

use strict;
use warnings;

use lib 't/lib';
use MfaTest;
use GateTest;
use Test::More;
use Time::HiRes qw(sleep time);

my $t = MfaTest->new();
$t->start_redis(args => [ '--notify-keyspace-events', 'Eg$hxn' ]);
$t->start_upstream();
my $HASH = <<'CONF';
        location /h/ {
            mfa on;
            mfa_session_format hash;
            mfa_session_key hsess:$mfa_session_id;
            mfa_session_user uid;
            mfa_session_company company;
            proxy_pass http://dashboard;
        }
CONF

$t->run(gate_conf($t, http => 'mfa_session_events on;', locations => $HASH));

# the same Redis, tracked as without the directive
my $u = MfaTest->new();
$u->write_file('mfa.key', $t->read_file('mfa.key'));
chmod 0600, $u->path('mfa.key');
$u->start_upstream();
$u->run(gate_conf($u, redis => '127.0.0.1:' . $t->redis_port));

sub reads { redis_reads($t) }

sub get {
    my ($sid, $tt) = @_;
    return ($tt // $t)->http(GET => '/page',
                             headers => { %NAV, Cookie => "sid=$sid" });
}

sub user { saw($_[0], 'X-MFA-User') // '' }

# answered without a read in Redis, within two seconds
sub cached {
    my ($sid, $tt) = @_;
    return until_cached($t, sub { get($sid, $tt) });
}

sub json { qq({"user":{"id":"$_[0]"},"company_id":"acme"}) }

$t->redis('HSET', 'mfa:company:acme', 'require_2fa', '0');

# -- a touch changes nothing: no read; the tracked instance reads again

$t->redis('SET', 'sess:s1', json('ann'), 'EX', 3600);
ok(cached('s1'), 'a session cached');
ok(cached('s1', $u), 'and in the tracked instance');

$t->redis('EXPIRE', 'sess:s1', 3600);
my $before = reads();
is(user(get('s1')), 'ann', 'touched (EXPIRE): the same user');
is(reads(), $before, 'touched: nothing read in Redis');

$before = reads();
get('s1', $u);
ok(reads() > $before, 'the tracked instance reads it again after a touch');

$before = reads();
for (1 .. 20) {
    $t->redis('EXPIRE', 'sess:s1', 3600);
    get('s1');
}
is(reads(), $before, '20 requests, each after a touch: nothing read');

# -- every command that changes or ends a session: seen at the next request

sub changed {
    my ($what, $sid, $expect, @commands) = @_;

    ok(cached($sid), "$what: cached before");
    $t->redis(@$_) for @commands;
    is(user(get($sid)), $expect, "$what: seen at the next request");
}

changed('SET', 's1', 'bob', [ 'SET', 'sess:s1', json('bob') ]);
changed('SETEX', 's1', 'carl', [ 'SETEX', 'sess:s1', 60, json('carl') ]);
changed('PSETEX', 's1', 'dan', [ 'PSETEX', 'sess:s1', 60000, json('dan') ]);
changed('GETSET', 's1', 'eve', [ 'GETSET', 'sess:s1', json('eve') ]);
changed('MSET', 's1', 'fay', [ 'MSET', 'sess:s1', json('fay'), 'x', 1 ]);
changed('SETRANGE', 's1', 'gus',
        [ 'SET', 'sess:s1', json('abc') ], [ 'GET', 'sess:s1' ],
        [ 'SETRANGE', 'sess:s1', 15, 'gus' ]);

$t->redis('SET', 'sess:s1', json('hal'));
ok(cached('s1'), 'APPEND: cached before');
$t->redis('SET', 'sess:s1', '{"user":{"id":"ida"},"company_id":"acme"');
get('s1');
ok(cached('s1'), 'an incomplete record, cached');
$t->redis('APPEND', 'sess:s1', '}');
is(user(get('s1')), 'ida', 'APPEND: seen at the next request');

changed('DEL', 's1', '', [ 'DEL', 'sess:s1' ]);
$t->redis('SET', 'sess:s1', json('jay'));
is(user(get('s1')), 'jay', 'an absent session created by SET: seen');
changed('UNLINK', 's1', '', [ 'UNLINK', 'sess:s1' ]);
$t->redis('SET', 'sess:s1', json('kim'));
changed('GETDEL', 's1', '', [ 'GETDEL', 'sess:s1' ]);
$t->redis('SET', 'sess:s1', json('lee'));
changed('EXPIRE 0 (a deletion)', 's1', '', [ 'EXPIRE', 'sess:s1', 0 ]);

$t->redis('SET', 'sess:s1', json('max'));
changed('RENAME onto it', 's1', 'ned',
        [ 'SET', 'other', json('ned') ], [ 'RENAME', 'other', 'sess:s1' ]);
changed('RENAME away', 's1', '', [ 'RENAME', 'sess:s1', 'gone' ]);
changed('RENAME to it (created)', 's1', 'ned',
        [ 'RENAME', 'gone', 'sess:s1' ]);
changed('COPY onto it', 's1', 'ola',
        [ 'SET', 'other', json('ola') ],
        [ 'COPY', 'other', 'sess:s1', 'REPLACE' ]);

my $dump = $t->redis('DUMP', 'other');
$t->redis('SET', 'sess:s1', json('pat'));
is(user(get('s1')), 'pat', 'RESTORE: another user first');
changed('RESTORE onto it', 's1', 'ola',
        [ 'RESTORE', 'sess:s1', 0, $dump, 'REPLACE' ]);

changed('MOVE to another database', 's1', '', [ 'MOVE', 'sess:s1', 1 ]);
{
    # MOVE back, from database 1 into 0: "move_to" in database 0
    my @c = ('redis-cli', '-p', $t->redis_port, '-n', 1, 'MOVE', 'sess:s1', 0);
    system(@c) == 0 or die "redis-cli: $?";
    $t->redis('PING');
}
is(user(get('s1')), 'ola', 'MOVE back from another database: seen');

# a hash session (Spring Session keeps its attributes in a hash)

sub hget { $t->http(GET => '/h/page', headers => { %NAV, Cookie => "sid=$_[0]" }) }

sub hcached {
    my ($sid) = @_;
    return until_cached($t, sub { hget($sid) });
}

$t->redis('HSET', 'hsess:h1', 'uid', '41', 'company', 'acme');
is(user(hget('h1')), '41', 'a hash session');
ok(hcached('h1'), 'cached');
$t->redis('HSET', 'hsess:h1', 'uid', 'vic');
is(user(hget('h1')), 'vic', 'HSET: seen at the next request');
ok(hcached('h1'), 'cached again');
$t->redis('HSET', 'hsess:h1', 'uid', '41');
hget('h1');
ok(hcached('h1'), 'cached again');
$t->redis('HINCRBY', 'hsess:h1', 'uid', 1);
is(user(hget('h1')), '42', 'HINCRBY: seen at the next request');
ok(hcached('h1'), 'cached again');
$t->redis('HINCRBYFLOAT', 'hsess:h1', 'uid', 1);
is(user(hget('h1')), '43', 'HINCRBYFLOAT: seen at the next request');
ok(hcached('h1'), 'cached again');
$t->redis('HDEL', 'hsess:h1', 'uid');
is(saw(hget('h1'), 'X-MFA-Status'), 'anonymous',
   'HDEL of the user: anonymous at the next request');

$t->redis('SET', 'sess:n1', 'x');
$t->redis('DEL', 'sess:n1');
ok(cached('n1'), 'a session id not in Redis: cached as absent');
$t->redis('SET', 'sess:n1', json('new'));
is(user(get('n1')), 'new', 'created: seen at the next request');
$t->redis('DEL', 'sess:n1');
ok(cached('n1'), 'absent again, cached');
$t->redis('INCRBY', 'sess:n1', 5);
is(get('n1')->status, 403, 'created by INCRBY (not a record): seen');

# -- the store commands of lists, sets and sorted sets replace a key of any
#    type: seen when Redis sends their classes ("l", "s", "z"; not needed)

$t->redis('CONFIG', 'SET', 'notify-keyspace-events', 'Eg$hxnlsz');
$t->redis('SADD', 'tmpset', 'a');
$t->redis('ZADD', 'tmpz', 1, 'a');
$t->redis('RPUSH', 'tmplist', 'a');
$t->redis('GEOADD', 'tmpgeo', 13.4, 52.5, 'a');
for my $store ([ 'SUNIONSTORE', 'sess:s3', 'tmpset' ],
               [ 'SINTERSTORE', 'sess:s3', 'tmpset' ],
               [ 'SDIFFSTORE', 'sess:s3', 'tmpset' ],
               [ 'ZUNIONSTORE', 'sess:s3', 1, 'tmpz' ],
               [ 'ZINTERSTORE', 'sess:s3', 1, 'tmpz' ],
               [ 'ZDIFFSTORE', 'sess:s3', 1, 'tmpz' ],
               [ 'ZRANGESTORE', 'sess:s3', 'tmpz', 0, -1 ],
               [ 'SORT', 'tmplist', 'ALPHA', 'STORE', 'sess:s3' ],
               [ 'GEORADIUS', 'tmpgeo', 13.4, 52.5, 10, 'km', 'STORE', 'sess:s3' ],
               [ 'GEOSEARCHSTORE', 'sess:s3', 'tmpgeo', 'FROMLONLAT', 13.4, 52.5,
                 'BYRADIUS', 10, 'km' ]) {
    my $what = $store->[0];
    $t->redis('SET', 'sess:s3', json('una'));
    is(user(get('s3')), 'una', "$what: a session");
    ok(cached('s3'), "$what: cached before");
    $t->redis(@$store);
    is(get('s3')->status, 403, "$what onto it (not a record): seen at the next request");
}
$t->redis('CONFIG', 'SET', 'notify-keyspace-events', 'Eg$hxn');

# -- notifications switched off: read at every request, and a warning;
#    back on: what was cached before is forgotten

$t->redis('SET', 'sess:s2', json('wes'));
ok(cached('s2'), 'cached with events on');

$t->redis('CONFIG', 'SET', 'notify-keyspace-events', '');
sleep 1.3;
$t->redis('SET', 'sess:s2', json('xia'));
is(user(get('s2')), 'xia', 'events off for a second: a change without an '
                           . 'event is seen (the session read again)');
$before = reads();
get('s2') for 1 .. 3;
ok(reads() >= $before + 3, 'events off: every request reads the session');

sleep 1;
like($t->error_log, qr/sent no keyspace event of the probe "mfa:probe:[0-9a-f]{32}:" for \d+ ms: sessions are read at every request until it does \("mfa_session_events" needs notify-keyspace-events with at least "Eg\$hxn"/,
     'the missing events are logged');

$t->redis('SET', 'sess:s2', json('yan'));
$t->redis('CONFIG', 'SET', 'notify-keyspace-events', 'Eg$hxn');
ok(cached('s2'), 'events back: cached again');
is(user(get('s2')), 'yan', 'with what Redis holds now');
like($t->error_log, qr/sends keyspace events again: sessions are cached/,
     'their return is logged');

# -- switched off and on again at once, or a SWAPDB: no event says so, but
#    the next round's INFO stats commandstats does (CONFIG SET, SWAPDB
#    counted; CONFIG RESETSTAT: fewer commands)

$t->redis('SET', 'sess:s2', json('ali'));
ok(cached('s2'), 'cached');
$t->redis('CONFIG', 'SET', 'notify-keyspace-events', '');
$t->redis('SET', 'sess:s2', json('bea'));
$t->redis('CONFIG', 'SET', 'notify-keyspace-events', 'Eg$hxn');
sleep 1.2;
is(user(get('s2')), 'bea', 'events off and on again at once: the change '
                           . 'made meanwhile is seen within a second');

# the same, then CONFIG RESETSTAT: the counts come back to where an
# earlier RESETSTAT left them, but the commands counted are fewer (found by
# a black-box test)
$t->redis('CONFIG', 'RESETSTAT');
sleep 0.6;
$t->redis('SET', 'sess:s2', json('bob'));
ok(cached('s2'), 'cached after a CONFIG RESETSTAT');
$t->redis('MULTI');
$t->redis('CONFIG', 'SET', 'notify-keyspace-events', '');
$t->redis('SET', 'sess:s2', json('bea'));
$t->redis('CONFIG', 'SET', 'notify-keyspace-events', 'Eg$hxn');
$t->redis('CONFIG', 'RESETSTAT');
$t->redis('EXEC');
sleep 1.2;
is(user(get('s2')), 'bea', 'events off and on again, then CONFIG RESETSTAT, '
                           . 'in one transaction: seen within a second');

$t->redis('SET', 'sess:s2', json('cid'));
ok(cached('s2'), 'cached');
{
    # the same data in database 1, but this session's user
    my @c = ('redis-cli', '-p', $t->redis_port, '-n', 1);
    system(@c, 'SET', 'sess:s2', json('dee')) == 0 or die "redis-cli: $?";
    system(@c, 'HSET', 'mfa:company:acme', 'require_2fa', '0') == 0
        or die "redis-cli: $?";
}
$t->redis('SWAPDB', 0, 1);
sleep 1.2;
is(user(get('s2')), 'dee', 'SWAPDB: the session of the database swapped in, '
                           . 'within a second');
$t->redis('SWAPDB', 0, 1);
sleep 1.2;
is(user(get('s2')), 'cid', 'swapped back: within a second');

# -- a class missing: the probe proves each one it needs

$t->redis('CONFIG', 'SET', 'notify-keyspace-events', 'Eg$x');
sleep 1.3;
$before = reads();
get('s2') for 1 .. 3;
ok(reads() >= $before + 3, 'without "h" and "n": sessions read every time');
$t->redis('CONFIG', 'SET', 'notify-keyspace-events', 'KEA');
$before = reads();
get('s2') for 1 .. 3;
ok(reads() >= $before + 3, '"KEA" lacks "n": sessions still read every time');
$t->redis('CONFIG', 'SET', 'notify-keyspace-events', 'KEAn');
ok(cached('s2'), '"KEAn": cached again');

# -- the probe's connection killed: it comes back, and the cache with it

my $clients = $t->redis('CLIENT', 'LIST');
my ($probe) = map { /\bid=(\d+)\b/ ? $1 : () }
              grep { /\bcmd=(?:set|del|hset|exists|info)\b/ }
              split /\n/, $clients;
ok($probe, 'the probe writes on a connection of its own');
$t->redis('CLIENT', 'KILL', 'ID', $probe) if $probe;
$t->redis('SET', 'sess:s2', json('zed'));
is(user(get('s2')), 'zed', 'a change right after: seen');
ok(cached('s2'), 'the probe is back: cached again');

# -- Redis without notifications from the start

$t->stop();
$u->stop();
$t->stop_redis();
$t->start_redis(args => []);
$t->run(gate_conf($t, http => 'mfa_session_events on;'));
$t->redis('HSET', 'mfa:company:acme', 'require_2fa', '0');
$t->redis('SET', 'sess:s3', json('abe'));
get('s3') for 1 .. 5;
sleep 1;
$before = reads();
is(user(get('s3')), 'abe', 'no notifications: through as the user');
my $one = reads() - $before;
ok($one >= 1, "the session read ($one reads)");
$before = reads();
get('s3');
is(reads() - $before, $one, 'and read again at the next request');
sleep 2;
like($t->error_log, qr/sent no keyspace event of the probe/,
     'logged');
unlike($t->error_log, qr/\[(?:alert|crit|emerg)\]/, 'nothing worse');

$u->finish();
$t->done_testing();
