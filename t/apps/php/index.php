<?php
// PHP 8.2 under php-fpm, sessions in Redis through php-redis
// (session.save_handler=redis, session.use_strict_mode=1: both set by the
// pool, see t/lib/AppsTest.pm).  Cookie "PHPSESSID" = session_id();
// PHP's own record is "PHPREDIS_SESSION:<id>" in PHP's session
// serialization ("php" handler), which the module reads as it is.  One
// front controller: routes on REQUEST_URI.

const USERS = ['bob' => ['bob-pw', 'acme'], 'carol' => ['carol-pw', 'globex']];

function reply(int $status, array $data): void
{
    http_response_code($status);
    header('Content-Type: application/json');
    echo json_encode($data), "\n";
}

$route = $_SERVER['REQUEST_METHOD'] . ' '
    . parse_url($_SERVER['REQUEST_URI'], PHP_URL_PATH);

session_start();

switch ($route) {
case 'POST /login':
    $user = $_POST['user'] ?? '';
    if (!isset(USERS[$user])
        || USERS[$user][0] !== ($_POST['password'] ?? null)) {
        reply(403, ['error' => 'bad password']);
        break;
    }
    $_SESSION['user'] = ['id' => $user];
    $_SESSION['company_id'] = USERS[$user][1];
    reply(200, ['user' => $user]);
    break;

case 'GET /whoami':
    reply(200, ['user' => $_SESSION['user']['id'] ?? null,
                'cookie' => $_SERVER['HTTP_COOKIE'] ?? null]);
    break;

case 'GET /anon':
    $_SESSION['visits'] = ($_SESSION['visits'] ?? 0) + 1;
    reply(200, ['user' => null]);
    break;

case 'POST /logout':
    $_SESSION = [];
    session_destroy();
    $p = session_get_cookie_params();
    setcookie(session_name(), '', ['expires' => 1, 'path' => $p['path']]);
    reply(200, ['user' => null]);
    break;

default:
    reply(404, ['error' => 'not found']);
}
