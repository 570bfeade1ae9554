-- 1,000-entry batches for `wrk -s batch.lua`: balanced 2-line entries spread over the
-- ledgers, atomic. FOLIO_BENCH_PATH, FOLIO_BENCH_KEY, FOLIO_BENCH_LEDGERS as post.lua.
local path = os.getenv("FOLIO_BENCH_PATH")
local key = os.getenv("FOLIO_BENCH_KEY")
local size = tonumber(os.getenv("FOLIO_BENCH_BATCH") or "1000")
local ledgers = {}
for id in string.gmatch(os.getenv("FOLIO_BENCH_LEDGERS"), "%S+") do
  ledgers[#ledgers + 1] = id
end

wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. key

local bodies = {}
for b = 1, 8 do
  local parts = {}
  for n = 1, size do
    local i = math.random(#ledgers)
    local j = math.random(#ledgers - 1)
    if j >= i then j = j + 1 end
    local cents = math.random(1, 99999)
    local amount = string.format("%d.%02d", math.floor(cents / 100), cents % 100)
    parts[n] = '{"date":"2025-0' .. math.random(1, 9) .. '-1' .. math.random(0, 9) ..
      '","description":"bench","lines":[{"ledger_id":"' .. ledgers[i] .. '","debit":"' ..
      amount .. '"},{"ledger_id":"' .. ledgers[j] .. '","credit":"' .. amount .. '"}]}'
  end
  bodies[b] = '{"atomic":true,"entries":[' .. table.concat(parts, ",") .. ']}'
end
local counter = 0

request = function()
  counter = counter + 1
  return wrk.format(nil, path, nil, bodies[counter % #bodies + 1])
end
