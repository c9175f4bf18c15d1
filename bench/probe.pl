#!/usr/bin/perl
# probe.pl HTTP_PORT REDIS_PORT FLIPS: how long a policy flip takes to be
# seen by the gate, measured while the benchmark loads it.  One session,
# "probe" (user "probe" of company "probeco"), asks for a page again and
# again on a keep-alive connection; FLIPS times, its company's policy is
# flipped with HSET, and from the HSET's reply on, requests are counted
# until one is answered as the new policy says (302 when 2FA is required,
# 200 when not).  Prints one line: the delays' p50, p99 and max in ms,
# and how many requests were answered with the old policy after the reply.

use strict;
use warnings;

use IO::Socket::INET;
use Time::HiRes qw(time sleep);

my ($http_port, $redis_port, $flips) = @ARGV;

die "usage: probe.pl HTTP_PORT REDIS_PORT FLIPS\n"
    unless defined $flips && $flips =~ /^\d+$/;

sub resp {
    '*' . @_ . "\r\n" . join '', map { '$' . length($_) . "\r\n$_\r\n" } @_;
}

my $r = IO::Socket::INET->new(PeerAddr => '127.0.0.1', PeerPort => $redis_port)
    or die "probe.pl: Redis: $!\n";
my $h = IO::Socket::INET->new(PeerAddr => '127.0.0.1', PeerPort => $http_port)
    or die "probe.pl: HTTP: $!\n";

sub redis {
    print $r resp(@_);
    my $line = <$r>;
    die "probe.pl: Redis closed\n" unless defined $line;
    return $line;
}

# one request; its status
sub get {
    print $h "GET /probe HTTP/1.1\r\nHost: bench\r\nAccept: text/html\r\n"
           . "Cookie: sid=probe\r\n\r\n";
    my ($status, $len) = (0, 0);
    while (defined(my $line = <$h>)) {
        $status = $1 if !$status && $line =~ m{^HTTP/1\.1 (\d+)};
        $len = $1 if $line =~ /^Content-Length:\s*(\d+)/i;
        last if $line eq "\r\n";
    }
    die "probe.pl: HTTP closed\n" unless $status;
    read($h, my $body, $len) if $len;
    return $status;
}

redis('SET', 'sess:probe', '{"user":{"id":"probe"},"company_id":"probeco"}');
redis('HSET', 'mfa:company:probeco', 'require_2fa', '0');

my (@delays, $stale);
$stale = 0;

for my $i (1 .. $flips) {
    my $on = $i % 2;

    # the facts cached again
    get() for 1 .. 3;
    sleep 0.005;

    redis('HSET', 'mfa:company:probeco', 'require_2fa', $on);
    my $t0 = time;
    my $want = $on ? 302 : 200;

    while (get() != $want) {
        $stale++;
    }

    push @delays, (time - $t0) * 1000;
}

@delays = sort { $a <=> $b } @delays;
printf "flips=%d p50=%.3f p99=%.3f max=%.3f stale=%d\n", scalar @delays,
       $delays[int(@delays * 0.5)], $delays[int(@delays * 0.99)],
       $delays[-1], $stale;
