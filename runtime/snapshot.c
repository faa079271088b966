/*
 * snapshot.c: the snapshot file (docs/snapshot.md): serializing an
 * instance's Wasm-level state plus saved frames, and parsing, validating and
 * loading it back.
 *
 * Layout: 32-byte header (magic, version, flags, JSON length, blob length),
 * JSON metadata, binary blob (zlib streams of non-zero memory page ranges),
 * CRC-32 of everything before it. Values are lossless: i64 as decimal
 * strings, floats as bit patterns, v128 as 32 hex digits, funcrefs as
 * function indices.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "internal.h"
#include "snapshot_internal.h"

#define FAIL(...)                      \
  do {                                 \
    snprintf(err, n, __VA_ARGS__);     \
    goto fail;                         \
  } while (0)

/* ---- Types and values --------------------------------------------------- */

static const char *letter_name(char letter) {
  switch (letter) {
  case GW_LETTER_I32: return "i32";
  case GW_LETTER_I64: return "i64";
  case GW_LETTER_F32: return "f32";
  case GW_LETTER_F64: return "f64";
  case GW_LETTER_V128: return "v128";
  case GW_LETTER_FUNCREF: return "funcref";
  case GW_LETTER_EXTERNREF: return "externref";
  default: return "?";
  }
}

static const char *kind_name(uint32_t kind) {
  switch (kind) {
  case GW_POINT_ENTRY: return "entry";
  case GW_POINT_LOOP: return "loop";
  case GW_POINT_CALL: return "call";
  case GW_POINT_IMPORT_CALL: return "import_call";
  default: return "?";
  }
}

/* Function index of a funcref of inst, or -1 (foreign or not a function). */
static int64_t funcref_index(gw_instance *inst, const void *ref) {
  const gw_module_desc *m = inst->module;
  gw_instance_priv *priv = inst->priv;
  if (priv != NULL && priv->own_funcs != NULL) {
    const gw_funcref *own = priv->own_funcs;
    uint32_t defined = m->num_funcs - m->num_imported_funcs;
    if ((const gw_funcref *)ref >= own &&
        (const gw_funcref *)ref < own + defined) {
      int64_t i = (const gw_funcref *)ref - own + m->num_imported_funcs;
      if (inst->funcs[i] == ref) return i;
    }
  }
  for (uint32_t i = 0; i < m->num_funcs; i++)
    if (inst->funcs[i] == ref) return i;
  return -1;
}

static void hex_bytes(char *out, const uint8_t *p, size_t len) {
  static const char digits[] = "0123456789abcdef";
  for (size_t i = 0; i < len; i++) {
    out[2 * i] = digits[p[i] >> 4];
    out[2 * i + 1] = digits[p[i] & 15];
  }
  out[2 * len] = 0;
}

static int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

/* Parses exactly 2*len hex digits into bytes. */
static int unhex_bytes(const char *s, uint8_t *out, size_t len) {
  if (s == NULL || strlen(s) != 2 * len) return -1;
  for (size_t i = 0; i < len; i++) {
    int hi = hex_digit(s[2 * i]), lo = hex_digit(s[2 * i + 1]);
    if (hi < 0 || lo < 0) return -1;
    out[i] = (uint8_t)(hi << 4 | lo);
  }
  return 0;
}

/* Parses "0x" followed by exactly `digits` hex digits. */
static int parse_bits(const char *s, int digits, uint64_t *out) {
  if (s == NULL || s[0] != '0' || s[1] != 'x' ||
      strlen(s) != (size_t)digits + 2)
    return -1;
  uint64_t v = 0;
  for (int i = 0; i < digits; i++) {
    int d = hex_digit(s[2 + i]);
    if (d < 0) return -1;
    v = v << 4 | (uint64_t)d;
  }
  *out = v;
  return 0;
}

/* Writes the JSON of one value ({"type":..,"value":..}); -1 + err when it
 * cannot be represented (a foreign or host reference). */
static int write_value(gw_json_writer *w, gw_instance *inst, char letter,
                       const gw_value *v, char *err, size_t n) {
  char buf[40];
  gw_jw_begin_object(w);
  gw_jw_key(w, "type");
  gw_jw_string(w, letter_name(letter));
  gw_jw_key(w, "value");
  switch (letter) {
  case GW_LETTER_I32: gw_jw_int(w, v->i32); break;
  case GW_LETTER_I64:
    snprintf(buf, sizeof buf, "%lld", (long long)v->i64);
    gw_jw_string(w, buf);
    break;
  case GW_LETTER_F32: {
    uint32_t bits;
    memcpy(&bits, &v->f32, 4);
    snprintf(buf, sizeof buf, "0x%08x", bits);
    gw_jw_string(w, buf);
    break;
  }
  case GW_LETTER_F64: {
    uint64_t bits;
    memcpy(&bits, &v->f64, 8);
    snprintf(buf, sizeof buf, "0x%016llx", (unsigned long long)bits);
    gw_jw_string(w, buf);
    break;
  }
  case GW_LETTER_V128:
    hex_bytes(buf, v->v128, 16);
    gw_jw_string(w, buf);
    break;
  case GW_LETTER_FUNCREF: {
    if (v->ref == NULL) {
      gw_jw_null(w);
      break;
    }
    int64_t index = funcref_index(inst, v->ref);
    if (index < 0) {
      snprintf(err, n, "cannot checkpoint a reference to a function of "
                       "another instance");
      return -1;
    }
    gw_jw_int(w, index);
    break;
  }
  case GW_LETTER_EXTERNREF:
    if (v->ref != NULL) {
      snprintf(err, n, "cannot checkpoint a non-null externref (host "
                       "references have no portable form)");
      return -1;
    }
    gw_jw_null(w);
    break;
  default:
    snprintf(err, n, "unknown value type letter '%c'", letter);
    return -1;
  }
  gw_jw_end_object(w);
  return 0;
}

/* Reads one {"type","value"} object of the expected type letter. */
static int read_value(const gw_json *j, gw_instance *inst, char letter,
                      gw_value *out, const char *what, char *err, size_t n) {
  const char *type = gw_json_string(gw_json_get(j, "type"), NULL);
  const gw_json *val = gw_json_get(j, "value");
  memset(out, 0, sizeof *out);
  if (type == NULL || val == NULL) {
    snprintf(err, n, "%s: expected {\"type\", \"value\"}", what);
    return -1;
  }
  if (strcmp(type, letter_name(letter)) != 0) {
    snprintf(err, n, "%s: type %s does not match the module's %s", what,
             type, letter_name(letter));
    return -1;
  }
  const char *s = gw_json_string(val, NULL);
  uint64_t bits;
  int64_t x;
  switch (letter) {
  case GW_LETTER_I32:
    if (gw_json_i64(val, &x) != 0 || x < INT32_MIN || x > INT32_MAX) break;
    out->i32 = (int32_t)x;
    return 0;
  case GW_LETTER_I64: {
    if (s == NULL) break;
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (errno != 0 || *end != 0 || end == s) break;
    out->i64 = v;
    return 0;
  }
  case GW_LETTER_F32:
    if (parse_bits(s, 8, &bits) != 0) break;
    {
      uint32_t b32 = (uint32_t)bits;
      memcpy(&out->f32, &b32, 4);
    }
    return 0;
  case GW_LETTER_F64:
    if (parse_bits(s, 16, &bits) != 0) break;
    memcpy(&out->f64, &bits, 8);
    return 0;
  case GW_LETTER_V128:
    if (unhex_bytes(s, out->v128, 16) != 0) break;
    return 0;
  case GW_LETTER_FUNCREF:
    if (gw_json_kind(val) == GW_JSON_NULL) return 0;
    if (gw_json_i64(val, &x) != 0 || x < 0 ||
        (uint64_t)x >= inst->module->num_funcs) {
      snprintf(err, n, "%s: funcref is not a function index of the module",
               what);
      return -1;
    }
    out->ref = inst->funcs[x];
    return 0;
  case GW_LETTER_EXTERNREF:
    if (gw_json_kind(val) == GW_JSON_NULL) return 0;
    break;
  }
  snprintf(err, n, "%s: bad %s value", what, letter_name(letter));
  return -1;
}

/* ---- Encoding ----------------------------------------------------------- */

typedef struct byte_buf {
  uint8_t *data;
  size_t len, cap;
} byte_buf;

static int buf_append(byte_buf *b, const void *p, size_t len) {
  if (b->len + len > b->cap) {
    size_t cap = b->cap ? b->cap : 65536;
    while (cap < b->len + len) cap *= 2;
    uint8_t *data = realloc(b->data, cap);
    if (data == NULL) return -1;
    b->data = data;
    b->cap = cap;
  }
  memcpy(b->data + b->len, p, len);
  b->len += len;
  return 0;
}

static int page_is_zero(const uint8_t *page) {
  const uint64_t *w = (const uint64_t *)page;
  for (size_t i = 0; i < GW_PAGE_SIZE / 8; i++)
    if (w[i] != 0) return 0;
  return 1;
}

static void put_u32(uint8_t *p, uint32_t v) {
  for (int i = 0; i < 4; i++) p[i] = (uint8_t)(v >> (8 * i));
}
static void put_u64(uint8_t *p, uint64_t v) {
  for (int i = 0; i < 8; i++) p[i] = (uint8_t)(v >> (8 * i));
}
static uint32_t get_u32(const uint8_t *p) {
  return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
         (uint32_t)p[3] << 24;
}
static uint64_t get_u64(const uint8_t *p) {
  return (uint64_t)get_u32(p) | (uint64_t)get_u32(p + 4) << 32;
}

/* A run of non-zero pages, compressed as one zlib stream. */
typedef struct page_chunk {
  const uint8_t *data;
  uint64_t page, count;
  uint8_t *z;
  size_t zlen;
  int failed;
} page_chunk;

/* Pages per stream: runs are cut into chunks this long so that the
 * compressor threads share the work (and restore could too). */
#define CHUNK_PAGES 32u

typedef struct compress_work {
  page_chunk *chunks;
  size_t num_chunks;
  size_t next; /* taken atomically */
} compress_work;

static void *compress_chunks(void *p) {
  compress_work *work = p;
  for (;;) {
    size_t c = __atomic_fetch_add(&work->next, 1, __ATOMIC_RELAXED);
    if (c >= work->num_chunks) return NULL;
    page_chunk *k = &work->chunks[c];
    k->failed = gw_deflate(k->data, k->count * GW_PAGE_SIZE, &k->z,
                           &k->zlen) != 0;
  }
}

/* Compresses every chunk, on up to one thread per online CPU (the
 * checkpoint's latency is mostly this). */
static void compress_all(page_chunk *chunks, size_t num_chunks) {
  compress_work work = {.chunks = chunks, .num_chunks = num_chunks};
  long cpus = sysconf(_SC_NPROCESSORS_ONLN);
  size_t helpers = cpus > 1 ? (size_t)(cpus > 8 ? 8 : cpus) - 1 : 0;
  if (helpers > num_chunks / 2) helpers = num_chunks / 2;
  pthread_t threads[8];
  size_t started = 0;
  for (; started < helpers; started++)
    if (pthread_create(&threads[started], NULL, compress_chunks, &work) != 0)
      break;
  compress_chunks(&work);
  for (size_t t = 0; t < started; t++) pthread_join(threads[t], NULL);
}

/* Memory i: size, then ranges of non-zero pages, each a zlib stream. */
static int write_memory(gw_json_writer *w, byte_buf *blob, gw_instance *inst,
                        uint32_t i, char *err, size_t n) {
  const gw_memory *mem = inst->memories[i];
  gw_jw_begin_object(w);
  gw_jw_key(w, "index");
  gw_jw_uint(w, i);
  gw_jw_key(w, "pages");
  gw_jw_uint(w, mem->pages);
  gw_jw_key(w, "max");
  if (inst->module->memories[i].max == UINT64_MAX) gw_jw_null(w);
  else gw_jw_uint(w, inst->module->memories[i].max);
  gw_jw_key(w, "encoding");
  gw_jw_string(w, "zlib");
  gw_jw_key(w, "ranges");
  gw_jw_begin_array(w);
  page_chunk *chunks = NULL;
  size_t num_chunks = 0, cap_chunks = 0;
  int r = 0;
  uint64_t page = 0;
  while (page < mem->pages) {
    if (page_is_zero(mem->base + page * GW_PAGE_SIZE)) {
      page++;
      continue;
    }
    uint64_t first = page;
    while (page < mem->pages && page - first < CHUNK_PAGES &&
           !page_is_zero(mem->base + page * GW_PAGE_SIZE))
      page++;
    if (num_chunks == cap_chunks) {
      size_t cap = cap_chunks ? 2 * cap_chunks : 64;
      page_chunk *more = realloc(chunks, cap * sizeof *chunks);
      if (more == NULL) {
        r = -1;
        break;
      }
      chunks = more;
      cap_chunks = cap;
    }
    chunks[num_chunks++] = (page_chunk){
        .data = mem->base + first * GW_PAGE_SIZE, .page = first,
        .count = page - first};
  }
  if (r == 0) compress_all(chunks, num_chunks);
  for (size_t c = 0; c < num_chunks && r == 0; c++) {
    page_chunk *k = &chunks[c];
    if (k->failed) {
      r = -1;
      break;
    }
    gw_jw_begin_object(w);
    gw_jw_key(w, "page");
    gw_jw_uint(w, k->page);
    gw_jw_key(w, "count");
    gw_jw_uint(w, k->count);
    gw_jw_key(w, "offset");
    gw_jw_uint(w, blob->len);
    gw_jw_key(w, "length");
    gw_jw_uint(w, k->zlen);
    gw_jw_end_object(w);
    r = buf_append(blob, k->z, k->zlen);
  }
  for (size_t c = 0; c < num_chunks; c++) free(chunks[c].z);
  free(chunks);
  if (r != 0) {
    snprintf(err, n, "out of memory while compressing memory %u", i);
    return -1;
  }
  gw_jw_end_array(w);
  gw_jw_end_object(w);
  return 0;
}

int gw_snapshot_encode(gw_instance *inst, const gw_cr_frame *frames,
                       size_t num_frames, const gw_snapshot_meta *meta,
                       const gw_cr_host_hooks *hooks, uint8_t **out,
                       size_t *out_len, char *err, size_t n) {
  const gw_module_desc *m = inst->module;
  gw_json_writer w = {0};
  byte_buf blob = {0}, file = {0};
  char hash[65];

  gw_jw_begin_object(&w);
  gw_jw_key(&w, "version");
  gw_jw_uint(&w, GW_SNAPSHOT_VERSION);
  gw_jw_key(&w, "producer");
  gw_jw_string(&w, "godwit");
#if defined(__x86_64__)
  const char *arch = "x86_64";
#elif defined(__aarch64__)
  const char *arch = "aarch64";
#else
  const char *arch = "unknown";
#endif
  gw_jw_key(&w, "arch");
  gw_jw_string(&w, arch);
  gw_jw_key(&w, "reason");
  gw_jw_string(&w, meta && meta->reason ? meta->reason : "request");
  gw_jw_key(&w, "points_reached");
  gw_jw_uint(&w, meta ? meta->points_reached : 0);
  gw_jw_key(&w, "module");
  gw_jw_begin_object(&w);
  hex_bytes(hash, m->hash, 32);
  gw_jw_key(&w, "hash");
  gw_jw_string(&w, hash);
  gw_jw_key(&w, "name");
  gw_jw_string(&w, m->name ? m->name : "");
  gw_jw_end_object(&w);

  /* Frames, outermost first. */
  gw_jw_key(&w, "frames");
  gw_jw_begin_array(&w);
  for (size_t f = 0; f < num_frames; f++) {
    const gw_point_desc *p = &m->points[frames[f].point];
    gw_jw_begin_object(&w);
    gw_jw_key(&w, "func");
    gw_jw_uint(&w, p->func);
    if (m->func_names && m->func_names[p->func]) {
      gw_jw_key(&w, "name");
      gw_jw_string(&w, m->func_names[p->func]);
    }
    gw_jw_key(&w, "offset");
    gw_jw_uint(&w, p->offset);
    gw_jw_key(&w, "kind");
    gw_jw_string(&w, kind_name(p->kind));
    for (int part = 0; part < 2; part++) {
      uint32_t first = part ? p->num_locals : 0;
      uint32_t count = part ? p->num_stack : p->num_locals;
      gw_jw_key(&w, part ? "stack" : "locals");
      gw_jw_begin_array(&w);
      for (uint32_t k = first; k < first + count; k++)
        if (write_value(&w, inst, p->types[k], &frames[f].values[k], err,
                        n) != 0)
          goto fail;
      gw_jw_end_array(&w);
    }
    gw_jw_end_object(&w);
  }
  gw_jw_end_array(&w);

  gw_jw_key(&w, "globals");
  gw_jw_begin_array(&w);
  for (uint32_t g = 0; g < m->num_globals; g++) {
    gw_jw_begin_object(&w);
    gw_jw_key(&w, "index");
    gw_jw_uint(&w, g);
    gw_jw_key(&w, "mutable");
    gw_jw_bool(&w, m->globals[g].mutable_ != 0);
    gw_jw_key(&w, "value");
    if (write_value(&w, inst, gw_type_letter(m->globals[g].type),
                    &inst->globals[g]->value, err, n) != 0)
      goto fail;
    gw_jw_end_object(&w);
  }
  gw_jw_end_array(&w);

  gw_jw_key(&w, "tables");
  gw_jw_begin_array(&w);
  for (uint32_t t = 0; t < m->num_tables; t++) {
    const gw_table *table = inst->tables[t];
    gw_jw_begin_object(&w);
    gw_jw_key(&w, "index");
    gw_jw_uint(&w, t);
    gw_jw_key(&w, "type");
    gw_jw_string(&w, letter_name(gw_type_letter(m->tables[t].elem_type)));
    gw_jw_key(&w, "size");
    gw_jw_uint(&w, table->size);
    gw_jw_key(&w, "elements");
    gw_jw_begin_array(&w);
    for (uint64_t e = 0; e < table->size; e++) {
      void *ref = table->elems[e];
      if (ref == NULL) {
        gw_jw_null(&w);
        continue;
      }
      int64_t index = m->tables[t].elem_type == GW_FUNCREF
                          ? funcref_index(inst, ref)
                          : -1;
      if (index < 0)
        FAIL("cannot checkpoint table %u element %llu: not a function of "
             "this instance", t, (unsigned long long)e);
      gw_jw_int(&w, index);
    }
    gw_jw_end_array(&w);
    gw_jw_end_object(&w);
  }
  gw_jw_end_array(&w);

  gw_jw_key(&w, "memories");
  gw_jw_begin_array(&w);
  for (uint32_t i = 0; i < m->num_memories; i++)
    if (write_memory(&w, &blob, inst, i, err, n) != 0) goto fail;
  gw_jw_end_array(&w);

  gw_jw_key(&w, "dropped");
  gw_jw_begin_object(&w);
  gw_jw_key(&w, "data");
  gw_jw_begin_array(&w);
  for (uint32_t d = 0; d < m->num_datas; d++)
    if (inst->data_dropped && inst->data_dropped[d]) gw_jw_uint(&w, d);
  gw_jw_end_array(&w);
  gw_jw_key(&w, "elem");
  gw_jw_begin_array(&w);
  for (uint32_t e = 0; e < m->num_elems; e++)
    if (inst->elem_dropped && inst->elem_dropped[e]) gw_jw_uint(&w, e);
  gw_jw_end_array(&w);
  gw_jw_end_object(&w);

  gw_jw_key(&w, "host");
  if (hooks && hooks->serialize) {
    size_t before = w.len;
    if (hooks->serialize(hooks->user, &w, err, n) != 0) goto fail;
    if (w.len == before) gw_jw_null(&w);
  } else {
    gw_jw_null(&w);
  }
  gw_jw_end_object(&w);
  gw_jw_raw(&w, "\n", 1);
  if (w.failed) FAIL("out of memory while writing the snapshot");

  uint8_t header[GW_SNAPSHOT_HEADER_SIZE];
  memcpy(header, GW_SNAPSHOT_MAGIC, 8);
  put_u32(header + 8, GW_SNAPSHOT_VERSION);
  put_u32(header + 12, 0); /* flags */
  put_u64(header + 16, w.len);
  put_u64(header + 24, blob.len);
  uint8_t trailer[GW_SNAPSHOT_TRAILER_SIZE];
  if (buf_append(&file, header, sizeof header) != 0 ||
      buf_append(&file, w.buf, w.len) != 0 ||
      (blob.len && buf_append(&file, blob.data, blob.len) != 0))
    FAIL("out of memory while writing the snapshot");
  put_u32(trailer, gw_crc32(file.data, file.len));
  if (buf_append(&file, trailer, sizeof trailer) != 0)
    FAIL("out of memory while writing the snapshot");
  free(w.buf);
  free(blob.data);
  *out = file.data;
  *out_len = file.len;
  return 0;
fail:
  free(w.buf);
  free(blob.data);
  free(file.data);
  return -1;
}

int gw_snapshot_write_file(const char *path, const uint8_t *bytes,
                           size_t len, char *err, size_t n) {
  size_t plen = strlen(path);
  char *tmp = malloc(plen + 32);
  if (tmp == NULL) {
    snprintf(err, n, "out of memory");
    return -1;
  }
  snprintf(tmp, plen + 32, "%s.tmp.%ld", path, (long)getpid());
  int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) {
    snprintf(err, n, "cannot create %s: %s", tmp, strerror(errno));
    free(tmp);
    return -1;
  }
  size_t done = 0;
  while (done < len) {
    ssize_t r = write(fd, bytes + done, len - done);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) {
      snprintf(err, n, "cannot write %s: %s", tmp, strerror(errno));
      close(fd);
      unlink(tmp);
      free(tmp);
      return -1;
    }
    done += (size_t)r;
  }
  if (fsync(fd) != 0 || close(fd) != 0) {
    snprintf(err, n, "cannot write %s: %s", tmp, strerror(errno));
    unlink(tmp);
    free(tmp);
    return -1;
  }
  if (rename(tmp, path) != 0) {
    snprintf(err, n, "cannot rename %s to %s: %s", tmp, path,
             strerror(errno));
    unlink(tmp);
    free(tmp);
    return -1;
  }
  free(tmp);
  /* Make the rename itself durable. */
  char *dir = strdup(path);
  if (dir != NULL) {
    char *slash = strrchr(dir, '/');
    const char *d = slash ? (slash == dir ? "/" : (*slash = 0, dir)) : ".";
    int dfd = open(d, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd >= 0) {
      fsync(dfd);
      close(dfd);
    }
    free(dir);
  }
  return 0;
}

/* ---- Decoding ----------------------------------------------------------- */

void gw_cr_frames_free(gw_cr_frame *frames, size_t num_frames) {
  if (frames == NULL) return;
  for (size_t i = 0; i < num_frames; i++) free(frames[i].values);
  free(frames);
}

static int get_index(const gw_json *obj, const char *key, uint64_t limit,
                     uint64_t *out) {
  return gw_json_u64(gw_json_get(obj, key), out) != 0 || *out >= limit ? -1
                                                                       : 0;
}

/* Validated memory range, applied in a second pass. */
typedef struct mem_range {
  uint64_t page, count, offset, length;
} mem_range;

int gw_snapshot_decode(gw_instance *inst, const uint8_t *bytes, size_t len,
                       const gw_cr_host_hooks *hooks, gw_cr_frame **frames_out,
                       size_t *num_frames_out, char *err, size_t n) {
  const gw_module_desc *m = inst->module;
  gw_json *root = NULL;
  gw_cr_frame *frames = NULL;
  size_t num_frames = 0;
  uint32_t *first_point = NULL;
  gw_value *global_values = NULL;
  char what[96];

  /* Envelope: magic, version, sizes, checksum. */
  if (len < 8 || memcmp(bytes, GW_SNAPSHOT_MAGIC, 8) != 0)
    FAIL("not a Godwit snapshot (bad magic bytes)");
  if (len < GW_SNAPSHOT_HEADER_SIZE + GW_SNAPSHOT_TRAILER_SIZE)
    FAIL("snapshot is truncated (%zu bytes)", len);
  uint32_t version = get_u32(bytes + 8);
  if (version != GW_SNAPSHOT_VERSION)
    FAIL("unsupported snapshot version %u (this runtime reads version %u)",
         version, GW_SNAPSHOT_VERSION);
  uint64_t json_len = get_u64(bytes + 16), blob_len = get_u64(bytes + 24);
  uint64_t body = len - GW_SNAPSHOT_HEADER_SIZE - GW_SNAPSHOT_TRAILER_SIZE;
  if (json_len > body || blob_len > body - json_len)
    FAIL("snapshot is truncated: header announces %llu bytes, file has %llu",
         (unsigned long long)(json_len + blob_len),
         (unsigned long long)body);
  if (json_len + blob_len != body)
    FAIL("snapshot has %llu unexpected trailing bytes",
         (unsigned long long)(body - json_len - blob_len));
  uint32_t crc = get_u32(bytes + len - GW_SNAPSHOT_TRAILER_SIZE);
  if (crc != gw_crc32(bytes, len - GW_SNAPSHOT_TRAILER_SIZE))
    FAIL("snapshot is corrupt: checksum mismatch");
  const uint8_t *blob = bytes + GW_SNAPSHOT_HEADER_SIZE + json_len;

  root = gw_json_parse((const char *)bytes + GW_SNAPSHOT_HEADER_SIZE,
                       json_len, err, n);
  if (root == NULL) goto fail;
  uint64_t v;
  if (gw_json_u64(gw_json_get(root, "version"), &v) != 0 ||
      v != GW_SNAPSHOT_VERSION)
    FAIL("snapshot metadata has a bad version");

  /* Module identity. */
  char hash[65];
  hex_bytes(hash, m->hash, 32);
  const char *shash =
      gw_json_string(gw_json_get(gw_json_get(root, "module"), "hash"), NULL);
  if (shash == NULL) FAIL("snapshot metadata has no module hash");
  if (strcmp(shash, hash) != 0)
    FAIL("snapshot was taken from another module (hash %.16s..., this "
         "module is %.16s...)", shash, hash);

  /* Frames. */
  first_point = malloc(sizeof(uint32_t) * (m->num_funcs ? m->num_funcs : 1));
  if (first_point == NULL) FAIL("out of memory");
  for (uint32_t f = 0; f < m->num_funcs; f++) first_point[f] = UINT32_MAX;
  for (uint32_t p = m->num_points; p-- > 0;)
    if (m->points[p].func < m->num_funcs) first_point[m->points[p].func] = p;
  const gw_json *jframes = gw_json_get(root, "frames");
  if (gw_json_kind(jframes) != GW_JSON_ARRAY || gw_json_length(jframes) == 0)
    FAIL("snapshot has no frames");
  num_frames = gw_json_length(jframes);
  /* Each frame is one Wasm call deep: more than the limit could only trap
   * while rewinding (after the host state was restored). */
  if (inst->exec != NULL && num_frames > (uint64_t)inst->exec->depth_limit)
    FAIL("snapshot has %zu frames, more than the call-depth limit %lld "
         "(--max-call-depth)", num_frames,
         (long long)inst->exec->depth_limit);
  frames = calloc(num_frames, sizeof *frames);
  if (frames == NULL) FAIL("out of memory");
  for (size_t f = 0; f < num_frames; f++) {
    const gw_json *jf = gw_json_at(jframes, f);
    uint64_t func, offset;
    if (get_index(jf, "func", m->num_funcs, &func) != 0)
      FAIL("frame %zu: bad function index", f);
    if (func < m->num_imported_funcs)
      FAIL("frame %zu: function %llu is an import", f,
           (unsigned long long)func);
    if (gw_json_u64(gw_json_get(jf, "offset"), &offset) != 0)
      FAIL("frame %zu: bad offset", f);
    /* A point is (function, offset, kind): a function whose body starts
     * with `loop` has an entry and a loop point at the same offset. */
    const char *kind = gw_json_string(gw_json_get(jf, "kind"), NULL);
    if (kind == NULL ||
        (strcmp(kind, "entry") && strcmp(kind, "loop") && strcmp(kind, "call") &&
         strcmp(kind, "import_call")))
      FAIL("frame %zu: bad kind", f);
    uint32_t p = first_point[func];
    while (p != UINT32_MAX && p < m->num_points && m->points[p].func == func &&
           (m->points[p].offset != offset ||
            strcmp(kind_name(m->points[p].kind), kind) != 0))
      p++;
    if (p == UINT32_MAX || p >= m->num_points || m->points[p].func != func)
      FAIL("frame %zu: offset %llu is not a %s migration point of function "
           "%llu", f, (unsigned long long)offset, kind,
           (unsigned long long)func);
    const gw_point_desc *pd = &m->points[p];
    if (f + 1 < num_frames && pd->kind != GW_POINT_CALL)
      FAIL("frame %zu: a frame that is not the innermost must be at a call",
           f);
    if (f + 1 == num_frames && pd->kind == GW_POINT_CALL)
      FAIL("frame %zu: the innermost frame cannot be at a call", f);
    const gw_json *locals = gw_json_get(jf, "locals");
    const gw_json *stack = gw_json_get(jf, "stack");
    if (gw_json_kind(locals) != GW_JSON_ARRAY ||
        gw_json_length(locals) != pd->num_locals)
      FAIL("frame %zu: expected %u locals", f, pd->num_locals);
    if (gw_json_kind(stack) != GW_JSON_ARRAY ||
        gw_json_length(stack) != pd->num_stack)
      FAIL("frame %zu: expected %u operand-stack values", f, pd->num_stack);
    frames[f].point = p;
    frames[f].func = (uint32_t)func;
    frames[f].num_values = pd->num_locals + pd->num_stack;
    frames[f].values =
        calloc(frames[f].num_values ? frames[f].num_values : 1,
               sizeof(gw_value));
    if (frames[f].values == NULL) FAIL("out of memory");
    for (uint32_t k = 0; k < frames[f].num_values; k++) {
      int is_local = k < pd->num_locals;
      snprintf(what, sizeof what, "frame %zu %s %u", f,
               is_local ? "local" : "stack value",
               is_local ? k : k - pd->num_locals);
      const gw_json *jv =
          is_local ? gw_json_at(locals, k) : gw_json_at(stack, k - pd->num_locals);
      if (read_value(jv, inst, pd->types[k], &frames[f].values[k], what, err,
                     n) != 0)
        goto fail;
    }
  }

  /* Globals: every one is checked, the mutable ones are loaded. */
  const gw_json *jglobals = gw_json_get(root, "globals");
  if (gw_json_length(jglobals) != m->num_globals)
    FAIL("snapshot has %zu globals, the module %u", gw_json_length(jglobals),
         m->num_globals);
  global_values = calloc(m->num_globals ? m->num_globals : 1, sizeof(gw_value));
  if (global_values == NULL) FAIL("out of memory");
  for (uint32_t g = 0; g < m->num_globals; g++) {
    const gw_json *jg = gw_json_at(jglobals, g);
    snprintf(what, sizeof what, "global %u", g);
    if (gw_json_bool(gw_json_get(jg, "mutable")) != (m->globals[g].mutable_ != 0))
      FAIL("global %u: mutability does not match the module", g);
    if (read_value(gw_json_get(jg, "value"), inst,
                   gw_type_letter(m->globals[g].type), &global_values[g], what,
                   err, n) != 0)
      goto fail;
  }

  /* Tables. */
  const gw_json *jtables = gw_json_get(root, "tables");
  if (gw_json_length(jtables) != m->num_tables)
    FAIL("snapshot has %zu tables, the module %u", gw_json_length(jtables),
         m->num_tables);
  for (uint32_t t = 0; t < m->num_tables; t++) {
    const gw_json *jt = gw_json_at(jtables, t);
    const gw_limits_desc *lim = &m->tables[t];
    const char *type = gw_json_string(gw_json_get(jt, "type"), NULL);
    if (type == NULL || strcmp(type, letter_name(gw_type_letter(lim->elem_type))))
      FAIL("table %u: element type does not match the module", t);
    uint64_t size;
    if (gw_json_u64(gw_json_get(jt, "size"), &size) != 0 || size < lim->min ||
        size > lim->max || size > GW_TABLE_LIMIT ||
        size > inst->tables[t]->max)
      FAIL("table %u: size outside the table's limits", t);
    if (size < inst->tables[t]->size)
      FAIL("table %u: the instance's table is already larger than the "
           "snapshot's", t);
    const gw_json *elems = gw_json_get(jt, "elements");
    if (gw_json_kind(elems) != GW_JSON_ARRAY || gw_json_length(elems) != size)
      FAIL("table %u: expected %llu elements", t, (unsigned long long)size);
    for (uint64_t e = 0; e < size; e++) {
      const gw_json *je = gw_json_at(elems, e);
      uint64_t fi;
      if (gw_json_kind(je) == GW_JSON_NULL) continue;
      if (lim->elem_type != GW_FUNCREF || gw_json_u64(je, &fi) != 0 ||
          fi >= m->num_funcs)
        FAIL("table %u element %llu: not null or a function index", t,
             (unsigned long long)e);
    }
  }

  /* Memories: sizes and ranges checked here, contents loaded below. */
  const gw_json *jmems = gw_json_get(root, "memories");
  if (gw_json_length(jmems) != m->num_memories)
    FAIL("snapshot has %zu memories, the module %u", gw_json_length(jmems),
         m->num_memories);
  for (uint32_t i = 0; i < m->num_memories; i++) {
    const gw_json *jm = gw_json_at(jmems, i);
    uint64_t pages;
    if (gw_json_u64(gw_json_get(jm, "pages"), &pages) != 0 ||
        pages < m->memories[i].min || pages > m->memories[i].max)
      FAIL("memory %u: page count outside the memory's limits", i);
    if (pages > inst->memories[i]->max_pages) /* e.g. --max-memory */
      FAIL("memory %u: the snapshot's %llu pages exceed this instance's "
           "limit of %llu pages (--max-memory)", i, (unsigned long long)pages,
           (unsigned long long)inst->memories[i]->max_pages);
    if (pages < inst->memories[i]->pages)
      FAIL("memory %u: the instance's memory is already larger than the "
           "snapshot's", i);
    const char *enc = gw_json_string(gw_json_get(jm, "encoding"), NULL);
    if (enc == NULL || strcmp(enc, "zlib") != 0)
      FAIL("memory %u: unknown encoding", i);
    const gw_json *ranges = gw_json_get(jm, "ranges");
    if (gw_json_kind(ranges) != GW_JSON_ARRAY)
      FAIL("memory %u: no page ranges", i);
    uint64_t next_page = 0;
    for (size_t r = 0; r < gw_json_length(ranges); r++) {
      const gw_json *jr = gw_json_at(ranges, r);
      mem_range mr;
      if (gw_json_u64(gw_json_get(jr, "page"), &mr.page) != 0 ||
          gw_json_u64(gw_json_get(jr, "count"), &mr.count) != 0 ||
          gw_json_u64(gw_json_get(jr, "offset"), &mr.offset) != 0 ||
          gw_json_u64(gw_json_get(jr, "length"), &mr.length) != 0)
        FAIL("memory %u range %zu: bad fields", i, r);
      if (mr.page < next_page || mr.count == 0 || mr.count > pages ||
          mr.page > pages - mr.count)
        FAIL("memory %u range %zu: pages out of order or beyond the size", i,
             r);
      if (mr.offset > blob_len || mr.length > blob_len - mr.offset)
        FAIL("memory %u range %zu: data beyond the end of the file", i, r);
      next_page = mr.page + mr.count;
    }
  }

  /* Dropped segments. */
  const gw_json *dropped = gw_json_get(root, "dropped");
  const gw_json *ddata = gw_json_get(dropped, "data");
  const gw_json *delem = gw_json_get(dropped, "elem");
  for (size_t k = 0; k < gw_json_length(ddata); k++) {
    uint64_t d;
    if (gw_json_u64(gw_json_at(ddata, k), &d) != 0 || d >= m->num_datas)
      FAIL("dropped data segment index out of range");
  }
  for (size_t k = 0; k < gw_json_length(delem); k++) {
    uint64_t e;
    if (gw_json_u64(gw_json_at(delem, k), &e) != 0 || e >= m->num_elems)
      FAIL("dropped element segment index out of range");
  }

  /* ---- Everything validated: load it. ---- */
  for (uint32_t g = 0; g < m->num_globals; g++)
    if (m->globals[g].mutable_) inst->globals[g]->value = global_values[g];
  for (uint32_t t = 0; t < m->num_tables; t++) {
    const gw_json *jt = gw_json_at(jtables, t);
    const gw_json *elems = gw_json_get(jt, "elements");
    uint64_t size = gw_json_length(elems);
    gw_table *table = inst->tables[t];
    if (size > table->size &&
        gw_table_grow(inst, t, NULL, (uint32_t)(size - table->size)) < 0)
      FAIL("table %u: cannot grow to %llu elements", t,
           (unsigned long long)size);
    for (uint64_t e = 0; e < size; e++) {
      uint64_t fi;
      const gw_json *je = gw_json_at(elems, e);
      table->elems[e] = gw_json_u64(je, &fi) == 0 ? (void *)inst->funcs[fi]
                                                  : NULL;
    }
  }
  for (uint32_t i = 0; i < m->num_memories; i++) {
    const gw_json *jm = gw_json_at(jmems, i);
    gw_memory *mem = inst->memories[i];
    uint64_t pages;
    gw_json_u64(gw_json_get(jm, "pages"), &pages);
    if (pages > mem->pages &&
        gw_memory_grow(inst, i, (uint32_t)(pages - mem->pages)) < 0)
      FAIL("memory %u: cannot grow to %llu pages", i,
           (unsigned long long)pages);
    /* Fresh zero pages without committing them: data segments' bytes go. */
    if (pages > 0 &&
        madvise(mem->base, pages * GW_PAGE_SIZE, MADV_DONTNEED) != 0)
      memset(mem->base, 0, pages * GW_PAGE_SIZE);
    const gw_json *ranges = gw_json_get(jm, "ranges");
    for (size_t r = 0; r < gw_json_length(ranges); r++) {
      const gw_json *jr = gw_json_at(ranges, r);
      mem_range mr;
      gw_json_u64(gw_json_get(jr, "page"), &mr.page);
      gw_json_u64(gw_json_get(jr, "count"), &mr.count);
      gw_json_u64(gw_json_get(jr, "offset"), &mr.offset);
      gw_json_u64(gw_json_get(jr, "length"), &mr.length);
      if (gw_inflate(blob + mr.offset, mr.length,
                     mem->base + mr.page * GW_PAGE_SIZE,
                     mr.count * GW_PAGE_SIZE) != 0)
        FAIL("memory %u range %zu: corrupt compressed data", i, r);
    }
  }
  if (inst->data_dropped) memset(inst->data_dropped, 0, m->num_datas);
  if (inst->elem_dropped) memset(inst->elem_dropped, 0, m->num_elems);
  for (size_t k = 0; k < gw_json_length(ddata); k++) {
    uint64_t d;
    gw_json_u64(gw_json_at(ddata, k), &d);
    if (inst->data_dropped) inst->data_dropped[d] = 1;
  }
  for (size_t k = 0; k < gw_json_length(delem); k++) {
    uint64_t e;
    gw_json_u64(gw_json_at(delem, k), &e);
    if (inst->elem_dropped) inst->elem_dropped[e] = 1;
  }
  if (hooks && hooks->restore) {
    const gw_json *host = gw_json_get(root, "host");
    static const gw_json null_value = {.kind = GW_JSON_NULL};
    if (hooks->restore(hooks->user, host ? host : &null_value, err, n) != 0)
      goto fail;
  }

  gw_json_free(root);
  free(first_point);
  free(global_values);
  *frames_out = frames;
  *num_frames_out = num_frames;
  return 0;
fail:
  gw_json_free(root);
  free(first_point);
  free(global_values);
  gw_cr_frames_free(frames, num_frames);
  return -1;
}
