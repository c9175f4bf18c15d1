package AppsTest;

# The small real web apps of t/apps/ for the integration tests: one
# behaviour (POST /login, GET /whoami, GET /anon, POST /logout) on nine
# session stacks, each reading its cookie and its Redis session exactly as
# its framework does.  Core Perl only (and the openssl command for
# laravel's cookie); works with an MfaTest object.
#
#   my $t = MfaTest->new();
#   $t->start_redis();
#   my $secret = $t->write_file('app.secret', 'x' x 40 . "\n");
#   my $port = AppsTest::start_app($t, 'express', secret => $secret);
#   my $c = AppsTest::login($t, $port, 'bob', 'bob-pw');  # {sid => 's%3A..'}
#   AppsTest::whoami($t, $port, $c)->{user};              # 'bob'
#   my $id = AppsTest::session_id('express', $c);
#   AppsTest::record($t, 'express', $id)->{company_id};   # 'acme'
#   AppsTest::session_format('php');                      # 'php'
#   AppsTest::stop_app($t, 'express');                    # or at the end
#
# Stacks (see t/apps/README): express, fastify, koa, flask, django, php,
# rack, spring (stacks(): those whose Redis record the gate reads), and
# laravel, whose encrypted cookie the gate cannot read: it asks the app's
# GET /mfa/introspect who the session is.
# An app listens on $t->port("app_<stack>") and uses redis-server on
# $t->redis_port (start_redis first).  php and laravel are php-fpm:
# start_app returns the FastCGI port, and nginx reaches it with
# php_fastcgi($t) or laravel_fastcgi($t) in a location (laravel_fastcgi($t,
# method => 'GET') where a subrequest goes: nginx's $request_method is the
# main request's); login/whoami/call then go to nginx's port.
#
#   AppsTest::start_app($t, 'laravel', secret => $secret); # FastCGI
#   $c = AppsTest::login($t, $nginx_port, 'bob', 'bob-pw');
#   AppsTest::session_id('laravel', $c, 'x' x 40);   # decrypted: the id
#
# Every app runs in its own process group, logs to app-<stack>.log in the
# test directory, and is killed (the whole group) by stop_app, stop_all,
# when the MfaTest object goes away, or at END, even when the test died.
#
# Environment: TEST_NODE_BINARY (node), TEST_PYTHON_BINARY
# (/usr/bin/python3: Debian's, which has flask and django),
# TEST_PHP_FPM_BINARY (/usr/sbin/php-fpm8.2; laravel: with Debian's
# php-laravel-framework in /usr/share/php), TEST_RUBY_BINARY
# (/usr/bin/ruby: Debian's, with rack, redis-rack and webrick), TEST_JAVA_HOME
# (a JDK's directory: bin/javac and bin/java; else those on the PATH) with
# Debian's Tomcat 10 jars in /usr/share/java.

use strict;
use warnings;

use Carp qw(croak);
use Cwd qw(abs_path);
use Digest::SHA qw(hmac_sha1 hmac_sha1_base64 hmac_sha1_hex
                   hmac_sha256_base64 hmac_sha256_hex sha256 sha256_hex);
use MIME::Base64 qw(decode_base64);
use File::Basename qw(dirname);
use File::Spec;
use IO::Socket::INET;
use IPC::Open2 qw(open2);
use JSON::PP ();
use POSIX qw(:sys_wait_h _exit);
use Scalar::Util qw(weaken);
use Time::HiRes qw(sleep time);

use MfaTest;

my $REPO = abs_path(File::Spec->catdir(dirname(__FILE__), '..', '..'));
my $APPS = "$REPO/t/apps";

my %COOKIE = (
    express => 'sid',
    fastify => 'sessionId',
    koa     => 'koa.sess',
    flask   => 'session',
    django  => 'sessionid',
    php     => 'PHPSESSID',
    rack    => 'rack.session',
    spring  => 'SESSION',
    laravel => 'laravel_session',
);

my @GUARDS;     # one per MfaTest object that started an app (weak)

sub stacks { return qw(express fastify koa flask django php rack spring) }

sub cookie_name {
    my ($stack) = @_;
    return $COOKIE{$stack} // croak "unknown stack \"$stack\"";
}

sub app_port { my ($t, $stack) = @_; return $t->port("app_$stack") }

sub php_script { return "$APPS/php/index.php" }

sub laravel_script { return "$APPS/laravel/public/index.php" }

sub app_log {
    my ($t, $stack) = @_;
    return $t->read_file("app-$stack.log") // '';
}

###########################################################################
# processes

sub _guard {
    my ($t) = @_;

    return $t->{apps_guard} //= do {
        my $g = bless { owner => $$, procs => {} }, 'AppsTest::Guard';
        push @GUARDS, $g;
        weaken($GUARDS[-1]);
        $g;
    };
}

sub _command {
    my ($t, $stack, $port, %opt) = @_;

    my $node = $ENV{TEST_NODE_BINARY} // 'node';
    my $python = $ENV{TEST_PYTHON_BINARY} // '/usr/bin/python3';

    if ($stack =~ /^(?:express|fastify|koa)$/) {
        die "no $APPS/node_modules: run "
            . "\"npm ci --prefix t/apps --no-audit --no-fund\"\n"
            unless -d "$APPS/node_modules";
        return ($node, "$APPS/$stack/app.js");
    }

    return ($python, "$APPS/$stack/app.py") if $stack =~ /^(?:flask|django)$/;
    return ($ENV{TEST_RUBY_BINARY} // '/usr/bin/ruby', "$APPS/rack/app.rb")
        if $stack eq 'rack';
    return _java($t) if $stack eq 'spring';

    return _php($t, $port, %opt) if $stack eq 'php';
    return _laravel($t, $port, %opt);
}

# php-fpm in the foreground, as root (-R), without the machine's php.ini
# (-n): Debian's igbinary and redis extensions (redis.so needs igbinary's
# symbols) and the settings of @ini ("-d" each), the rest in a pool
# written in the test directory, $name.conf, whose [app] section ends with
# $pool
sub _php_fpm {
    my ($t, $name, $port, $pool, @ini) = @_;

    my $dir = $t->testdir();

    $t->write_file("$name.conf", <<"EOF" . $pool);
[global]
pid = $dir/$name.pid
error_log = /proc/self/fd/2
daemonize = no

[app]
listen = 127.0.0.1:$port
listen.allowed_clients = 127.0.0.1
pm = static
pm.max_children = 4
catch_workers_output = yes
decorate_workers_output = no
clear_env = yes
php_admin_flag[display_errors] = off
php_admin_flag[log_errors] = on
EOF

    return ($ENV{TEST_PHP_FPM_BINARY} // '/usr/sbin/php-fpm8.2', '-n',
            map({ ('-d', $_) } 'extension=igbinary.so', 'extension=redis.so',
                               @ini),
            '-F', '-O', '-R', '-y', "$dir/$name.conf");
}

# the php app: PHP's own sessions in Redis
sub _php {
    my ($t, $port, %opt) = @_;

    my $redis = $t->redis_port();
    my $handler = $opt{php_handler} // 'php';

    return _php_fpm($t, 'php-fpm', $port, <<"EOF");
env[REDIS_PORT] = $redis
php_admin_value[session.save_handler] = redis
php_admin_value[session.save_path] = "tcp://127.0.0.1:$redis"
php_admin_flag[session.use_strict_mode] = on
php_admin_value[session.serialize_handler] = $handler
EOF
}

# the laravel app: what Laravel writes (its storage, the manifests of
# bootstrap/cache) in laravel-storage/ of the test directory.  mbstring
# and ctype, which Laravel needs, and OPcache: every request loads the
# framework again, 3 times faster from OPcache's shared memory
sub _laravel {
    my ($t, $port, %opt) = @_;

    my $storage = $t->path('laravel-storage');

    for ($storage, "$storage/bootstrap-cache") {
        -d or mkdir or die "mkdir $_: $!\n";
    }

    my $pool = 'env[REDIS_PORT] = ' . $t->redis_port() . "\n"
        . "env[LARAVEL_STORAGE] = $storage\n";
    $pool .= 'env[SECRET_FILE] = ' . $t->path($opt{secret}) . "\n"
        if defined $opt{secret};

    return _php_fpm($t, 'php-fpm-laravel', $port, $pool,
                    'extension=mbstring.so', 'extension=ctype.so',
                    'zend_extension=opcache.so');
}

# the servlet compiled into the test directory, and the command that runs
# it on Tomcat 10 embedded
sub _java {
    my ($t) = @_;

    my $bin = defined $ENV{TEST_JAVA_HOME} ? "$ENV{TEST_JAVA_HOME}/bin/" : '';
    my $cp = join ':', map { "/usr/share/java/tomcat10-$_.jar" }
        qw(catalina coyote util util-scan juli api servlet-api jaspic-api
           annotations-api);
    my $classes = $t->path('spring-classes');

    system("${bin}javac", '-Xlint:all', '-Werror', '-d', $classes,
           '-cp', $cp, "$APPS/spring/App.java") == 0
        or die "javac $APPS/spring/App.java failed\n";

    return ("${bin}java", '-Xshare:auto', "-Djava.io.tmpdir=$classes",
            '-cp', "$cp:$classes", 'App');
}

# start_app($t, $stack, secret => $file, secret_old => $file, signer => 1,
#           env => {NAME => value}, timeout => 20): the port, once the app
# accepts connections; dies with the app's log if it does not.
# secret: SECRET_FILE (a path, or a name in the test directory);
# secret_old: SECRET_FILE_OLD (express, fastify, koa: an older secret that
# still verifies); signer: FLASK_SIGNER=1 (flask); php_handler: PHP's
# session.serialize_handler (php, the default; php_serialize; php_binary)
sub start_app {
    my ($t, $stack, %opt) = @_;

    cookie_name($stack);

    my $g = _guard($t);
    croak "$stack is already running" if $g->{procs}{$stack};

    my $port = app_port($t, $stack);
    my $log = $t->path("app-$stack.log");

    my %env = (PORT => $port, REDIS_PORT => $t->redis_port(),
               %{$opt{env} // {}});
    $env{SECRET_FILE} = $t->path($opt{secret}) if defined $opt{secret};
    $env{SECRET_FILE_OLD} = $t->path($opt{secret_old})
        if defined $opt{secret_old};
    $env{FLASK_SIGNER} = '1' if $opt{signer};

    my @cmd = _command($t, $stack, $port, %opt);

    my $pid = fork();
    die "fork: $!\n" unless defined $pid;

    if ($pid == 0) {
        setpgrp(0, 0);
        open STDOUT, '>>', $log;
        open STDERR, '>&', \*STDOUT;
        delete @ENV{qw(SECRET_FILE SECRET_FILE_OLD FLASK_SIGNER)};
        @ENV{keys %env} = values %env;
        chdir $APPS;
        exec @cmd or do { print STDERR "exec $cmd[0]: $!\n"; _exit(127) };
    }

    $g->{procs}{$stack} = $pid;

    my $deadline = time() + ($opt{timeout} // 20);

    while (time() < $deadline) {
        if (waitpid($pid, WNOHANG) == $pid) {
            my $status = $?;
            delete $g->{procs}{$stack};
            die "$stack exited at start (wait status $status):\n"
                . app_log($t, $stack);
        }

        my $s = IO::Socket::INET->new(PeerAddr => '127.0.0.1',
            PeerPort => $port, Proto => 'tcp', Timeout => 1);

        if ($s) {
            close $s;
            return $port;
        }

        sleep 0.05;
    }

    stop_app($t, $stack);
    die "$stack did not listen on $port within "
        . ($opt{timeout} // 20) . " s:\n" . app_log($t, $stack);
}

sub _kill_group {
    my ($pid) = @_;

    kill 'TERM', -$pid;

    my $deadline = time() + 5;

    while (time() < $deadline) {
        my $r = waitpid($pid, WNOHANG);
        last if $r == $pid || $r == -1;
        sleep 0.02;
    }

    # what is left of the group (php-fpm's workers, or a leader that did
    # not exit on TERM)
    kill 'KILL', -$pid;
    waitpid($pid, 0);
}

sub stop_app {
    my ($t, $stack) = @_;

    my $g = $t->{apps_guard} or return;
    my $pid = delete $g->{procs}{$stack} or return;

    _kill_group($pid);
}

sub stop_all {
    my ($t) = @_;
    my $g = $t->{apps_guard} or return;
    stop_app($t, $_) for keys %{$g->{procs}};
}

sub AppsTest::Guard::DESTROY {
    my ($g) = @_;

    local ($?, $@, $!);
    return if $$ != $g->{owner};

    _kill_group(delete $g->{procs}{$_}) for keys %{$g->{procs}};
}

# before MfaTest's END (which stops redis and nginx): this END is compiled
# after it, so it runs first
END {
    local $?;
    for my $g (grep { defined } @GUARDS) {
        AppsTest::Guard::DESTROY($g);
    }
}

###########################################################################
# nginx in front of php-fpm

# the directives of a location that hands every request to the php app
sub php_fastcgi {
    my ($t) = @_;

    my $port = app_port($t, 'php');
    my $script = php_script();

    return <<"EOF" . <<'EOF';
            fastcgi_pass 127.0.0.1:$port;
            fastcgi_param SCRIPT_FILENAME $script;
EOF
            fastcgi_param REQUEST_METHOD $request_method;
            fastcgi_param REQUEST_URI $request_uri;
            fastcgi_param QUERY_STRING $query_string;
            fastcgi_param CONTENT_TYPE $content_type;
            fastcgi_param CONTENT_LENGTH $content_length;
            fastcgi_param SERVER_PROTOCOL $server_protocol;
            fastcgi_param SERVER_NAME $server_name;
            fastcgi_param SERVER_PORT $server_port;
            fastcgi_param REMOTE_ADDR $remote_addr;
EOF
}

# the directives of a location that hands every request to the laravel
# app.  method => 'GET': for a location that a subrequest reaches, where
# nginx's $request_method and $request_uri are still the main request's:
# that method, the subrequest's own URI ($uri$is_args$args) and no request
# body; and MFA_INTROSPECTION=1, without which the app's /mfa/introspect
# answers 404
sub laravel_fastcgi {
    my ($t, %opt) = @_;

    my $port = app_port($t, 'laravel');
    my $script = laravel_script();

    my $request = defined $opt{method} ? <<"EOF" : <<'EOF';
            fastcgi_param REQUEST_METHOD $opt{method};
            fastcgi_param REQUEST_URI \$uri\$is_args\$args;
            fastcgi_param MFA_INTROSPECTION 1;
            fastcgi_pass_request_body off;
EOF
            fastcgi_param REQUEST_METHOD $request_method;
            fastcgi_param REQUEST_URI $request_uri;
            fastcgi_param CONTENT_TYPE $content_type;
            fastcgi_param CONTENT_LENGTH $content_length;
EOF

    return <<"EOF" . $request . <<'EOF';
            fastcgi_pass 127.0.0.1:$port;
            fastcgi_param SCRIPT_FILENAME $script;
            fastcgi_param SCRIPT_NAME /index.php;
EOF
            fastcgi_param QUERY_STRING $query_string;
            fastcgi_param SERVER_PROTOCOL $server_protocol;
            fastcgi_param SERVER_NAME $server_name;
            fastcgi_param SERVER_PORT $server_port;
            fastcgi_param REMOTE_ADDR $remote_addr;
EOF
}

###########################################################################
# requests

# call($t, $port, $method, $path, cookie => $c, form => {...}, headers =>
# {...}): an MfaTest::Response.  $c: a hash {name => value} (one Cookie
# header, names sorted) or a string (the Cookie header as is); none: no
# Cookie header.  form ({name => value} or [name => value, ...]): a POST
# of it, urlencoded, whatever $method says
sub call {
    my ($t, $port, $method, $path, %o) = @_;

    my %h = %{$o{headers} // {}};

    if (defined $o{cookie}) {
        $h{Cookie} = ref $o{cookie}
            ? MfaTest::cookie_header(%{$o{cookie}}) : $o{cookie};
    }

    return $t->http_post_form($path, $o{form}, port => $port, headers => \%h)
        if $o{form};

    return $t->http($method => $path, port => $port, headers => \%h,
                    ($method eq 'POST' ? (body => '') : ()));
}

# login($t, $port, $user, $password): the cookies the answer set, {name =>
# value}; in list context (cookies, response)
sub login {
    my ($t, $port, $user, $password) = @_;

    my $r = call($t, $port, POST => '/login',
                 form => [user => $user, password => $password]);
    my $c = $r->status ? $r->cookies : {};

    return wantarray ? ($c, $r) : $c;
}

# whoami($t, $port, $cookie): the answer's JSON ({user => ..., cookie =>
# ...}), undef if none; in list context (json, response)
sub whoami {
    my ($t, $port, $cookie) = @_;

    my $r = call($t, $port, GET => '/whoami', cookie => $cookie);
    my $j = $r->status ? $r->json : undef;

    return wantarray ? ($j, $r) : $j;
}

###########################################################################
# the session each stack keeps

sub uri_unescape {
    my ($s) = @_;
    $s =~ s/%([0-9A-Fa-f]{2})/chr hex $1/ge;
    return $s;
}

# encodeURIComponent, as express-session's cookie module applies it
sub uri_escape_component {
    my ($s) = @_;
    $s =~ s/([^A-Za-z0-9\-_.!~*'()])/sprintf('%%%02X', ord $1)/ge;
    return $s;
}

# the session id in the cookies one app set ({name => value}), undef if
# the app's cookie is not there (laravel: or not Laravel's encryption of
# an id with laravel_key($secret); $secret undef: the app's fixed test key)
sub session_id {
    my ($stack, $cookies, $secret) = @_;

    my $v = $cookies->{cookie_name($stack)};
    return undef unless defined $v && length $v;

    if ($stack eq 'laravel') {
        my $key = laravel_key($secret);
        my $plain = laravel_decrypt($v, $key) // return undef;
        my $prefix = hmac_sha1_hex('laravel_sessionv2', $key) . '|';
        return substr($plain, 0, length $prefix) eq $prefix
            ? substr($plain, length $prefix) : undef;
    }

    if ($stack eq 'express') {
        $v = uri_unescape($v);
        return $v =~ /^s:(.*)\.[^.]*$/ ? $1 : undef;
    }

    # fastify: always signed; flask: signed with FLASK_SIGNER (a uuid has
    # no ".")
    return $v =~ /^(.*)\.[^.]*$/ ? $1 : $v if $stack =~ /^(?:fastify|flask)$/;

    return decode_base64($v) if $stack eq 'spring';

    return $v;
}

# the Redis key of a session's record
sub redis_key {
    my ($stack, $id) = @_;

    return {
        express => "sess:$id",
        fastify => "sess:$id",
        koa     => $id,
        flask   => "session:$id",
        django  => ":1:django.contrib.sessions.cache$id",
        php     => "PHPREDIS_SESSION:$id",
        rack    => 'rack:session:2::' . sha256_hex($id),
        spring  => "spring:session:sessions:$id",
        laravel => "laravel_database_laravel_cache:$id",
    }->{$stack} // croak "unknown stack \"$stack\"";
}

# the "mfa_session_key" of a stack: its key made of the checked id
sub session_key_conf {
    my ($stack) = @_;
    return 'rack:session:2::$mfa_session_id_sha256' if $stack eq 'rack';
    return redis_key($stack, '') . '$mfa_session_id';
}

# the "mfa_session_format" of a stack's records, as the framework writes
# them by default
sub session_format {
    my ($stack) = @_;
    return { php => 'php', flask => 'pickle', django => 'pickle',
             rack => 'marshal', spring => 'hash serializer=json' }->{$stack}
           // 'json';
}

# the "mfa_session_user" and "mfa_session_company" paths to the user and
# the company the app stores
sub session_paths {
    my ($stack) = @_;
    return ('[sessionAttr:SPRING_SECURITY_CONTEXT].authentication.principal'
            . '.username', '[sessionAttr:company_id]') if $stack eq 'spring';
    return ('user.id', 'company_id');
}

# a session's record, decoded (JSON, PHP's "php" session format, or a
# pickle read by Python itself); undef if there is none or it cannot be
# decoded
sub record {
    my ($t, $stack, $id) = @_;

    # the attributes; Spring Security's context as the user it holds
    if ($stack eq 'spring') {
        my %h = @{$t->redis('HGETALL', redis_key($stack, $id)) // []};
        my $json = JSON::PP->new->allow_nonref;
        my %a = map { /^sessionAttr:(.*)/s ? ($1 => $json->decode($h{$_}))
                                           : () } keys %h;
        my $ctx = delete $a{SPRING_SECURITY_CONTEXT};
        $a{user} = { id => $ctx->{authentication}{principal}{username} }
            if $ctx;
        return %h ? \%a : undef;
    }

    my $v = $t->redis('GET', redis_key($stack, $id));
    return undef unless defined $v && !ref $v;
    return php_decode($v) if $stack eq 'php';
    return laravel_decode($v) if $stack eq 'laravel';
    $v = to_json(session_format($stack), $v)
        if session_format($stack) =~ /^(?:pickle|marshal)$/;
    return undef unless defined $v;
    return eval { JSON::PP->new->decode($v) };
}

# a pickle or a Marshal dump (our own apps' records) as JSON, by Python's
# or Ruby's own reader
sub to_json {
    my ($format, $bytes) = @_;

    my @cmd = $format eq 'pickle'
        ? ($ENV{TEST_PYTHON_BINARY} // '/usr/bin/python3', '-c',
           'import json, pickle, sys; '
           . 'json.dump(pickle.loads(sys.stdin.buffer.read()), sys.stdout)')
        : ($ENV{TEST_RUBY_BINARY} // '/usr/bin/ruby', '-rjson', '-e',
           'print Marshal.load(STDIN.binmode.read).to_json');

    my $pid = open2(my $out, my $in, @cmd);
    binmode $in;
    print {$in} $bytes;
    close $in;
    my $json = do { local $/; <$out> };
    waitpid($pid, 0);
    return $? == 0 ? $json : undef;
}

# PHP's "php" session format (name|serialize()d value...), for the
# scalars, arrays and nulls the app stores; undef for anything else.  The
# module's own reader is src/mfa_php.c: this one is written apart from it.
sub php_decode {
    my ($s) = @_;
    my %vars;

    while (length $s) {
        $s =~ s/^([^|]*)\|// or return undef;
        my $name = $1;
        (my $v, $s) = _php_value($s);
        return undef unless defined $s;
        $vars{$name} = $v;
    }

    return \%vars;
}

# (value, rest of the text), or (undef, undef) when it is not one
sub _php_value {
    my ($s) = @_;

    return (undef, $1) if $s =~ /^N;(.*)\z/s;
    return ($1, $2) if $s =~ /^[bi]:(-?\d+);(.*)\z/s;

    if ($s =~ /^s:(\d+):"/) {
        my ($len, $at) = ($1, length("s:$1:\""));
        return (undef, undef) if length($s) < $at + $len + 2
            || substr($s, $at + $len, 2) ne '";';
        return (substr($s, $at, $len), substr($s, $at + $len + 2));
    }

    if ($s =~ /^a:(\d+):\{(.*)\z/s) {
        my ($n, %a) = ($1);
        $s = $2;
        for (1 .. $n) {
            my ($k, $v);
            ($k, $s) = _php_value($s);
            return (undef, undef) unless defined $s && defined $k;
            ($v, $s) = _php_value($s);
            return (undef, undef) unless defined $s;
            $a{$k} = $v;
        }
        return (undef, undef) unless $s =~ s/^\}//;
        return (\%a, $s);
    }

    return (undef, undef);
}

# a Laravel record: the cache store's serialize() of the session's
# serialize()d attributes; undef if it is not
sub laravel_decode {
    my ($s) = @_;

    my ($inner, $rest) = _php_value($s);
    return undef unless defined $inner && !ref $inner && $rest eq '';
    (my $attrs, $rest) = _php_value($inner);
    return ref $attrs eq 'HASH' && $rest eq '' ? $attrs : undef;
}

# the laravel app's APP_KEY (bytes): SHA-256 of the secret (bytes), the
# fixed test key without one
sub laravel_key {
    my ($secret) = @_;
    return defined $secret ? sha256($secret) : 'laravel-test-key' x 2;
}

# the plain text of a value Laravel's Encrypter encrypted with $key (a
# cookie's value, percent-encoded or not): base64 of the JSON {"iv",
# "value", "mac", "tag"}, value = base64 AES-256-CBC, mac = HMAC-SHA256 hex
# of iv . value (the base64 texts); undef if it is not, or the mac is
# wrong.  AES by the openssl command.
sub laravel_decrypt {
    my ($v, $key) = @_;

    my $p = eval { JSON::PP->new->decode(decode_base64(uri_unescape($v))) };
    return undef unless ref $p eq 'HASH'
        && !grep { !defined $p->{$_} || ref $p->{$_} } qw(iv value mac);
    return undef
        unless hmac_sha256_hex($p->{iv} . $p->{value}, $key) eq $p->{mac};

    my $pid = open2(my $out, my $in, 'openssl', 'enc', '-d', '-aes-256-cbc',
                    '-K', unpack('H*', $key),
                    '-iv', unpack('H*', decode_base64($p->{iv})));
    binmode $in;
    binmode $out;
    print {$in} decode_base64($p->{value});
    close $in;
    my $plain = do { local $/; <$out> };
    waitpid($pid, 0);
    return $? == 0 ? $plain : undef;
}

# the cookies an app sets for session $id, signed with $secret (bytes) as
# its framework signs them: {name => value}
sub sign {
    my ($stack, $id, $secret) = @_;

    if ($stack eq 'express') {
        # cookie-signature: base64 HMAC-SHA256, "=" cut; then
        # encodeURIComponent of the whole value
        return { sid => uri_escape_component(
                     's:' . $id . '.' . hmac_sha256_base64($id, $secret)) };
    }

    if ($stack eq 'fastify') {
        return { sessionId => $id . '.' . hmac_sha256_base64($id, $secret) };
    }

    if ($stack eq 'koa') {
        # keygrip: HMAC-SHA1 of "name=value", base64 with / + = made _ - ''
        (my $sig = hmac_sha1_base64("koa.sess=$id", $secret)) =~ tr{/+}{_-};
        return { 'koa.sess' => $id, 'koa.sess.sig' => $sig };
    }

    if ($stack eq 'flask') {
        # itsdangerous Signer(secret, salt='flask-session',
        # key_derivation='hmac'): key = HMAC-SHA1(salt, secret)
        my $key = hmac_sha1('flask-session', $secret);
        (my $sig = hmac_sha1_base64($id, $key)) =~ tr{/+}{_-};
        return { session => "$id.$sig" };
    }

    croak "$stack does not sign its cookie";
}

1;
