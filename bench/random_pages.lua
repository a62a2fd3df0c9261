-- wrk: pages of the place list at random (limit 1..100, offset 0..167: 16,800 combinations, fixed seed), mostly
-- not in the answer cache. Used by bench_api.sh and bench_storage.sh.
math.randomseed(7)
request = function()
  return wrk.format("GET", string.format("/api/v1/places?limit=%d&offset=%d", math.random(1, 100), math.random(0, 167)))
end
