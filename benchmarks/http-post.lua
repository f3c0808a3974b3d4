-- wrk script: POST one short message per request to the customer HTTP API with the demo key.
--   wrk -t1 -c64 -d30s --latency -s benchmarks/http-post.lua http://127.0.0.1:8080/v1/messages
-- Count the answers by status afterwards: curl -s 127.0.0.1:9464/metrics | grep ebb_http_requests_total
wrk.method = "POST"
wrk.headers["Authorization"] = "Bearer demo-api-key"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"to":"+4790000001","from":"Ebb","text":"Your code is 1234"}'
