<?php
// Everything logged to php-fpm's stderr (the test's app-laravel.log);
// PHP's deprecations to the "null" channel, the skeleton's default.

return [
    'default' => 'stderr',

    'deprecations' => 'null',

    'channels' => [
        'stderr' => [
            'driver' => 'monolog',
            'handler' => Monolog\Handler\StreamHandler::class,
            'with' => ['stream' => 'php://stderr'],
        ],

        'null' => [
            'driver' => 'monolog',
            'handler' => Monolog\Handler\NullHandler::class,
        ],
    ],
];
