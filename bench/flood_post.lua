-- wrk script for bench/flood.py: flooders post "me too" as fast as they can, from a few addresses.
--
-- wrk ... -s bench/flood_post.lua URL -- ADDRESSES CSRF_TOKEN CSRF_COOKIE SPEAK_EVERY
--
-- Every request claims a forged first X-Forwarded-For entry; the proxy's own entry, the last one, is
-- one of ADDRESSES flooding addresses (10.66.0.1 ...). Every SPEAK_EVERY-th request posts the page
-- form (/speak/, with a valid CSRF token and cookie); the others post the API (/api/v1/statements).
-- Answers are counted by status across threads; a 429 that carries a proof-of-work challenge is
-- counted apart.

local threads = {}

function setup(thread)
  thread:set("tid", #threads)
  table.insert(threads, thread)
end

function init(args)
  addresses = tonumber(args[1]) or 16
  token = args[2] or ""
  cookie = args[3] or ""
  speak_every = tonumber(args[4]) or 0
  sent = 0
  s201, s200, s429, challenged, s403, s4xx, s5xx, other = 0, 0, 0, 0, 0, 0, 0, 0
end

function request()
  sent = sent + 1
  local index = (sent + tid * 7) % addresses + 1
  local headers = { ["X-Forwarded-For"] = string.format("198.51.100.%d, 10.66.0.%d", sent % 250, index) }
  if speak_every > 0 and sent % speak_every == 0 then
    headers["Content-Type"] = "application/x-www-form-urlencoded"
    headers["Cookie"] = cookie
    return wrk.format("POST", "/speak/", headers, "csrfmiddlewaretoken=" .. token .. "&mode=count&website=")
  end
  headers["Content-Type"] = "application/json"
  return wrk.format("POST", "/api/v1/statements", headers, "{}")
end

function response(status, headers, body)
  if status == 201 then s201 = s201 + 1
  elseif status == 200 then s200 = s200 + 1
  elseif status == 429 then
    s429 = s429 + 1
    if body and (string.find(body, '"challenge"', 1, true) or string.find(body, "pow_challenge", 1, true)) then
      challenged = challenged + 1
    end
  elseif status == 403 then s403 = s403 + 1
  elseif status >= 500 then s5xx = s5xx + 1
  elseif status >= 400 then s4xx = s4xx + 1
  else other = other + 1 end
end

function done(summary, latency, requests)
  local names = { "s201", "s200", "s429", "challenged", "s403", "s4xx", "s5xx", "other" }
  local totals = {}
  for _, name in ipairs(names) do totals[name] = 0 end
  for _, thread in ipairs(threads) do
    for _, name in ipairs(names) do totals[name] = totals[name] + thread:get(name) end
  end
  io.write("FLOOD")
  for _, name in ipairs(names) do io.write(string.format(" %s=%d", name, totals[name])) end
  io.write("\n")
end
