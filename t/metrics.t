# mfa_metrics: the gate's counters in the Prometheus text format, summed
# over the workers (two here, connections spread by reuseport), parsed
# with the Prometheus project's own parser (Debian's
# python3-prometheus-client).  Each kind of decision counted exactly;
# cache hits and misses; Redis round trips in the histogram; errors, a
# reconnection and nothing in flight once Redis was down and came back.

use strict;
use warnings;

use lib 't/lib';
use MfaTest;
use GateTest;
use Test::More;
use Time::HiRes qw(sleep);

my $python = '/usr/bin/python3';
plan skip_all => 'python3-prometheus-client is not installed (make deps)'
    unless system($python, '-c', 'import prometheus_client.parser') == 0;

my $t = MfaTest->new();
$t->start_redis();
$t->start_upstream();

my $conf = "worker_processes 2;\n" . gate_conf($t,
    http => q{log_format pids '$pid $status $mfa_status';
    access_log %%TESTDIR%%/pids.log pids;},
    locations => 'location = /metrics { mfa_metrics; allow 127.0.0.1; deny all; }');
$conf =~ s/listen 127\.0\.0\.1:%%PORT_HTTP%%;/listen 127.0.0.1:%%PORT_HTTP%% reuseport;/
    or die "no listen in gate_conf\n";
$t->run($conf);

# the exposition through prometheus_client: { 'name{k="v",...}' => value }
my $typed;

sub scrape {
    my $res = $t->http(GET => '/metrics');
    die 'scrape: ' . $res->status . "\n" unless $res->status == 200;
    like($res->header('Content-Type'), qr{^text/plain; version=0\.0\.4},
         'the text format\'s content type') if !$typed++;

    my $file = $t->path('scrape.txt');
    $t->write_file('scrape.txt', $res->body);
    my $out = `$python - $file <<'PY'
import sys
from prometheus_client.parser import text_string_to_metric_families
for family in text_string_to_metric_families(open(sys.argv[1]).read()):
    for s in family.samples:
        labels = ",".join('%s="%s"' % kv for kv in sorted(s.labels.items()))
        print("%s %s{%s} %r" % (family.type, s.name, labels, s.value))
PY`;
    die "the parser refused the exposition\n" if $?;

    my %m;
    for (split /\n/, $out) {
        my ($type, $name, $value) = /^(\S+) (\S+) (\S+)$/ or next;
        $m{$name} = $value + 0;
        $m{"type:$1"} = $type if $name =~ /^(\w+)\{/;
    }
    return \%m;
}

sub decisions {
    my ($m) = @_;
    my %d;
    for (keys %$m) {
        $d{$1} = $m->{$_} if /^mfa_requests_total\{decision="(\w+)"\}$/;
    }
    return \%d;
}

my $before = scrape();
is($before->{'type:mfa_requests_total'}, 'counter', 'mfa_requests_total: a counter');
is($before->{'type:mfa_redis_round_trip_seconds_bucket'}, 'histogram',
   'mfa_redis_round_trip_seconds: a histogram');
is($before->{'type:mfa_redis_queries_in_flight'}, 'gauge',
   'mfa_redis_queries_in_flight: a gauge');
is_deeply([ grep { $_ } values %{ decisions($before) } ], [],
          'nothing counted yet');

# each kind of decision, over new connections
$t->redis('HSET', 'mfa:company:strict', 'require_2fa', 1);
session($t, 'A1', 'ann', 'free');            # no 2FA, none required
session($t, 'E1', 'eve', 'strict');          # must enrol
session($t, 'C1', 'carl', 'free');           # enrolled, not verified
enrol($t, 'carl', 1);
session($t, 'V1', 'vera', 'free');           # verified
enrol($t, 'vera', 1);
verify($t, 'V1', 'vera', 1);
$t->redis('SET', 'sess:BAD', 'not json');    # unreadable: denied

my %want = (anonymous => 6, not_required => 4, enroll => 2, challenge => 3,
            verified => 8, deny => 1);
my %cookie = (anonymous => undef, not_required => 'A1', enroll => 'E1',
              challenge => 'C1', verified => 'V1', deny => 'BAD');
my %status = (anonymous => 200, not_required => 200, enroll => 302,
              challenge => 302, verified => 200, deny => 403);
my @bad;
for my $kind (sort keys %want) {
    for (1 .. $want{$kind}) {
        my %h = %NAV;
        $h{Cookie} = "sid=$cookie{$kind}" if defined $cookie{$kind};
        my $r = $t->http(GET => '/page', headers => \%h);
        push @bad, "$kind: " . $r->status if $r->status != $status{$kind};
    }
}
is_deeply(\@bad, [], 'every request got the response of its kind');

my %pids = map { (split / /)[0] => 1 } grep { / \S+$/ }
           split /\n/, $t->read_file('pids.log');
is(scalar keys %pids, 2, 'both workers served some of them');

my $after = scrape();
my $d = decisions($after);
is_deeply({ map { $_ => $d->{$_} } grep { $d->{$_} } keys %$d }, \%want,
          'mfa_requests_total: each decision counted once, summed over the workers');

ok($after->{'mfa_cache_facts_total{result="hit"}'} >= 1,
   'facts from the cache counted');
ok($after->{'mfa_cache_facts_total{result="miss"}'} >= 1,
   '... and those read in Redis');

# every fact the cache did not have was read with at least one command
my $misses = $after->{'mfa_cache_facts_total{result="miss"}'};
my $count = $after->{'mfa_redis_round_trip_seconds_count{}'} // 0;
ok($count >= $misses,
   "Redis round trips: $count for $misses facts read in Redis");
is($after->{'mfa_redis_round_trip_seconds_bucket{le="+Inf"}'}, $count,
   '... the +Inf bucket holds them all');
ok($after->{'mfa_redis_round_trip_seconds_sum{}'} > 0, '... and took some time');
is($after->{'mfa_redis_queries_in_flight{}'}, 0, 'nothing in flight at rest');

is_deeply(decisions(scrape()), $d, 'a scrape is not a request the gate counts');

# Redis down: 503s, errors; back: a reconnection
$t->kill_redis();
my @down = map { $t->http(GET => '/page', headers => { %NAV, Cookie => 'sid=A1' })->status } 1 .. 4;
is_deeply(\@down, [ (503) x 4 ], 'Redis down: 503 (mfa_fail closed)');
my $m = scrape();
is(decisions($m)->{unavailable}, 4, 'mfa_requests_total: 4 unavailable');
my $errors = 0;
$errors += $m->{"mfa_redis_errors_total{reason=\"$_\"}"} for qw(not_connected no_reply);
ok($errors >= 4, "mfa_redis_errors_total: $errors queries without a reply");

$t->start_redis();
session($t, 'A2', 'ann', 'free');
my $ok = 0;
for (1 .. 60) {
    $ok = $t->http(GET => '/page', headers => { %NAV, Cookie => 'sid=A2' })->status == 200;
    last if $ok;
    sleep 0.1;
}
ok($ok, 'Redis back: through again');
$m = scrape();
ok($m->{'mfa_redis_reconnects_total{}'} >= 1,
   'mfa_redis_reconnects_total: ' . $m->{'mfa_redis_reconnects_total{}'});
is($m->{'mfa_redis_queries_in_flight{}'}, 0, 'nothing in flight');

# counters survive a reload
my $verified = decisions($m)->{verified};
ok($t->reload(), 'reload');
is(decisions(scrape())->{verified}, $verified, 'the counters survive a reload');

$t->done_testing();
