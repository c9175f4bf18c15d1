package SpellingTest;

# The spellings of a session cookie that the session-binding tests send,
# which of them each framework reads as its session, and a check of a
# Cookie header that finds every copy of the session cookie in it.
#
#   my @pairs = SpellingTest::canonical('express', 'sid', $id, $secret);
#   for my $s (SpellingTest::spellings(flavour => 'express', name => 'sid',
#                                      id => $id, secret => $secret,
#                                      gone => $dropped_secret,
#                                      old => $older_secret)) {
#       my ($kind, $headers) = @$s;      # headers: the Cookie header values
#       SpellingTest::reads('express', $kind);   # the framework reads it
#   }
#   SpellingTest::session_pairs('express', 'sid', @cookie_headers);
#
# Flavours: express, fastify, koa, flask (signed when a secret is given),
# django, php, rack, spring, plain.  t/apps_direct.t checks the framework facts that
# %READS encodes against the real frameworks.

use strict;
use warnings;

use AppsTest;
use MIME::Base64 qw(encode_base64);

my %SIGNED = map { ($_ => 1) } qw(express fastify koa flask);

# the canonical pairs of a session, as the framework sets them
sub canonical {
    my ($f, $name, $id, $secret) = @_;

    return ("$name=" . encode_base64($id, '')) if $f eq 'spring';
    return ("$name=$id") unless $SIGNED{$f} && defined $secret;

    my $c = AppsTest::sign($f, $id, $secret);
    my ($first) = grep { !/\.sig$/ } keys %$c;
    my @pairs = ("$name=$c->{$first}");
    push @pairs, "$name.sig=" . $c->{'koa.sess.sig'} if $f eq 'koa';

    return @pairs;
}

# the same value percent-encoded at one character
sub encode_at {
    my ($s, $i) = @_;
    return substr($s, 0, $i) . sprintf('%%%02X', ord substr($s, $i, 1))
           . substr($s, $i + 1);
}

# [kind, [Cookie header values]]: the session pair spelled otherwise,
# koa's signature pair as it is, cookies of other names around it
sub spellings {
    my (%o) = @_;

    my ($f, $n, $id) = @o{qw(flavour name id)};
    my ($pair, @rest) = canonical($f, $n, $id, $o{secret});
    my $v = (split /=/, $pair, 2)[1];
    my $signed_value = $f =~ /^(?:express|fastify|flask)$/ && $o{secret};
    my $forged = $signed_value
        ? (split /=/, (canonical($f, $n, $id, $o{gone}))[0], 2)[1]
        : (split /=/, (canonical($f, $n, 'zzzz' . substr($id, 4)))[0], 2)[1];
    my $case = uc($n) ne $n ? uc($n) : lc($n);
    my $dot = length($n) > 3 ? 3 : 1;      # PHP.SESSID, s.id
    my $rest = join '', map { "; $_" } @rest;
    my $one = sub { ['a=1; ' . $_[0] . $rest . '; x=keep%20me'] };

    my @s = (
        [canonical       => $one->("$n=$v")],
        [quoted          => $one->("$n=\"$v\"")],
        [ws_after_eq     => $one->("$n= \t$v")],
        [ws_trailing     => $one->("$n=$v \t")],
        [sp_before_eq    => $one->("$n =$v")],
        [tab_before_eq   => $one->("$n\t=$v")],
        [sp_before_name  => $one->("  $n=$v")],
        [tab_before_name => $one->("\t$n=$v")],
        [id_encoded      => $one->("$n=" . encode_at($v, index($v, $id) + 2))],
        [dup_forged_after  => $one->("$n=$v; $n=$forged")],
        [dup_forged_before => $one->("$n=$forged; $n=$v")],
        [two_headers     => ['a=1', "$n=$v$rest; x=keep%20me"]],
        [two_headers_forged_second =>
                            ["a=1; $n=$v$rest", "$n=$forged; x=keep%20me"]],
        [name_case       => $one->("$case=$v")],
        [name_encoded    => $one->(encode_at($n, 0) . "=$v")],
        [name_quoted     => $one->("\"$n\"=$v")],
        [name_dotted     => $one->(substr($n, 0, $dot) . '.'
                                   . substr($n, $dot) . "=$v")],
    );

    my $decoded = AppsTest::uri_unescape($v);

    push @s, [decoded => $one->("$n=$decoded")] if $decoded ne $v;
    push @s, [lower_escapes => $one->("$n=" . ($v =~ s/(%[0-9A-F]{2})/lc $1/ger))]
        if $v =~ /%[0-9A-F]{2}/;

    if ($signed_value) {
        push @s, [dot_encoded => $one->("$n=" . ($v =~ s/^(.*)(\.|%2E)/$1%2E/r))];
        # a character of the signature that every decoder reads: the
        # last one only partly counts (Python's base64 ignores its low bits)
        my $at = rindex($v, '.') + 1;
        $at += 3 while substr($v, $at, 1) eq '%';
        my $bad = $v;
        substr($bad, $at, 1) = substr($v, $at, 1) eq 'A' ? 'B' : 'A';
        push @s, [bad_signature => $one->("$n=$bad")];
    }

    if ($SIGNED{$f} && $o{secret} && $o{gone}) {
        my ($gone, @gr) = canonical($f, $n, $id, $o{gone});
        push @s, [rotated_out => $one->($gone . join '', map { "; $_" } @gr)];
    }

    if ($SIGNED{$f} && $o{secret} && $o{old}) {
        push @s, [old_secret => [join '; ', 'a=1',
                                 canonical($f, $n, $id, $o{old}),
                                 'x=keep%20me']];
    }

    if ($f eq 'koa' && $o{secret}) {
        push @s, [koa_no_sig => ["a=1; $n=$v; x=keep%20me"]],
                 [koa_sig_first => [join '; ', @rest, "$n=$v"]];
    }

    return @s;
}

# the spellings each framework reads as its session (all others: none)
my %READS = (
    express => [qw(canonical quoted ws_after_eq ws_trailing sp_before_eq
                   tab_before_eq sp_before_name tab_before_name id_encoded
                   dup_forged_after two_headers two_headers_forged_second
                   decoded lower_escapes dot_encoded old_secret)],
    fastify => [qw(canonical ws_after_eq ws_trailing sp_before_eq
                   tab_before_eq sp_before_name tab_before_name id_encoded
                   dup_forged_after two_headers two_headers_forged_second
                   decoded lower_escapes dot_encoded old_secret)],
    koa     => [qw(canonical quoted sp_before_name dup_forged_after
                   two_headers two_headers_forged_second koa_sig_first
                   old_secret)],
    flask   => [qw(canonical quoted ws_after_eq ws_trailing sp_before_eq
                   tab_before_eq sp_before_name tab_before_name
                   dup_forged_after two_headers two_headers_forged_second
                   old_secret)],
    django  => [qw(canonical quoted ws_after_eq ws_trailing sp_before_eq
                   tab_before_eq sp_before_name tab_before_name
                   dup_forged_before two_headers)],
    php     => [qw(canonical sp_before_name tab_before_name id_encoded
                   dup_forged_after two_headers two_headers_forged_second)],
    rack    => [qw(canonical sp_before_name id_encoded dup_forged_after
                   two_headers two_headers_forged_second)],
    spring  => [qw(canonical quoted ws_after_eq ws_trailing sp_before_eq
                   tab_before_eq sp_before_name tab_before_name
                   dup_forged_after two_headers two_headers_forged_second)],
    plain   => [qw(canonical quoted ws_after_eq ws_trailing sp_before_eq
                   tab_before_eq sp_before_name tab_before_name
                   dup_forged_after two_headers two_headers_forged_second)],
);

sub reads {
    my ($f, $kind) = @_;
    return scalar grep { $_ eq $kind } @{$READS{$f}};
}

# spellings the framework itself reads as its session but that reach it,
# through the gate, as no session: Spring Session takes the first of
# several SESSION cookies whose session exists, the gate the first one and
# only that one
my %READS_ALONE = (spring => [qw(dup_forged_before)]);

sub reads_alone {
    my ($f, $kind) = @_;
    return reads($f, $kind)
           || scalar grep { $_ eq $kind } @{$READS_ALONE{$f} // []};
}

# a name that some framework could take for the session cookie (or koa's
# signature cookie): an oracle written apart from the module's own
sub folded {
    my ($s) = @_;

    for (1 .. 4) {
        my $was = $s;
        $s =~ s/^[\x00-\x20\x7f\x85\xa0]+|[\x00-\x20\x7f\x85\xa0]+$//g;
        $s =~ s/^"(.*)"$/$1/s;
        $s =~ s/%([0-9A-Fa-f]{2})/chr hex $1/ge;
        $s =~ tr/+/ /;
        $s =~ s/^[\x00-\x20\x7f\x85\xa0]+|[\x00-\x20\x7f\x85\xa0]+$//g;
        last if $s eq $was;
    }

    $s = lc $s;
    $s =~ s/\[.*//s;
    $s =~ tr/. /__/;

    return $s;
}

# every pair of the Cookie headers that is a copy of the session cookie
sub session_pairs {
    my ($f, $name, @headers) = @_;

    my %names = map { (folded($_) => 1) }
        $name, $f eq 'koa' ? "$name.sig" : ();
    my @found;

    for my $h (@headers) {
        for my $chunk (split /;/, $h) {
            my $hit = grep { $names{folded((split /=/, $_, 2)[0] // '')} }
                      split /,/, $chunk;
            push @found, $chunk =~ s/^[ \t]+|[ \t]+$//gr if $hit;
        }
    }

    return @found;
}

1;
