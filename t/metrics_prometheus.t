# mfa_metrics scraped by a real Prometheus server (Debian's prometheus):
# the target is up, the scrape has no error, and the counters Prometheus
# stored are the ones the gate counted, queried through its HTTP API.

use strict;
use warnings;

use lib 't/lib';
use MfaTest;
use GateTest;
use Test::More;
use HTTP::Tiny;
use JSON::PP qw(decode_json);
use POSIX qw(_exit);
use Time::HiRes qw(sleep time);

my $prometheus = $ENV{TEST_PROMETHEUS_BINARY} // '/usr/bin/prometheus';
plan skip_all => 'prometheus is not installed (make deps)' unless -x $prometheus;

my $t = MfaTest->new();
$t->start_redis();
$t->start_upstream();
$t->run(gate_conf($t,
    locations => 'location = /metrics { mfa_metrics; allow 127.0.0.1; deny all; }'));

# two decisions of each of two kinds
session($t, 'A1', 'ann', 'free');
session($t, 'V1', 'vera', 'free');
enrol($t, 'vera', 1);
verify($t, 'V1', 'vera', 1);
my %status;
for my $sid (qw(A1 A1 V1 V1)) {
    $status{$_}++ for $t->http(GET => '/page',
                               headers => { %NAV, Cookie => "sid=$sid" })->status;
}
is_deeply(\%status, { 200 => 4 }, 'four requests through the gate');

# Prometheus scraping /metrics every second, its storage in the test directory
my $api = $t->port('prometheus');
my $target = '127.0.0.1:' . $t->port('http');
$t->write_file('prometheus.yml', <<"YML");
global:
  scrape_interval: 1s
  scrape_timeout: 1s
scrape_configs:
  - job_name: mfa
    metrics_path: /metrics
    static_configs:
      - targets: ['$target']
YML

my $pid = fork();
die "fork: $!\n" unless defined $pid;
if ($pid == 0) {
    setpgrp(0, 0);
    open STDOUT, '>', $t->path('prometheus.log');
    open STDERR, '>&', \*STDOUT;
    exec $prometheus, '--config.file=' . $t->path('prometheus.yml'),
         '--storage.tsdb.path=' . $t->path('tsdb'),
         "--web.listen-address=127.0.0.1:$api"
        or _exit(127);
}
my $guard = bless { pid => $pid }, 'PrometheusGuard';

my $http = HTTP::Tiny->new(timeout => 2);

# a PromQL query's single value, or undef
sub query {
    my ($promql) = @_;
    my $r = $http->get("http://127.0.0.1:$api/api/v1/query?query="
                       . MfaTest::urlencode($promql));
    return undef unless $r->{success};
    my $res = decode_json($r->{content})->{data}{result} // [];
    return @$res == 1 ? $res->[0]{value}[1] : undef;
}

sub wait_for {
    my ($promql, $want) = @_;
    my $got;
    my $deadline = time() + 30;
    while (time() < $deadline) {
        $got = query($promql);
        return $got if defined $got && $got eq $want;
        sleep 0.25;
    }
    return $got;
}

is(wait_for('up{job="mfa"}', '1'), '1', 'Prometheus scrapes the target: up');

my $r = $http->get("http://127.0.0.1:$api/api/v1/targets");
my ($tg) = @{ decode_json($r->{content})->{data}{activeTargets} // [] };
is($tg->{health}, 'up', 'the target is healthy');
is($tg->{lastError}, '', '... with no scrape error (the exposition parsed)');

is(wait_for('mfa_requests_total{decision="not_required"}', '2'), '2',
   'Prometheus stored mfa_requests_total{decision="not_required"} 2');
is(wait_for('mfa_requests_total{decision="verified"}', '2'), '2',
   '... and {decision="verified"} 2');
my $count = query('mfa_redis_round_trip_seconds_count');
ok(defined $count && $count >= 1, 'the round-trip histogram: ' . ($count // 'none'));
my $p99 = query('histogram_quantile(0.99, mfa_redis_round_trip_seconds_bucket)');
ok(defined $p99 && $p99 > 0, "histogram_quantile() over its buckets: $p99 s");

undef $guard;
$t->done_testing();

package PrometheusGuard;

use POSIX qw(WNOHANG);

sub DESTROY {
    my ($self) = @_;
    local ($?, $@, $!);
    kill 'TERM', -$self->{pid};
    for (1 .. 100) {
        return if waitpid($self->{pid}, WNOHANG) == $self->{pid};
        select undef, undef, undef, 0.05;
    }
    kill 'KILL', -$self->{pid};
    waitpid($self->{pid}, 0);
}
