-- wrk script: every connection submits to ONE case (the first line of BENCH_CASES),
-- alternating claimant and payer, with figures that never meet (the case is opened
-- without the monotone rule). At most one figure per role and round is accepted, so
-- most answers are 409; the run counts 200s and other statuses, and the shell script
-- checks the case's log afterwards: one result per round, one figure per role and round,
-- as many figure events as 200 answers.
local threads = {}

function setup(thread)
   table.insert(threads, thread)
end

function init(args)
   local line = io.lines(os.getenv("BENCH_CASES"))()
   id, ct, pt = line:match("(%S+) (%S+) (%S+)")
   k = 0
   ok, refused, other = 0, 0, 0
end

function request()
   k = k + 1
   local token, amount = ct, 90000000
   if k % 2 == 0 then token, amount = pt, 100 end
   return wrk.format("POST", "/v1/cases/" .. id .. "/figures",
      { ["Authorization"] = "Bearer " .. token, ["Content-Type"] = "application/json" },
      '{"amount":' .. amount .. '}')
end

function response(status, headers, body)
   if status == 200 then ok = ok + 1
   elseif status == 409 then refused = refused + 1
   else other = other + 1 end
end

function done(summary, latency, requests)
   local a, r, o = 0, 0, 0
   for _, t in ipairs(threads) do
      a = a + t:get("ok"); r = r + t:get("refused"); o = o + t:get("other")
   end
   io.write(string.format("contention: %d requests, %d accepted, %d refused 409, %d other, "
      .. "p50 %.2f ms, p99 %.2f ms\n", summary.requests, a, r, o,
      latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
