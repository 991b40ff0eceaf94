-- GET BENCH_PATH with a bearer token (the conversation list, a search). Env: BENCH_TOKEN, BENCH_PATH.
package.path = os.getenv("BENCH_LUA_DIR") .. "/?.lua;" .. package.path
local report = require("report")

wrk.method = "GET"
wrk.path = os.getenv("BENCH_PATH")
wrk.headers["Authorization"] = "Bearer " .. os.getenv("BENCH_TOKEN")

done = report.done
