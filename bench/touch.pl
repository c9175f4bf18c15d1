#!/usr/bin/perl
# touch.pl PORT PREFIX N RATE: what express-session with connect-redis
# does on every request the dashboard serves, for the benchmark's
# "touched" population: EXPIRE sess:<PREFIX><i> for i in 0..N-1, over and
# over, RATE a second, pipelined in batches, until killed.  Each EXPIRE
# makes Redis invalidate the session key in every worker's cache.

use strict;
use warnings;

use IO::Socket::INET;
use Time::HiRes qw(time sleep);

my ($port, $prefix, $n, $rate) = @ARGV;

die "usage: touch.pl PORT PREFIX N RATE\n"
    unless defined $rate && $n =~ /^\d+$/ && $rate =~ /^\d+$/ && $rate > 0;

my $r = IO::Socket::INET->new(PeerAddr => '127.0.0.1', PeerPort => $port)
    or die "touch.pl: connect: $!\n";

my $batch = 500;
my $i = 0;
my $start = time;
my $sent = 0;

while (1) {
    my $out = '';

    for (1 .. $batch) {
        my $key = "sess:$prefix" . ($i++ % $n);
        $out .= "*3\r\n\$6\r\nEXPIRE\r\n\$" . length($key) . "\r\n$key\r\n"
              . "\$5\r\n86400\r\n";
    }

    print $r $out;

    # one reply a command, ":1\r\n" each: one line feed
    my $want = $batch;
    while ($want > 0) {
        my $buf;
        sysread($r, $buf, 65536) or die "touch.pl: Redis closed\n";
        $want -= ($buf =~ tr/\n//);
    }

    $sent += $batch;
    my $ahead = $sent / $rate - (time - $start);
    sleep $ahead if $ahead > 0;
}
