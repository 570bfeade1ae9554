-- Balanced 2-line entries for `wrk -s post.lua`; set by the bench through the environment:
-- FOLIO_BENCH_PATH, FOLIO_BENCH_KEY, FOLIO_BENCH_LEDGERS (space-separated ids),
-- FOLIO_BENCH_HOT (a ledger id on one side of every entry, or empty: spread over the ledgers).
local path = os.getenv("FOLIO_BENCH_PATH")
local key = os.getenv("FOLIO_BENCH_KEY")
local hot = os.getenv("FOLIO_BENCH_HOT") or ""
local ledgers = {}
for id in string.gmatch(os.getenv("FOLIO_BENCH_LEDGERS"), "%S+") do
  ledgers[#ledgers + 1] = id
end
local counter = 0

wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. key

request = function()
  counter = counter + 1
  local a, b
  if hot ~= "" then
    a, b = ledgers[math.random(#ledgers)], hot
    if counter % 2 == 0 then a, b = b, a end
  else
    local i = math.random(#ledgers)
    local j = math.random(#ledgers - 1)
    if j >= i then j = j + 1 end
    a, b = ledgers[i], ledgers[j]
  end
  local cents = math.random(1, 99999)
  local amount = string.format("%d.%02d", math.floor(cents / 100), cents % 100)
  local body = '{"date":"2025-0' .. math.random(1, 9) .. '-1' .. math.random(0, 9) ..
    '","description":"bench","lines":[{"ledger_id":"' .. a .. '","debit":"' .. amount ..
    '"},{"ledger_id":"' .. b .. '","credit":"' .. amount .. '"}]}'
  return wrk.format(nil, path, nil, body)
end
