/*
 * snapshot_internal.h: declarations shared by checkpoint.c, snapshot.c and
 * snapshot_json.c only. Nothing here is ABI.
 */
#ifndef GODWIT_SNAPSHOT_INTERNAL_H
#define GODWIT_SNAPSHOT_INTERNAL_H

#include "snapshot.h"

/* A growing JSON text; `failed` once an allocation failed. */
struct gw_json_writer {
  char *buf;
  size_t len, cap;
  int need_comma;
  int failed;
};

/* A parsed JSON value (numbers keep their text: 64-bit integers stay exact). */
struct gw_json {
  int kind;
  int boolean;
  char *text;     /* string contents or number text (NUL-terminated) */
  size_t text_len;
  size_t count;   /* array elements / object members */
  gw_json **items;
  char **keys;    /* objects */
};

/* Appends raw text (no separator handling). */
void gw_jw_raw(gw_json_writer *w, const char *s, size_t n);

/* Parses a whole JSON text; NULL with a message in err when malformed. */
gw_json *gw_json_parse(const char *text, size_t len, char *err, size_t n);
void gw_json_free(gw_json *v);

#endif /* GODWIT_SNAPSHOT_INTERNAL_H */
