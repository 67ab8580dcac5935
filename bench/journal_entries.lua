-- wrk script: each thread (one connection) writes the next entry of its own journal, and counts the
-- answers by status across threads. Arguments: the ciphertext (base64url), then one lookup id per thread.
local threads = {}
local counter = 0

function setup(thread)
  counter = counter + 1
  thread:set("number", counter)
  table.insert(threads, thread)
end

function init(args)
  ciphertext = args[1]
  lookup = args[number + 1]
  seq = 0
  created = 0
  other = 0
  -- Any 64 hex digits: the server time-stamps whatever commitment it is sent.
  commitment = string.format("%064x", number)
end

function request()
  seq = seq + 1
  local body = '{"seq":' .. seq .. ',"ciphertext":"' .. ciphertext .. '","commitment":"' .. commitment .. '"}'
  return wrk.format("POST", nil, {
    ["Content-Type"] = "application/json",
    ["Authorization"] = "Journal " .. lookup,
  }, body)
end

function response(status, headers, body)
  if status == 201 then
    created = created + 1
  else
    other = other + 1
    -- A request answered after wrk's last deadline was still written: start again from the next.
    local next_seq = body and string.match(body, '"next_seq":(%d+)')
    if next_seq then seq = tonumber(next_seq) - 1 end
  end
end

function done(summary, latency, requests)
  local total_created, total_other = 0, 0
  for _, thread in ipairs(threads) do
    total_created = total_created + thread:get("created")
    total_other = total_other + thread:get("other")
  end
  io.write(string.format("STATUS created=%d other=%d\n", total_created, total_other))
end
