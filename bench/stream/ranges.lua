-- wrk script: GETs of random, fixed-length byte ranges of one file, each with the session cookie.
-- Arguments after `--`: file size, range length (bytes), seed, cookie (may be empty).
-- Each wrk thread draws from its own seeded sequence (seed + thread number), so two runs with
-- the same arguments ask for the same ranges. Results are printed by done() as one JSON line.

local threads_started = 0

function setup(thread)
	threads_started = threads_started + 1
	thread:set("thread_no", threads_started)
end

local size, len, cookie

function init(args)
	size = tonumber(args[1])
	len = tonumber(args[2])
	cookie = args[4] or ""
	math.randomseed(tonumber(args[3]) + 7919 * (thread_no or 1))
	if not size or not len or len > size then
		error("usage: -- <size> <length> <seed> [cookie]")
	end
end

function request()
	local start = math.random(0, size - len)
	local headers = { Range = "bytes=" .. start .. "-" .. (start + len - 1) }
	if cookie ~= "" then
		headers["Cookie"] = cookie
	end
	return wrk.format(nil, nil, headers)
end

function done(summary, latency, requests)
	local e = summary.errors
	io.write(string.format(
		'CHORUS_WRK {"requests":%d,"bytes":%d,"duration_us":%d,"connect":%d,"read":%d,' ..
			'"write":%d,"status":%d,"timeout":%d,"p50_us":%d,"p95_us":%d,"p99_us":%d,' ..
			'"max_us":%d,"mean_us":%.1f}\n',
		summary.requests, summary.bytes, summary.duration, e.connect, e.read, e.write, e.status,
		e.timeout, latency:percentile(50), latency:percentile(95), latency:percentile(99),
		latency.max, latency.mean))
end
