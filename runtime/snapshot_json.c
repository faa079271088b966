/*
 * snapshot_json.c: the minimal JSON writer and parser behind snapshot
 * metadata and host hooks.
 *
 * Why our own: the runtime is plain C linked into every produced program
 * for two CPUs, with no third-party dependency to cross-build; snapshots
 * need only a strict subset (numbers stay as text, so 64-bit integers are
 * exact). The parser is for untrusted input: it bounds nesting depth,
 * rejects trailing garbage and invalid escapes, and never reads past len.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "snapshot_internal.h"

/* ---- Writer ------------------------------------------------------------- */

static void jw_reserve(gw_json_writer *w, size_t extra) {
  if (w->failed) return;
  if (w->len + extra + 1 <= w->cap) return;
  size_t cap = w->cap ? w->cap : 4096;
  while (cap < w->len + extra + 1) cap *= 2;
  char *buf = realloc(w->buf, cap);
  if (buf == NULL) {
    w->failed = 1;
    return;
  }
  w->buf = buf;
  w->cap = cap;
}

void gw_jw_raw(gw_json_writer *w, const char *s, size_t n) {
  jw_reserve(w, n);
  if (w->failed) return;
  memcpy(w->buf + w->len, s, n);
  w->len += n;
  w->buf[w->len] = 0;
}

/* Separator before a value (none after a key or at a container's start). */
static void jw_value_start(gw_json_writer *w) {
  if (w->need_comma) gw_jw_raw(w, ",", 1);
  w->need_comma = 1;
}

void gw_jw_begin_object(gw_json_writer *w) {
  jw_value_start(w);
  gw_jw_raw(w, "{", 1);
  w->need_comma = 0;
}
void gw_jw_end_object(gw_json_writer *w) {
  gw_jw_raw(w, "}", 1);
  w->need_comma = 1;
}
void gw_jw_begin_array(gw_json_writer *w) {
  jw_value_start(w);
  gw_jw_raw(w, "[", 1);
  w->need_comma = 0;
}
void gw_jw_end_array(gw_json_writer *w) {
  gw_jw_raw(w, "]", 1);
  w->need_comma = 1;
}

static void jw_quoted(gw_json_writer *w, const char *s, size_t len) {
  gw_jw_raw(w, "\"", 1);
  for (size_t i = 0; i < len; i++) {
    unsigned char c = (unsigned char)s[i];
    char esc[8];
    if (c == '"' || c == '\\') {
      esc[0] = '\\';
      esc[1] = (char)c;
      gw_jw_raw(w, esc, 2);
    } else if (c < 0x20 || c == 0x7f) {
      snprintf(esc, sizeof esc, "\\u%04x", c);
      gw_jw_raw(w, esc, 6);
    } else {
      gw_jw_raw(w, (const char *)&s[i], 1);
    }
  }
  gw_jw_raw(w, "\"", 1);
}

void gw_jw_key(gw_json_writer *w, const char *key) {
  jw_value_start(w);
  jw_quoted(w, key, strlen(key));
  gw_jw_raw(w, ":", 1);
  w->need_comma = 0;
}
void gw_jw_string_n(gw_json_writer *w, const char *s, size_t len) {
  jw_value_start(w);
  jw_quoted(w, s, len);
}
void gw_jw_string(gw_json_writer *w, const char *s) {
  gw_jw_string_n(w, s, strlen(s));
}
void gw_jw_int(gw_json_writer *w, int64_t v) {
  char buf[32];
  int n = snprintf(buf, sizeof buf, "%lld", (long long)v);
  jw_value_start(w);
  gw_jw_raw(w, buf, (size_t)n);
}
void gw_jw_uint(gw_json_writer *w, uint64_t v) {
  char buf[32];
  int n = snprintf(buf, sizeof buf, "%llu", (unsigned long long)v);
  jw_value_start(w);
  gw_jw_raw(w, buf, (size_t)n);
}
void gw_jw_bool(gw_json_writer *w, int v) {
  jw_value_start(w);
  gw_jw_raw(w, v ? "true" : "false", v ? 4 : 5);
}
void gw_jw_null(gw_json_writer *w) {
  jw_value_start(w);
  gw_jw_raw(w, "null", 4);
}

/* ---- Parser ------------------------------------------------------------- */

#define MAX_DEPTH 64


typedef struct parser {
  const char *p, *end;
  const char *error;
  size_t error_at;
  const char *start;
} parser;

static void parse_fail(parser *ps, const char *msg) {
  if (ps->error == NULL) {
    ps->error = msg;
    ps->error_at = (size_t)(ps->p - ps->start);
  }
}

static void skip_ws(parser *ps) {
  while (ps->p < ps->end && (*ps->p == ' ' || *ps->p == '\n' ||
                             *ps->p == '\r' || *ps->p == '\t'))
    ps->p++;
}

static int hex4(parser *ps, unsigned *out) {
  if (ps->end - ps->p < 4) return -1;
  unsigned v = 0;
  for (int i = 0; i < 4; i++) {
    char c = ps->p[i];
    v <<= 4;
    if (c >= '0' && c <= '9') v |= (unsigned)(c - '0');
    else if (c >= 'a' && c <= 'f') v |= (unsigned)(c - 'a' + 10);
    else if (c >= 'A' && c <= 'F') v |= (unsigned)(c - 'A' + 10);
    else return -1;
  }
  ps->p += 4;
  *out = v;
  return 0;
}

/* Parses a string at ps->p (after the quote) into a malloc'd buffer. */
static char *parse_string(parser *ps, size_t *out_len) {
  /* Decoded text is never longer than the source text. */
  const char *q = ps->p;
  while (q < ps->end && *q != '"') q += (*q == '\\' && q + 1 < ps->end) ? 2 : 1;
  if (q >= ps->end) {
    parse_fail(ps, "unterminated string");
    return NULL;
  }
  char *buf = malloc((size_t)(q - ps->p) + 1);
  if (buf == NULL) {
    parse_fail(ps, "out of memory");
    return NULL;
  }
  size_t n = 0;
  while (ps->p < ps->end && *ps->p != '"') {
    unsigned char c = (unsigned char)*ps->p++;
    if (c < 0x20) {
      parse_fail(ps, "control character in string");
      free(buf);
      return NULL;
    }
    if (c != '\\') {
      buf[n++] = (char)c;
      continue;
    }
    if (ps->p >= ps->end) break;
    char e = *ps->p++;
    unsigned cp;
    switch (e) {
    case '"': buf[n++] = '"'; break;
    case '\\': buf[n++] = '\\'; break;
    case '/': buf[n++] = '/'; break;
    case 'b': buf[n++] = '\b'; break;
    case 'f': buf[n++] = '\f'; break;
    case 'n': buf[n++] = '\n'; break;
    case 'r': buf[n++] = '\r'; break;
    case 't': buf[n++] = '\t'; break;
    case 'u':
      if (hex4(ps, &cp) != 0) {
        parse_fail(ps, "bad \\u escape");
        free(buf);
        return NULL;
      }
      if (cp >= 0xd800 && cp < 0xdc00) {
        unsigned lo;
        if (ps->end - ps->p < 6 || ps->p[0] != '\\' || ps->p[1] != 'u') {
          parse_fail(ps, "lone surrogate");
          free(buf);
          return NULL;
        }
        ps->p += 2;
        if (hex4(ps, &lo) != 0 || lo < 0xdc00 || lo > 0xdfff) {
          parse_fail(ps, "lone surrogate");
          free(buf);
          return NULL;
        }
        cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
      } else if (cp >= 0xdc00 && cp < 0xe000) {
        parse_fail(ps, "lone surrogate");
        free(buf);
        return NULL;
      }
      /* UTF-8: at most 4 bytes for at most 6 (or 12) source bytes. */
      if (cp < 0x80) {
        buf[n++] = (char)cp;
      } else if (cp < 0x800) {
        buf[n++] = (char)(0xc0 | cp >> 6);
        buf[n++] = (char)(0x80 | (cp & 0x3f));
      } else if (cp < 0x10000) {
        buf[n++] = (char)(0xe0 | cp >> 12);
        buf[n++] = (char)(0x80 | ((cp >> 6) & 0x3f));
        buf[n++] = (char)(0x80 | (cp & 0x3f));
      } else {
        buf[n++] = (char)(0xf0 | cp >> 18);
        buf[n++] = (char)(0x80 | ((cp >> 12) & 0x3f));
        buf[n++] = (char)(0x80 | ((cp >> 6) & 0x3f));
        buf[n++] = (char)(0x80 | (cp & 0x3f));
      }
      break;
    default:
      parse_fail(ps, "bad escape in string");
      free(buf);
      return NULL;
    }
  }
  if (ps->p >= ps->end) {
    parse_fail(ps, "unterminated string");
    free(buf);
    return NULL;
  }
  ps->p++; /* closing quote */
  buf[n] = 0;
  *out_len = n;
  return buf;
}

static gw_json *parse_value(parser *ps, int depth);

static int push_item(gw_json *v, gw_json *item, char *key, size_t *cap) {
  if (v->count == *cap) {
    size_t ncap = *cap ? *cap * 2 : 4;
    gw_json **items = realloc(v->items, ncap * sizeof *items);
    if (items == NULL) return -1;
    v->items = items;
    if (v->kind == GW_JSON_OBJECT) {
      char **keys = realloc(v->keys, ncap * sizeof *keys);
      if (keys == NULL) return -1;
      v->keys = keys;
    }
    *cap = ncap;
  }
  v->items[v->count] = item;
  if (v->kind == GW_JSON_OBJECT) v->keys[v->count] = key;
  v->count++;
  return 0;
}

static gw_json *parse_container(parser *ps, int depth, int kind) {
  gw_json *v = calloc(1, sizeof *v);
  if (v == NULL) {
    parse_fail(ps, "out of memory");
    return NULL;
  }
  v->kind = kind;
  char close = kind == GW_JSON_OBJECT ? '}' : ']';
  size_t cap = 0;
  ps->p++;
  skip_ws(ps);
  if (ps->p < ps->end && *ps->p == close) {
    ps->p++;
    return v;
  }
  for (;;) {
    char *key = NULL;
    if (kind == GW_JSON_OBJECT) {
      skip_ws(ps);
      size_t klen;
      if (ps->p >= ps->end || *ps->p != '"') {
        parse_fail(ps, "expected a string key");
        break;
      }
      ps->p++;
      key = parse_string(ps, &klen);
      if (key == NULL) break;
      skip_ws(ps);
      if (ps->p >= ps->end || *ps->p != ':') {
        parse_fail(ps, "expected ':'");
        free(key);
        break;
      }
      ps->p++;
    }
    gw_json *item = parse_value(ps, depth + 1);
    if (item == NULL) {
      free(key);
      break;
    }
    if (push_item(v, item, key, &cap) != 0) {
      gw_json_free(item);
      free(key);
      parse_fail(ps, "out of memory");
      break;
    }
    skip_ws(ps);
    if (ps->p < ps->end && *ps->p == ',') {
      ps->p++;
      continue;
    }
    if (ps->p < ps->end && *ps->p == close) {
      ps->p++;
      return v;
    }
    parse_fail(ps, kind == GW_JSON_OBJECT ? "expected ',' or '}'"
                                          : "expected ',' or ']'");
    break;
  }
  gw_json_free(v);
  return NULL;
}

static gw_json *parse_value(parser *ps, int depth) {
  if (depth > MAX_DEPTH) {
    parse_fail(ps, "nested too deeply");
    return NULL;
  }
  skip_ws(ps);
  if (ps->p >= ps->end) {
    parse_fail(ps, "unexpected end of JSON");
    return NULL;
  }
  char c = *ps->p;
  if (c == '{') return parse_container(ps, depth, GW_JSON_OBJECT);
  if (c == '[') return parse_container(ps, depth, GW_JSON_ARRAY);
  gw_json *v = calloc(1, sizeof *v);
  if (v == NULL) {
    parse_fail(ps, "out of memory");
    return NULL;
  }
  size_t rest = (size_t)(ps->end - ps->p);
  if (c == '"') {
    ps->p++;
    v->kind = GW_JSON_STRING;
    v->text = parse_string(ps, &v->text_len);
    if (v->text == NULL) {
      free(v);
      return NULL;
    }
  } else if (rest >= 4 && memcmp(ps->p, "null", 4) == 0) {
    v->kind = GW_JSON_NULL;
    ps->p += 4;
  } else if (rest >= 4 && memcmp(ps->p, "true", 4) == 0) {
    v->kind = GW_JSON_BOOL;
    v->boolean = 1;
    ps->p += 4;
  } else if (rest >= 5 && memcmp(ps->p, "false", 5) == 0) {
    v->kind = GW_JSON_BOOL;
    ps->p += 5;
  } else if (c == '-' || (c >= '0' && c <= '9')) {
    const char *s = ps->p;
    if (*ps->p == '-') ps->p++;
    while (ps->p < ps->end && ((*ps->p >= '0' && *ps->p <= '9') ||
                               *ps->p == '.' || *ps->p == 'e' ||
                               *ps->p == 'E' || *ps->p == '+' ||
                               *ps->p == '-'))
      ps->p++;
    v->kind = GW_JSON_NUMBER;
    v->text_len = (size_t)(ps->p - s);
    v->text = malloc(v->text_len + 1);
    if (v->text == NULL) {
      free(v);
      parse_fail(ps, "out of memory");
      return NULL;
    }
    memcpy(v->text, s, v->text_len);
    v->text[v->text_len] = 0;
  } else {
    free(v);
    parse_fail(ps, "unexpected character");
    return NULL;
  }
  return v;
}

gw_json *gw_json_parse(const char *text, size_t len, char *err, size_t n) {
  parser ps = {.p = text, .end = text + len, .start = text};
  gw_json *v = parse_value(&ps, 0);
  if (v != NULL) {
    skip_ws(&ps);
    if (ps.p != ps.end) {
      parse_fail(&ps, "trailing characters");
      gw_json_free(v);
      v = NULL;
    }
  }
  if (v == NULL)
    snprintf(err, n, "malformed JSON metadata: %s at byte %zu", ps.error,
             ps.error_at);
  return v;
}

void gw_json_free(gw_json *v) {
  if (v == NULL) return;
  for (size_t i = 0; i < v->count; i++) {
    gw_json_free(v->items[i]);
    if (v->keys) free(v->keys[i]);
  }
  free(v->items);
  free(v->keys);
  free(v->text);
  free(v);
}

int gw_json_kind(const gw_json *v) { return v ? v->kind : GW_JSON_NULL; }

const gw_json *gw_json_get(const gw_json *v, const char *key) {
  if (v == NULL || v->kind != GW_JSON_OBJECT) return NULL;
  for (size_t i = 0; i < v->count; i++)
    if (strcmp(v->keys[i], key) == 0) return v->items[i];
  return NULL;
}

size_t gw_json_length(const gw_json *v) {
  return v && (v->kind == GW_JSON_ARRAY || v->kind == GW_JSON_OBJECT)
             ? v->count
             : 0;
}

const gw_json *gw_json_at(const gw_json *v, size_t i) {
  return i < gw_json_length(v) ? v->items[i] : NULL;
}

const char *gw_json_key_at(const gw_json *v, size_t i) {
  return v && v->kind == GW_JSON_OBJECT && i < v->count ? v->keys[i] : NULL;
}

const char *gw_json_string(const gw_json *v, size_t *len) {
  if (v == NULL || v->kind != GW_JSON_STRING) return NULL;
  if (len) *len = v->text_len;
  return v->text;
}

int gw_json_i64(const gw_json *v, int64_t *out) {
  if (v == NULL || v->kind != GW_JSON_NUMBER) return -1;
  const char *s = v->text;
  if (*s == '-' ? !(s[1] >= '0' && s[1] <= '9') : !(*s >= '0' && *s <= '9'))
    return -1;
  errno = 0;
  char *end;
  long long x = strtoll(s, &end, 10);
  if (errno != 0 || *end != 0) return -1;
  *out = x;
  return 0;
}

int gw_json_u64(const gw_json *v, uint64_t *out) {
  if (v == NULL || v->kind != GW_JSON_NUMBER) return -1;
  const char *s = v->text;
  if (!(*s >= '0' && *s <= '9')) return -1;
  errno = 0;
  char *end;
  unsigned long long x = strtoull(s, &end, 10);
  if (errno != 0 || *end != 0) return -1;
  *out = x;
  return 0;
}

int gw_json_bool(const gw_json *v) {
  return v && v->kind == GW_JSON_BOOL && v->boolean;
}
