package MfactlTest;

# Running mfactl in tests, on top of MfaTest:
#
#   my ($rc, $out, $err) = mfactl($t, 'user', 'show', 'bob');
#       -p <the test's redis port> first, and MFA_REDIS_PASSWORD when the
#       test's redis has a password
#   my ($rc, $out, $err) = mfactl_raw({ ENV => 'value' }, @argv);
#       exactly these arguments; an undef value removes the variable
#   my $doc = mfactl_json($t, @argv);    # --json, decoded; dies on failure
#   my @cmds = monitored($t, sub { ... });
#       the commands (upper case, with their arguments) Redis ran while
#       the sub ran, seen through MONITOR
#
# TEST_MFACTL names the binary (default <repo>/build/mfactl).

use strict;
use warnings;

use Cwd qw(abs_path);
use Exporter qw(import);
use File::Basename qw(dirname);
use File::Spec;
use IO::Socket::INET;
use JSON::PP;
use POSIX qw(_exit);
use Test::More ();
use Time::HiRes qw(sleep time);

our @EXPORT = qw(mfactl mfactl_raw mfactl_json mfactl_bin monitored);

my $REPO = abs_path(File::Spec->catdir(dirname(__FILE__), '..', '..'));
my $BIN = $ENV{TEST_MFACTL} // "$REPO/build/mfactl";

Test::More->builder->BAIL_OUT("no mfactl at $BIN: run \"make mfactl\" or "
    . "set TEST_MFACTL") unless -x $BIN;

my $N = 0;

sub mfactl_bin { $BIN }

sub mfactl_raw {
    my ($env, @argv) = @_;

    my $dir = File::Spec->tmpdir();
    my $base = "$dir/mfactl-test-$$-" . ++$N;

    my $pid = fork();
    die "fork: $!\n" unless defined $pid;

    if ($pid == 0) {
        open STDIN, '<', '/dev/null';
        open STDOUT, '>', "$base.out" or _exit(126);
        open STDERR, '>', "$base.err" or _exit(126);

        for my $k (keys %{$env // {}}) {
            if (defined $env->{$k}) {
                $ENV{$k} = $env->{$k};
            } else {
                delete $ENV{$k};
            }
        }

        exec $BIN, @argv or _exit(127);
    }

    my $deadline = time() + 30;
    my $status;

    while (1) {
        my $w = waitpid($pid, POSIX::WNOHANG());
        if ($w == $pid) {
            $status = $?;
            last;
        }

        if (time() > $deadline) {
            kill 'KILL', $pid;
            waitpid($pid, 0);
            $status = -1;
            last;
        }

        sleep 0.01;
    }

    my ($out, $err) = map {
        my $f = "$base.$_";
        open my $fh, '<', $f or die "$f: $!\n";
        binmode $fh;
        local $/;
        my $c = <$fh>;
        close $fh;
        unlink $f;
        $c;
    } qw(out err);

    my $rc = $status == -1 ? -1
           : $status & 127 ? 128 + ($status & 127)
           : $status >> 8;

    return ($rc, $out, $err);
}

sub mfactl {
    my ($t, @argv) = @_;

    my %env = (MFA_REDIS_PASSWORD => $t->{redis_pass}, MFA_REDIS_USER => undef);

    return mfactl_raw(\%env, '-p', $t->redis_port, @argv);
}

sub mfactl_json {
    my ($t, @argv) = @_;

    my ($rc, $out, $err) = mfactl($t, '--json', @argv);
    die "mfactl --json @argv: exit $rc: $err\n" if $rc != 0;

    return JSON::PP->new->decode($out);
}

# the commands Redis ran while $code ran (MONITOR), as array references
# [COMMAND, args...], without the monitor's own
sub monitored {
    my ($t, $code) = @_;

    my $s = IO::Socket::INET->new(
        PeerAddr => '127.0.0.1', PeerPort => $t->redis_port, Proto => 'tcp',
        Timeout => 2,
    ) or die "monitor: connect: $!\n";

    my $req = '';
    $req .= MfaTest::resp_encode('AUTH', $t->{redis_pass})
        if defined $t->{redis_pass};
    $req .= MfaTest::resp_encode('MONITOR');
    print $s $req;

    my $buf = '';
    my $want = defined $t->{redis_pass} ? 2 : 1;

    while (($buf =~ tr/\n//) < $want) {
        sysread($s, $buf, 4096, length $buf) or die "monitor: closed\n";
    }

    $buf = '';
    $code->();

    # a marker, so that everything before it has been seen
    my $marker = 'mfactl-test-marker-' . rand();
    $t->redis('ECHO', $marker);

    my $deadline = time() + 5;

    while (index($buf, $marker) < 0 && time() < $deadline) {
        my $rin = '';
        vec($rin, fileno($s), 1) = 1;
        next unless select($rin, undef, undef, 0.1);
        sysread($s, $buf, 65536, length $buf) or last;
    }

    close $s;

    my @cmds;

    for my $line (split /\r\n/, $buf) {
        $line =~ s/^\+\S+ \[[^\]]*\] // or next;
        my @args = map { s/\\"/"/gr } $line =~ /"((?:[^"\\]|\\.)*)"/g;
        # nor a gate's proof that its invalidations arrive (SUBSCRIBE)
        next if !@args || uc($args[0]) =~ /^(?:ECHO|AUTH|SUBSCRIBE)$/;
        $args[0] = uc $args[0];
        push @cmds, \@args;
    }

    return @cmds;
}

1;
