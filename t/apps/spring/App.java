/*
 * The test dashboard (t/apps/README) on Tomcat 10 embedded, keeping its
 * sessions the way Spring Session Data Redis does with its JSON
 * serializer: Spring Session is not packaged by Debian, so its
 * documented behaviour is written out here, around the parts that are
 * the real ones, Tomcat's cookie parser (request.getCookies()) and
 * java.util.Base64.
 *
 *   cookie  SESSION=<base64 of the id>, Path=/, HttpOnly, SameSite=Lax
 *           (DefaultCookieSerializer); of several SESSION cookies, the
 *           first whose session exists is taken
 *           (SessionRepositoryFilter.getRequestedSession())
 *   record  hash "spring:session:sessions:<uuid>" (RedisSessionRepository):
 *           creationTime, lastAccessedTime, maxInactiveInterval and a
 *           "sessionAttr:<name>" field per attribute, every value JSON as
 *           GenericJackson2JsonRedisSerializer writes it; the user as Spring
 *           Security's SecurityContextImpl under SPRING_SECURITY_CONTEXT;
 *           PEXPIRE maxInactiveInterval
 *
 * Environment: PORT, REDIS_PORT.  Built and run by t/lib/AppsTest.pm.
 */

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.apache.catalina.Context;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;


public class App extends HttpServlet {

    private static final long serialVersionUID = 1L;

    static final String PREFIX = "spring:session:sessions:";
    static final int MAX_INACTIVE = 1800;
    static final Map<String, String[]> USERS = Map.of(
        "bob", new String[] { "bob-pw", "acme" },
        "carol", new String[] { "carol-pw", "globex" });

    static int redisPort;


    public static void main(String[] args) throws Exception {
        redisPort = Integer.parseInt(System.getenv("REDIS_PORT"));

        Tomcat tomcat = new Tomcat();
        tomcat.setBaseDir(System.getProperty("java.io.tmpdir")
                          + "/spring-app-" + System.getenv("PORT"));

        Connector connector = new Connector();
        connector.setPort(Integer.parseInt(System.getenv("PORT")));
        connector.setProperty("address", "127.0.0.1");
        tomcat.setConnector(connector);

        Context ctx = tomcat.addContext("", null);
        Tomcat.addServlet(ctx, "app", new App()).addMapping("/");

        tomcat.start();
        tomcat.getServer().await();
    }


    /* --- Redis, RESP over one socket per request --- */

    static Object redis(String... argv) throws IOException {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(),
                                   redisPort)) {
            StringBuilder b = new StringBuilder("*" + argv.length + "\r\n");
            for (String a : argv) {
                byte[] bytes = a.getBytes(StandardCharsets.UTF_8);
                b.append("$").append(bytes.length).append("\r\n").append(a)
                 .append("\r\n");
            }
            OutputStream out = s.getOutputStream();
            out.write(b.toString().getBytes(StandardCharsets.UTF_8));
            out.flush();
            return reply(new BufferedInputStream(s.getInputStream()));
        }
    }

    static String line(InputStream in) throws IOException {
        StringBuilder b = new StringBuilder();
        int c;
        while ((c = in.read()) != '\r') {
            if (c < 0) {
                throw new IOException("redis closed the connection");
            }
            b.append((char) c);
        }
        in.read();
        return b.toString();
    }

    static Object reply(InputStream in) throws IOException {
        int type = in.read();
        String l = line(in);
        switch (type) {
        case '+':
            return l;
        case ':':
            return Long.parseLong(l);
        case '-':
            throw new IOException("redis: " + l);
        case '$': {
            int n = Integer.parseInt(l);
            if (n < 0) {
                return null;
            }
            byte[] data = in.readNBytes(n + 2);
            return new String(data, 0, n, StandardCharsets.UTF_8);
        }
        case '*': {
            int n = Integer.parseInt(l);
            List<Object> a = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                a.add(reply(in));
            }
            return a;
        }
        default:
            throw new IOException("redis: unexpected reply " + type);
        }
    }


    /* --- the session, as Spring Session keeps it --- */

    static String json(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\') {
                b.append('\\').append(c);
            } else if (c < 0x20) {
                b.append(String.format("\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.append('"').toString();
    }

    /* Spring Security's context, as the JSON serializer writes it */
    static String securityContext(String user) {
        return "{\"@class\":\"org.springframework.security.core.context."
            + "SecurityContextImpl\",\"authentication\":{\"@class\":\"org."
            + "springframework.security.authentication."
            + "UsernamePasswordAuthenticationToken\",\"authorities\":"
            + "[\"java.util.Collections$UnmodifiableRandomAccessList\",[]],"
            + "\"details\":null,\"authenticated\":true,\"principal\":{"
            + "\"@class\":\"org.springframework.security.core.userdetails."
            + "User\",\"password\":null,\"username\":" + json(user) + ","
            + "\"authorities\":[\"java.util.Collections$UnmodifiableSet\","
            + "[]],\"accountNonExpired\":true,\"accountNonLocked\":true,"
            + "\"credentialsNonExpired\":true,\"enabled\":true},"
            + "\"credentials\":null}}";
    }

    static final Pattern USERNAME =
        Pattern.compile("\"principal\":\\{[^}]*\"username\":\"([^\"]*)\"");

    /* the attributes of session id, or null when there is none */
    @SuppressWarnings("unchecked")
    static Map<String, String> find(String id) throws IOException {
        List<Object> a = (List<Object>) redis("HGETALL", PREFIX + id);
        if (a.isEmpty()) {
            return null;
        }
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i + 1 < a.size(); i += 2) {
            m.put((String) a.get(i), (String) a.get(i + 1));
        }
        return m;
    }

    /* DefaultCookieSerializer.readCookieValues(), then the first id whose
       session exists */
    static String requested(HttpServletRequest req) throws IOException {
        Cookie[] cookies = req.getCookies();
        if (cookies == null) {
            return null;
        }
        for (Cookie c : cookies) {
            if (!"SESSION".equals(c.getName())) {
                continue;
            }
            String id;
            try {
                id = new String(Base64.getDecoder().decode(c.getValue()));
            } catch (Exception e) {
                continue;
            }
            if (find(id) != null) {
                return id;
            }
        }
        return null;
    }

    static String create(HttpServletResponse res) throws IOException {
        String id = UUID.randomUUID().toString();
        String now = Long.toString(System.currentTimeMillis());
        redis("HSET", PREFIX + id, "creationTime", now, "lastAccessedTime",
              now, "maxInactiveInterval", Integer.toString(MAX_INACTIVE));
        redis("PEXPIRE", PREFIX + id, Long.toString(MAX_INACTIVE * 1000L));
        res.addHeader("Set-Cookie", "SESSION=" + Base64.getEncoder()
            .encodeToString(id.getBytes(StandardCharsets.UTF_8))
            + "; Path=/; HttpOnly; SameSite=Lax");
        return id;
    }

    static void send(HttpServletResponse res, int status, String body)
        throws IOException {
        res.setStatus(status);
        res.setContentType("application/json");
        res.getOutputStream().write(body.getBytes(StandardCharsets.UTF_8));
    }


    @Override
    protected void service(HttpServletRequest req, HttpServletResponse res)
        throws IOException {
        String path = req.getRequestURI();
        String method = req.getMethod();
        String id = requested(req);
        Map<String, String> attrs = (id == null) ? null : find(id);

        if (method.equals("POST") && path.equals("/login")) {
            String user = req.getParameter("user");
            String[] u = (user == null) ? null : USERS.get(user);
            if (u == null || !u[0].equals(req.getParameter("password"))) {
                send(res, 403, "{\"error\":\"bad password\"}");
                return;
            }
            if (id == null) {
                id = create(res);
            }
            redis("HSET", PREFIX + id,
                  "sessionAttr:SPRING_SECURITY_CONTEXT", securityContext(user),
                  "sessionAttr:company_id", json(u[1]));
            send(res, 200, "{\"user\":" + json(user) + "}");
            return;
        }

        if (method.equals("GET") && path.equals("/whoami")) {
            String user = null;
            if (attrs != null
                && attrs.get("sessionAttr:SPRING_SECURITY_CONTEXT") != null)
            {
                Matcher m = USERNAME.matcher(
                    attrs.get("sessionAttr:SPRING_SECURITY_CONTEXT"));
                user = m.find() ? m.group(1) : null;
            }
            String cookie = req.getHeader("Cookie");
            send(res, 200, "{\"user\":" + (user == null ? "null" : json(user))
                 + ",\"cookie\":" + (cookie == null ? "null" : json(cookie))
                 + "}");
            return;
        }

        if (method.equals("GET") && path.equals("/anon")) {
            if (id == null) {
                id = create(res);
            }
            redis("HINCRBY", PREFIX + id, "sessionAttr:visits", "1");
            send(res, 200, "{\"user\":null}");
            return;
        }

        if (method.equals("POST") && path.equals("/logout")) {
            if (id != null) {
                redis("DEL", PREFIX + id);
            }
            res.addHeader("Set-Cookie", "SESSION=; Max-Age=0; Path=/; "
                          + "HttpOnly; SameSite=Lax");
            send(res, 200, "{\"user\":null}");
            return;
        }

        send(res, 404, "{\"error\":\"not found\"}");
    }
}
