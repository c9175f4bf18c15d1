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
use Time::HiRes qw(sleep);

# The reply of the gate's lookup script for a session of user 42 in company
# 7, not enrolled, policy "0": the request goes through as "not_required".
sub lookup_reply {
    my (%opt) = @_;
    my $json = $opt{record} // '{"user":{"id":"42"},"company_id":"7"}';

    return "*8\r\n:1\r\n" . bulk($json) . bulk('42') . bulk('7')
        . "\$-1\r\n\$-1\r\n\$-1\r\n*1\r\n" . bulk('0');
}

sub bulk {
    my ($s) = @_;
    return '$' . length($s) . "\r\n$s\r\n";
}

# behaviours: what to do with each command received
my %behaviours = (
    ok => sub { my ($c) = @_; print $c lookup_reply(); 1 },

    # a record over hiredis's 16 KB read size
    big => sub {
        my ($c) = @_;
        my $pad = 'x' x 40000;
        print $c lookup_reply(
            record => '{"user":{"id":"42"},"company_id":"7","pad":"'
                . $pad . '"}');
        1;
    },

    slow => sub {
        my ($c, $self) = @_;
        sleep($self->{delay});
        print $c lookup_reply();
        1;
    },

    silent => sub { 1 },

    close_mid => sub {
        my ($c) = @_;
        my $r = lookup_reply();
        print $c substr($r, 0, int(length($r) / 2));
        0;
    },

    bytewise => sub {
        my ($c, $self) = @_;
        for my $b (split //, lookup_reply()) {
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
);

sub new {
    my ($class, %args) = @_;

    my $self = bless {
        behaviour => $args{behaviour} // 'ok',
        delay     => $args{delay} // 0.5,
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

    while (read_command($c)) {
        last unless $handler->($c, $self);
    }

    close $c;
}

# reads one RESP command (an array of bulk strings); false at EOF
sub read_command {
    my ($c) = @_;

    my $line = <$c>;
    return 0 unless defined $line && $line =~ /^\*(\d+)\r\n$/;

    for (1 .. $1) {
        my $len = <$c>;
        return 0 unless defined $len && $len =~ /^\$(\d+)\r\n$/;
        my $data = '';
        my $want = $1 + 2;
        while (length($data) < $want) {
            my $n = read($c, $data, $want - length($data), length($data));
            return 0 unless $n;
        }
    }

    return 1;
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
