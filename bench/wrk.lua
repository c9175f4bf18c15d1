-- wrk script for bench/run: every request carries the cookie of one of
-- SESSIONS sessions (sid = PREFIX .. n), rotating, each thread from its
-- own offset, or drawn at random (DRAW=random: like real users, each seen
-- seldom); SID_PREFIX empty: no cookie at all.  THINK=<ms>: each
-- connection waits between a response and its next request, a time drawn
-- between 1 and 2 * THINK - 1 ms (users, not a closed loop at full
-- speed).  LIMIT=<n>: wrk exits after n responses (a warm-up), printing
-- only their count.  done() prints one machine-readable line.

local sessions = tonumber(os.getenv("SESSIONS") or "10000")
local prefix = os.getenv("SID_PREFIX") or "s"
local random = os.getenv("DRAW") == "random"
local think = tonumber(os.getenv("THINK") or "0")
local limit = tonumber(os.getenv("LIMIT") or "0")
local responses = 0
local counter = 0
local threads = 0

function setup(thread)
    thread:set("offset", threads * 7919)
    threads = threads + 1
end

function init(args)
    counter = tonumber(offset or 0)
    math.randomseed(os.time() + counter)
end

function request()
    local n, headers

    counter = counter + 1
    n = random and math.random(0, sessions - 1) or (counter % sessions)
    headers = { ["Accept"] = "text/html" }

    if prefix ~= "" then
        headers["Cookie"] = "sid=" .. prefix .. n
    end

    return wrk.format("GET", "/reports?tab=" .. (counter % 7), headers)
end

if think > 0 then
    function delay()
        return math.random(1, 2 * think - 1)
    end
end

if limit > 0 then
    function response()
        responses = responses + 1

        if responses >= limit then
            io.write(string.format("RESULT requests=%d\n", responses))
            os.exit(0)
        end
    end
end

function done(summary, latency, requests)
    io.write(string.format("RESULT requests=%d seconds=%.3f p50=%d p99=%d "
                           .. "errors=%d status_errors=%d\n",
                           summary.requests, summary.duration / 1e6,
                           latency:percentile(50), latency:percentile(99),
                           summary.errors.connect + summary.errors.read
                           + summary.errors.write + summary.errors.timeout,
                           summary.errors.status))
end
