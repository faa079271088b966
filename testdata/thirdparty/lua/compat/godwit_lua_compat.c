/* LUAI_THROW and tmpfile for wasi-libc builds (see godwit_lua_compat.h). Not part of Lua. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "lua.h"

void godwit_lua_throw(lua_State *L, int status) {
  const char *msg;
  if (status == LUA_YIELD) {
    msg = "coroutine.yield is not supported in this build (no setjmp in wasi-libc)";
  } else {
    msg = lua_tostring(L, -1);
    if (msg == NULL) msg = "(error object is not a string)";
  }
  fflush(stdout);
  fprintf(stderr, "lua: %s\n", msg);
  exit(1);
}

FILE *godwit_lua_tmpfile(void) {
  errno = ENOTSUP;
  return NULL;
}
