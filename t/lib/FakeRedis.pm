package FakeRedis;

# A scripted stand-in for Redis, to put the module's Redis client through
# the failures a real server does not produce on demand: slow or missing
# replies, a connection closed mid-reply, replies split byte by byte, large
# replies, error replies, and a server that accepts then closes.
#
# It speaks just enough RESP: it reads whole commands and answers every
# command with the reply of the chosen behaviour.

use strict;
use warnings;

use IO::Socket::INET;
use POSIX qw(:sys_wait_h _exit);
use Time::HiRes qw(sleep time);

# The reply to each read of the gate's lookup for a session of user 42 in
# company 7, not enrolled, policy "0": the request goes through as
# "not_required".  The invalidation connection's commands are answered as
# Redis would (it never sends an invalidation).
sub reply {
    my ($cmd, %opt) = @_;
    my $json = $opt{record} // '{"user":{"id":"42"},"company_id":"7"}';
    my $name = uc($cmd->[0] // '');

    return ":-1\r\n" if $name eq 'PTTL';
    return bulk($json) if $name eq 'GETRANGE';
    return "\$-1\r\n" if $name eq 'GET';
    return "*2\r\n\$-1\r\n\$-1\r\n" if $name eq 'HMGET';
    return bulk('0') if $name eq 'HGET';
    return "*0\r\n" if $name eq 'SMEMBERS';
    return "-ERR unknown command\r\n";
}

# what does not depend on the behaviour: the invalidation connection's
# setup
sub setup_reply {
    my ($cmd) = @_;
    my $name = uc($cmd->[0] // '');

    return ":1\r\n" if $name eq 'CLIENT' && uc($cmd->[1]) eq 'ID';
    return "+OK\r\n" if $name eq 'CLIENT';
    return join '', map { "*3\r\n" . bulk('subscribe') . bulk($cmd->[$_])
                          . ":$_\r\n" } 1 .. $#$cmd
        if $name eq 'SUBSCRIBE';
    return undef;
}

sub bulk {
    my ($s) = @_;
    return '$' . length($s) . "\r\n$s\r\n";
}

# behaviours: what to do with each read received
my %behaviours = (
    ok => sub { my ($c, $self, $cmd) = @_; print $c reply($cmd); 1 },

    # a record over hiredis's 16 KB read size
    big => sub {
        my ($c, $self, $cmd) = @_;
        my $pad = 'x' x 40000;
        print $c reply($cmd,
            record => '{"user":{"id":"42"},"company_id":"7","pad":"'
                . $pad . '"}');
        1;
    },

    slow => sub {
        my ($c, $self, $cmd) = @_;
        sleep($self->{delay});
        print $c reply($cmd);
        1;
    },

    silent => sub { 1 },

    close_mid => sub {
        my ($c, $self, $cmd) = @_;
        my $r = reply($cmd);
        print $c substr($r, 0, int(length($r) / 2));
        0;
    },

    bytewise => sub {
        my ($c, $self, $cmd) = @_;
        for my $b (split //, reply($cmd)) {
            print $c $b;
            sleep($self->{delay});
        }
        1;
    },

    error => sub { my ($c) = @_; print $c "-ERR something went wrong\r\n"; 1 },

    noauth => sub {
        my ($c) = @_;
        print $c "-NOAUTH Authentication required.\r\n";
        1;
    },

    accept_close => sub { 0 },

    # reads answered and logged; the invalidation connection's
    # subscriptions confirmed only for the first "delay" seconds, as if
    # its messages stopped arriving
    mute => sub {
        my ($c, $self, $cmd) = @_;
        if (open my $log, '>>', $self->{log}) {
            print $log "$cmd->[0]\n";
            close $log;
        }
        print $c reply($cmd);
        1;
    },
);

sub new {
    my ($class, %args) = @_;

    my $self = bless {
        behaviour => $args{behaviour} // 'ok',
        delay     => $args{delay} // 0.5,
        log       => $args{log},
        pid       => undef,
        port      => undef,
    }, $class;

    die "FakeRedis: unknown behaviour '$self->{behaviour}'\n"
        unless $behaviours{$self->{behaviour}};

    my $listen = IO::Socket::INET->new(
        LocalAddr => '127.0.0.1', LocalPort => $args{port} // 0,
        Listen => 64, ReuseAddr => 1, Proto => 'tcp',
    ) or die "FakeRedis: cannot listen: $!\n";

    $self->{port} = $listen->sockport();

    my $pid = fork();
    die "FakeRedis: cannot fork: $!\n" unless defined $pid;

    if ($pid == 0) {
        # its own process group: stop() ends the connections' children too
        setpgrp(0, 0);
        $SIG{CHLD} = 'IGNORE';
        $SIG{TERM} = sub { _exit(0) };
        $self->serve($listen);
        _exit(0);
    }

    close $listen;
    $self->{pid} = $pid;

    return $self;
}

sub port { $_[0]{port} }

sub serve {
    my ($self, $listen) = @_;

    while (my $c = $listen->accept()) {
        my $pid = fork();

        if (!defined $pid || $pid != 0) {
            close $c;
            next;
        }

        close $listen;
        $c->autoflush(1);
        $self->session($c);
        _exit(0);
    }
}

sub session {
    my ($self, $c) = @_;
    my $handler = $behaviours{$self->{behaviour}};

    return if $self->{behaviour} eq 'accept_close';

    my $silent = $self->{behaviour} eq 'silent';
    my $mute_at = $self->{behaviour} eq 'mute' ? time + $self->{delay} : 0;

    while (my $cmd = read_command($c)) {
        next if $mute_at && time > $mute_at && uc $cmd->[0] eq 'SUBSCRIBE';

        my $setup = $silent ? undef : setup_reply($cmd);

        if (defined $setup) {
            print $c $setup;
            next;
        }

        last unless $handler->($c, $self, $cmd);
    }

    close $c;
}

# reads one RESP command (an array of bulk strings): its arguments, or
# undef at EOF
sub read_command {
    my ($c) = @_;
    my @args;

    my $line = <$c>;
    return undef unless defined $line && $line =~ /^\*(\d+)\r\n$/;

    for (1 .. $1) {
        my $len = <$c>;
        return undef unless defined $len && $len =~ /^\$(\d+)\r\n$/;
        my $data = '';
        my $want = $1 + 2;
        while (length($data) < $want) {
            my $n = read($c, $data, $want - length($data), length($data));
            return undef unless $n;
        }
        push @args, substr($data, 0, -2);
    }

    return \@args;
}

sub stop {
    my ($self) = @_;

    return unless $self->{pid};

    kill 'TERM', -$self->{pid};
    waitpid($self->{pid}, 0);
    $self->{pid} = undef;
}

sub DESTROY { $_[0]->stop() }

1;
