-- wrk script: durable figure submissions spread over many cases. Each wrk thread takes
-- its own slice of the cases file and walks them round-robin, alternating claimant and
-- payer round by round (demands fall, offers rise, they never meet in 50 rounds), so
-- that every request is a new, valid, durable submission.
local threads = {}
local counter = 0

function setup(thread)
   counter = counter + 1
   thread:set("slice", counter)
   table.insert(threads, thread)
end

function init(args)
   nthreads = tonumber(os.getenv("BENCH_THREADS") or "2")
   cases = {}
   local i = 0
   for line in io.lines(os.getenv("BENCH_CASES")) do
      if i % nthreads == slice - 1 then
         local id, ct, pt = line:match("(%S+) (%S+) (%S+)")
         table.insert(cases, { id = id, ct = ct, pt = pt })
      end
      i = i + 1
   end
   k = 0
   rejected = 0
end

function request()
   local n = #cases
   local c = cases[(k % n) + 1]
   local step = math.floor(k / n)
   k = k + 1
   local round = math.floor(step / 2) + 1
   local token, amount
   if step % 2 == 0 then token, amount = c.ct, 1000000 - round * 10
   else token, amount = c.pt, round * 10 end
   return wrk.format("POST", "/v1/cases/" .. c.id .. "/figures",
      { ["Authorization"] = "Bearer " .. token, ["Content-Type"] = "application/json" },
      '{"amount":' .. amount .. '}')
end

function response(status, headers, body)
   if status ~= 200 then rejected = rejected + 1 end
end

function done(summary, latency, requests)
   local non200 = 0
   for _, t in ipairs(threads) do non200 = non200 + t:get("rejected") end
   io.write(string.format("submissions: %d requests, %d not 200, p50 %.2f ms, p99 %.2f ms\n",
      summary.requests, non200, latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
