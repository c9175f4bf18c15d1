# One Redis round trip per request: N gated requests send exactly N
# commands to Redis (one EVALSHA each; what the script itself runs is not
# a round trip), an internal redirect does not ask again, and the script
# is sent once more with EVAL only when Redis lost it (SCRIPT FLUSH), the
# pages' script as well.

use strict;
use warnings;

use lib 't/lib';
use IO::Select;
use IO::Socket::INET;
use MfaTest;
use GateTest;
use Test::More;
use Time::HiRes qw(sleep);

my $t = MfaTest->new();
$t->start_redis();
$t->start_upstream();
# every request asks Redis: no reuse of verified decisions here
$t->run(gate_conf($t, server => 'mfa_verified_cache off;',
                  locations => <<'CONF'));
        location /tf/ {
            mfa on;
            try_files $uri /reports-after-redirect;
        }
CONF

session($t, 's', '42', 'acme');
enrol($t, '42', 3);
verify($t, 's', '42', 3);

sub get { $t->http(GET => $_[0], headers => { %NAV, Cookie => 'sid=s' }) }

is(get('/warm-up')->status, 200, 'verified: through');

# what clients (not scripts) send to Redis, seen with MONITOR
sub monitored {
    my ($code) = @_;

    my $m = IO::Socket::INET->new(PeerAddr => '127.0.0.1',
                                  PeerPort => $t->redis_port())
        or die "monitor: $!";
    print $m "MONITOR\r\n";
    my $ok = <$m>;

    $code->();
    sleep 0.3;

    my $buf = '';
    my $sel = IO::Select->new($m);
    while ($sel->can_read(0.2)) {
        sysread($m, $buf, 65536, length $buf) or last;
    }
    close $m;

    my @lines = split /\r\n/, $buf;

    return [ grep { !/\[\d+ lua\]/ } @lines ];
}

my $n = 50;
my $seen = monitored(sub {
    is(get("/page/$_")->status, 200, "request $_ through") for 1 .. $n;
});

is(scalar @$seen, $n, "$n requests: $n commands sent to Redis");
is(scalar(grep { /"EVALSHA"/ } @$seen), $n, 'each an EVALSHA');

# the same, counted by Redis itself
sub calls {
    my $info = $t->redis('INFO', 'commandstats');
    my %c = $info =~ /^cmdstat_(\w+):calls=(\d+)/mg;
    return \%c;
}

my $before = calls();
get("/again/$_") for 1 .. $n;
my $after = calls();

is(($after->{evalsha} // 0) - ($before->{evalsha} // 0), $n,
   "INFO commandstats: $n more EVALSHA for $n requests");
is(($after->{eval} // 0) - ($before->{eval} // 0), 0, 'and no EVAL');

$seen = monitored(sub {
    is(get('/tf/nothing')->status, 200, 'internal redirect: through');
});
is(scalar @$seen, 1, 'an internal redirect does not ask Redis again');

# Redis forgot the script: the next lookup sends it once, then EVALSHA again
$t->redis('SCRIPT', 'FLUSH');

$seen = monitored(sub {
    is(get('/after-flush')->status, 200, 'after SCRIPT FLUSH: through');
    is(get('/after-flush-2')->status, 200, 'and the next one');
});

is_deeply([ map { /"(EVAL(?:SHA)?)"/ ? $1 : '?' } @$seen ],
          [qw(EVALSHA EVAL EVALSHA)],
          'NOSCRIPT: retried once with EVAL, then EVALSHA');

# the pages' script too: the settings page reads the gate, then the user
$t->redis('SCRIPT', 'FLUSH');

$seen = monitored(sub {
    my $r = get('/_mfa/settings');
    is($r->status, 200, 'after SCRIPT FLUSH: the settings page');
    like($r->body, qr{<strong id="codes-left">0</strong>},
         'with what the pages\' script read');
});

is_deeply([ map { /"(EVAL(?:SHA)?)"/ ? $1 : () } @$seen ],
          [qw(EVALSHA EVAL EVALSHA EVAL)],
          "NOSCRIPT: each of the two scripts retried once with EVAL");

$t->done_testing();
