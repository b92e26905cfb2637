-- wrk script: replay pre-signed raw HTTP requests and count non-2xx answers.
--
-- Usage: wrk -t T -c C -d 10s -s replay.lua URL -- REQUESTS_FILE T
-- REQUESTS_FILE is a Lua file written by bench/harness.py that returns a list of
-- {method, path, headers, body}. Thread k of T takes requests k, k+T, k+2T... so threads
-- never send the same request, and each thread cycles through its share. Every request is
-- formatted once in init(), so request() only hands back a prebuilt string.

local threads = {}
local next_id = 0

function setup(thread)
   thread:set("id", next_id)
   next_id = next_id + 1
   table.insert(threads, thread)
end

function init(args)
   local all = dofile(args[1])
   local step = tonumber(args[2]) or 1
   prepared = {}
   for i = id + 1, #all, step do
      local r = all[i]
      prepared[#prepared + 1] = wrk.format(r[1], r[2], r[3], r[4])
   end
   if #prepared == 0 then
      for i = 1, #all do
         local r = all[i]
         prepared[#prepared + 1] = wrk.format(r[1], r[2], r[3], r[4])
      end
   end
   all = nil
   count = #prepared
   cursor = 0
   ok = 0
   bad = 0
   sample = ""
end

function request()
   cursor = cursor % count + 1
   return prepared[cursor]
end

function response(status, headers, body)
   if status >= 200 and status < 300 then
      ok = ok + 1
   else
      bad = bad + 1
      if sample == "" then
         sample = tostring(status) .. " " .. string.sub(body or "", 1, 400)
      end
   end
end

local function json_string(s)
   s = string.gsub(s, '[%c"\\]', function(c)
      return string.format("\\u%04x", string.byte(c))
   end)
   return '"' .. s .. '"'
end

function done(summary, latency, requests)
   local ok_total, bad_total, first_bad = 0, 0, ""
   for _, t in ipairs(threads) do
      ok_total = ok_total + (t:get("ok") or 0)
      bad_total = bad_total + (t:get("bad") or 0)
      local s = t:get("sample") or ""
      if first_bad == "" and s ~= "" then
         first_bad = s
      end
   end
   local e = summary.errors
   io.write(string.format(
      'BENCH_JSON {"requests":%d,"duration_us":%d,"ok":%d,"non_2xx":%d,' ..
      '"socket_errors":%d,"timeouts":%d,"p50_us":%d,"p90_us":%d,"p99_us":%d,' ..
      '"mean_us":%.1f,"max_us":%d,"first_non_2xx":%s}\n',
      summary.requests, summary.duration, ok_total, bad_total,
      e.connect + e.read + e.write, e.timeout,
      latency:percentile(50), latency:percentile(90), latency:percentile(99),
      latency.mean, latency.max, json_string(first_bad)))
end
