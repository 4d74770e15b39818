/* msg.c — messages between parcels: Lua values copied from one state into
 * another through a small byte encoding.
 *
 * A parcel's values never cross into another state directly (each state has
 * its own allocator and budget); they are encoded at send, decoded when the
 * message is delivered. Encoding (one tag byte, then the payload):
 *	'0' nil   'f' false   't' true
 *	'i' int64 (8 bytes, little-endian)   'd' double (8 bytes, IEEE bits)
 *	's' u32 length + bytes
 *	'{' (key value)* '}'   a table, pairs in the sender's `next` order
 * Only nil, booleans, numbers, strings and tables of them can be sent;
 * tables at most API_MAX_MESSAGE_DEPTH deep (which also refuses cycles), and
 * at most API_MAX_MESSAGE bytes in all. */
#include "stdlib/api-int.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

static void msg_u64(api_buf *b, uint64_t v, int *oom)
{
	unsigned char le[8];
	for (int i = 0; i < 8; i++)
		le[i] = (unsigned char)(v >> (8 * i));
	*oom |= api_buf_put(b, le, 8);
}

static uint64_t msg_get_u64(const char *p)
{
	uint64_t v = 0;
	for (int i = 7; i >= 0; i--)
		v = (v << 8) | (unsigned char)p[i];
	return v;
}

/* The string at *pos (u32 length, then bytes): its bytes, with *pos moved
 * past it; NULL, with *pos at the end, when the data is cut short. */
static const char *msg_get_str(const char *d, size_t len, size_t *pos, size_t *n)
{
	if (*pos > len || len - *pos < 4) {
		*pos = len;
		return NULL;
	}
	const unsigned char *u = (const unsigned char *)d + *pos;
	*n = (size_t)u[0] | (size_t)u[1] << 8 | (size_t)u[2] << 16 | (size_t)u[3] << 24;
	*pos += 4;
	if (*n > len - *pos) {
		*pos = len;
		return NULL;
	}
	const char *str = d + *pos;
	*pos += *n;
	return str;
}

static int msg_value(lua_State *L, int idx, api_buf *b, int depth);

static int msg_table(lua_State *L, int idx, api_buf *b, int depth)
{
	if (depth >= API_MAX_MESSAGE_DEPTH)
		return api_raise(L,
		                 "messages.send: the message nests tables deeper than %d "
		                 "(or holds a cycle)",
		                 API_MAX_MESSAGE_DEPTH);
	int oom = api_buf_put(b, "{", 1);
	idx = lua_absindex(L, idx);
	luaL_checkstack(L, 4, "message too deep");
	lua_pushnil(L);
	while (lua_next(L, idx)) {
		int kt = lua_type(L, -2);
		if (kt != LUA_TSTRING && kt != LUA_TNUMBER && kt != LUA_TBOOLEAN)
			return api_raise(L, "messages.send: a table key cannot be a %s",
			                 lua_typename(L, kt));
		msg_value(L, -2, b, depth + 1);
		msg_value(L, -1, b, depth + 1);
		lua_pop(L, 1);
	}
	oom |= api_buf_put(b, "}", 1);
	return oom;
}

static int msg_value(lua_State *L, int idx, api_buf *b, int depth)
{
	int oom = 0;
	vm_charge(L, 1);
	switch (lua_type(L, idx)) {
	case LUA_TNIL:
		oom = api_buf_put(b, "0", 1);
		break;
	case LUA_TBOOLEAN:
		oom = api_buf_put(b, lua_toboolean(L, idx) ? "t" : "f", 1);
		break;
	case LUA_TNUMBER:
		if (lua_isinteger(L, idx)) {
			oom = api_buf_put(b, "i", 1);
			msg_u64(b, (uint64_t)lua_tointeger(L, idx), &oom);
		} else {
			double d = lua_tonumber(L, idx);
			uint64_t bits;
			memcpy(&bits, &d, sizeof bits);
			oom = api_buf_put(b, "d", 1);
			msg_u64(b, bits, &oom);
		}
		break;
	case LUA_TSTRING: {
		size_t n;
		const char *s = lua_tolstring(L, idx, &n);
		if (n > API_MAX_MESSAGE)
			return api_raise(
			    L, "messages.send: the message is larger than %d bytes",
			    API_MAX_MESSAGE);
		unsigned char len[4] = {(unsigned char)n, (unsigned char)(n >> 8),
		                        (unsigned char)(n >> 16),
		                        (unsigned char)(n >> 24)};
		oom = api_buf_put(b, "s", 1) | api_buf_put(b, len, 4) |
		      api_buf_put(b, s, n);
		break;
	}
	case LUA_TTABLE:
		oom = msg_table(L, idx, b, depth);
		break;
	default:
		return api_raise(L, "messages.send: cannot send a %s",
		                 lua_typename(L, lua_type(L, idx)));
	}
	if (b->len > API_MAX_MESSAGE)
		return api_raise(L, "messages.send: the message is larger than %d bytes",
		                 API_MAX_MESSAGE);
	return oom;
}

int api_msg_encode(lua_State *L, int idx, api_buf *out)
{
	return msg_value(L, idx, out, 0) ? -1 : 0;
}

/* Decode one value at *pos and push it. The data was produced by
 * api_msg_encode, so it is trusted to be well formed; lengths are still
 * checked so that a bug cannot read past the end. */
static void msg_push(lua_State *L, const char *d, size_t len, size_t *pos)
{
	if (*pos >= len) {
		lua_pushnil(L);
		return;
	}
	char tag = d[(*pos)++];
	switch (tag) {
	case 't':
	case 'f':
		lua_pushboolean(L, tag == 't');
		break;
	case 'i':
	case 'd': {
		if (*pos + 8 > len) {
			lua_pushnil(L);
			*pos = len;
			break;
		}
		uint64_t v = msg_get_u64(d + *pos);
		*pos += 8;
		if (tag == 'i') {
			lua_pushinteger(L, (lua_Integer)v);
		} else {
			double x;
			memcpy(&x, &v, sizeof x);
			lua_pushnumber(L, x);
		}
		break;
	}
	case 's': {
		size_t n;
		const char *str = msg_get_str(d, len, pos, &n);
		if (str)
			lua_pushlstring(L, str, n);
		else
			lua_pushnil(L);
		break;
	}
	case '{':
		luaL_checkstack(L, 4, "message too deep");
		lua_newtable(L);
		while (*pos < len && d[*pos] != '}') {
			msg_push(L, d, len, pos);
			msg_push(L, d, len, pos);
			if (lua_isnil(L, -2) ||
			    (lua_type(L, -2) == LUA_TNUMBER &&
			     lua_tonumber(L, -2) != lua_tonumber(L, -2)))
				lua_pop(L, 2); /* cannot happen from the encoder */
			else
				lua_rawset(L, -3);
		}
		(*pos)++;
		break;
	default:
		lua_pushnil(L);
		break;
	}
}

void api_msg_push(lua_State *L, const char *data, size_t len)
{
	size_t pos = 0;
	msg_push(L, data, len, &pos);
}

/* ---- Rendering for the trace --------------------------------------------------- */

static int msg_render(const char *d, size_t len, size_t *pos, api_buf *out)
{
	if (*pos >= len)
		return api_buf_put(out, "nil", 3);
	char tag = d[(*pos)++];
	char num[64];
	switch (tag) {
	case '0':
		return api_buf_put(out, "nil", 3);
	case 't':
		return api_buf_put(out, "true", 4);
	case 'f':
		return api_buf_put(out, "false", 5);
	case 'i':
	case 'd': {
		if (*pos + 8 > len)
			return api_buf_put(out, "?", 1);
		uint64_t v = msg_get_u64(d + *pos);
		*pos += 8;
		if (tag == 'i') {
			snprintf(num, sizeof num, "%" PRId64, (int64_t)v);
		} else {
			double x;
			memcpy(&x, &v, sizeof x);
			snprintf(num, sizeof num, "%.17g", x);
		}
		return api_buf_put(out, num, strlen(num));
	}
	case 's': {
		size_t n;
		const char *str = msg_get_str(d, len, pos, &n);
		if (!str)
			return api_buf_put(out, "?", 1);
		return api_buf_put(out, "\"", 1) | api_buf_escaped(out, str, n) |
		       api_buf_put(out, "\"", 1);
	}
	case '{': {
		int rc = api_buf_put(out, "{", 1);
		bool first = true;
		while (*pos < len && d[*pos] != '}') {
			if (!first)
				rc |= api_buf_put(out, ", ", 2);
			first = false;
			rc |= api_buf_put(out, "[", 1);
			rc |= msg_render(d, len, pos, out);
			rc |= api_buf_put(out, "]=", 2);
			rc |= msg_render(d, len, pos, out);
		}
		(*pos)++;
		return rc | api_buf_put(out, "}", 1);
	}
	default:
		return api_buf_put(out, "?", 1);
	}
}

int api_msg_render(const char *data, size_t len, api_buf *out)
{
	size_t pos = 0;
	return msg_render(data, len, &pos, out) ? -1 : 0;
}
