<?php
// The skeleton's cache store "redis" and its key prefix (APP_NAME
// "Laravel": "laravel_cache", then ":"), on the connection "default" (the
// skeleton's "cache", DB 1, is left out: the session's store is put on
// "default" anyway, session.connection null).

return [
    'default' => 'redis',

    'stores' => [
        'redis' => [
            'driver' => 'redis',
            'connection' => 'default',
        ],
    ],

    'prefix' => 'laravel_cache',
];
