-- One channel's history in one atomic step (RedisHistoryStore).
-- KEYS: 1 stream (entries "<offset>-0" with fields f: frame, t: time in ms, x: excluded
-- connection), 2 offset counter, 3 epoch, 4 (append only, optional) dedupe key.
-- ARGV: 1 mode (append | after | before), 2 now in ms, 3 ttl in ms, 4 epoch to create,
-- then per mode (see below).
local stream, counter, epochKey = KEYS[1], KEYS[2], KEYS[3]
local mode, now, ttl, candidate = ARGV[1], tonumber(ARGV[2]), ARGV[3], ARGV[4]

-- A channel without an epoch, or with an epoch but no counter (keys lost in part), starts a
-- new epoch at offset 0: offsets of the lost history are never reused under its name.
local epoch = redis.call('GET', epochKey)
if (not epoch) or redis.call('EXISTS', counter) == 0 then
  redis.call('DEL', stream)
  redis.call('SET', counter, 0, 'PX', ttl)
  redis.call('SET', epochKey, candidate, 'PX', ttl)
  epoch = candidate
end

-- No message older than ttl: drop them from the head (at most 100 per call, more next time).
local oldest = now - tonumber(ttl)
local head = redis.call('XRANGE', stream, '-', '+', 'COUNT', 100)
local keep = nil
for _, entry in ipairs(head) do
  if tonumber(entry[2][4]) >= oldest then
    keep = entry[1]
    break
  end
end
if #head > 0 and keep ~= head[1][1] then
  if keep == nil then
    keep = (tonumber(string.match(head[#head][1], '^(%d+)')) + 1) .. '-0'
  end
  redis.call('XTRIM', stream, 'MINID', keep)
end

local function first()
  local entry = redis.call('XRANGE', stream, '-', '+', 'COUNT', 1)
  if #entry == 0 then
    return 0
  end
  return tonumber(string.match(entry[1][1], '^(%d+)'))
end

if mode == 'append' then
  -- ARGV: 5 frame, 6 excluded connection ('' for none), 7 size
  if KEYS[4] then
    local seen = redis.call('GET', KEYS[4])
    if seen then
      local at = string.find(seen, ':', 1, true)
      if string.sub(seen, at + 1) == epoch then
        return {tonumber(string.sub(seen, 1, at - 1)), epoch}
      end
    end
  end
  local offset = redis.call('INCR', counter)
  redis.call('XADD', stream, 'MAXLEN', ARGV[7], offset .. '-0', 'f', ARGV[5], 't', ARGV[2], 'x', ARGV[6])
  redis.call('PEXPIRE', stream, ttl)
  redis.call('PEXPIRE', counter, ttl)
  redis.call('PEXPIRE', epochKey, ttl)
  if KEYS[4] then
    redis.call('SET', KEYS[4], offset .. ':' .. epoch, 'PX', ttl)
  end
  return {offset, epoch}
end

-- Reads return {epoch, offset, first, offset1, frame1, excluded1, offset2, ...}.
local offset = tonumber(redis.call('GET', counter))
local result = {epoch, offset, first()}
local function add(entries)
  for _, entry in ipairs(entries) do
    table.insert(result, tonumber(string.match(entry[1], '^(%d+)')))
    table.insert(result, entry[2][2])
    table.insert(result, entry[2][6])
  end
end

if mode == 'after' then
  -- ARGV: 5 after (-1: none), 6 up to (-1: the current offset), 7 limit
  local after, upTo, limit = tonumber(ARGV[5]), tonumber(ARGV[6]), tonumber(ARGV[7])
  local high = offset
  if upTo >= 0 and upTo < high then
    high = upTo
  end
  if after >= 0 and high > after and high - after <= limit then
    add(redis.call('XRANGE', stream, (after + 1) .. '-0', high .. '-0'))
  end
elseif mode == 'before' then
  -- ARGV: 5 before (0: the end), 6 limit
  local before, limit = tonumber(ARGV[5]), tonumber(ARGV[6])
  local high = offset
  if before > 0 and before - 1 < high then
    high = before - 1
  end
  if high >= 1 then
    local newest = redis.call('XREVRANGE', stream, high .. '-0', '-', 'COUNT', limit)
    local oldestFirst = {}
    for i = #newest, 1, -1 do
      table.insert(oldestFirst, newest[i])
    end
    add(oldestFirst)
  end
end
return result
