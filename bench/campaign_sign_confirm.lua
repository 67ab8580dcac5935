-- wrk script: alternately sign a campaign (a new address each time; its e-mail is queued, and written
-- by the mail sender) and confirm one of the pending signatures seeded beforehand (tokens
-- from a file, one slice per thread), both through the HTML forms, with a CSRF cookie and the
-- matching form field as a browser sends.
local threads = {}
local counter = 0

function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
  table.insert(threads, thread)
end

function init(args)
  slug = args[1]
  tokens_path = args[2]
  thread_count = tonumber(args[3])
  -- each run of the script signs with addresses of its own (wrk seeds math.random the same way
  -- in every run, so the random part alone would repeat the last run's addresses)
  run = args[4] or "0"
  tokens = {}
  local index = 0
  for line in io.lines(tokens_path) do
    if index % thread_count == id then table.insert(tokens, line) end
    index = index + 1
  end
  next_token = 1
  csrf = "benchcsrfsecret0123456789abcdefX"
  form_headers = {
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["Cookie"] = "__Host-csrf=" .. csrf,
  }
  signed = 0
  n = 0
  accepted = 0
  confirmed = 0
  other = 0
  last = ""
end

function request()
  n = n + 1
  if n % 2 == 1 then
    signed = signed + 1
    last = "sign"
    local body = string.format(
      "csrfmiddlewaretoken=%s&name=Bench+Signer&email=bench-%s-%d-%d-%d%%40example.org&country=GB&postcode=SW1A+1AA",
      csrf, run, id, signed, math.random(1, 1000000000))
    return wrk.format("POST", "/campaigns/" .. slug .. "/sign/", form_headers, body)
  end
  last = "confirm"
  local token = tokens[next_token]
  next_token = next_token + 1
  return wrk.format("POST", "/campaigns/confirm/" .. token .. "/", form_headers, "csrfmiddlewaretoken=" .. csrf)
end

function response(status, headers, body)
  if status == 302 then accepted = accepted + 1
  elseif status == 200 then confirmed = confirmed + 1
  else other = other + 1 end
end

function done(summary, latency, requests)
  local a, c, o = 0, 0, 0
  for _, thread in ipairs(threads) do
    a = a + thread:get("accepted")
    c = c + thread:get("confirmed")
    o = o + thread:get("other")
  end
  io.write(string.format("SIGNCONFIRM accepted=%d confirmed=%d other=%d\n", a, c, o))
end
