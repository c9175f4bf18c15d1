# Configuration checks: "nginx -t" refuses every bad directive value, every
# incomplete "mfa on" and every duplicate with an [emerg] that names the
# directive and says what is wrong (docs/directives.md), and accepts a complete
# valid configuration and the boundary values of each directive.
#
# Each case starts from a complete, valid configuration (checked first)
# and changes one thing, so a refusal can only come from that change.

use strict;
use warnings;

use FindBin;
use lib "$FindBin::Bin/lib";

use MfaTest;
use Test::More;

my $t = MfaTest->new();

my $key = $t->write_key_file('mfa.key');
my $old_key = $t->write_key_file('old.key', mode => 0400);
my $short_key = $t->write_key_file('short.key', length => 31);
my $long_key = $t->write_key_file('long.key', length => 33);
my $open_key = $t->write_key_file('open.key', mode => 0644);
my $group_key = $t->write_key_file('group.key', mode => 0640);
my $no_key = $t->path('no-such.key');
my $typed_key = $t->write_file('typed.key', 'correct horse battery staple 123',
                               0600);

my $password = $t->write_file('redis.pass', "s3cret\n", 0600);
my $acl_password = $t->write_file('redis-acl.pass', "mfa s3cret\n", 0400);
my $open_password = $t->write_file('open.pass', "s3cret\n", 0644);
my $empty_password = $t->write_file('empty.pass', "\n", 0600);
my $two_lines_password = $t->write_file('two-lines.pass', "s3cret\nmore\n",
                                        0600);
my $no_password = $t->path('no-such.pass');
my $api_token = $t->write_file('api.token', ('a' x 40) . "\n", 0600);
my $short_token = $t->write_file('short.token', "abc\n", 0600);
my $spaced_token = $t->write_file('spaced.token', ('a' x 20) . ' ' . ('b' x 20), 0600);
my $open_token = $t->write_file('open.token', ('a' x 40), 0640);
my $app_secret = $t->write_file('app.secret', "keyboard cat\n", 0600);
my $old_secret = $t->write_file('old.secret', "keyboard dog\n", 0400);
my $open_secret = $t->write_file('open.secret', "keyboard cat\n", 0644);
my $empty_secret = $t->write_file('empty.secret', "\n", 0600);
my $no_secret = $t->path('no-such.secret');

# the pieces of a complete configuration, by name: [context, directive]
my %base = (
    redis           => [http     => 'mfa_redis 127.0.0.1:%%PORT_REDIS%%;'],
    key             => [http     => "mfa_secret_key_file $key;"],
    session         => [server   => 'mfa_session_cookie sid;'],
    session_key     => [server   => 'mfa_session_key sess:$mfa_session_id;'],
    session_user    => [server   => 'mfa_session_user user.id;'],
    session_company => [server   => 'mfa_session_company company_id;'],
    mfa             => [location => 'mfa on;'],
);

# conf(set => {name => directive}, omit => [names], http => ..., server =>
# ..., location => ...): the complete configuration with changes
sub conf {
    my (%c) = @_;

    my %parts = (http => '', server => '', location => '');
    my %omit = map { $_ => 1 } @{$c{omit} // []};

    for my $name (sort keys %base) {
        next if $omit{$name};
        my ($ctx, $line) = @{$base{$name}};
        $line = $c{set}{$name} if exists $c{set}{$name};
        $parts{$ctx} .= "        $line\n";
    }

    $parts{$_} .= "        " . ($c{$_} // '') . "\n" for keys %parts;

    return <<"EOF";
http {
$parts{http}
    server {
        listen 127.0.0.1:%%PORT_HTTP%%;
$parts{server}
        location / {
$parts{location}
            return 204;
        }
    }
}
EOF
}

###########################################################################
# accepted

my ($status, $out) = $t->nginx_t(conf());
is($status, 0, 'the base configuration is valid') or diag($out);

($status, $out) = $t->nginx_t(<<"EOF");
http {
    mfa_redis                127.0.0.1:%%PORT_REDIS%%;
    mfa_redis_timeout        200ms;
    mfa_redis_password_file  $password;
    mfa_redis_db             3;
    mfa_redis_prefix         "mfa:";
    mfa_secret_key_file      $key $old_key;
    mfa_issuer               "Acme Dashboard";

    upstream dashboard {
        server 127.0.0.1:%%PORT_UPSTREAM%%;
    }

    server {
        listen 127.0.0.1:%%PORT_HTTP%%;

        mfa_session_cookie   sid express secret_file=$app_secret
                                 secret_file=$old_secret;
        mfa_session_key      sess:\$mfa_session_id;
        mfa_session_format   json;
        mfa_session_user     user.id;
        mfa_session_company  company_id;
        mfa_session_admin    is_admin;
        mfa_pages            /_mfa/;
        mfa_policy_scope     active;
        mfa_fail             closed;
        mfa_verified_ttl     12h;
        mfa_totp_digits      6;
        mfa_totp_period      30s;
        mfa_totp_algorithm   sha1;
        mfa_totp_skew        1;

        location / {
            mfa on;
            proxy_pass http://dashboard;
        }

        location /static/ {
            mfa off;
            proxy_pass http://dashboard;
        }

        location /api/ {
            mfa on;
            mfa_company \$http_x_company;
            mfa_session_id \$http_x_session;
            mfa_fail open;
            mfa_session_format hash;
            mfa_policy_scope any;
            proxy_pass http://dashboard;
        }
    }
}
EOF
is($status, 0, 'a complete configuration with every directive: accepted')
    or diag($out);
like($out, qr/syntax is ok/, 'complete configuration: syntax is ok');
like($out, qr/test is successful/, 'complete configuration: test is successful');

my @accepted = (
    [server => 'mfa_totp_digits 8;'],
    [server => 'mfa_totp_skew 0;'],
    [server => 'mfa_totp_skew 4;'],
    [server => 'mfa_totp_skew 10; mfa_totp_period 12s;'],
    [server => 'mfa_totp_period 1;'],
    [server => 'mfa_totp_period 1h; mfa_totp_skew 0;'],
    [server => 'mfa_totp_period 2m;'],
    [server => 'mfa_totp_algorithm sha256;'],
    [server => 'mfa_totp_algorithm sha512;'],
    [location => 'mfa_verified_ttl 60s;'],
    [location => 'mfa_verified_ttl 30d;'],
    [http => 'mfa_redis_timeout 1ms;'],
    [http => 'mfa_redis_timeout 60s;'],
    [http => 'mfa_redis_db 0;'],
    [http => 'mfa_cache_size off;'],
    [http => 'mfa_cache_size 512k;'],
    [http => 'mfa_cache_size 1024m;'],
    [http => 'mfa_redis_db 65535;'],
    [http => 'mfa_redis_replicas 0;'],
    [http => 'mfa_redis_canary_key mfa:canary;'],
    [http => 'mfa_session_events on;'],
    [http => 'mfa_session_events off; mfa_cache_size off;'],
    [http => 'mfa_redis_replicas 64 60s;'],
    [http => 'mfa_redis_replicas 1 1ms;'],
    [http => "mfa_redis_password_file $acl_password;"],
    [http => "mfa_api_token_file $api_token;"],
    [http => 'mfa_issuer "' . ('i' x 64) . '";'],
    [http => 'mfa_redis_prefix "' . ('p' x 32) . '";'],
    [server => 'mfa_pages /a/b-c_d.e~/;'],
    [server => 'mfa_logout_url /logout?next=%2F;'],
    [server => 'mfa_logout_url https://sso.example.com/logout;'],
    [location => 'mfa_session_format hash;'],
    [location => 'mfa_session_max_size 1k;'],
    [location => 'mfa_session_max_size 16m;'],
    [location => 'mfa_fail open;'],
    [location => 'mfa_session_admin roles.admin;'],
    [set => { redis => 'mfa_redis 127.0.0.1;' }],
    [set => { redis => 'mfa_redis [::1]:6380;' }],
    [set => { redis => 'mfa_redis unix:/run/redis/redis.sock;' }],
    [set => { session_user => 'mfa_session_user a.b.c;' }],
    [set => { session_user =>
              'mfa_session_user "[warden.user.user.key][0][0]";' }],
    [set => { key => "mfa_secret_key_file $old_key;" }],
    [set => { mfa => 'mfa off;' }, omit => [qw(redis key session)]],
    [set => { session => 'mfa_session_cookie sid plain;' }],
    [set => { session => "mfa_session_cookie sid express "
                         . "secret_file=$app_secret;" }],
    [set => { session => "mfa_session_cookie sessionId fastify "
                         . "secret_file=$app_secret secret_file=$old_secret;" }],
    [set => { session => 'mfa_session_cookie koa.sess koa;' }],
    [set => { session => "mfa_session_cookie koa.sess koa "
                         . "secret_file=$app_secret;" }],
    [set => { session => 'mfa_session_cookie session flask;' }],
    [set => { session => "mfa_session_cookie session flask "
                         . "secret_file=$app_secret;" }],
    [set => { session => 'mfa_session_cookie sessionid django;' }],
    [set => { session => 'mfa_session_cookie PHPSESSID php;',
              session_key => 'mfa_session_key phpjson:${mfa_session_id};' }],
    [set => { session => 'mfa_session_cookie __Host-sid;' }],
    [set => { session => 'mfa_session_id $http_x_session;',
              session_key => 'mfa_session_key sess:$http_x_session;' }],
    [location => 'mfa_session_id $http_x_session;'],
    [omit => [qw(session session_key session_user)],
     server => 'mfa_session_preset flask;'],
    [omit => [qw(session session_key session_user)],
     server => 'mfa_session_preset rails;'],
    [omit => [qw(session_user)], location => 'mfa_session_preset django;'],
    [omit => [qw(session session_key session_user)],
     http => 'mfa_session_preset django;'],
    [omit => [qw(session session_key)],
     server => "mfa_session_preset express; mfa_session_cookie connect.sid "
               . "express secret_file=$app_secret;"],
    [set => { session_key =>
              'mfa_session_key rack:session:2::$mfa_session_id_sha256;' }],
    [location => "mfa_session_format django serializer=pickle "
                 . "salt=my.SessionStore secret_file=$app_secret "
                 . "secret_file=$old_secret;"],
    [location => 'mfa_session_format pickle;'],
    [location => 'mfa_visitor_cookie off;'],
    [location => 'mfa_session_format marshal;'],
    [location => 'mfa_session_format hash serializer=json;'],
    [omit => [qw(session session_key session_user)],
     server => 'mfa_session_preset spring;'],
    [set => { session => 'mfa_session_cookie SESSION spring;' }],
    [omit => [qw(session_key session_user session_company)],
     server => 'mfa_session_introspect /_who?x=1;'],
    [omit => [qw(session_key)], http => 'mfa_session_introspect /_who;'],
    [omit => [qw(session session_key)],
     server => 'mfa_session_introspect /_who;'],
    [location => 'mfa_session_introspect /_who;'],
    [set => { session => 'mfa_session_id $http_authorization;' },
     omit => [qw(session_key)], server => 'mfa_session_introspect /_who;'],
    [omit => ['redis'],
     http => 'mfa_redis_sentinel mymaster 127.0.0.1:26379 [::1]:26380 '
             . "127.0.0.1; mfa_redis_sentinel_password_file $password;"],
    [omit => ['session_company'], location => 'mfa_company $arg_company;'],
    [omit => ['session_company'], location => 'mfa_policy_scope any;'],
);

for my $case (@accepted) {
    my %c = @$case;
    my $what = join ' ', map {
        my $v = $c{$_};
        ref $v eq 'HASH' ? values %$v : ref $v eq 'ARRAY' ? "without @$v" : $v
    } sort keys %c;

    ($status, $out) = $t->nginx_t(conf(%c));
    is($status, 0, "accepted: $what") or diag($out);
}

###########################################################################
# refused
#
# [description, conf() changes, pattern naming the directive, pattern of
# the problem]

my @refused = (
    ['mfa_totp_digits 5', { server => 'mfa_totp_digits 5;' },
     qr/"mfa_totp_digits"/, qr/\b6\b.*\b8\b/],
    ['mfa_totp_digits 9', { server => 'mfa_totp_digits 9;' },
     qr/"mfa_totp_digits"/, qr/\b6\b.*\b8\b/],
    ['mfa_totp_skew 11', { server => 'mfa_totp_skew 11;' },
     qr/"mfa_totp_skew"/, qr/\b0\b.*\b10\b/],
    ['mfa_totp_skew 5 (150 s)', { server => 'mfa_totp_skew 5;' },
     qr/"mfa_totp_skew" 5 with "mfa_totp_period" 30 s/,
     qr/up to 150 s old or early; at most 120 s/],
    ['mfa_totp_period 1h with the default skew',
     { server => 'mfa_totp_period 1h;' },
     qr/"mfa_totp_skew" 1 with "mfa_totp_period" 3600 s/, qr/at most 120 s/],
    ['mfa_totp_period 0', { server => 'mfa_totp_period 0;' },
     qr/"mfa_totp_period"/, qr/\b1\s*s?\b.*\b(?:3600\s*s?|1\s*h)\b/],
    ['mfa_totp_period 2h', { server => 'mfa_totp_period 2h;' },
     qr/"mfa_totp_period"/, qr/\b1\s*s?\b.*\b(?:3600\s*s?|1\s*h)\b/],
    ['mfa_totp_algorithm md5', { server => 'mfa_totp_algorithm md5;' },
     qr/"mfa_totp_algorithm"/, qr/"md5".*sha1.*sha256.*sha512/],
    ['mfa_session_format xml', { location => 'mfa_session_format xml;' },
     qr/"mfa_session_format"/, qr/"xml".*json.*hash/],
    ['mfa_session_format pickle with a parameter',
     { location => "mfa_session_format pickle secret_file=$app_secret;" },
     qr/"mfa_session_format"/, qr/"pickle" takes no parameter/],
    ['mfa_session_format hash serializer=pickle',
     { location => 'mfa_session_format hash serializer=pickle;' },
     qr/"mfa_session_format"/, qr/"hash" takes no parameter .*"hash" serializer=json/],
    ['mfa_session_cookie SESSION spring with a secret',
     { set => { session => 'mfa_session_cookie SESSION spring '
                           . "secret_file=$app_secret;" } },
     qr/"mfa_session_cookie"/, qr/spring/],
    ['mfa_session_format django serializer=yaml',
     { location => 'mfa_session_format django serializer=yaml;' },
     qr/"mfa_session_format"/, qr/serializer "yaml": json or pickle/],
    ['mfa_session_format django with a secret file open to others',
     { location => "mfa_session_format django secret_file=$open_secret;" },
     qr/"mfa_session_format"/, qr/accessible by group or others/],
    ['mfa_session_format django with an empty secret file',
     { location => "mfa_session_format django secret_file=$empty_secret;" },
     qr/"mfa_session_format"/, qr/empty/],
    ['mfa_session_format django with five secret files',
     { location => 'mfa_session_format django'
                   . " secret_file=$app_secret" x 5 . ';' },
     qr/"mfa_session_format"/, qr/takes at most 4 "secret_file="/],
    ['mfa_session_cookie with nine secret files',
     { set => { session => 'mfa_session_cookie sid express'
                           . " secret_file=$app_secret" x 9 . ';' } },
     qr/"mfa_session_cookie"/, qr/takes at most 8 "secret_file="/],
    ['mfa_session_format django color=red',
     { location => 'mfa_session_format django color=red;' },
     qr/"mfa_session_format"/, qr/unknown parameter "color=red"/],
    ['mfa_visitor_cookie maybe', { location => 'mfa_visitor_cookie maybe;' },
     qr/"mfa_visitor_cookie"/, qr/"on" or "off"/],
    ['mfa_session_preset laravel',
     { server => 'mfa_session_preset laravel;' },
     qr/"mfa_session_preset"/,
     qr/unknown stack "laravel".*Laravel's encrypted cookie: "mfa_session_introspect"/],
    ['mfa_session_introspect with mfa_session_key',
     { server => 'mfa_session_introspect /_who;' },
     qr/"mfa_session_introspect"/,
     qr/cannot be used with "mfa_session_key" \(or a preset's\) in the same block/],
    ['mfa_session_introspect with a preset',
     { omit => [qw(session session_key session_user)],
       server => 'mfa_session_preset flask; mfa_session_introspect /_who;' },
     qr/"mfa_session_introspect"/, qr/or a preset's/],
    ['mfa_session_introspect not a URI',
     { omit => ['session_key'], server => 'mfa_session_introspect _who;' },
     qr/"mfa_session_introspect" "_who"/, qr/must start with "\/"/],
    ['mfa_session_introspect twice',
     { omit => ['session_key'],
       server => 'mfa_session_introspect /a; mfa_session_introspect /b;' },
     qr/"mfa_session_introspect"/, qr/duplicate/],
    ['mfa_session_introspect with the hash format',
     { omit => ['session_key'], server => 'mfa_session_introspect /_who;',
       location => 'mfa_session_format hash;' },
     qr/"mfa_session_introspect"/, qr/JSON.*another "mfa_session_format"/],
    ['mfa_session_preset express without the signed cookie',
     { omit => [qw(session session_key)],
       server => 'mfa_session_preset express;' },
     qr/connect\.sid express secret_file=/, qr/signs its cookie/],
    ['mfa_session_preset php needs the user path',
     { omit => [qw(session session_key session_user)],
       server => 'mfa_session_preset php;' },
     qr/"mfa_session_user"/, qr/./],
    ['mfa_session_preset twice',
     { server => 'mfa_session_preset php; mfa_session_preset php;' },
     qr/"mfa_session_preset"/, qr/duplicate/],
    ['mfa_policy_scope some', { location => 'mfa_policy_scope some;' },
     qr/"mfa_policy_scope"/, qr/"some".*active.*any/],
    ['mfa_fail maybe', { location => 'mfa_fail maybe;' },
     qr/"mfa_fail"/, qr/"maybe".*closed.*open/],
    ['mfa maybe', { set => { mfa => 'mfa maybe;' } },
     qr/"mfa"/, qr/"maybe".*"on".*"off"/],
    ['mfa_verified_ttl 10s', { location => 'mfa_verified_ttl 10s;' },
     qr/"mfa_verified_ttl"/, qr/\b(?:60\s*s?|1\s*m)\b/],
    ['mfa_redis_timeout 0', { http => 'mfa_redis_timeout 0;' },
     qr/"mfa_redis_timeout"/, qr/\b1\s*ms\b/],
    ['mfa_redis_db 70000', { http => 'mfa_redis_db 70000;' },
     qr/"mfa_redis_db"/, qr/\b65535\b/],
    ['mfa_redis with a host name',
     { set => { redis => 'mfa_redis example.com:6379;' } },
     qr/"mfa_redis"/, qr/example\.com.*(?:host name|numeric)/i],
    ['mfa_redis unix: with a relative path',
     { set => { redis => 'mfa_redis unix:relative;' } },
     qr/"mfa_redis"/, qr/absolute/],
    ['mfa_redis with port 99999',
     { set => { redis => 'mfa_redis 127.0.0.1:99999;' } },
     qr/"mfa_redis"/, qr/port/],
    ['mfa_redis with a path after the address',
     { set => { redis => 'mfa_redis 127.0.0.1:6379/0;' } },
     qr/"mfa_redis"/, qr/invalid address/],
    ['mfa_logout_url "javascript:x"', { server => 'mfa_logout_url "javascript:x";' },
     qr/"mfa_logout_url"/, qr/local path .*http\(s\) URL/],
    ['mfa_logout_url with a space', { server => 'mfa_logout_url "/log out";' },
     qr/"mfa_logout_url"/, qr/without spaces/],
    ['mfa_logout_url "//evil"', { server => 'mfa_logout_url //evil.example;' },
     qr/"mfa_logout_url"/, qr/local path/],
    ['mfa_pages "/x" (no trailing slash)', { server => 'mfa_pages "/x";' },
     qr/"mfa_pages"/, qr/end\w* with "\/"/],
    ['mfa_pages "x/" (no leading slash)', { server => 'mfa_pages "x/";' },
     qr/"mfa_pages"/, qr/start\w* .*"\/"/],
    ['mfa_pages "/a//b/" (empty segment)', { server => 'mfa_pages "/a//b/";' },
     qr/"mfa_pages"/, qr/empty|"\/\/"|double slash/i],
    ['mfa_pages "/" (every URI)', { server => 'mfa_pages "/";' },
     qr/"mfa_pages"/, qr/prefix/],
    ['mfa_session_user "a..b"', { set => { session_user =>
                                            'mfa_session_user "a..b";' } },
     qr/"mfa_session_user"/, qr/empty name/],
    ['mfa_session_user ".a"', { set => { session_user =>
                                          'mfa_session_user ".a";' } },
     qr/"mfa_session_user"/, qr/empty name/],
    ['mfa_session_company "a."', { set => { session_company =>
                                             'mfa_session_company "a.";' } },
     qr/"mfa_session_company"/, qr/empty name/],
    ['mfa_session_user "[a" (a bracket not closed)',
     { set => { session_user => 'mfa_session_user "[a";' } },
     qr/"mfa_session_user"/, qr/in brackets/],
    ['mfa_session_user "[a]b" (no dot after the brackets)',
     { set => { session_user => 'mfa_session_user "[a]b";' } },
     qr/"mfa_session_user"/, qr/in brackets/],
    ['mfa_session_user with a 300-byte name',
     { set => { session_user => 'mfa_session_user ' . ('n' x 300) . ';' } },
     qr/"mfa_session_user"/, qr/long|\b25[56]\b/],
    ['mfa_session_id "" (every request anonymous)',
     { set => { session => 'mfa_session_id "";' } },
     qr/"mfa_session_id"/, qr/empty/],
    ['mfa_session_cookie "a b"', { set => { session =>
                                            'mfa_session_cookie "a b";' } },
     qr/"mfa_session_cookie"/, qr/"a b" is not a cookie name/],
    ['mfa_session_cookie "s;d"', { set => { session =>
                                            'mfa_session_cookie "s;d";' } },
     qr/"mfa_session_cookie"/, qr/not a cookie name/],
    ['mfa_session_cookie with a 129-byte name',
     { set => { session => 'mfa_session_cookie ' . ('n' x 129) . ';' } },
     qr/"mfa_session_cookie"/, qr/1 to 128/],
    ['mfa_session_cookie sid rails', { set => { session =>
                                         'mfa_session_cookie sid rails;' } },
     qr/"mfa_session_cookie"/,
     qr/unknown framework "rails".*plain, express, fastify, koa, flask, django/],
    ['mfa_session_cookie express without its secret',
     { set => { session => 'mfa_session_cookie sid express;' } },
     qr/"mfa_session_cookie"/, qr/"express" cookies are signed.*secret_file=/],
    ['mfa_session_cookie fastify without its secret',
     { set => { session => 'mfa_session_cookie sessionId fastify;' } },
     qr/"mfa_session_cookie"/, qr/"fastify" cookies are signed/],
    ['mfa_session_cookie django with a secret',
     { set => { session => "mfa_session_cookie sessionid django "
                           . "secret_file=$app_secret;" } },
     qr/"mfa_session_cookie"/, qr/"django" cookies are not signed/],
    ['mfa_session_cookie with an unknown parameter',
     { set => { session => 'mfa_session_cookie sid express secret=x;' } },
     qr/"mfa_session_cookie"/, qr/unknown parameter "secret=x"/],
    ['mfa_session_cookie with "secret_file="',
     { set => { session => 'mfa_session_cookie sid express secret_file=;' } },
     qr/"mfa_session_cookie"/, qr/unknown parameter "secret_file="/],
    ['mfa_session_cookie: the secret file is missing',
     { set => { session => "mfa_session_cookie sid express "
                           . "secret_file=$no_secret;" } },
     qr/"mfa_session_cookie"/, qr/cannot open "\Q$no_secret\E"/],
    ['mfa_session_cookie: the secret file is readable by others',
     { set => { session => "mfa_session_cookie sid express "
                           . "secret_file=$open_secret;" } },
     qr/"mfa_session_cookie"/, qr/\Q$open_secret\E.*group or others/],
    ['mfa_session_cookie: the secret file is empty',
     { set => { session => "mfa_session_cookie sid express "
                           . "secret_file=$empty_secret;" } },
     qr/"mfa_session_cookie"/, qr/\Q$empty_secret\E.*empty/],
    ['mfa_session_cookie with 9 secret files',
     { set => { session => 'mfa_session_cookie sid express '
                           . "secret_file=$app_secret " x 9 . ';' } },
     qr/"mfa_session_cookie"/, qr/at most 8/],
    ['mfa_session_cookie and mfa_session_id in one block',
     { server => 'mfa_session_id $http_x_session;' },
     qr/"mfa_session_id"/, qr/cannot be used with "mfa_session_cookie"/],
    ['mfa_session_id and mfa_session_cookie in one block',
     { set => { session => 'mfa_session_id $http_x_session; '
                           . 'mfa_session_cookie sid;' } },
     qr/"mfa_session_cookie"/, qr/cannot be used with "mfa_session_id"/],
    ['mfa_session_cookie twice', { server => 'mfa_session_cookie sid;' },
     qr/"mfa_session_cookie"/, qr/duplicate/],
    ['mfa_session_key not made of $mfa_session_id',
     { set => { session_key => 'mfa_session_key sess:$cookie_sid;' } },
     qr/"mfa_session_key" "sess:\$cookie_sid"/,
     qr/must be made of \$mfa_session_id/],
    ['mfa_session_key "" (no session ever found)',
     { set => { session_key => 'mfa_session_key "";' } },
     qr/"mfa_session_key"/, qr/empty/],
    ['mfa_cache_size 100k', { http => 'mfa_cache_size 100k;' },
     qr/"mfa_cache_size"/, qr/"off" or a size from 512k to 131071m/],
    ['mfa_cache_size lots', { http => 'mfa_cache_size lots;' },
     qr/"mfa_cache_size"/, qr/"off" or a size from 512k to 131071m/],
    ['mfa_cache_size 131072m', { http => 'mfa_cache_size 131072m;' },
     qr/"mfa_cache_size"/, qr/"off" or a size from 512k to 131071m/],
    ['mfa_cache_size twice', { http => 'mfa_cache_size 1m; mfa_cache_size 2m;' },
     qr/"mfa_cache_size"/, qr/duplicate/],
    ['mfa_cache_size in a server', { server => 'mfa_cache_size 1m;' },
     qr/"mfa_cache_size"/, qr/not allowed here/],
    ['mfa_verified_cache, gone', { http => 'mfa_verified_cache 1s;' },
     qr/"mfa_verified_cache"/, qr/unknown directive/],
    ['mfa_session_max_size 512', { location => 'mfa_session_max_size 512;' },
     qr/"mfa_session_max_size"/, qr/1k to 16m/],
    ['mfa_session_max_size 17m', { location => 'mfa_session_max_size 17m;' },
     qr/"mfa_session_max_size"/, qr/1k to 16m/],
    ['mfa_issuer "a:b"', { http => 'mfa_issuer "a:b";' },
     qr/"mfa_issuer"/, qr/colon/],
    ['mfa_issuer ""', { http => 'mfa_issuer "";' },
     qr/"mfa_issuer"/, qr/\b1 to 64\b/],
    ['mfa_redis_prefix "a b"', { http => 'mfa_redis_prefix "a b";' },
     qr/"mfa_redis_prefix"/, qr/space/],
    ['mfa_redis_prefix ""', { http => 'mfa_redis_prefix "";' },
     qr/"mfa_redis_prefix"/, qr/\b1 to 32\b/],

    ['mfa_secret_key_file: missing file',
     { set => { key => "mfa_secret_key_file $no_key;" } },
     qr/"mfa_secret_key_file"/, qr/\Q$no_key\E.*(?:cannot open|No such file)/],
    ['mfa_secret_key_file: 31 bytes',
     { set => { key => "mfa_secret_key_file $short_key;" } },
     qr/"mfa_secret_key_file"/, qr/\Q$short_key\E.*\b32 bytes\b/],
    ['mfa_secret_key_file: 33 bytes',
     { set => { key => "mfa_secret_key_file $long_key;" } },
     qr/"mfa_secret_key_file"/, qr/\Q$long_key\E.*\b32 bytes\b/],
    ['mfa_secret_key_file: 32 typed characters',
     { set => { key => "mfa_secret_key_file $typed_key;" } },
     qr/"mfa_secret_key_file"/, qr/\Q$typed_key\E.*printable characters, a passphrase/],
    ['mfa_secret_key_file: mode 0644',
     { set => { key => "mfa_secret_key_file $open_key;" } },
     qr/"mfa_secret_key_file"/, qr/\Q$open_key\E.*group or others/],
    ['mfa_secret_key_file: mode 0640',
     { set => { key => "mfa_secret_key_file $group_key;" } },
     qr/"mfa_secret_key_file"/, qr/\Q$group_key\E.*group or others/],
    ['mfa_secret_key_file: an old key file missing',
     { set => { key => "mfa_secret_key_file $key $no_key;" } },
     qr/"mfa_secret_key_file"/, qr/\Q$no_key\E/],
    ['mfa_redis_password_file: mode 0644',
     { http => "mfa_redis_password_file $open_password;" },
     qr/"mfa_redis_password_file"/, qr/\Q$open_password\E.*group or others/],
    ['mfa_redis_password_file: missing file',
     { http => "mfa_redis_password_file $no_password;" },
     qr/"mfa_redis_password_file"/,
     qr/\Q$no_password\E.*(?:cannot open|No such file)/],
    ['mfa_redis_password_file: empty',
     { http => "mfa_redis_password_file $empty_password;" },
     qr/"mfa_redis_password_file"/, qr/must hold/],

    ['mfa_redis_password_file: two lines',
     { http => "mfa_redis_password_file $two_lines_password;" },
     qr/"mfa_redis_password_file"/, qr/one line/],

    ['mfa_api_token_file: too short',
     { http => "mfa_api_token_file $short_token;" },
     qr/"mfa_api_token_file"/, qr/32 to 256 printable characters/],
    ['mfa_api_token_file: a space',
     { http => "mfa_api_token_file $spaced_token;" },
     qr/"mfa_api_token_file"/, qr/without spaces/],
    ['mfa_api_token_file: mode 0640',
     { http => "mfa_api_token_file $open_token;" },
     qr/"mfa_api_token_file"/, qr/group or others/],
    ['mfa_api_token_file: missing file',
     { http => "mfa_api_token_file $no_password;" },
     qr/"mfa_api_token_file"/, qr/cannot open/],

    ['mfa_redis_sentinel with mfa_redis',
     { http => 'mfa_redis_sentinel m 127.0.0.1:26379;' },
     qr/"mfa_redis_sentinel"/, qr/cannot be used with "mfa_redis"/],
    ['mfa_redis with mfa_redis_sentinel',
     { omit => ['redis'], http => 'mfa_redis_sentinel m 127.0.0.1:26379; '
                                  . 'mfa_redis 127.0.0.1:6379;' },
     qr/"mfa_redis"/, qr/cannot be used with "mfa_redis_sentinel"/],
    ['mfa_redis_canary_key empty',
     { http => 'mfa_redis_canary_key "";' },
     qr/"mfa_redis_canary_key"/, qr/a Redis key of 1 to 256 bytes/],
    ['mfa_redis_canary_key twice',
     { http => 'mfa_redis_canary_key a; mfa_redis_canary_key b;' },
     qr/"mfa_redis_canary_key"/, qr/duplicate/],
    ['mfa_session_events without the cache',
     { http => 'mfa_session_events on; mfa_cache_size off;' },
     qr/"mfa_session_events"/, qr/needs the cache, but "mfa_cache_size" is off/],
    ['mfa_session_events with a bad value',
     { http => 'mfa_session_events yes;' },
     qr/"mfa_session_events"/, qr/invalid value "yes"/],
    ['mfa_redis_replicas not a number',
     { http => 'mfa_redis_replicas one;' },
     qr/"mfa_redis_replicas"/, qr/from 0 to 64, not "one"/],
    ['mfa_redis_replicas 0 with a time',
     { http => 'mfa_redis_replicas 0 5s;' },
     qr/"mfa_redis_replicas 0" waits for no replica/, qr/"5s" is given for nothing/],
    ['mfa_redis_replicas too many',
     { http => 'mfa_redis_replicas 65;' },
     qr/"mfa_redis_replicas"/, qr/from 0 to 64, not "65"/],
    ['mfa_redis_replicas a zero time',
     { http => 'mfa_redis_replicas 1 0;' },
     qr/"mfa_redis_replicas"/, qr/from 1ms to 60s to wait for them, not "0"/],
    ['mfa_redis_replicas a time too long',
     { http => 'mfa_redis_replicas 1 2m;' },
     qr/"mfa_redis_replicas"/, qr/from 1ms to 60s/],
    ['mfa_redis_replicas twice',
     { http => 'mfa_redis_replicas 1; mfa_redis_replicas 2;' },
     qr/"mfa_redis_replicas"/, qr/duplicate/],
    ['mfa_redis_sentinel twice',
     { omit => ['redis'], http => 'mfa_redis_sentinel m 127.0.0.1:26379; '
                                  . 'mfa_redis_sentinel m 127.0.0.1:26380;' },
     qr/"mfa_redis_sentinel"/, qr/duplicate/],
    ['mfa_redis_sentinel without a sentinel',
     { omit => ['redis'], http => 'mfa_redis_sentinel mymaster;' },
     qr/"mfa_redis_sentinel"/, qr/invalid number of arguments/],
    ['mfa_redis_sentinel with a host name',
     { omit => ['redis'],
       http => 'mfa_redis_sentinel m sentinel.example:26379;' },
     qr/"mfa_redis_sentinel" address "sentinel\.example:26379" must be a numeric IP address, not a host name/,
     qr/./],
    ['mfa_redis_sentinel with a unix socket',
     { omit => ['redis'], http => 'mfa_redis_sentinel m unix:/tmp/s;' },
     qr/"mfa_redis_sentinel"/, qr/must be a numeric IP address/],
    ['mfa_redis_sentinel_password_file: two words',
     { omit => ['redis'], http => 'mfa_redis_sentinel m 127.0.0.1:26379; '
                                  . "mfa_redis_sentinel_password_file $acl_password;" },
     qr/"mfa_redis_sentinel_password_file"/, qr/the password alone/],
    ['mfa_redis_sentinel_password_file: mode 0644',
     { omit => ['redis'], http => 'mfa_redis_sentinel m 127.0.0.1:26379; '
                                  . "mfa_redis_sentinel_password_file $open_password;" },
     qr/\Q$open_password\E/, qr/group or others/],
    ['"mfa on" without mfa_redis', { omit => ['redis'] },
     qr/"mfa_redis"/, qr/"mfa on" needs/],
    ['"mfa on" without mfa_secret_key_file', { omit => ['key'] },
     qr/"mfa_secret_key_file"/, qr/"mfa on" needs/],
    ['"mfa on" without a session cookie', { omit => ['session'] },
     qr/"mfa_session_cookie" \(or "mfa_session_id", or "mfa_session_introspect"\)/,
     qr/"mfa on" needs/],
    ['"mfa on" without mfa_session_key', { omit => ['session_key'] },
     qr/"mfa_session_key" \(or "mfa_session_introspect"\)/,
     qr/"mfa on" needs/],
    ['"mfa on" without mfa_session_user', { omit => ['session_user'] },
     qr/"mfa_session_user"/, qr/"mfa on" needs/],
    ['"mfa on" without any company source', { omit => ['session_company'] },
     qr/"mfa_session_company".*"mfa_company"/, qr/"mfa on" needs/],
    ['"mfa on" at server level, incomplete',
     { omit => [qw(mfa session_user)], server => 'mfa on;' },
     qr/"mfa_session_user"/, qr/"mfa on" needs/],
    ['"mfa on" with "satisfy any"', { location => 'satisfy any;' },
     qr/"mfa on"/, qr/satisfy any/],

    ['mfa_redis twice', { http => 'mfa_redis 127.0.0.1:6380;' },
     qr/"mfa_redis"/, qr/duplicate/],
    ['mfa_secret_key_file twice', { http => "mfa_secret_key_file $key;" },
     qr/"mfa_secret_key_file"/, qr/duplicate/],
    ['mfa_redis_password_file twice',
     { http => "mfa_redis_password_file $password; "
               . "mfa_redis_password_file $password;" },
     qr/"mfa_redis_password_file"/, qr/duplicate/],
    ['mfa_session_format twice',
     { location => 'mfa_session_format json; mfa_session_format json;' },
     qr/"mfa_session_format"/, qr/duplicate/],
    ['mfa_totp_digits twice',
     { server => 'mfa_totp_digits 6; mfa_totp_digits 8;' },
     qr/"mfa_totp_digits"/, qr/duplicate/],
    ['mfa twice', { location => 'mfa off;' },
     qr/"mfa"/, qr/duplicate/],

    ['mfa_redis in a server block', { server => 'mfa_redis 127.0.0.1:6380;' },
     qr/"mfa_redis"/, qr/not allowed here/],
    ['mfa_pages in a location', { location => 'mfa_pages /_mfa/;' },
     qr/"mfa_pages"/, qr/not allowed here/],
);

# mfa_session_id with a cookie: accepted, with a warning that says why not

for my $v ('$cookie_sid', 'sess-${cookie_sid}', '$HTTP_COOKIE') {
    ($status, $out) = $t->nginx_t(conf(set => {
        session => "mfa_session_id \"$v\";",
        session_key => 'mfa_session_key sess:$mfa_session_id;' }));
    is($status, 0, "mfa_session_id \"$v\": accepted") or diag($out);
    like($out, qr/\[warn\] "mfa_session_id" "\Q$v\E" reads a cookie .*use "mfa_session_cookie"/,
         "mfa_session_id \"$v\": warned");
}

($status, $out) = $t->nginx_t(conf(set => {
    session => 'mfa_session_id $http_x_session;' }));
unlike($out, qr/\[warn\]/, 'mfa_session_id from a header: no warning');

for my $case (@refused) {
    my ($what, $changes, $names, $problem) = @$case;

    ($status, $out) = $t->nginx_t(conf(%$changes));

    isnt($status, 0, "$what: refused");
    like($out, qr/\[emerg\].*$names/, "$what: the message names the directive");
    like($out, $problem, "$what: the message says what is wrong")
        or diag($out);
    unlike($out, qr/test is successful/, "$what: no success claimed");
}

$t->done_testing();
