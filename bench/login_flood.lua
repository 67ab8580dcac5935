-- wrk script for bench/login_flood.py: one client tries passphrases for one account as fast as it can.
--
-- wrk ... -s bench/login_flood.lua URL -- CSRF_TOKEN CSRF_COOKIE USERNAME
--
-- Every request comes from the same address (the proxy's X-Forwarded-For entry). Answers are counted
-- by status across threads.

local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  token = args[1] or ""
  cookie = args[2] or ""
  username = args[3] or "bench-member"
  sent = 0
  s400, s429, s302, other = 0, 0, 0, 0
end

function request()
  sent = sent + 1
  local headers = {
    ["X-Forwarded-For"] = "10.99.0.1",
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["Cookie"] = cookie,
  }
  local body = "csrfmiddlewaretoken=" .. token .. "&username=" .. username .. "&passphrase=wrong-guess-" .. sent
  return wrk.format("POST", "/account/login/", headers, body)
end

function response(status, headers, body)
  if status == 400 then s400 = s400 + 1
  elseif status == 429 then s429 = s429 + 1
  elseif status == 302 then s302 = s302 + 1
  else other = other + 1 end
end

function done(summary, latency, requests)
  local t = { s400 = 0, s429 = 0, s302 = 0, other = 0 }
  for _, thread in ipairs(threads) do
    for name, _ in pairs(t) do t[name] = t[name] + thread:get(name) end
  end
  io.write(string.format("LOGIN s400=%d s429=%d s302=%d other=%d\n", t.s400, t.s429, t.s302, t.other))
end
