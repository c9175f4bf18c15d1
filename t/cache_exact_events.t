# t/cache_exact.t again, with "mfa_session_events on": every change it
# makes is seen at the next request when session keys are heard of by
# Redis's keyspace events and the module's own keys are tracked in BCAST
# mode.

use strict;
use warnings;

our $EVENTS = 1;

do './t/cache_exact.t';
die $@ if $@;
