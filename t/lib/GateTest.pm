package GateTest;

# Helpers for the gate's tests, on top of MfaTest: the usual configuration
# (a gated "location /", an "mfa off" one, an echoing upstream), and the
# Redis records a dashboard and the module would write.

use strict;
use warnings;

use Digest::SHA qw(hmac_sha256 hmac_sha256_hex);
use Exporter qw(import);
use Time::HiRes qw(sleep);

use MfaTest;

our @EXPORT = qw(gate_conf session enrol verify digest saw redis_reads
                 until_cached %NAV %XHR);

our %NAV = (Accept => 'text/html,application/xhtml+xml;q=0.9,*/*;q=0.8');
our %XHR = (Accept => 'application/json',
            'X-Requested-With' => 'XMLHttpRequest');

# the configuration; %opt adds directives: http, server, location,
# locations (more location blocks), redis (address), timeout; session
# replaces the server's "mfa_session_cookie sid;"
sub gate_conf {
    my ($t, %opt) = @_;

    $t->write_key_file('mfa.key') unless -f $t->path('mfa.key');

    my $redis = $opt{redis} // '127.0.0.1:%%PORT_REDIS%%';
    my $timeout = $opt{timeout} // '300ms';
    my ($http, $server, $location, $locations) =
        map { $opt{$_} // '' } qw(http server location locations);
    my $session = $opt{session} // 'mfa_session_cookie sid;';

    return <<"CONF";
http {
    mfa_redis            $redis;
    mfa_redis_timeout    $timeout;
    mfa_secret_key_file  %%TESTDIR%%/mfa.key;
    $http

    upstream dashboard { server 127.0.0.1:%%PORT_UPSTREAM%%; }

    server {
        listen 127.0.0.1:%%PORT_HTTP%%;

        $session
        mfa_session_key      sess:\$mfa_session_id;
        mfa_session_user     user.id;
        mfa_session_company  company_id;
        $server

        location / {
            mfa on;
            proxy_pass http://dashboard;
            $location
        }

        location /static/ {
            mfa off;
            proxy_pass http://dashboard;
        }

        $locations
    }
}
CONF
}

# a dashboard session: sess:<sid> = {"user":{"id":uid},"company_id":cid}
sub session {
    my ($t, $sid, $uid, $cid) = @_;

    $t->redis('SET', "sess:$sid", defined $cid
        ? qq({"user":{"id":"$uid"},"company_id":"$cid"})
        : qq({"user":{"id":"$uid"}}));
}

# the user enrolled, at enrolment generation gen
sub enrol {
    my ($t, $uid, $gen) = @_;

    $t->redis('HSET', "mfa:user:$uid", 'gen', $gen, 'since', int(time));
}

# the session verified for (uid, gen), as the challenge leaves it
sub verify {
    my ($t, $sid, $uid, $gen) = @_;

    $t->redis('SET', 'mfa:verified:' . digest($t, $sid), "$uid $gen");
}

# the digest that stands for a session id in the module's keys, keyed with
# HMAC-SHA256(the test's master key, "mfa/session")
sub digest {
    my ($t, $sid, $keyfile) = @_;

    my $master = $t->read_file($keyfile // 'mfa.key')
        // die "no key file to digest a session id with\n";

    return substr(hmac_sha256_hex($sid, hmac_sha256('mfa/session', $master)),
                  0, 32);
}

# the reads Redis ran so far, by every client: the commands of the gate's
# lookups
sub redis_reads {
    my ($t) = @_;
    my %c = $t->redis('INFO', 'commandstats') =~ /^cmdstat_(\w+):calls=(\d+)/mg;
    my $n = 0;
    $n += $c{$_} // 0 for qw(get getrange pttl hmget hget smembers hstrlen);
    return $n;
}

# $request->() answered without a read in Redis (the worker tracks, or
# hears of, what it cached once its invalidation connection works), tried
# for two seconds: that response, or undef
sub until_cached {
    my ($t, $request) = @_;

    for (1 .. 100) {
        $request->();
        my $before = redis_reads($t);
        my $r = $request->();
        return $r if redis_reads($t) == $before;
        sleep 0.02;
    }

    return undef;
}

# a request header as the upstream saw it, undef when absent or when the
# request did not reach the upstream
sub saw {
    my ($res, $name) = @_;

    my $req = MfaTest::echoed($res) or return undef;
    my $v = $req->{headers}{lc $name} or return undef;

    return wantarray ? @$v : $v->[0];
}

1;
