# What a gated request sends to Redis: plain reads, never a script (no Lua
# on the request path).  Without the cache, one verified request is two
# pipelined rounds (the session and its marker, then the user and the
# company's policy); with it, nothing once the facts were read, until a
# key changes.  An internal redirect does not ask again.  The pages'
# store script is sent once more with EVAL only when Redis lost it
# (SCRIPT FLUSH).

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

my $locations = <<'CONF';
        location /tf/ {
            mfa on;
            try_files $uri /reports-after-redirect;
        }
CONF

my $no_cache = gate_conf($t, http => 'mfa_cache_size off;',
                         locations => $locations);
my $cache = gate_conf($t, locations => $locations);

session($t, 's', '42', 'acme');
enrol($t, '42', 3);
verify($t, 's', '42', 3);

sub get { $t->http(GET => $_[0], headers => { %NAV, Cookie => 'sid=s' }) }

# what clients (not scripts) send to Redis, seen with MONITOR, without the
# worker's own invalidation checks (SUBSCRIBE)
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

    return [ grep { !/\[\d+ lua\]/ && !/"SUBSCRIBE"/ } @lines ];
}

sub commands { [ map { /\] "(\w+)"/ ? $1 : '?' } @{ $_[0] } ] }

# without the cache: every request reads every fact

$t->run($no_cache);

is(get('/warm-up')->status, 200, 'verified: through');

my $n = 20;
my $seen = monitored(sub {
    is(get("/page/$_")->status, 200, "request $_ through") for 1 .. $n;
});

is(scalar @$seen, 6 * $n, "$n requests without the cache: " . 6 * $n
   . ' commands');
is_deeply([ sort(uniq(@{ commands($seen) })) ],
          [qw(GET GETRANGE HGET HMGET PTTL)],
          'plain reads: PTTL, GETRANGE, GET, HMGET, HGET');
is(scalar(grep { /"EVAL/ } @$seen), 0, 'no script on the request path');

sub uniq { my %s; grep { !$s{$_}++ } @_ }

# the same, counted by Redis itself
sub calls {
    my $info = $t->redis('INFO', 'commandstats');
    my %c = $info =~ /^cmdstat_(\w+):calls=(\d+)/mg;
    return \%c;
}

my $before = calls();
get("/again/$_") for 1 .. $n;
my $after = calls();

is(($after->{getrange} // 0) - ($before->{getrange} // 0), $n,
   "INFO commandstats: $n more GETRANGE for $n requests");
is(($after->{evalsha} // 0) + ($after->{eval} // 0)
   - ($before->{evalsha} // 0) - ($before->{eval} // 0), 0,
   'and no EVALSHA or EVAL');

$seen = monitored(sub {
    is(get('/tf/nothing')->status, 200, 'internal redirect: through');
});
is(scalar @$seen, 6, 'an internal redirect does not ask Redis again');

# with the cache (the default): once read, nothing until a key changes

$t->stop();
$t->run($cache);

my $ready;
for (1 .. 50) {
    get('/warm-up');
    $ready = !@{ monitored(sub { get('/warm-up') }) };
    last if $ready;
}
ok($ready, 'the cache is ready once the worker tracks its reads');

$seen = monitored(sub {
    is(get("/cached/$_")->status, 200, "cached request $_ through")
        for 1 .. $n;
});
is(scalar @$seen, 0, "$n requests with the cache: no command");

$seen = monitored(sub {
    $t->redis('HSET', 'mfa:company:acme', 'note', 'x');
    is(get('/after-write')->status, 200, 'a key read changed: through');
});
is_deeply(commands([ grep { !/"(?:HSET|PING)"/ } @$seen ]), ['HGET'],
          'only that key is read again');

# the pages' script: the settings page reads the gate, then the user;
# Redis forgot the script, so it is sent once more, whole
$t->redis('SCRIPT', 'FLUSH');

$seen = monitored(sub {
    my $r = get('/_mfa/settings');
    is($r->status, 200, 'after SCRIPT FLUSH: the settings page');
    like($r->body, qr{<strong id="codes-left">0</strong>},
         'with what the pages\' script read');
    is(get('/_mfa/settings')->status, 200, 'and again');
});

is_deeply([ map { /"(EVAL(?:SHA)?)"/ ? $1 : () } @$seen ],
          [qw(EVALSHA EVAL EVALSHA)],
          'NOSCRIPT: retried once with EVAL, then EVALSHA');

$t->done_testing();
