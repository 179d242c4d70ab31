-- wrk script: POST /api/v1/filings with a JSON body and a bearer token.
-- BENCH_TOKEN and BENCH_BODY come from the environment (bench/run.py sets them).
wrk.method = "POST"
wrk.body = os.getenv("BENCH_BODY")
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. os.getenv("BENCH_TOKEN")
