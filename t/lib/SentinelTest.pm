package SentinelTest;

# Redis replicas and Redis Sentinels for the high-availability tests, on
# top of MfaTest (whose start_redis() is the first master): real
# redis-server and redis-sentinel processes from Debian, on free loopback
# ports, killed when the test ends, even when it dies.
#
#   $t->start_redis(args => [SentinelTest::master_args()]);
#   my $r = SentinelTest::start_replica($t, 'r1', $t->redis_port);
#   my $s = SentinelTest::start_sentinel($t, 's1', 'mymaster',
#                                        $t->redis_port, quorum => 1);
#   SentinelTest::cli($port, 'ROLE');               # redis-cli, raw output
#   SentinelTest::master_of($s, 'mymaster');        # "port" or undef
#   SentinelTest::wait_for(sub { ... }, 20, 'what') # dies after 20 s
#   SentinelTest::kill_server($t, 'r1', 'KILL');
#   SentinelTest::start_server($t, 'r1');            # back, empty, a master
#   SentinelTest::signal_server('r1', 'STOP');       # frozen ('CONT': back)

use strict;
use warnings;

use POSIX qw(_exit WNOHANG);
use Time::HiRes qw(sleep time);

my %PROCS;      # name => [pid, owner pid]

sub _spawn {
    my ($t, $name, @cmd) = @_;

    my $pid = fork();
    die "fork: $!\n" unless defined $pid;

    if ($pid == 0) {
        open STDOUT, '>>', $t->path("$name.log");
        open STDERR, '>&', \*STDOUT;
        exec @cmd or _exit(127);
    }

    $PROCS{$name} = [$pid, $$];

    return $pid;
}

sub cli {
    my ($port, @args) = @_;

    # a server down is an empty answer, not a line on the test's output
    my $pid = open my $fh, '-|';
    die "fork: $!\n" unless defined $pid;

    if ($pid == 0) {
        open STDERR, '>', '/dev/null';
        exec 'redis-cli', '-p', $port, '--raw', @args or _exit(127);
    }

    local $/;
    my $out = <$fh> // '';
    close $fh;

    return $out;
}

sub wait_for {
    my ($code, $seconds, $what) = @_;

    my $deadline = time() + $seconds;

    while (time() < $deadline) {
        my $v = $code->();
        return $v if $v;
        sleep 0.1;
    }

    die "timed out after $seconds s waiting for $what\n";
}

sub _up {
    my ($port) = @_;
    return wait_for(sub { cli($port, 'PING') =~ /^PONG/ }, 10,
                    "PONG on port $port");
}

# for a master: a replica's first sync at once (Redis 7 waits 5 s for
# more replicas to share a diskless one)
sub master_args { return ('--repl-diskless-sync-delay', '0') }

# a master of its own on the port of $name (one killed, say), empty
sub start_server {
    my ($t, $name) = @_;

    my $port = $t->port($name);

    _spawn($t, $name, 'redis-server', '--port', $port, '--bind',
           '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir',
           $t->testdir(), '--dbfilename', "$name.rdb", master_args());
    _up($port);

    return $port;
}

# a replica of the master on master_port, once in sync with it
sub start_replica {
    my ($t, $name, $master_port) = @_;

    my $port = $t->port($name);

    _spawn($t, $name, 'redis-server', '--port', $port, '--bind',
           '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir',
           $t->testdir(), '--dbfilename', "$name.rdb",
           '--replicaof', '127.0.0.1', $master_port,
           master_args());
    _up($port);
    wait_for(sub { cli($port, 'INFO', 'replication')
                   =~ /master_link_status:up/ }, 20, "replica $name in sync");

    return $port;
}

# a sentinel monitoring the master on master_port as $master; %opt:
# quorum (1), down_after (ms, 1000), failover_timeout (ms, 5000),
# password (the sentinel's own requirepass)
sub start_sentinel {
    my ($t, $name, $master, $master_port, %opt) = @_;

    my $port = $t->port($name);
    my $down = $opt{down_after} // 1000;
    my $timeout = $opt{failover_timeout} // 5000;

    # the sentinel rewrites its configuration file: one of its own
    my $conf = $t->write_file("$name.conf", <<"EOF");
port $port
bind 127.0.0.1
dir @{[ $t->testdir() ]}
sentinel monitor $master 127.0.0.1 $master_port @{[ $opt{quorum} // 1 ]}
sentinel down-after-milliseconds $master $down
sentinel failover-timeout $master $timeout
sentinel parallel-syncs $master 1
@{[ defined $opt{password} ? "requirepass $opt{password}" : '' ]}
EOF

    _spawn($t, $name, 'redis-sentinel', $conf);
    wait_for(sub { cli($port, defined $opt{password}
                              ? ('-a', $opt{password}, '--no-auth-warning')
                              : (), 'PING') =~ /^PONG/ },
             10, "PONG from sentinel $name");

    return $port;
}

# the master's port as a sentinel names it, or undef
sub master_of {
    my ($sentinel_port, $master) = @_;

    my @a = split /\n/, cli($sentinel_port, 'SENTINEL',
                            'get-master-addr-by-name', $master);

    return @a == 2 ? $a[1] : undef;
}

sub kill_server {
    my ($t, $name, $sig) = @_;

    my $p = delete $PROCS{$name} or return;
    kill $sig // 'TERM', $p->[0];
    waitpid $p->[0], 0;
}

# a signal to a server that stays ours (STOP freezes it: no reply, no ack)
sub signal_server {
    my ($name, $sig) = @_;

    my $p = $PROCS{$name} or die "no server $name\n";
    kill $sig, $p->[0] or die "kill $sig $name: $!\n";
}

sub _cleanup {
    for my $name (keys %PROCS) {
        my ($pid, $owner) = @{$PROCS{$name}};
        next unless $owner == $$;
        kill 'KILL', $pid;
        waitpid $pid, 0;
    }

    %PROCS = ();
}

END {
    local ($?, $!);
    _cleanup();
}

1;
