-- wrk script: durable figure submissions spread over many cases. Each wrk thread takes
-- its own slice of the cases file and walks them round-robin, alternating claimant and
-- payer round by round (demands fall, offers rise, they never meet in 50 rounds), so
-- that every request is a new, valid, durable submission.
--
-- The load generator shares the machine's cores with the server, so it is kept cheap:
-- each case's two request heads (path, headers, token) are written once, in init, and a
-- request only appends the length and the body; there is no response() callback, which
-- made wrk copy every answer's headers and body into Lua (wrk counts answers with a
-- status over 399 itself, as summary.errors.status). Written per request with
-- wrk.format and with response(), wrk spent some 13 us of user CPU a request; now some
-- 3.5 us (bench/README.md, "The load generator's own share").
local threads = {}
local counter = 0

function setup(thread)
   counter = counter + 1
   thread:set("slice", counter)
   table.insert(threads, thread)
end

function init(args)
   local nthreads = tonumber(os.getenv("BENCH_THREADS") or "2")
   local host = wrk.headers["Host"]
   local i = 0
   heads = {}
   for line in io.lines(os.getenv("BENCH_CASES")) do
      if i % nthreads == slice - 1 then
         local id, ct, pt = line:match("(%S+) (%S+) (%S+)")
         local head = "POST /v1/cases/" .. id .. "/figures HTTP/1.1\r\nHost: " .. host ..
            "\r\nContent-Type: application/json\r\nAuthorization: Bearer "
         table.insert(heads, { head .. ct .. "\r\nContent-Length: ",
            head .. pt .. "\r\nContent-Length: " })
      end
      i = i + 1
   end
   n = #heads
   k = 0
end

function request()
   local c = heads[(k % n) + 1]
   local step = math.floor(k / n)
   local round = math.floor(step / 2) + 1
   local body
   k = k + 1
   if step % 2 == 0 then
      body = '{"amount":' .. (1000000 - round * 10) .. '}'
      return c[1] .. #body .. "\r\n\r\n" .. body
   end
   body = '{"amount":' .. (round * 10) .. '}'
   return c[2] .. #body .. "\r\n\r\n" .. body
end

function done(summary, latency, requests)
   io.write(string.format("submissions: %d requests, %d not 200, p50 %.2f ms, p99 %.2f ms\n",
      summary.requests, summary.errors.status, latency:percentile(50) / 1000,
      latency:percentile(99) / 1000))
end
