-- POST /api/conversations/{id}/messages with a bearer token, to a random conversation of the list in
-- BENCH_CONVERSATIONS (a file of ids, one a line). Env: BENCH_TOKEN, BENCH_CONVERSATIONS.
package.path = os.getenv("BENCH_LUA_DIR") .. "/?.lua;" .. package.path
local report = require("report")

local ids = {}
for line in io.lines(os.getenv("BENCH_CONVERSATIONS")) do ids[#ids + 1] = line end
local token = os.getenv("BENCH_TOKEN")
local counter = 0

function init(args)
  math.randomseed(os.time())
end

function request()
  counter = counter + 1
  local id = ids[math.random(#ids)]
  local body = '{"body":"Bonjour, merci pour votre retour. Le technicien passera demain matin (bench ' .. counter .. ')."}'
  return wrk.format("POST", "/api/conversations/" .. id .. "/messages",
    { ["Authorization"] = "Bearer " .. token, ["Content-Type"] = "application/json" }, body)
end

done = report.done
