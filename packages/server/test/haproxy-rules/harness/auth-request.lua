-- A small stand-in for the auth-request Lua script (TimWolla/haproxy-auth-request), written for the truth tests:
-- `http-request lua.auth-request <backend> <path>` sends a GET with the client's request headers (plus X-Original-URI)
-- to the first server of <backend>, sets txn.auth_response_successful (true on 2xx), txn.auth_response_code, and one
-- variable req.auth_response_header.<name> per answer header (lower case, `.`, `-` and spaces as `_`).

local function sanitize(name)
	return (name:gsub('^%.+', ''):gsub('[%.%- ]', '_'):gsub('[^%w_]', ''):lower())
end

core.register_action('auth-request', { 'http-req' }, function(txn, be, path)
	txn:set_var('txn.auth_response_successful', false)
	local backend = core.backends[be]
	local addr = nil
	if backend ~= nil then
		for _, server in pairs(backend.servers) do
			addr = server:get_addr()
			break
		end
	end
	if addr == nil then
		txn:set_var('txn.auth_response_code', 500)
		return
	end
	local host, port = addr:match('^(.*):(%d+)$')
	local socket = core.tcp()
	socket:settimeout(5)
	if not socket:connect(host, tonumber(port)) then
		txn:set_var('txn.auth_response_code', 500)
		return
	end
	local lines = { 'GET ' .. path .. ' HTTP/1.0', 'X-Original-URI: ' .. txn.sf:path() }
	for name, values in pairs(txn.http:req_get_headers()) do
		if name ~= 'content-length' and name ~= 'connection' then
			for _, value in pairs(values) do
				lines[#lines + 1] = name .. ': ' .. value
			end
		end
	end
	socket:send(table.concat(lines, '\r\n') .. '\r\n\r\n')
	local status = socket:receive('*l')
	local code = tonumber(status and status:match('^HTTP/%d%.%d (%d%d%d)') or '') or 500
	while true do
		local line = socket:receive('*l')
		if line == nil or line == '' then
			break
		end
		local name, value = line:match('^([^:]+):%s*(.-)%s*$')
		if name ~= nil then
			txn:set_var('req.auth_response_header.' .. sanitize(name), value)
		end
	end
	socket:close()
	txn:set_var('txn.auth_response_code', code)
	if code >= 200 and code < 300 then
		txn:set_var('txn.auth_response_successful', true)
	end
end, 2)
