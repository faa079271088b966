/* wasi-libc has no <setjmp.h>; ldo.c includes it unconditionally but, with
   godwit_lua_compat.h's LUAI_THROW/LUAI_TRY, uses nothing from it. Not part of Lua. */
