# A Redis outage under load does not flood the error log: the connection
# logs when it goes and when it is back (with how long, and how many
# queries failed meanwhile), and the per-request "could not be read" line
# comes at most once a second per worker, with a count of those it stands
# for.  wrk loads the gate while redis-server is killed.

use strict;
use warnings;

use lib 't/lib';
use MfaTest;
use GateTest;
use Test::More;
use Time::HiRes qw(sleep time);

my $t = MfaTest->new();

$t->start_redis();
$t->start_upstream();
$t->allow_log(qr/mfa: /);
$t->write_file('html/s/page', "a page\n");
$t->write_file('html/o/page', "a page\n");

# static files behind the gate: the load is on nginx, not on the test's
# upstream
$t->run(gate_conf($t, timeout => '200ms',
                  locations => <<'CONF'));
        location /s/ {
            mfa on;
            root %%TESTDIR%%/html;
        }

        location /o/ {
            mfa on;
            mfa_fail open;
            root %%TESTDIR%%/html;
        }
CONF

session($t, 's', 'u1', 'globex');

my $url = 'http://127.0.0.1:' . $t->port('http');

sub load {
    my ($path, $seconds) = @_;

    my $out = `wrk -t1 -c20 -d${seconds}s -H 'Cookie: sid=s' -H 'Accept: text/html' $url$path 2>&1`;
    my ($n) = $out =~ /(\d+) requests in/;

    return $n // 0;
}

is($t->http(GET => '/s/page', headers => { %NAV, Cookie => 'sid=s' })
   ->status, 200, 'Redis up: through');

$t->kill_redis();

my $start = time;
my $closed = load('/s/page', 2);
my $open = load('/o/page', 1);
my $elapsed = time - $start;

cmp_ok($closed, '>', 200, "under load while Redis is down ($closed requests)");
cmp_ok($open, '>', 100, "and with mfa_fail open ($open requests)");

# the harness logs at debug level, some entries over several lines: what
# counts is the rest
my $log = join '', grep { !/^\S+ \S+ \[debug\]/ }
                   split /^(?=\d{4}\/\d\d\/\d\d )/m, $t->error_log;
my $lines = () = $log =~ /2FA state could not be read/g;

# one a second of each kind (refused, let through), and one when each
# run starts
cmp_ok($lines, '<=', 2 * int($elapsed) + 4,
       "$lines lines for " . ($closed + $open) . " failed requests in "
       . sprintf('%.1f', $elapsed) . ' s');
like($log, qr/2FA state could not be read \(and for [1-9]\d* more requests since the last such line\)/,
     'a line counts the requests it stands for');
like($log, qr/2FA state could not be read, let through by "mfa_fail open"/,
     'mfa_fail open says so');
cmp_ok(length($log), '<', 20_000, 'the error log stays small');

$t->restart_redis();

my $ok;
for (1 .. 60) {
    $ok = $t->http(GET => '/s/page', headers => { %NAV, Cookie => 'sid=s' });
    last if $ok->status == 200;
    sleep 0.1;
}

is($ok->status, 200, 'Redis back: through again');
like($t->error_log, qr/mfa: Redis at "[^"]+" is back after \d+ ms and \d+ failed connection attempts; [1-9]\d* queries failed meanwhile/,
     'one line when Redis is back, with what failed meanwhile');

$t->done_testing();
