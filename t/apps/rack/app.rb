# Rack 2.2 + redis-rack 2.1 (Rack::Session::Redis on redis-store, Marshal
# records), as Debian packages them; served by WEBrick.
#
# Cookie "rack.session" = <32 hex digits>, the session's public id, not
# signed; the record is Marshal.dump(session) at
# "rack:session:2::<SHA-256 hex of the public id>" (Rack's private id, in
# redis-rack's default namespace "rack:session").

require 'json'
require 'rack'
require 'rack/session/redis'
require 'webrick'

USERS = { 'bob' => ['bob-pw', 'acme'], 'carol' => ['carol-pw', 'globex'] }

def json(status, body)
  [status, { 'Content-Type' => 'application/json' }, [JSON.generate(body)]]
end

app = lambda do |env|
  req = Rack::Request.new(env)
  session = env['rack.session']

  case [req.request_method, req.path_info]
  when ['POST', '/login']
    user, password = req.POST['user'], req.POST['password']
    unless USERS.key?(user) && USERS[user][0] == password
      next json(403, error: 'bad password')
    end
    session['user'] = { 'id' => user }
    session['company_id'] = USERS[user][1]
    json(200, user: user)
  when ['GET', '/whoami']
    json(200, user: (session['user'] || {})['id'],
              cookie: env['HTTP_COOKIE'])
  when ['GET', '/anon']
    session['visits'] = (session['visits'] || 0) + 1
    json(200, user: nil)
  when ['POST', '/logout']
    session.destroy
    json(200, user: nil)
  else
    json(404, error: 'not found')
  end
end

redis = "redis://127.0.0.1:#{ENV.fetch('REDIS_PORT')}/0/rack:session"
stack = Rack::Session::Redis.new(app, redis_server: redis,
                                      expire_after: 86_400)

Rack::Handler::WEBrick.run(stack, Host: '127.0.0.1',
                                  Port: Integer(ENV.fetch('PORT')),
                                  AccessLog: [],
                                  Logger: WEBrick::Log.new($stderr,
                                                           WEBrick::Log::WARN))
