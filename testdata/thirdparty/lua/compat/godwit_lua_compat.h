/*
 * Build-time overrides for Lua 5.4.8 under wasm32-wasi (force-included with
 * `-include`, in the wasm and in the native build alike, so both behave the same).
 * Not part of Lua. Why each one:
 *
 * - wasi-libc has no setjmp/longjmp (and Godwit does not implement the Wasm
 *   exception-handling proposal), so Lua cannot unwind on an error. Any raised
 *   error prints "lua: MESSAGE" on stderr and exits with status 1, as lua.c
 *   does for an uncaught error. Consequences: pcall/error recovery and
 *   coroutine.yield (which unwinds with the same mechanism in Lua 5.4) end the
 *   program; the test scripts use neither.
 * - wasi-libc has no tmpnam, tmpfile or system: os.tmpname raises an error,
 *   io.tmpfile returns nil and an error message, os.execute reports failure.
 * - Lua seeds its string hash with the time and addresses (ASLR): a fixed seed
 *   makes the hash, hence the order of pairs() over string keys, the same in
 *   every run and in both builds.
 */
#ifndef GODWIT_LUA_COMPAT_H
#define GODWIT_LUA_COMPAT_H

struct lua_State;
/* Reports the error object on top of L's stack and exits(1); never returns. */
void godwit_lua_throw(struct lua_State *L, int status);

#define LUAI_THROW(L, c) godwit_lua_throw(L, (c)->status)
#define LUAI_TRY(L, c, a) { a }
#define luai_jmpbuf int /* unused */

#define luai_makeseed(L) 0x5eed1234u

#define LUA_TMPNAMBUFSIZE 32
#define lua_tmpnam(b, e) { (void)(b); e = 1; }
#define l_system(cmd) ((cmd) == NULL ? 0 : -1)
#define tmpfile godwit_lua_tmpfile /* renames stdio's declaration too */

#endif
