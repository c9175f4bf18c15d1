<?php
// Redis through phpredis, on 127.0.0.1:$REDIS_PORT DB 0, with the
// skeleton's connection prefix "laravel_database_" (phpredis's
// OPT_PREFIX, before every key).  No SQL database.

return [
    'redis' => [
        'client' => 'phpredis',

        'options' => [
            'cluster' => 'redis',
            'prefix' => 'laravel_database_',
        ],

        'default' => [
            'host' => '127.0.0.1',
            'password' => null,
            'port' => getenv('REDIS_PORT') ?: '6379',
            'database' => '0',
        ],
    ],
];
