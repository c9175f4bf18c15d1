#!/usr/bin/perl
# Writes benchmark sessions into Redis as one pipelined RESP stream on
# standard output (for "redis-cli --pipe"):
#
#   seed.pl verified N KEYFILE [PREFIX]
#                                sess:<PREFIX><i> (PREFIX "s" by default)
#                                for user u<i> in company open, enrolled
#                                (generation 1) and verified (the marker
#                                named with nginx's master key)
#   seed.pl pending N            sess:p<i> for user p<i> in company strict,
#                                which requires 2FA, not enrolled
#   seed.pl challenge N          sess:c<i> for user c<i> in company open,
#                                enrolled, this session not verified
#   seed.pl optional N           sess:n<i> for user n<i> in company open
#                                (no mandate), not enrolled

use strict;
use warnings;

use Digest::SHA qw(hmac_sha256 hmac_sha256_hex);

my ($kind, $n, $keyfile, $prefix) = @ARGV;
$prefix //= 's';

die "usage: seed.pl verified N KEYFILE [PREFIX] | pending N | challenge N | optional N\n"
    unless defined $n && $n =~ /^\d+$/
           && $kind =~ /^(verified|pending|challenge|optional)$/
           && ($kind ne 'verified' || defined $keyfile);

# the session digest's key: HMAC-SHA256(master key, "mfa/session")
my $dkey;

if ($kind eq 'verified') {
    open my $fh, '<', $keyfile or die "seed.pl: $keyfile: $!\n";
    binmode $fh;
    local $/;
    $dkey = hmac_sha256('mfa/session', <$fh>);
    close $fh;
}

sub cmd {
    print '*' . @_ . "\r\n", map { '$' . length($_) . "\r\n$_\r\n" } @_;
}

binmode STDOUT;

if ($kind eq 'pending') {
    cmd('HSET', 'mfa:company:strict', 'require_2fa', '1');
}

for my $i (0 .. $n - 1) {
    if ($kind eq 'verified') {
        my $sid = "$prefix$i";
        cmd('SET', "sess:$sid",
            qq({"cookie":{"originalMaxAge":86400000,"httpOnly":true,)
            . qq("path":"/"},"user":{"id":"u$i"},"company_id":"open"}));
        cmd('HSET', "mfa:user:u$i", 'gen', '1', 'since', '1700000000');
        cmd('SET', 'mfa:verified:' . substr(hmac_sha256_hex($sid, $dkey), 0, 32),
            "u$i 1");

    } elsif ($kind eq 'challenge') {
        cmd('SET', "sess:c$i",
            qq({"user":{"id":"c$i"},"company_id":"open"}));
        cmd('HSET', "mfa:user:c$i", 'gen', '1', 'since', '1700000000');

    } elsif ($kind eq 'optional') {
        cmd('SET', "sess:n$i",
            qq({"user":{"id":"n$i"},"company_id":"open"}));

    } else {
        cmd('SET', "sess:p$i",
            qq({"user":{"id":"p$i"},"company_id":"strict"}));
    }
}
