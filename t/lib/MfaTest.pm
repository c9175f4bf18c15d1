package MfaTest;

# A small integration-test harness for ngx_http_mfa_module, in the spirit of
# nginx-tests' Test::Nginx (its behaviour, not its code), with core Perl only.
#
#   my $t = MfaTest->new();
#   $t->start_redis();                      # real redis-server, free port
#   $t->start_upstream();                   # echoing HTTP back end
#   $t->write_key_file('mfa.key');          # 32 random bytes, mode 0600
#   $t->run(<<'EOF');                       # nginx.conf from a template
#   http {
#       mfa_redis 127.0.0.1:%%PORT_REDIS%%;
#       server { listen 127.0.0.1:%%PORT_HTTP%%; ... }
#   }
#   EOF
#   my $r = $t->http(GET => '/');           # MfaTest::Response
#   $t->done_testing();                     # stop, check error.log, finish
#
# Main calls: version(), port(name), write_file, write_key_file, nginx_t(conf) ->
# (status, output), run(conf), reload([conf]), stop(), worker_pids(),
# http(method, path, %opt) -> MfaTest::Response, http_post_form,
# start_redis / redis(@argv) / stop_redis / kill_redis / restart_redis,
# start_upstream / upstream_requests / MfaTest::echoed(response),
# allow_log(qr//), expect_emerg(), finish() or done_testing().
#
# Templates: %%PORT_<NAME>%% (a free loopback port per name, shared with
# port('name')), %%TESTDIR%%, %%MODULE%%.  The main-context globals
# (load_module, pid, error_log ... debug, daemon off, master_process on,
# worker_processes 1, lock_file, events {}; "user root" when run as root)
# are prepended, or put where %%TEST_GLOBALS%% stands; the http-context
# globals (access_log, root and every *_temp_path inside the test
# directory) go right after "http {", or where %%TEST_GLOBALS_HTTP%% stands.
#
# Environment:
#   TEST_NGINX_BINARY         nginx to run (default /usr/sbin/nginx)
#   TEST_NGINX_MODULE         the module (default <repo>/build/...so)
#   TEST_NGINX_ASAN           path of libasan.so: preloaded into nginx; any
#                             report of AddressSanitizer or (for a module
#                             built with it too) UndefinedBehaviorSanitizer
#                             fails the test file
#   TEST_NGINX_VALGRIND       run nginx under valgrind's memcheck (slow:
#                             for a few files at a time); any error it
#                             reports fails the test file
#   TEST_NGINX_HTTP2          every HTTP listen of a configuration gets a
#                             twin port speaking HTTP/2 (cleartext, prior
#                             knowledge), and http() sends its requests
#                             there (t/lib/h2client.mjs, Node's http2),
#                             except those that need
#                             HTTP/1.x on the wire (raw, split, aborted,
#                             sock, keep, chunked, h1 => 'reason')
#   TEST_NGINX_LEAVE          keep the test directory
#   TEST_NGINX_CATLOG         print error.log at the end
#   TEST_NGINX_QUIT_TIMEOUT   seconds nginx may take to exit on QUIT (5)
#   TEST_REDIS_BINARY         redis-server to run (default: from PATH)
#
# At the end (done_testing, or END if the test died) nginx is stopped
# (one test: it exited on QUIT in time), error.log is checked (one test:
# no [alert], [crit], [emerg], "open socket ... left in connection",
# "http request count is zero"; one test: no sanitizer report), and every
# process the harness started is killed.

use strict;
use warnings;

use Carp qw(croak);
use Cwd qw(abs_path);
use Errno qw(EINTR);
use File::Basename qw(dirname);
use File::Path qw(make_path rmtree);
use File::Spec;
use File::Temp qw(tempdir);
use IO::Socket::INET;
use POSIX qw(:sys_wait_h _exit);
use Socket qw(IPPROTO_TCP TCP_NODELAY);
use Test::More ();
use Time::HiRes qw(sleep time);

our $VERSION = '0.1';

my $REPO = abs_path(File::Spec->catdir(dirname(__FILE__), '..', '..'));

my @INSTANCES;

$SIG{PIPE} = 'IGNORE';

###########################################################################
# set-up

sub new {
    my ($class, %opt) = @_;

    my $nginx = $ENV{TEST_NGINX_BINARY} // '/usr/sbin/nginx';
    my $module = $ENV{TEST_NGINX_MODULE}
        // "$REPO/build/ngx_http_mfa_module.so";

    Test::More->builder->BAIL_OUT("no nginx binary at $nginx "
        . "(set TEST_NGINX_BINARY)") unless -x $nginx;
    Test::More->builder->BAIL_OUT("no module at $module: run \"make module\""
        . " or set TEST_NGINX_MODULE") unless -f $module;

    $module = abs_path($module);

    my $dir = tempdir('mfa-test-XXXXXXXX', TMPDIR => 1, CLEANUP => 0);
    chmod 0755, $dir or die "chmod $dir: $!\n";
    mkdir "$dir/html";

    my $self = bless {
        owner        => $$,
        dir          => $dir,
        nginx        => $nginx,
        module       => $module,
        ports        => {},
        listen       => [],
        nginx_pid    => undef,
        redis_pid    => undef,
        redis_args   => [],
        redis_sock   => undef,
        redis_pass   => undef,
        upstreams    => {},
        allowed      => [],
        expect_emerg => 0,
        nconf        => 0,
        finished     => 0,
        quit_timeout => $opt{quit_timeout} // $ENV{TEST_NGINX_QUIT_TIMEOUT}
                        // ($ENV{TEST_NGINX_VALGRIND} ? 30 : 5),
    }, $class;

    push @INSTANCES, $self;

    # interrupted (Ctrl-C, a CI timeout): END still stops every process
    for my $sig (qw(INT TERM)) {
        $SIG{$sig} = sub { Test::More::diag("killed by SIG$sig"); exit 1 }
            unless ref $SIG{$sig};
    }

    return $self;
}

# the module's version, from src/mfa_version.h (the one place that has it)
sub version {
    open my $fh, '<', "$REPO/src/mfa_version.h"
        or die "src/mfa_version.h: $!\n";
    my ($v) = map { /^#define MFA_VERSION\s+"([^"]+)"/ ? $1 : () } <$fh>;
    close $fh;

    return $v;
}

sub testdir { $_[0]{dir} }
sub module  { $_[0]{module} }
sub nginx_binary { $_[0]{nginx} }

# a free loopback TCP port per name (case-insensitive), the same for the
# whole test file
sub port {
    my ($self, $name) = @_;

    $name = lc($name // 'http');

    return $self->{ports}{$name} if $self->{ports}{$name};

    my %used = map { $_ => 1 } values %{$self->{ports}};

    for (1 .. 50) {
        my $s = IO::Socket::INET->new(
            LocalAddr => '127.0.0.1', LocalPort => 0, Proto => 'tcp',
            Listen => 1, ReuseAddr => 1,
        ) or die "cannot bind a free port: $!\n";

        my $port = $s->sockport();
        close $s;

        next if $used{$port};

        return $self->{ports}{$name} = $port;
    }

    die "no free port for $name\n";
}

# files inside the test directory

sub path {
    my ($self, $name) = @_;
    return $name =~ m{^/} ? $name : "$self->{dir}/$name";
}

sub write_file {
    my ($self, $name, $content, $mode) = @_;

    my $path = $self->path($name);

    make_path(dirname($path)) unless -d dirname($path);

    open my $fh, '>', $path or die "cannot write $path: $!\n";
    binmode $fh;
    print $fh $content;
    close $fh or die "cannot write $path: $!\n";

    chmod $mode // 0644, $path or die "chmod $path: $!\n";

    return $path;
}

sub read_file {
    my ($self, $name) = @_;

    my $path = $self->path($name);

    open my $fh, '<', $path or return undef;
    binmode $fh;
    local $/;
    my $content = <$fh>;
    close $fh;

    return $content;
}

# a key file for mfa_secret_key_file: $len random bytes (32), mode 0600
sub write_key_file {
    my ($self, $name, %opt) = @_;

    my $len = $opt{length} // 32;
    my $bytes = '';

    if (open my $rnd, '<', '/dev/urandom') {
        binmode $rnd;
        read($rnd, $bytes, $len) == $len or die "short read /dev/urandom\n";
        close $rnd;

    } else {
        $bytes = join '', map { chr int rand 256 } 1 .. $len;
    }

    return $self->write_file($name // 'mfa.key', $bytes, $opt{mode} // 0600);
}

###########################################################################
# nginx configuration

sub _globals {
    my ($self, %opt) = @_;

    my $dir = $self->{dir};
    my $log = $opt{error_log} // 'error.log';
    my $g = '';

    $g .= "load_module $self->{module};\n" unless $opt{no_module};
    $g .= "user root;\n" if $> == 0;
    $g .= "pid $dir/nginx.pid;\n";
    $g .= "lock_file $dir/nginx.lock;\n";
    $g .= "error_log $dir/$log debug;\n";
    $g .= "daemon off;\n";
    $g .= "master_process on;\n" unless $opt{no_master_process};
    $g .= "worker_processes 1;\n" unless $opt{no_worker_processes};
    $g .= "events {\n    worker_connections 1024;\n}\n"
        unless $opt{no_events};

    return $g;
}

sub _globals_http {
    my ($self) = @_;

    my $dir = $self->{dir};

    return <<"EOF";
    access_log $dir/access.log;
    root $dir/html;
    client_body_temp_path $dir/client_body_temp;
    proxy_temp_path $dir/proxy_temp;
    fastcgi_temp_path $dir/fastcgi_temp;
    uwsgi_temp_path $dir/uwsgi_temp;
    scgi_temp_path $dir/scgi_temp;
EOF
}

# expands a template; options: error_log (name of the log file),
# no_module (no load_module line)
sub expand {
    my ($self, $conf, %opt) = @_;

    croak "expand: no configuration" unless defined $conf;

    my %g = (
        %opt,
        no_events => scalar($conf =~ /^\s*events\s*\{/m),
        no_worker_processes => scalar($conf =~ /^\s*worker_processes\s/m),
        no_master_process => scalar($conf =~ /^\s*master_process\s/m),
    );

    if ($conf =~ /%%TEST_GLOBALS%%/) {
        $conf =~ s/%%TEST_GLOBALS%%/$self->_globals(%g)/e;
    } else {
        $conf = $self->_globals(%g) . $conf;
    }

    if ($conf =~ /%%TEST_GLOBALS_HTTP%%/) {
        $conf =~ s/%%TEST_GLOBALS_HTTP%%/$self->_globals_http()/e;
    } else {
        $conf =~ s/^(\s*http\s*\{)/"$1\n" . $self->_globals_http()/me;
    }

    $conf =~ s/%%PORT_(\w+)%%/$self->port($1)/ge;
    if ($ENV{TEST_NGINX_HTTP2}) {
        $conf =~ s/^(\s*)listen\s+127\.0\.0\.1:(\d+)((?:\s+reuseport)?)\s*;/
                   "$&\n$1listen 127.0.0.1:" . $self->port("h2 of $2")
                   . " http2$3;"/gme;

        # a listen with other parameters keeps its requests on HTTP/1.x:
        # said, so that a file's share of HTTP/2 does not shrink unseen
        for my $l ($conf =~ /^\s*(listen\s+127\.0\.0\.1:\d+\s+[^;]*);/mg) {
            Test::More::diag("no HTTP/2 twin for \"$l\"")
                unless $l =~ /\bhttp2\b/ || $l =~ /:\d+\s+reuseport\s*$/;
        }
    }
    $conf =~ s/%%TESTDIR%%/$self->{dir}/g;
    $conf =~ s/%%MODULE%%/$self->{module}/g;

    return $conf;
}

sub write_config {
    my ($self, $conf, $name) = @_;

    $name //= 'nginx.conf';

    my $expanded = $self->expand($conf);
    $self->write_file($name, $expanded);

    if ($name eq 'nginx.conf') {
        $self->{conf} = $conf;
        $self->{listen} = [ $expanded =~ /^\s*listen\s+127\.0\.0\.1:(\d+)/mg ];
    }

    return $self->path($name);
}

# TEST_NGINX_VALGRIND: nginx (master and workers) under memcheck, each
# process's report in valgrind.<pid>; any error fails the test file
sub _valgrind {
    my ($self) = @_;

    return () unless $ENV{TEST_NGINX_VALGRIND};

    return ('valgrind', '--quiet', '--num-callers=30',
            "--log-file=$self->{dir}/valgrind.%p",
            "--suppressions=$REPO/t/valgrind.supp");
}

sub _nginx_env {
    my ($self) = @_;

    return unless $ENV{TEST_NGINX_ASAN};

    $ENV{LD_PRELOAD} = $ENV{TEST_NGINX_ASAN};
    $ENV{ASAN_OPTIONS} = join ':', 'detect_leaks=0', 'abort_on_error=1',
        "log_path=$self->{dir}/asan",
        ($ENV{ASAN_OPTIONS} ? $ENV{ASAN_OPTIONS} : ());
    # a module built with UndefinedBehaviorSanitizer too: its reports
    $ENV{UBSAN_OPTIONS} = join ':', 'print_stacktrace=1',
        "log_path=$self->{dir}/ubsan",
        ($ENV{UBSAN_OPTIONS} ? $ENV{UBSAN_OPTIONS} : ());
}

# "nginx -t" on a configuration (a template, expanded as for run());
# returns (exit status, output) in list context, the exit status otherwise
sub nginx_t {
    my ($self, $conf, %opt) = @_;

    my $n = ++$self->{nconf};
    my $file = "test-$n.conf";
    my $log = "test-$n.log";

    $self->write_file($file, $self->expand($conf, error_log => $log, %opt));

    my @cmd = ($self->{nginx}, '-t', '-p', "$self->{dir}/",
               '-c', $self->path($file), '-e', $self->path($log));

    my $pid = open(my $out, '-|');
    die "fork: $!\n" unless defined $pid;

    if ($pid == 0) {
        open STDERR, '>&', \*STDOUT;
        $self->_nginx_env();
        exec @cmd or do { print "exec $cmd[0]: $!\n"; _exit(127) };
    }

    local $/;
    my $output = <$out> // '';
    close $out;
    my $status = $? >> 8;

    return wantarray ? ($status, $output) : $status;
}

###########################################################################
# running nginx

sub run {
    my ($self, $conf) = @_;

    croak "nginx is already running" if $self->{nginx_pid};

    $self->write_config($conf) if defined $conf;
    croak "run: no configuration" unless defined $self->{conf};

    mkdir "$self->{dir}/html";
    unlink "$self->{dir}/nginx.pid";

    my $pid = fork();
    die "fork: $!\n" unless defined $pid;

    if ($pid == 0) {
        open STDOUT, '>>', "$self->{dir}/nginx.stderr";
        open STDERR, '>&', \*STDOUT;
        $self->_nginx_env();
        exec $self->_valgrind(), $self->{nginx}, '-p', "$self->{dir}/",
            '-c', 'nginx.conf', '-e', 'error.log'
            or do { print STDERR "exec $self->{nginx}: $!\n"; _exit(127) };
    }

    $self->{nginx_pid} = $pid;

    my $deadline = time() + ($ENV{TEST_NGINX_VALGRIND} ? 60 : 10);

    while (time() < $deadline) {
        if (waitpid($pid, WNOHANG) == $pid) {
            my $status = $?;
            $self->{nginx_pid} = undef;
            die "nginx failed to start (wait status $status):\n"
                . $self->_startup_errors();
        }

        # the master wrote its pid, listens, and has forked its worker
        if ($self->_pid_from_file() == $pid
            && !(grep { !_port_open($_) } @{$self->{listen}})
            && ($self->{conf} =~ /^\s*master_process\s+off/m
                || $self->worker_pids()))
        {
            return $self;
        }

        sleep 0.05;
    }

    $self->_kill_nginx('KILL');
    die "nginx did not start within 10 s:\n" . $self->_startup_errors();
}

sub _startup_errors {
    my ($self) = @_;

    my $out = '';

    for my $f ('nginx.stderr', 'error.log') {
        my $text = $self->read_file($f) // next;
        my @lines = grep { !/\[debug\]/ } split /\n/, $text;
        @lines = @lines[-40 .. -1] if @lines > 40;
        $out .= "--- $f:\n" . join("\n", @lines) . "\n" if @lines;
    }

    return $out;
}

sub _pid_from_file {
    my ($self) = @_;
    my $pid = $self->read_file('nginx.pid') // return 0;
    return $pid =~ /^(\d+)/ ? $1 : 0;
}

sub _port_open {
    my ($port) = @_;

    my $s = IO::Socket::INET->new(
        PeerAddr => '127.0.0.1', PeerPort => $port, Proto => 'tcp',
        Timeout => 1,
    ) or return 0;

    close $s;
    return 1;
}

sub _count_log {
    my ($self, $re) = @_;
    my $log = $self->read_file('error.log') // return 0;
    my $n = () = $log =~ /$re/g;
    return $n;
}

sub nginx_pid { $_[0]{nginx_pid} }

# pids of the processes whose parent is the nginx master
sub worker_pids {
    my ($self) = @_;

    my $master = $self->{nginx_pid} or return ();
    my @pids;

    opendir my $proc, '/proc' or return ();

    for my $pid (grep { /^\d+$/ } readdir $proc) {
        open my $fh, '<', "/proc/$pid/stat" or next;
        my $stat = <$fh> // next;
        close $fh;

        # "pid (comm) state ppid ...": comm may hold spaces and parentheses
        $stat =~ /\)\s+\S+\s+(\d+)/ or next;
        push @pids, $pid if $1 == $master;
    }

    closedir $proc;

    @pids = sort { $a <=> $b } @pids;

    return @pids;
}

# SIGHUP, optionally with a new configuration; waits for the new workers
# and for the old ones to exit.
# Returns true when nginx started new workers (the configuration was
# accepted), false otherwise.
sub reload {
    my ($self, $conf, %opt) = @_;

    croak "reload: nginx is not running" unless $self->{nginx_pid};

    $self->write_config($conf) if defined $conf;

    my $started = $self->_count_log(qr/start worker process/);
    my $emerg = $self->_count_log(qr/\[emerg\]/);
    my @old = $self->worker_pids();

    kill 'HUP', $self->{nginx_pid};

    my $deadline = time() + ($opt{timeout} // 10);

    while (time() < $deadline) {
        return 0 if $self->_count_log(qr/\[emerg\]/) > $emerg;
        last if $self->_count_log(qr/start worker process/) > $started;
        sleep 0.05;
    }

    return 0 unless $self->_count_log(qr/start worker process/) > $started;

    # the old workers gone, every request after this meets the new
    # configuration
    sleep 0.05 while time() < $deadline && grep { kill 0, $_ } @old;

    return 1;
}

# QUIT, then waits: one test says whether nginx exited within the
# expected time; then TERM, then KILL
sub stop {
    my ($self, %opt) = @_;

    my $pid = $self->{nginx_pid} or return;
    my $timeout = $opt{timeout} // $self->{quit_timeout};

    my @workers = $self->worker_pids();
    my $start = time();

    kill 'QUIT', $pid;

    my $exited = _wait_exit($pid, $timeout);
    my $took = time() - $start;

    Test::More::ok($exited, sprintf('nginx exited on QUIT within %gs', $timeout))
        or Test::More::diag(sprintf("nginx still running %.1fs after QUIT;"
            . " sending TERM", $took));

    unless ($exited) {
        kill 'TERM', $pid;
        _wait_exit($pid, 5) or do { kill 'KILL', $pid; _wait_exit($pid, 5) };
    }

    kill 'KILL', grep { kill 0, $_ } @workers;

    $self->{nginx_pid} = undef;

    return $exited;
}

sub _kill_nginx {
    my ($self, $sig) = @_;

    my $pid = $self->{nginx_pid} or return;
    my @workers = $self->worker_pids();

    kill $sig, $pid;
    _wait_exit($pid, 5) or do { kill 'KILL', $pid; _wait_exit($pid, 5) };
    kill 'KILL', grep { kill 0, $_ } @workers;

    $self->{nginx_pid} = undef;
}

sub _wait_exit {
    my ($pid, $timeout) = @_;

    my $deadline = time() + $timeout;

    while (1) {
        my $r = waitpid($pid, WNOHANG);
        return 1 if $r == $pid || $r == -1;
        return 0 if time() >= $deadline;
        sleep 0.02;
    }
}

###########################################################################
# error.log checks

# lines matching one of these patterns are not reported as problems
sub allow_log {
    my ($self, @re) = @_;
    push @{$self->{allowed}}, @re;
    return $self;
}

# the test expects [emerg] lines in error.log (a refused reload, say)
sub expect_emerg {
    my ($self, $on) = @_;
    $self->{expect_emerg} = $on // 1;
    return $self;
}

sub error_log { $_[0]->read_file('error.log') // '' }

sub _problems {
    my ($self) = @_;

    my @problems;
    my $levels = $self->{expect_emerg} ? 'alert|crit' : 'alert|crit|emerg';

    for my $line (split /\n/, $self->error_log()) {
        next if grep { $line =~ $_ } @{$self->{allowed}};

        push @problems, $line
            if $line =~ /^\d{4}\/\d\d\/\d\d \d\d:\d\d:\d\d \[(?:$levels)\]/
            || $line =~ /open socket #\d+ left in connection/
            || $line =~ /http request count is zero/;
    }

    return @problems;
}

sub _sanitizer_reports {
    my ($self) = @_;

    my @reports;

    for my $name ('error.log', 'nginx.stderr') {
        my $text = $self->read_file($name) // next;
        push @reports, grep { /Sanitizer/ } split /\n/, $text;
    }

    opendir my $dh, $self->{dir} or return @reports;

    for my $f (grep { /^(?:asan|ubsan|valgrind)\./ } readdir $dh) {
        my $text = $self->read_file($f) // next;
        push @reports, "$f:", split /\n/, $text if length $text;
    }

    closedir $dh;

    return @reports;
}

sub _dump_log {
    my ($self) = @_;

    my $log = $self->error_log();

    if ($ENV{TEST_NGINX_CATLOG}) {
        Test::More::diag("--- error.log:\n$log");
        return;
    }

    my @lines = grep { !/\[debug\]/ } split /\n/, $log;
    @lines = @lines[-80 .. -1] if @lines > 80;

    Test::More::diag(join "\n", '--- error.log (without debug lines, last 80):',
                     @lines);
    Test::More::diag("set TEST_NGINX_LEAVE=1 to keep $self->{dir}")
        unless $ENV{TEST_NGINX_LEAVE};
}

###########################################################################
# end of a test file

sub finish {
    my ($self) = @_;

    return if $self->{finished} || $$ != $self->{owner};
    $self->{finished} = 1;

    $self->stop() if $self->{nginx_pid};
    $self->stop_upstream($_) for keys %{$self->{upstreams}};
    $self->stop_redis();

    my @problems = $self->_problems();
    Test::More::ok(!@problems,
        'error.log: no alert, crit or emerg, no leaked socket or request')
        or Test::More::diag(join "\n", 'problems in error.log:', @problems);

    my @reports = $self->_sanitizer_reports();
    Test::More::ok(!@reports, 'no sanitizer reports')
        or Test::More::diag(join "\n", @reports);

    $self->_dump_log()
        if @problems || @reports || !Test::More->builder->is_passing
            || $ENV{TEST_NGINX_CATLOG};

    Test::More::note("requests over HTTP/2: " . ($self->{sent}{h2} // 0)
                     . ", over HTTP/1.x: " . ($self->{sent}{h1} // 0))
        if $ENV{TEST_NGINX_HTTP2};

    if ($ENV{TEST_NGINX_LEAVE}) {
        Test::More::diag("test directory kept: $self->{dir}");
    } else {
        rmtree($self->{dir});
    }
}

# plan(N): N tests of the file plus the harness's own (the stop test when
# nginx runs at the end, and two error.log tests)
sub plan {
    my ($self, $n, %opt) = @_;
    Test::More::plan(tests => $n + 2 + ($opt{nginx_stops} // 1));
}

sub done_testing {
    my ($self) = @_;
    $self->finish();
    Test::More::done_testing();
}

sub _cleanup_processes {
    my ($self) = @_;

    my $c = $self->{h2client};

    if ($c && $c->{pid} == $$) {
        # killed, not waited for: a forked helper may hold its input open
        kill 'TERM', $c->{child};
        waitpid $c->{child}, 0;
        delete $self->{h2client};
    }

    return if $$ != $self->{owner};

    $self->_kill_nginx('TERM') if $self->{nginx_pid};
    $self->stop_upstream($_) for keys %{$self->{upstreams}};
    $self->stop_redis();
}

sub DESTROY {
    my ($self) = @_;
    local ($?, $@, $!);
    $self->_cleanup_processes();
}

END {
    local $?;

    for my $t (@INSTANCES) {
        next if $$ != $t->{owner};

        # a test file that died: still stop, check and clean up
        my $tb = Test::More->builder;
        eval { $t->finish() } if !$t->{finished}
                                 && ($tb->has_plan || $tb->current_test);

        $t->_cleanup_processes();
        rmtree($t->{dir}) if !$ENV{TEST_NGINX_LEAVE} && -d $t->{dir};
    }
}

###########################################################################
# redis

sub start_redis {
    my ($self, %opt) = @_;

    croak "redis-server is already running" if $self->{redis_pid};

    my $port = $self->port('redis');
    my $bin = $ENV{TEST_REDIS_BINARY} // 'redis-server';

    $self->{redis_args} = $opt{args} if $opt{args};
    $self->{redis_pass} = $opt{password} if exists $opt{password};

    my @cmd = ($bin, '--port', $port, '--bind', '127.0.0.1',
               '--save', '', '--appendonly', 'no', '--daemonize', 'no',
               '--dir', $self->{dir}, @{$self->{redis_args}});

    push @cmd, '--requirepass', $self->{redis_pass}
        if defined $self->{redis_pass};

    my $pid = fork();
    die "fork: $!\n" unless defined $pid;

    if ($pid == 0) {
        open STDOUT, '>>', "$self->{dir}/redis.log";
        open STDERR, '>&', \*STDOUT;
        exec @cmd or do { print STDERR "exec $bin: $!\n"; _exit(127) };
    }

    $self->{redis_pid} = $pid;
    $self->{redis_sock} = undef;

    my $deadline = time() + 10;

    while (time() < $deadline) {
        if (waitpid($pid, WNOHANG) == $pid) {
            $self->{redis_pid} = undef;
            die "redis-server failed to start:\n"
                . ($self->read_file('redis.log') // '');
        }

        my $pong = eval { $self->redis('PING') };
        return $port if defined $pong && !ref $pong && $pong eq 'PONG';

        $self->{redis_sock} = undef;
        sleep 0.05;
    }

    $self->kill_redis();
    die "redis-server did not answer PING within 10 s\n";
}

sub redis_port { $_[0]->port('redis') }

# TERM (a clean shutdown), or KILL with kill_redis()
sub stop_redis {
    my ($self, $sig) = @_;

    my $pid = $self->{redis_pid} or return;

    close $self->{redis_sock} if $self->{redis_sock};
    $self->{redis_sock} = undef;

    kill $sig // 'TERM', $pid;
    _wait_exit($pid, 5) or do { kill 'KILL', $pid; _wait_exit($pid, 5) };

    $self->{redis_pid} = undef;
}

sub kill_redis { $_[0]->stop_redis('KILL') }

# on the same port, with the same arguments; the data is gone
sub restart_redis {
    my ($self, %opt) = @_;
    $self->stop_redis($opt{signal});
    return $self->start_redis(%opt);
}

sub _redis_connect {
    my ($self) = @_;

    my $s = IO::Socket::INET->new(
        PeerAddr => '127.0.0.1', PeerPort => $self->port('redis'),
        Proto => 'tcp', Timeout => 2,
    ) or die "cannot connect to redis on port " . $self->port('redis')
          . ": $!\n";

    binmode $s;
    $s->autoflush(1);
    $self->{redis_sock} = $s;
    $self->{redis_buf} = '';

    if (defined $self->{redis_pass}) {
        my $r = $self->_redis_command('AUTH', $self->{redis_pass});
        die "redis AUTH: $r\n" if ref $r;
    }

    return $s;
}

sub resp_encode {
    my (@argv) = @_;

    my $out = '*' . scalar(@argv) . "\r\n";

    for my $a (@argv) {
        my $v = defined $a ? "$a" : '';
        utf8::encode($v) if utf8::is_utf8($v);
        $out .= '$' . length($v) . "\r\n$v\r\n";
    }

    return $out;
}

# one command, one reply: a string (status or bulk), an integer, undef
# (nil), an array reference, or an MfaTest::RedisError for "-ERR ..."
#
# A PING follows each command: Redis answers it in a later turn of its
# event loop, so every message the command caused (the gate's
# invalidations) has been written when this returns.  Redis writes the
# command's reply and those messages in the same turn, microseconds
# apart, in an order of its own (docs/internals.md: the exact cache).
sub redis {
    my ($self, @argv) = @_;

    croak "redis: no command" unless @argv;

    $self->_redis_connect() unless $self->{redis_sock};

    my $reply = $self->_redis_command(@argv);
    $self->_redis_command('PING') if $self->{redis_sock};

    return $reply;
}

sub _redis_command {
    my ($self, @argv) = @_;

    my $reply = eval {
        local $SIG{ALRM} = sub { die "redis: timeout\n" };
        alarm 5;

        my $s = $self->{redis_sock};
        my $req = resp_encode(@argv);

        while (length $req) {
            my $n = syswrite($s, $req);
            die "redis: write: $!\n" unless defined $n;
            substr($req, 0, $n, '');
        }

        my $r = $self->_resp_read();
        alarm 0;
        $r;
    };

    alarm 0;

    if ($@) {
        close $self->{redis_sock} if $self->{redis_sock};
        $self->{redis_sock} = undef;
        die $@;
    }

    return $reply;
}

sub _resp_fill {
    my ($self) = @_;

    my $n = sysread($self->{redis_sock}, $self->{redis_buf}, 65536,
                    length $self->{redis_buf});

    die "redis: read: $!\n" unless defined $n;
    die "redis: connection closed\n" if $n == 0;
}

sub _resp_line {
    my ($self) = @_;

    while ((my $i = index($self->{redis_buf}, "\r\n")) < 0) {
        $self->_resp_fill();
    }

    my $i = index($self->{redis_buf}, "\r\n");
    my $line = substr($self->{redis_buf}, 0, $i);
    substr($self->{redis_buf}, 0, $i + 2, '');

    return $line;
}

sub _resp_read {
    my ($self) = @_;

    my $line = $self->_resp_line();
    my ($type, $rest) = (substr($line, 0, 1), substr($line, 1));

    return $rest if $type eq '+';
    return MfaTest::RedisError->new($rest) if $type eq '-';
    return 0 + $rest if $type eq ':';

    if ($type eq '$') {
        return undef if $rest < 0;

        $self->_resp_fill() while length($self->{redis_buf}) < $rest + 2;

        my $data = substr($self->{redis_buf}, 0, $rest);
        substr($self->{redis_buf}, 0, $rest + 2, '');

        return $data;
    }

    if ($type eq '*') {
        return undef if $rest < 0;
        return [ map { $self->_resp_read() } 1 .. $rest ];
    }

    die "redis: unexpected reply line \"$line\"\n";
}

###########################################################################
# the echoing upstream

# start_upstream(name => 'upstream', keepalive => 0, handler => sub {...})
#
# A forked HTTP server on port(name).  By default it answers every request
# 200 (or the status in the request header X-Upstream-Status) with:
#   - the header X-Upstream: <name>,
#   - the header X-Echo-Request: <request line>,
#   - one header X-Echo-Header: "<name>: <value>" per request header,
#   - a text/plain body (none for HEAD): a first line "UPSTREAM <name>",
#     the request line, one line per request header "Name: value", in the
#     order received, an empty line, then the request body (de-chunked);
#     lines end with LF.  echoed($response) parses it back.
# A handler gets the parsed request (see parse_request) and returns
# (status, [header => value, ...], body).  Every request is also logged,
# see upstream_requests().
sub start_upstream {
    my ($self, %opt) = @_;

    my $name = $opt{name} // 'upstream';
    my $port = $self->port($name);
    my $log = "$self->{dir}/upstream-$name.log";

    croak "upstream $name is already running" if $self->{upstreams}{$name};

    my $listen = IO::Socket::INET->new(
        LocalAddr => '127.0.0.1', LocalPort => $port, Proto => 'tcp',
        Listen => 128, ReuseAddr => 1,
    ) or die "upstream $name: cannot listen on $port: $!\n";

    my $pid = fork();
    die "fork: $!\n" unless defined $pid;

    if ($pid == 0) {
        setpgrp(0, 0);
        $SIG{CHLD} = 'IGNORE';
        $SIG{TERM} = sub { _exit(0) };
        @INSTANCES = ();

        while (1) {
            my $c = $listen->accept();

            unless ($c) {
                next if $! == EINTR;
                _exit(1);
            }

            my $child = fork();

            if (defined $child && $child == 0) {
                close $listen;
                eval { _upstream_connection($c, $name, $log, \%opt) };
                _exit(0);
            }

            close $c;
        }
    }

    close $listen;
    $self->{upstreams}{$name} = $pid;

    return $port;
}

sub stop_upstream {
    my ($self, $name) = @_;

    $name //= 'upstream';

    my $pid = delete $self->{upstreams}{$name} or return;

    kill 'TERM', -$pid;
    _wait_exit($pid, 5) or do { kill 'KILL', -$pid; _wait_exit($pid, 5) };
}

# the requests the upstream received, oldest first, parsed as by
# parse_request()
sub upstream_requests {
    my ($self, $name) = @_;

    my $data = $self->read_file('upstream-' . ($name // 'upstream') . '.log')
        // '';
    my @requests;

    while ($data =~ /\G(\d+)\n/gc) {
        my $len = $1;
        my $blob = substr($data, pos($data), $len);
        pos($data) += $len;
        push @requests, parse_request($blob);
    }

    return @requests;
}

sub _upstream_connection {
    my ($c, $name, $log, $opt) = @_;

    binmode $c;
    setsockopt($c, IPPROTO_TCP, TCP_NODELAY, 1);

    my $buf = '';

    while (1) {
        local $SIG{ALRM} = sub { die "timeout\n" };
        alarm 30;

        my ($head, $body) = _read_message($c, \$buf, 'request') or last;

        alarm 0;

        my $raw = "$head\r\n\r\n$body";
        my $req = parse_request($raw);

        if (open my $fh, '>>', $log) {
            binmode $fh;
            syswrite $fh, length($raw) . "\n$raw";
            close $fh;
        }

        my ($status, $headers, $rbody);

        if ($opt->{handler}) {
            ($status, $headers, $rbody) = $opt->{handler}->($req);
            $headers //= [];
            $rbody //= '';

        } else {
            $status = $req->header('x-upstream-status') // 200;
            $headers = [
                'Content-Type' => 'text/plain',
                'X-Upstream' => $name,
                'X-Echo-Request' => $req->{request_line},
                map { ('X-Echo-Header' => "$_->[0]: $_->[1]") }
                    @{$req->{header_list}},
            ];
            $rbody = "UPSTREAM $name\n$req->{request_line}\n"
                . join('', map { "$_->[0]: $_->[1]\n" }
                               @{$req->{header_list}})
                . "\n$req->{body}";
        }

        my $conn = lc($req->header('connection') // '');
        my $keep = $opt->{keepalive}
            && ($req->{protocol} eq 'HTTP/1.1' ? $conn ne 'close'
                                                : $conn eq 'keep-alive');

        my $out = "HTTP/1.1 $status X\r\n";

        for (my $i = 0; $i < @$headers; $i += 2) {
            $out .= "$headers->[$i]: $headers->[$i + 1]\r\n";
        }

        $out .= 'Content-Length: ' . length($rbody) . "\r\n";
        $out .= 'Connection: ' . ($keep ? 'keep-alive' : 'close') . "\r\n";
        $out .= "\r\n";
        $out .= $rbody unless $req->{method} eq 'HEAD';

        _write_all($c, $out) or last;

        last unless $keep;
    }

    close $c;
}

sub _write_all {
    my ($s, $data) = @_;

    while (length $data) {
        my $n = syswrite($s, $data);
        return 0 unless defined $n;
        substr($data, 0, $n, '');
    }

    return 1;
}

# reads one HTTP message (head and body) from a socket, with a buffer kept
# between calls; $kind is 'request' or 'response' (then $method says
# whether the response has a body)
sub _read_message {
    my ($s, $bufref, $kind, $method) = @_;

    my $i;

    while (($i = index($$bufref, "\r\n\r\n")) < 0) {
        my $n = sysread($s, $$bufref, 65536, length $$bufref);
        return if !$n && $$bufref eq '';
        die "connection closed in the middle of a header\n" unless $n;
    }

    my $head = substr($$bufref, 0, $i);
    substr($$bufref, 0, $i + 4, '');

    my ($first) = split /\r\n/, $head;
    my %h;

    for my $line ((split /\r\n/, $head)[1 .. 1_000_000]) {
        last unless defined $line;
        push @{$h{lc $1}}, $2 if $line =~ /^([^:]+):\s*(.*?)\s*$/;
    }

    my $body = '';
    my $status = $kind eq 'response' && $first =~ m{^\S+\s+(\d+)} ? $1 : 0;

    if ($kind eq 'response'
        && (($method // '') eq 'HEAD' || $status =~ /^1|^204$|^304$/))
    {
        return ($head, $body);
    }

    my $te = lc join ',', @{$h{'transfer-encoding'} // []};

    if ($te =~ /chunked/) {
        while (1) {
            my $line = _read_line($s, $bufref);
            my ($size) = $line =~ /^([0-9a-fA-F]+)/
                or die "bad chunk size line \"$line\"\n";
            $size = hex $size;

            if ($size == 0) {
                1 while _read_line($s, $bufref) ne '';
                last;
            }

            _read_exact($s, $bufref, $size + 2);
            $body .= substr($$bufref, 0, $size);
            substr($$bufref, 0, $size + 2, '');
        }

    } elsif (defined $h{'content-length'}) {
        my $len = $h{'content-length'}[0];
        _read_exact($s, $bufref, $len);
        $body = substr($$bufref, 0, $len);
        substr($$bufref, 0, $len, '');

    } elsif ($kind eq 'response') {
        while (1) {
            my $n = sysread($s, $$bufref, 65536, length $$bufref);
            last unless $n;
        }
        $body = $$bufref;
        $$bufref = '';
    }

    return ($head, $body);
}

sub _read_line {
    my ($s, $bufref) = @_;

    my $i;

    while (($i = index($$bufref, "\r\n")) < 0) {
        my $n = sysread($s, $$bufref, 65536, length $$bufref);
        die "connection closed in the middle of a body\n" unless $n;
    }

    my $line = substr($$bufref, 0, $i);
    substr($$bufref, 0, $i + 2, '');

    return $line;
}

sub _read_exact {
    my ($s, $bufref, $len) = @_;

    while (length($$bufref) < $len) {
        my $n = sysread($s, $$bufref, 65536, length $$bufref);
        die "connection closed in the middle of a body\n" unless $n;
    }
}

# a raw request (head CRLF CRLF body) as an MfaTest::Request: method, uri,
# path, query, protocol, request_line, headers {lc name => [values]},
# header_list [[name, value], ...] in order, body
sub parse_request {
    my ($raw) = @_;

    my ($head, $body) = split /\r\n\r\n/, $raw, 2;
    my ($line, @lines) = split /\r\n/, $head;

    my ($method, $uri, $protocol) = split / /, $line, 3;
    my ($path, $query) = split /\?/, $uri // '', 2;

    my (%h, @list);

    for (@lines) {
        next unless /^([^:]+):[ \t]*(.*?)[ \t]*$/;
        push @{$h{lc $1}}, $2;
        push @list, [$1, $2];
    }

    return bless {
        request_line => $line,
        method       => $method,
        uri          => $uri,
        path         => $path,
        query        => $query,
        protocol     => $protocol // '',
        headers      => \%h,
        header_list  => \@list,
        body         => $body // '',
    }, 'MfaTest::Request';
}

# the request an echoing upstream saw, from the body of its response
# (undef when the response does not come from an echoing upstream)
sub echoed {
    my ($r) = @_;

    return undef unless defined $r && defined $r->{body}
                        && $r->{body} =~ /^UPSTREAM \S+\n/;

    my ($head, $body) = split /\n\n/, $r->{body}, 2;
    $head =~ s/^UPSTREAM \S+\n//;
    $head =~ s/\n/\r\n/g;

    return parse_request("$head\r\n\r\n" . ($body // ''));
}

# the first value of a response's header, as a function:
# MfaTest::header($response, 'Location')
sub header {
    my ($r, $name) = @_;
    return undef unless ref $r;
    return MfaTest::Response::header($r, $name);
}

###########################################################################
# HTTP client

# http($method, $path, %options): one HTTP/1.1 request over a new
# connection (or over sock => $s), returns an MfaTest::Response, whose
# status is undef and error set when no response could be read.
#
# Options:
#   port      the port (default port('http'))
#   headers   { name => value or [values] } or [name => value, ...];
#             Host (localhost) and Connection (close) are added unless given
#   body      request body, with Content-Length unless chunked
#   chunked   send the body with Transfer-Encoding: chunked, in chunks of
#             this many bytes (1 = the whole body in one chunk)
#   raw       send this string as the whole request instead
#   split     [bytes, seconds]: send the first bytes, sleep, then the rest
#   aborted   seconds: close that long after sending without reading the
#             response (0.001: at once), to test a client that goes away;
#             returns undef
#   sock      use this connected socket; keep => 1 leaves it open
#   timeout   seconds to wait for the whole response (8)
#   h1        why this request must be HTTP/1.x (under TEST_NGINX_HTTP2)
sub http {
    my ($self, $method, $path, %o) = @_;

    my $h2 = $self->_h2_port($path, %o);

    $self->{sent}{$h2 ? 'h2' : 'h1'}++;

    return $self->_http2($h2, $method, $path, %o) if $h2;

    my $req = $o{raw} // _build_request($method, $path, %o);
    my $timeout = $o{timeout} // 8;

    my $s = $o{sock} // IO::Socket::INET->new(
        PeerAddr => '127.0.0.1', PeerPort => $o{port} // $self->port('http'),
        Proto => 'tcp', Timeout => $timeout,
    );

    return MfaTest::Response->error("connect: $!") unless $s;

    binmode $s;
    setsockopt($s, IPPROTO_TCP, TCP_NODELAY, 1);

    my $r = eval {
        local $SIG{ALRM} = sub { die "timeout after ${timeout}s\n" };
        alarm $timeout;

        if ($o{split}) {
            my ($n, $pause) = @{$o{split}};
            _write_all($s, substr($req, 0, $n)) or die "write: $!\n";
            sleep $pause;
            _write_all($s, substr($req, $n)) or die "write: $!\n";

        } else {
            _write_all($s, $req) or die "write: $!\n";
        }

        if ($o{aborted}) {
            sleep $o{aborted} if $o{aborted} > 0;
            alarm 0;
            return undef;
        }

        my $buf = $o{sock} ? ($self->{sockbuf}{$s} // '') : '';
        my ($head, $body);

        do {
            ($head, $body) = _read_message($s, \$buf, 'response',
                                           uc($method // ''));
            die "connection closed without a response\n"
                unless defined $head;
        } while ($head =~ m{^HTTP/\S+\s+1\d\d});

        $self->{sockbuf}{$s} = $buf if $o{keep};

        alarm 0;
        MfaTest::Response->new($head, $body);
    };

    alarm 0;

    my $err = $@;

    if (!$o{keep} || $err) {
        delete $self->{sockbuf}{$s};
        close $s;
    }

    return undef if $o{aborted} && !$err;
    return MfaTest::Response->error($err) if $err;

    return $r;
}

# under TEST_NGINX_HTTP2, the HTTP/2 twin of the port a request goes to,
# unless the request needs HTTP/1.x on the wire or carries a path that
# HTTP/2 cannot (a raw byte outside printable ASCII)
sub _h2_port {
    my ($self, $path, %o) = @_;

    return undef unless $ENV{TEST_NGINX_HTTP2};
    return undef if grep { $o{$_} } qw(raw split aborted sock keep chunked h1);
    return undef unless $path =~ m{^/[\x21-\x7e]*\z} && $path !~ /#/;

    # what HTTP/2 cannot say: a second Host, the hop-by-hop headers it
    # forbids (Connection is only dropped: it asks nothing of the server)
    my $h = $o{headers} // [];
    my @names = ref $h eq 'HASH'
        ? map { my $k = $_; (lc $k) x (ref $h->{$k} eq 'ARRAY'
                                       ? scalar @{$h->{$k}} : 1) } keys %$h
        : map { lc $h->[2 * $_] } 0 .. @$h / 2 - 1;

    return undef if (grep { $_ eq 'host' } @names) > 1
        || grep { /^(?:upgrade|te|proxy-connection|transfer-encoding)$/ }
                @names;

    my $port = $o{port} // $self->port('http');

    return $self->{ports}{"h2 of $port"};
}

# one request over HTTP/2 by t/lib/h2client.mjs (Node's http2, started
# once a process): the same headers and body as the HTTP/1.1 request
# http() would write (Connection and Transfer-Encoding have no place in
# HTTP/2; _h2_port() sent what HTTP/2 cannot say over HTTP/1.1), read
# back as an MfaTest::Response
sub _http2 {
    my ($self, $port, $method, $path, %o) = @_;

    require JSON::PP;
    require IPC::Open2;
    require MIME::Base64;

    my $h = $o{headers} // [];
    my @pairs = ref $h eq 'HASH'
        ? map { my $k = $_; map { [$k, $_] }
                ref $h->{$k} eq 'ARRAY' ? @{$h->{$k}} : ($h->{$k}) }
          sort keys %$h
        : map { [$h->[2 * $_], $h->[2 * $_ + 1]] } 0 .. @$h / 2 - 1;

    @pairs = grep { $_->[0] !~ /^(?:connection|keep-alive)$/i } @pairs;
    unshift @pairs, ['Host', 'localhost'] unless grep { lc $_->[0] eq 'host' }
                                                  @pairs;

    my $json = JSON::PP->new->canonical;
    my $q = $json->encode({
        port => $port + 0, method => $method, path => $path,
        timeout => $o{timeout} // 8, headers => \@pairs,
        body => defined $o{body} ? MIME::Base64::encode_base64($o{body}, '')
                                 : undef,
    });

    my $c = $self->{h2client};

    if (!$c || $c->{pid} != $$) {
        my ($out, $in);
        my $child = IPC::Open2::open2($out, $in, 'node',
                                      "$REPO/t/lib/h2client.mjs");
        $c = $self->{h2client} = { pid => $$, child => $child,
                                   out => $out, in => $in };
    }

    my $fh = $c->{in};
    print $fh "$q\n";
    $fh->flush();

    my $line = readline $c->{out};

    if (!defined $line) {
        # node is gone (SIGPIPE is ignored): say how, and start another
        # for the next request
        delete $self->{h2client};
        my $gone;
        for (1 .. 20) {
            if (waitpid($c->{child}, WNOHANG) == $c->{child}) {
                $gone = ($? & 127) ? 'killed by signal ' . ($? & 127)
                                   : 'exited with status ' . ($? >> 8);
                last;
            }
            select(undef, undef, undef, 0.1);
        }
        if (!defined $gone) {
            kill 'KILL', $c->{child};
            waitpid($c->{child}, 0);
            $gone = 'closed its output without an answer';
        }
        return MfaTest::Response->error("h2client (node): $gone");
    }

    my $a = $json->decode($line);

    return MfaTest::Response->error("h2client: $a->{error}") if $a->{error};

    my $head = "HTTP/2 $a->{status}\r\n"
               . join('', map { "$_->[0]: $_->[1]\r\n" } @{$a->{headers}});
    $head =~ s/\r\n$//;

    return MfaTest::Response->new($head,
                                  MIME::Base64::decode_base64($a->{body}));
}

# a connected socket for keep-alive requests: http(..., sock => $s,
# keep => 1, headers => {Connection => 'keep-alive'})
sub connect_http {
    my ($self, %o) = @_;

    return IO::Socket::INET->new(
        PeerAddr => '127.0.0.1', PeerPort => $o{port} // $self->port('http'),
        Proto => 'tcp', Timeout => 5,
    );
}

sub _build_request {
    my ($method, $path, %o) = @_;

    my @headers;
    my $h = $o{headers} // [];

    if (ref $h eq 'HASH') {
        for my $k (sort keys %$h) {
            push @headers, map { [$k, $_] }
                ref $h->{$k} eq 'ARRAY' ? @{$h->{$k}} : ($h->{$k});
        }

    } else {
        for (my $i = 0; $i < @$h; $i += 2) {
            push @headers, [$h->[$i], $h->[$i + 1]];
        }
    }

    my %have = map { lc($_->[0]) => 1 } @headers;

    unshift @headers, ['Host', 'localhost'] unless $have{host};
    push @headers, ['Connection', $o{keep} ? 'keep-alive' : 'close']
        unless $have{connection};

    my $body = $o{body};

    if (defined $body) {
        if ($o{chunked}) {
            my $size = $o{chunked} > 1 ? $o{chunked} : length($body) || 1;
            my $chunked = '';

            for (my $i = 0; $i < length $body; $i += $size) {
                my $c = substr($body, $i, $size);
                $chunked .= sprintf("%x\r\n%s\r\n", length $c, $c);
            }

            $body = $chunked . "0\r\n\r\n";
            push @headers, ['Transfer-Encoding', 'chunked']
                unless $have{'transfer-encoding'};

        } else {
            push @headers, ['Content-Length', length $body]
                unless $have{'content-length'};
        }
    }

    my $req = "$method $path HTTP/1.1\r\n";
    $req .= "$_->[0]: $_->[1]\r\n" for @headers;
    $req .= "\r\n";
    $req .= $body if defined $body;

    return $req;
}

sub http_get { my ($self, $path, %o) = @_; $self->http(GET => $path, %o) }
sub http_head { my ($self, $path, %o) = @_; $self->http(HEAD => $path, %o) }

# an absent value (a token a page did not have) is sent empty
sub urlencode {
    my ($s) = @_;
    $s //= '';
    utf8::encode($s) if utf8::is_utf8($s);
    $s =~ s/([^A-Za-z0-9\-._~])/sprintf('%%%02X', ord $1)/ge;
    return $s;
}

# POST of application/x-www-form-urlencoded fields ([name => value, ...]
# or {name => value})
sub http_post_form {
    my ($self, $path, $fields, %o) = @_;

    my @pairs = ref $fields eq 'HASH'
        ? map { ($_, $fields->{$_}) } sort keys %$fields : @$fields;
    my @enc;

    for (my $i = 0; $i < @pairs; $i += 2) {
        push @enc, urlencode($pairs[$i]) . '=' . urlencode($pairs[$i + 1]);
    }

    my $h = $o{headers} // {};
    $h = { %$h, 'Content-Type' => 'application/x-www-form-urlencoded' }
        if ref $h eq 'HASH';

    return $self->http(POST => $path, %o, headers => $h,
                       body => join('&', @enc));
}

# "a=1; b=2" from {a => 1, b => 2}
sub cookie_header {
    my (%c) = @_;
    return join '; ', map { "$_=$c{$_}" } sort keys %c;
}

###########################################################################

package MfaTest::Response;

sub new {
    my ($class, $head, $body) = @_;

    my ($line, @lines) = split /\r\n/, $head;
    my ($protocol, $status, $reason) = split / /, $line, 3;
    my %h;

    for (@lines) {
        push @{$h{lc $1}}, $2 if /^([^:]+):[ \t]*(.*?)[ \t]*$/;
    }

    return bless {
        protocol => $protocol,
        status   => $status,
        reason   => $reason // '',
        headers  => \%h,
        head     => $head,
        body     => $body,
        error    => undef,
    }, $class;
}

sub error {
    my ($class, $msg) = @_;

    if (ref $class) {
        return $class->{error};
    }

    chomp $msg;

    return bless { status => undef, headers => {}, body => undef,
                   head => '', error => $msg }, $class;
}

sub status { $_[0]{status} }
sub body   { $_[0]{body} }
sub head   { $_[0]{head} }

# the first value of a header (names are case-insensitive)
sub header {
    my ($self, $name) = @_;
    my $v = $self->{headers}{lc $name} or return undef;
    return $v->[0];
}

# every value of a header, in order
sub header_all {
    my ($self, $name) = @_;
    return @{$self->{headers}{lc $name} // []};
}

# {name => value} of the Set-Cookie headers
sub cookies {
    my ($self) = @_;
    my %c;
    for ($self->header_all('set-cookie')) {
        $c{$1} = $2 if /^\s*([^=;\s]+)=([^;]*)/;
    }
    return \%c;
}

sub json {
    my ($self) = @_;
    require JSON::PP;
    return eval { JSON::PP->new->decode($self->{body}) };
}

###########################################################################

package MfaTest::Request;

sub header {
    my ($self, $name) = @_;
    my $v = $self->{headers}{lc $name} or return undef;
    return $v->[0];
}

sub header_all {
    my ($self, $name) = @_;
    return @{$self->{headers}{lc $name} // []};
}

###########################################################################

package MfaTest::RedisError;

use overload '""' => sub { $_[0]{message} }, fallback => 1;

sub new { my ($class, $msg) = @_; bless { message => $msg }, $class }
sub message { $_[0]{message} }

1;
