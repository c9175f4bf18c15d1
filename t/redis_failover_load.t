# A Sentinel failover under load (issue 18): a master, a replica, three
# sentinels (quorum 2, one of them down before the failover) and two nginx
# instances with "mfa_redis_sentinel" and "mfa_redis_replicas 1", all real
# processes on loopback.  Two clients send every population's requests to
# both instances while a third enrols users through the pages and turns
# companies' mandates on, through the API and with mfactl --sentinel
# --replicas 1.  A sentinel is down; the master is killed (-9); it comes
# back, empty, and the sentinels make it a replica.
#
# Asserted: no request of a population that must be stopped (enrolled and
# not verified, must enrol) is let through; every population gets its own
# answer or 503, nothing else; both instances serve again once the replica
# is promoted; and every enrolment and policy change a client was told was
# done is on the promoted master.  The 503 window of each instance is
# printed (note), not asserted: timings are the benchmarks' business.

use strict;
use warnings;

use lib 't/lib';
use JSON::PP;
use MfaTest;
use GateTest;
use PagesTest;
use MfactlTest;
use SentinelTest;
use POSIX qw(_exit);
use Test::More;
use Time::HiRes qw(sleep time);

my $token = 'h' x 20 . '0123456789abcdef0123456789abcdef';
my $WRITES = 300;

my $t = MfaTest->new();
my $m = $t->start_redis(args => [SentinelTest::master_args()]);
my $rp = SentinelTest::start_replica($t, 'replica', $m);
my @s = map { SentinelTest::start_sentinel($t, "sentinel$_", 'mymaster', $m,
                                           quorum => 2) } 1 .. 3;

my $u = MfaTest->new();
$t->write_key_file('mfa.key');
$u->write_file('mfa.key', $t->read_file('mfa.key'), 0600);

my %nodes = (a => $t, b => $u);

for my $n (values %nodes) {
    $n->write_file('api.token', "$token\n", 0600);
    $n->allow_log(qr/mfa: |connect\(\) failed|Connection refused/);
}

my $sentinels = join ' ', map { "127.0.0.1:$_" } @s;

# the dashboard: a server of the same nginx, so that the clients measure
# the gate, not a test upstream
sub conf {
    my $c = gate_conf($_[0],
        http => 'mfa_api_token_file %%TESTDIR%%/api.token;
    mfa_redis_replicas 1 500ms;
    server {
        listen 127.0.0.1:%%PORT_UPSTREAM%%;
        location / { return 200 "dashboard\n"; }
    }');
    $c =~ s/mfa_redis +127\.0\.0\.1:%%PORT_REDIS%%;/mfa_redis_sentinel mymaster $sentinels;/
        or die "no mfa_redis line\n";
    return $c;
}

# the populations of SPEC section 9, and what each must get

session($t, 'sv', 'uv', 'strict');
enrol($t, 'uv', 1);
verify($t, 'sv', 'uv', 1);
session($t, 'sc', 'uc', 'strict');
enrol($t, 'uc', 1);
session($t, 'se', 'ue', 'strict');
session($t, 'so', 'uo', 'open');
$t->redis('HSET', 'mfa:company:strict', 'require_2fa', '1');

my %POP = (
    verified  => ['sv', 200],
    challenge => ['sc', 302],
    enrol     => ['se', 302],
    optional  => ['so', 200],
    unknown   => ['sx', 200],
    anonymous => [undef, 200],
);
my %STOPPED = (challenge => 1, enrol => 1);

# the writer's users and companies
for my $i (1 .. $WRITES) {
    session($t, "w$i", "w$i", 'strict');
    $t->redis('SADD', "mfa:company:k$i:members", "w$i");
}

SentinelTest::wait_for(sub {
    SentinelTest::cli($rp, 'EXISTS', "mfa:company:k$WRITES:members") =~ /1/
}, 20, 'the replica to have the records');
SentinelTest::wait_for(sub {
    SentinelTest::cli($s[0], 'SENTINEL', 'replicas', 'mymaster') =~ /\b$rp\b/
}, 20, 'the sentinels to know the replica');

$_->run(conf($_)) for $t, $u;

sub request {
    my ($node, $pop) = @_;
    my $sid = $POP{$pop}[0];
    my $res = $nodes{$node}->http(GET => '/x',
        headers => { %NAV, defined $sid ? (Cookie => "sid=$sid") : () });
    return $res->status // 0;
}

SentinelTest::wait_for(sub { request('a', 'verified') == 200
                             && request('b', 'verified') == 200 },
                       10, 'both instances on the master');

for my $pop (sort keys %POP) {
    for my $node (qw(a b)) {
        is(request($node, $pop), $POP{$pop}[1],
           "before: $pop on $node gets $POP{$pop}[1]");
    }
}

# a sentinel down: two of three still make the quorum
SentinelTest::kill_server($t, 'sentinel3', 'KILL');

# the clients, each logging "time node population status" a line

my @kids;

sub spawn {
    my ($name, $code) = @_;

    my $file = $t->path("$name.log");
    my $pid = fork();
    die "fork: $!\n" unless defined $pid;

    if ($pid == 0) {
        open my $log, '>', $file or _exit(1);
        $log->autoflush(1);
        $SIG{TERM} = sub { close $log; _exit(0) };
        $code->($log);
        close $log;
        _exit(0);
    }

    push @kids, [$pid, $file];
}

for my $c (1 .. 2) {
    spawn("load$c", sub {
        my ($log) = @_;
        my @pops = sort keys %POP;
        for (my $i = 0; ; $i++) {
            my $node = ($i + $c) % 2 ? 'a' : 'b';
            my $pop = $pops[$i % @pops];
            my $st = request($node, $pop);
            printf $log "%.4f %s %s %d\n", time(), $node, $pop, $st;
        }
    });
}

spawn('writer', sub {
    my ($log) = @_;
    for my $i (1 .. $WRITES) {
        my $n = $nodes{$i % 2 ? 'a' : 'b'};

        # an enrolment through the pages: done when the codes are shown
        my $ok = eval {
            my $page = page_get($n, "w$i", '/_mfa/enroll?return=%2F');
            my $secret = secret_of($page) or return 0;
            my $res = page_post($n, "w$i", '/_mfa/enroll',
                                { csrf => csrf_of($page), return => '/',
                                  code => totp($secret) });
            return scalar(() = codes_of($res)) == 10;
        };
        printf $log "%.4f enrol w%d %s\n", time(), $i, $ok ? 'done' : 'not';

        # a mandate turned on: through the API (its actor may make 20
        # changes a minute), else by mfactl through the sentinels
        my $done;
        if ($i % 15 == 1) {
            my $res = $n->http(PUT => "/_mfa/api/companies/k$i/policy",
                headers => { Accept => 'application/json',
                             'Content-Type' => 'application/json',
                             Authorization => "Bearer $token" },
                body => '{"require_2fa":true}');
            $done = ($res->status // 0) == 200;
        } else {
            my ($rc) = mfactl_raw(undef, '--sentinel', "127.0.0.1:$s[0]",
                                  '--sentinel', "127.0.0.1:$s[1]",
                                  '--master', 'mymaster', '--replicas', '1',
                                  'company', 'require', "k$i", 'on');
            $done = $rc == 0;
        }
        printf $log "%.4f policy k%d %s\n", time(), $i,
               $done ? 'done' : 'not';
    }
    sleep 1000;
});

sleep 2;

my $killed = time();
$t->kill_redis();

SentinelTest::wait_for(sub {
    (SentinelTest::master_of($s[0], 'mymaster') // 0) == $rp
}, 60, 'the sentinels to promote the replica');

SentinelTest::wait_for(sub { request('a', 'verified') == 200
                             && request('b', 'verified') == 200 },
                       20, 'both instances on the promoted replica');
sleep 1;

# the killed master back, empty: the sentinels make it a replica, and
# writes are confirmed again (with no replica, WAIT cannot be answered)

SentinelTest::start_server($t, 'redis');
SentinelTest::wait_for(sub {
    SentinelTest::cli($m, 'INFO', 'replication') =~ /master_link_status:up/
}, 30, 'the old master to be a replica in sync');
my $back = time();
sleep 1.5;

for my $k (@kids) {
    kill 'TERM', $k->[0];
    waitpid $k->[0], 0;
}

# what the clients saw

my (%got, %wrong, %other, %last503, %first_ok_after);

for my $c (1 .. 2) {
    open my $fh, '<', $t->path("load$c.log") or die "load$c.log: $!\n";
    while (<$fh>) {
        my ($time, $node, $pop, $st) = split;
        next unless defined $st;
        $got{$pop}{$st}++;
        $wrong{$pop}++ if $STOPPED{$pop} && $st == 200;
        $other{"$pop $st"}++ if $st != $POP{$pop}[1] && $st != 503;
        if ($st == 503) {
            $last503{$node} = $time
                if !defined $last503{$node} || $time > $last503{$node};
        }
    }
}

my $total = 0;
$total += $_ for map { values %$_ } values %got;
ok($total > 200, "the clients sent $total requests");

for my $pop (sort keys %STOPPED) {
    is($wrong{$pop} // 0, 0, "$pop: never let through ("
       . join(', ', map { "$_: $got{$pop}{$_}" } sort keys %{$got{$pop}})
       . ')');
}

is(join('; ', map { "$_ x$other{$_}" } sort keys %other), '',
   'every population got its own answer or 503, nothing else');
ok(($got{verified}{503} // 0) > 0,
   'the failover was seen: 503s while no master was known');

for my $node (qw(a b)) {
    note(sprintf "instance %s: the last 503 %.2f s after the kill", $node,
         ($last503{$node} // $killed) - $killed);
}

# every write a client was told was done is on the promoted master

my (@enrolled, @policies, $not, $after);

open my $w, '<', $t->path('writer.log') or die "writer.log: $!\n";
while (<$w>) {
    my ($time, $what, $id, $done) = split;
    next unless defined $done;
    if ($done ne 'done') { $not++; next }
    push @enrolled, $id if $what eq 'enrol';
    push @policies, $id if $what eq 'policy';
    $after++ if $time > $back;
}

ok(@enrolled > 5 && @policies > 5,
   scalar(@enrolled) . ' enrolments and ' . scalar(@policies)
   . ' policy changes told done, ' . ($not // 0) . ' writes refused');
ok($after, "with the old master back as a replica, writes are done again "
   . "($after)");

my @lost_users = grep {
    SentinelTest::cli($rp, 'HGET', "mfa:user:$_", 'since') !~ /^\d+$/
} @enrolled;
my @lost_policies = grep {
    SentinelTest::cli($rp, 'HGET', "mfa:company:$_", 'require_2fa') !~ /^1$/
} @policies;

is("@lost_users", '', 'every enrolment told done is on the promoted master');
is("@lost_policies", '',
   'every policy change told done is on the promoted master');

# and the gate reads them there: the session that enrolled last before
# the kill is verified, on both instances
my ($last) = grep { 1 } reverse @enrolled;
for my $node (qw(a b)) {
    my $res = $nodes{$node}->http(GET => '/x',
        headers => { %NAV, Cookie => "sid=$last" });
    is($res->status, 200, "$last, enrolled through the pages: through on "
       . "$node, read on the promoted master");
}

$u->stop();
$u->finish();
$t->done_testing();
