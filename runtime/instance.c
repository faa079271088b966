/*
 * instance.c: instantiation in the spec's order (resolve and type-check
 * imports; create functions, tables, memories, globals; apply active element
 * then data segments with bounds checks; drop them; run start), exports,
 * and freeing instances.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

static const char *const extern_kind_names[] = {"function", "table", "memory",
                                                "global"};

static int link_error(char *err, size_t err_len, const char *fmt, ...) {
  if (err != NULL && err_len > 0) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, err_len, fmt, ap);
    va_end(ap);
  }
  return -1;
}

/* Evaluates a constant expression in the (partially built) instance. */
static gw_value eval_const(const gw_instance *inst, const gw_const_expr *e) {
  gw_value v;
  memset(&v, 0, sizeof v);
  switch (e->kind) {
  case GW_CONST_I32:
  case GW_CONST_F32: memcpy(&v, e->bytes, 4); break;
  case GW_CONST_I64:
  case GW_CONST_F64: memcpy(&v, e->bytes, 8); break;
  case GW_CONST_V128: memcpy(&v, e->bytes, 16); break;
  case GW_CONST_GLOBAL_GET: v = inst->globals[e->index]->value; break;
  case GW_CONST_REF_NULL: v.ref = NULL; break;
  case GW_CONST_REF_FUNC: v.ref = inst->funcs[e->index]; break;
  default: break;
  }
  return v;
}

/* Checks one resolved import against its declaration; returns 0 if it fits. */
static int check_import(const gw_instance *inst, const gw_import_desc *imp,
                        const gw_extern *ext) {
  if (ext->kind != imp->kind) return -1;
  switch (imp->kind) {
  case GW_EXTERN_FUNC: {
    const gw_funcref *f = ext->u.func;
    return f != NULL && f->type_id == inst->type_ids[imp->type] ? 0 : -1;
  }
  case GW_EXTERN_TABLE: {
    const gw_table *t = ext->u.table;
    if (t == NULL || t->elem_type != imp->type || t->size < imp->min)
      return -1;
    /* A table without a maximum has max = UINT32_MAX, above any import's. */
    return imp->max == UINT64_MAX || t->max <= imp->max ? 0 : -1;
  }
  case GW_EXTERN_MEMORY: {
    const gw_memory *m = ext->u.memory;
    if (m == NULL || m->pages < imp->min) return -1;
    return imp->max == UINT64_MAX || m->max_pages <= imp->max ? 0 : -1;
  }
  case GW_EXTERN_GLOBAL: {
    const gw_global *g = ext->u.global;
    return g != NULL && g->type == imp->type &&
                   (g->mutable_ != 0) == (imp->mutable_ != 0)
               ? 0
               : -1;
  }
  default: return -1;
  }
}

/* Allocates the instance and everything it owns except memories, tables
 * and globals (which need imports first). */
static gw_instance *allocate_instance(const gw_module_desc *m) {
  gw_instance *inst = calloc(1, sizeof *inst);
  gw_instance_priv *priv = calloc(1, sizeof *priv);
  if (inst == NULL || priv == NULL) {
    free(inst);
    free(priv);
    return NULL;
  }
  inst->priv = priv;
  inst->module = m;
  /* +1 everywhere: calloc(0) may return NULL, which we treat as failure. */
  priv->type_ids = calloc(m->num_types + 1, sizeof(uint64_t));
  inst->funcs = calloc(m->num_funcs + 1, sizeof(gw_funcref *));
  inst->tables = calloc(m->num_tables + 1, sizeof(gw_table *));
  inst->memories = calloc(m->num_memories + 1, sizeof(gw_memory *));
  inst->globals = calloc(m->num_globals + 1, sizeof(gw_global *));
  inst->data_dropped = calloc(m->num_datas + 1, 1);
  inst->elem_dropped = calloc(m->num_elems + 1, 1);
  priv->elem_values = calloc(m->num_elems + 1, sizeof(void **));
  priv->own_funcs =
      calloc(m->num_funcs - m->num_imported_funcs + 1, sizeof(gw_funcref));
  size_t own_globals = m->num_globals - m->num_imported_globals + 1;
  priv->own_globals = aligned_alloc(16, own_globals * sizeof(gw_global));
  if (priv->own_globals != NULL)
    memset(priv->own_globals, 0, own_globals * sizeof(gw_global));
  inst->type_ids = priv->type_ids;
  if (!priv->type_ids || !inst->funcs || !inst->tables || !inst->memories ||
      !inst->globals || !inst->data_dropped || !inst->elem_dropped ||
      !priv->elem_values || !priv->own_funcs || !priv->own_globals) {
    gw_instance_free(inst);
    return NULL;
  }
  for (uint32_t t = 0; t < m->num_types; t++)
    priv->type_ids[t] = gw_intern_type(m->type_sigs[t]);
  return inst;
}

static int resolve_imports(gw_instance *inst, gw_resolver resolve, void *user,
                           char *err, size_t err_len) {
  const gw_module_desc *m = inst->module;
  uint32_t nf = 0, nt = 0, nm = 0, ng = 0;
  for (uint32_t i = 0; i < m->num_imports; i++) {
    const gw_import_desc *imp = &m->imports[i];
    gw_extern ext;
    memset(&ext, 0, sizeof ext);
    if (resolve == NULL || resolve(user, inst, imp, &ext) != 0)
      return link_error(err, err_len, "unknown import: \"%s\" \"%s\"",
                        imp->module, imp->name);
    if (check_import(inst, imp, &ext) != 0)
      return link_error(err, err_len,
                        "incompatible import type for \"%s\" \"%s\" "
                        "(expected a %s)",
                        imp->module, imp->name,
                        imp->kind < 4 ? extern_kind_names[imp->kind] : "?");
    switch (imp->kind) {
    case GW_EXTERN_FUNC:
      if (nf < m->num_imported_funcs) inst->funcs[nf++] = ext.u.func;
      break;
    case GW_EXTERN_TABLE:
      if (nt < m->num_imported_tables) inst->tables[nt++] = ext.u.table;
      break;
    case GW_EXTERN_MEMORY:
      if (nm < m->num_imported_memories) inst->memories[nm++] = ext.u.memory;
      break;
    case GW_EXTERN_GLOBAL:
      if (ng < m->num_imported_globals) inst->globals[ng++] = ext.u.global;
      break;
    }
  }
  if (nf != m->num_imported_funcs || nt != m->num_imported_tables ||
      nm != m->num_imported_memories || ng != m->num_imported_globals)
    return link_error(err, err_len,
                      "malformed module descriptor: import counts disagree");
  return 0;
}

/* Creates defined functions, tables, memories, globals and the evaluated
 * element segments. */
static int create_definitions(gw_instance *inst, char *err, size_t err_len) {
  const gw_module_desc *m = inst->module;
  gw_instance_priv *priv = inst->priv;
  for (uint32_t f = m->num_imported_funcs; f < m->num_funcs; f++) {
    gw_funcref *ref = &priv->own_funcs[f - m->num_imported_funcs];
    ref->code = m->func_code[f - m->num_imported_funcs];
    ref->instance = inst;
    ref->type_id = inst->type_ids[m->func_types[f]];
    inst->funcs[f] = ref;
  }
  for (uint32_t t = m->num_imported_tables; t < m->num_tables; t++) {
    const gw_limits_desc *d = &m->tables[t];
    inst->tables[t] = gw_table_new(d->elem_type, d->min, d->max, err, err_len);
    if (inst->tables[t] == NULL) return -1;
  }
  for (uint32_t i = m->num_imported_memories; i < m->num_memories; i++) {
    const gw_limits_desc *d = &m->memories[i];
    inst->memories[i] = gw_memory_new(d->min, d->max, err, err_len);
    if (inst->memories[i] == NULL) return -1;
  }
  if (m->num_memories > 0) inst->mem0_base = inst->memories[0]->base;
  for (uint32_t g = m->num_imported_globals; g < m->num_globals; g++) {
    gw_global *cell = &priv->own_globals[g - m->num_imported_globals];
    cell->value = eval_const(inst, &m->globals[g].init);
    cell->type = (uint8_t)m->globals[g].type;
    cell->mutable_ = (uint8_t)(m->globals[g].mutable_ != 0);
    inst->globals[g] = cell;
  }
  for (uint32_t s = 0; s < m->num_elems; s++) {
    const gw_elem_desc *e = &m->elems[s];
    priv->elem_values[s] = calloc(e->count + 1, sizeof(void *));
    if (priv->elem_values[s] == NULL)
      return link_error(err, err_len, "out of host memory");
    for (uint32_t k = 0; k < e->count; k++)
      priv->elem_values[s][k] = eval_const(inst, &e->init[k]).ref;
  }
  return 0;
}

/* Applies active segments and drops what the spec drops; returns a trap
 * kind when a segment is out of bounds (earlier writes stay). */
static int32_t apply_segments(gw_instance *inst) {
  const gw_module_desc *m = inst->module;
  for (uint32_t s = 0; s < m->num_elems; s++) {
    const gw_elem_desc *e = &m->elems[s];
    if (e->mode == GW_SEG_ACTIVE) {
      uint32_t offset = (uint32_t)eval_const(inst, &e->offset).i32;
      int32_t kind = gw_table_init_checked(inst, e->table, s, offset, 0,
                                           e->count);
      if (kind != GW_TRAP_NONE) return kind;
    }
    if (e->mode != GW_SEG_PASSIVE) inst->elem_dropped[s] = 1;
  }
  for (uint32_t s = 0; s < m->num_datas; s++) {
    const gw_data_desc *d = &m->datas[s];
    if (d->mode != GW_SEG_ACTIVE) continue;
    uint32_t offset = (uint32_t)eval_const(inst, &d->offset).i32;
    int32_t kind = gw_memory_init_checked(inst, d->memory, s, offset, 0,
                                          d->size);
    if (kind != GW_TRAP_NONE) return kind;
    inst->data_dropped[s] = 1;
  }
  return GW_TRAP_NONE;
}

int gw_instantiate(const gw_module_desc *module, gw_exec *exec,
                   gw_resolver resolve, void *user, void *host,
                   gw_instance **out, char *err, size_t err_len) {
  return gw_instantiate_ex(module, exec, resolve, user, host, out, err,
                           err_len, 0);
}

int gw_instantiate_ex(const gw_module_desc *module, gw_exec *exec,
                      gw_resolver resolve, void *user, void *host,
                      gw_instance **out, char *err, size_t err_len,
                      uint32_t flags) {
  *out = NULL;
  if (err != NULL && err_len > 0) err[0] = '\0';
  gw_instance *inst = allocate_instance(module);
  if (inst == NULL) return link_error(err, err_len, "out of host memory");
  inst->exec = exec;
  inst->host = host;
  if (resolve_imports(inst, resolve, user, err, err_len) != 0 ||
      create_definitions(inst, err, err_len) != 0) {
    gw_instance_free(inst);
    return -1;
  }
  /* From here on the instance may be observable (its functions can land in
   * imported tables), so it is handed out even when it traps. */
  *out = inst;
  int32_t kind = apply_segments(inst);
  if (kind != GW_TRAP_NONE) return kind;
  if (module->start >= 0 && !(flags & GW_INST_NO_START)) {
    kind = gw_call(exec, inst->funcs[module->start], NULL, NULL);
    if (kind != GW_TRAP_NONE) return kind;
  }
  return 0;
}

void gw_instance_free(gw_instance *inst) {
  if (inst == NULL) return;
  const gw_module_desc *m = inst->module;
  gw_instance_priv *priv = inst->priv;
  if (inst->memories != NULL)
    for (uint32_t i = m->num_imported_memories; i < m->num_memories; i++)
      gw_memory_free(inst->memories[i]);
  if (inst->tables != NULL)
    for (uint32_t t = m->num_imported_tables; t < m->num_tables; t++)
      gw_table_free(inst->tables[t]);
  if (priv != NULL) {
    if (priv->elem_values != NULL)
      for (uint32_t s = 0; s < m->num_elems; s++) free(priv->elem_values[s]);
    free(priv->elem_values);
    free(priv->own_funcs);
    free(priv->own_globals);
    free(priv->type_ids);
    free(priv);
  }
  free(inst->funcs);
  free(inst->tables);
  free(inst->memories);
  free(inst->globals);
  free(inst->data_dropped);
  free(inst->elem_dropped);
  free(inst);
}

int gw_export(gw_instance *inst, const char *name, gw_extern *out) {
  return gw_export_n(inst, name, strlen(name), out);
}

int gw_export_n(gw_instance *inst, const char *name, size_t len,
                gw_extern *out) {
  const gw_module_desc *m = inst->module;
  for (uint32_t i = 0; i < m->num_exports; i++) {
    const gw_export_desc *e = &m->exports[i];
    size_t e_len = e->name_len ? e->name_len : strlen(e->name);
    if (e_len != len || memcmp(e->name, name, len) != 0) continue;
    memset(out, 0, sizeof *out);
    out->kind = e->kind;
    switch (e->kind) {
    case GW_EXTERN_FUNC: out->u.func = inst->funcs[e->index]; return 0;
    case GW_EXTERN_TABLE: out->u.table = inst->tables[e->index]; return 0;
    case GW_EXTERN_MEMORY: out->u.memory = inst->memories[e->index]; return 0;
    case GW_EXTERN_GLOBAL: out->u.global = inst->globals[e->index]; return 0;
    default: return -1;
    }
  }
  return -1;
}
