/* lib-comm.c — what parcels do to each other: `messages` and `economy`.
 *
 * Neither touches another parcel during the tick: a message goes to the
 * parcel's outbox and is delivered at the next tick; a transfer debits the
 * own account's working balance at once and credits the receiver when the
 * tick is merged (run.c). Balances of other accounts read as they stood at
 * the start of the tick, so no parcel can see another's progress within a
 * tick, whatever the thread count. */
#include "stdlib/api-int.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

/* ---- messages ------------------------------------------------------------------ */

/* messages.send(parcel, value) */
static int msg_send(lua_State *L)
{
	api_pstate *ps = api_ps(L);
	api_need(L, ps, WF_CAP_MESSAGES, "messages.send");
	size_t n;
	const char *to = api_arg_str(L, 1, "messages.send", "the parcel name", &n);
	int target = api_find_parcel(ps->run, to, n);
	if (target < 0)
		return api_raise(L, "messages.send: no parcel named '%.64s'", to);
	if (ps->sent >= ps->lim.messages)
		return api_cap_exceeded(
		    L, ps, VM_ERR_MESSAGES, ps->sent + 1, ps->lim.messages,
		    "messages.send: message budget of this tick exceeded");
	api_buf *b = &ps->scratch;
	b->len = 0;
	if (api_msg_encode(L, 2, b) < 0)
		return api_raise(L, "messages.send: out of memory");
	vm_charge(L, (int64_t)(b->len / API_COST_BYTE_DIV));
	char *data = malloc(b->len ? b->len : 1);
	if (!data)
		return api_raise(L, "messages.send: out of memory");
	memcpy(data, b->data, b->len);
	api_msgs *q = &ps->outbox;
	if (q->n == q->cap) {
		int cap = q->cap ? q->cap * 2 : 8;
		api_msg *v = realloc(q->v, (size_t)cap * sizeof *v);
		if (!v) {
			free(data);
			return api_raise(L, "messages.send: out of memory");
		}
		q->v = v;
		q->cap = cap;
	}
	q->v[q->n++] =
	    (api_msg){.from = ps->index, .to = target, .data = data, .len = b->len};
	vm_host_note(ps->v, sizeof *q->v + b->len);
	ps->sent++;
	ps->stats.messages_sent++;
	b->len = 0;
	api_msg_render(data, q->v[q->n - 1].len, b);
	api_trace(ps, "send %s %s", ps->run->w->parcels[target].name,
	          b->len ? b->data : "");
	return 0;
}

static int msg_sent(lua_State *L)
{
	lua_pushinteger(L, api_ps(L)->sent);
	return 1;
}

static int msg_limit(lua_State *L)
{
	lua_pushinteger(L, api_ps(L)->lim.messages);
	return 1;
}

const luaL_Reg api_messages_lib[] = {
    {"send", msg_send},
    {"sent", msg_sent},
    {"limit", msg_limit},
    {NULL, NULL},
};

/* ---- economy ---------------------------------------------------------------------- */

/* An account argument: "@identity" or a parcel's name. Sets *parcel (or -1
 * for an identity, whose name is returned without the '@'). */
static const char *eco_account_arg(lua_State *L, api_pstate *ps, int idx,
                                   const char *call, int *parcel)
{
	size_t n;
	const char *a = api_arg_str(L, idx, call, "the account", &n);
	if (n > 0 && a[0] == '@') {
		if (!wf_name_ok(a + 1, n - 1))
			api_raise(L, "%s: '%.64s' is not a valid identity account", call,
			          a);
		*parcel = -1;
		return a + 1;
	}
	*parcel = api_find_parcel(ps->run, a, n);
	if (*parcel < 0)
		api_raise(L, "%s: no account '%.64s' (a parcel's name, or @identity)",
		          call, a);
	return a;
}

static int64_t eco_balance_of(api_pstate *ps, int parcel, const char *ident)
{
	if (parcel == ps->index)
		return ps->balance;
	if (parcel >= 0)
		return ps->run->ledger[parcel];
	const api_ident *id = api_find_ident(ps->run, ident);
	return id ? id->balance : 0;
}

/* economy.balance([account]) — the own account when none is given. */
static int eco_balance(lua_State *L)
{
	api_pstate *ps = api_ps(L);
	int parcel = ps->index;
	const char *ident = NULL;
	if (!lua_isnoneornil(L, 1))
		ident = eco_account_arg(L, ps, 1, "economy.balance", &parcel);
	lua_pushinteger(L, eco_balance_of(ps, parcel, ident));
	return 1;
}

/* economy.transfer(to, amount [, memo]) → the own balance after it */
static int eco_transfer(lua_State *L)
{
	api_pstate *ps = api_ps(L);
	api_need(L, ps, WF_CAP_ECONOMY, "economy.transfer");
	int to;
	const char *ident = eco_account_arg(L, ps, 1, "economy.transfer", &to);
	int64_t amount = api_arg_int(L, 2, "economy.transfer", "the amount");
	size_t mlen = 0;
	const char *memo = "";
	if (!lua_isnoneornil(L, 3))
		memo = api_arg_str(L, 3, "economy.transfer", "the memo", &mlen);
	if (mlen > 200)
		return api_raise(L, "economy.transfer: the memo is limited to 200 bytes");
	if (amount <= 0)
		return api_raise(
		    L, "economy.transfer: the amount must be positive, not %" PRId64,
		    amount);
	if (to == ps->index)
		return api_raise(L, "economy.transfer: parcel '%s' cannot pay itself",
		                 ps->p->name);
	if (amount > ps->balance)
		return api_raise(L,
		                 "economy.transfer: parcel '%s' has %" PRId64 ", not "
		                 "enough to pay %" PRId64,
		                 ps->p->name, ps->balance, amount);
	if (ps->nxfers == ps->xfers_cap) {
		int cap = ps->xfers_cap ? ps->xfers_cap * 2 : 8;
		api_transfer *v = realloc(ps->xfers, (size_t)cap * sizeof *v);
		if (!v)
			return api_raise(L, "economy.transfer: out of memory");
		ps->xfers = v;
		ps->xfers_cap = cap;
	}
	api_transfer t = {.to_parcel = to, .amount = amount};
	if (to < 0 && !(t.to_identity = strdup(ident)))
		return api_raise(L, "economy.transfer: out of memory");
	ps->xfers[ps->nxfers++] = t;
	vm_host_note(ps->v, sizeof t + (t.to_identity ? strlen(ident) + 1 : 0));
	ps->balance -= amount;
	api_buf *b = &ps->scratch;
	b->len = 0;
	api_buf_escaped(b, memo, mlen);
	api_trace(ps, "transfer %s%s %" PRId64 "%s%s", to < 0 ? "@" : "",
	          to < 0 ? ident : ps->run->w->parcels[to].name, amount,
	          b->len ? " " : "", b->len ? b->data : "");
	lua_pushinteger(L, ps->balance);
	return 1;
}

static int eco_supply(lua_State *L)
{
	lua_pushinteger(L, api_ps(L)->run->supply);
	return 1;
}

static int eco_account(lua_State *L)
{
	lua_pushstring(L, api_ps(L)->p->name);
	return 1;
}

const luaL_Reg api_economy_lib[] = {
    {"balance", eco_balance},
    {"transfer", eco_transfer},
    {"supply", eco_supply},
    {"account", eco_account},
    {NULL, NULL},
};
