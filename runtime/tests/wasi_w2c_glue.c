/*
 * wasi_w2c_glue.c: runs a wasm32-wasi program translated by wasm2c (wabt's
 * reference Wasm-to-C translator, an independent code generator) against
 * Godwit's WASI implementation, so real wasi-libc programs exercise
 * runtime/wasi*.c without the rest of the Godwit toolchain.
 * Built by runtime/wasi_test.ts with the wasm2c output of module "prog".
 * Usage: prog_w2c [--dir HOST::GUEST]... -- ARGS...
 */
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../wasi_internal.h"
#include "prog.h"

extern jmp_buf wasi_test_trap_jmp;
extern int32_t wasi_test_trap_kind;

/* The import object wasm2c passes to every WASI import. */
struct Z_wasi_snapshot_preview1_instance_t {
  gw_instance inst;
  gw_memory mem;
  gw_memory *mems[1];
  wasm_rt_memory_t *rt_mem;
};

/* wasm2c's memory may move on growth: refresh the view before each call. */
static gw_instance *sync_mem(struct Z_wasi_snapshot_preview1_instance_t *h) {
  h->mem.base = h->rt_mem->data;
  h->mem.pages = h->rt_mem->pages;
  h->inst.mem0_base = h->rt_mem->data;
  return &h->inst;
}

u32 Z_wasi_snapshot_preview1Z_args_get(
    struct Z_wasi_snapshot_preview1_instance_t *h, u32 a0, u32 a1) {
  return (u32)gw_wasi_args_get(sync_mem(h), (int32_t)a0, (int32_t)a1);
}

u32 Z_wasi_snapshot_preview1Z_args_sizes_get(
    struct Z_wasi_snapshot_preview1_instance_t *h, u32 a0, u32 a1) {
  return (u32)gw_wasi_args_sizes_get(sync_mem(h), (int32_t)a0, (int32_t)a1);
}

u32 Z_wasi_snapshot_preview1Z_environ_get(
    struct Z_wasi_snapshot_preview1_instance_t *h, u32 a0, u32 a1) {
  return (u32)gw_wasi_environ_get(sync_mem(h), (int32_t)a0, (int32_t)a1);
}

u32 Z_wasi_snapshot_preview1Z_environ_sizes_get(
    struct Z_wasi_snapshot_preview1_instance_t *h, u32 a0, u32 a1) {
  return (u32)gw_wasi_environ_sizes_get(sync_mem(h), (int32_t)a0, (int32_t)a1);
}

u32 Z_wasi_snapshot_preview1Z_clock_res_get(
    struct Z_wasi_snapshot_preview1_instance_t *h, u32 a0, u32 a1) {
  return (u32)gw_wasi_clock_res_get(sync_mem(h), (int32_t)a0, (int32_t)a1);
}

u32 Z_wasi_snapshot_preview1Z_clock_time_get(
    struct Z_wasi_snapshot_preview1_instance_t *h, u32 a0, u64 a1, u32 a2) {
  return (u32)gw_wasi_clock_time_get(sync_mem(h), (int32_t)a0, (int64_t)a1, (int32_t)a2);
}

u32 Z_wasi_snapshot_preview1Z_fd_advise(
    struct Z_wasi_snapshot_preview1_instance_t *h, u32 a0, u64 a1, u64 a2, u32 a3) {
  return (u32)gw_wasi_fd_advise(sync_mem(h), (int32_t)a0, (int64_t)a1, (int64_t)a2, (int32_t)a3);
}

u32 Z_wasi_snapshot_preview1Z_fd_allocate(
    struct Z_wasi_snapshot_preview1_instance_t *h, u32 a0, u64 a1, u64 a2) {
  return (u32)gw_wasi_fd_allocate(sync_mem(h), (int32_t)a0, (int64_t)a1, (int64_t)a2);
}

u32 Z_wasi_snapshot_preview1Z_fd_close(
    struct Z_wasi_snapshot_preview1_instance_t *h, u32 a0) {
  return (u32)gw_wasi_fd_close(sync_mem(h), (int32_t)a0);
}

u32 Z_wasi_snapshot_preview1Z_fd_datasync(
    struct Z_wasi_snapshot_preview1_instance_t *h, u32 a0) {
  return (u32)gw_wasi_fd_datasync(sync_mem(h), (int32_t)a0);
}

u32 Z_wasi_snapshot_preview1Z_fd_fdstat_get(
    struct Z_wasi_snapshot_preview1_instance_t *h, u32 a0, u32 a1) {
  return (u32)gw_wasi_fd_fdstat_get(sync_mem(h), (int32_t)a0, (int32_t)a1);
}

u32 Z_wasi_snapshot_preview1Z_fd_fdstat_set_flags(
    struct Z_wasi_snapshot_preview1_instance_t *h, u32 a0, u32 a1) {
  return (u32)gw_wasi_fd_fdstat_set_flags(sync_mem(h), (int32_t)a0, (int32_t)a1);
}

u32 Z_wasi_snapshot_preview1Z_fd_fdstat_set_rights(
    struct Z_wasi_snapshot_preview1_instance_t *h, u32 a0, u64 a1, u64 a2) {
  return (u32)gw_wasi_fd_fdstat_set_rights(sync_mem(h), (int32_t)a0, (int64_t)a1, (int64_t)a2);
}

u32 Z_wasi_snapshot_preview1Z_fd_filestat_get(
    struct Z_wasi_snapshot_preview1_instance_t *h, u32 a0, u32 a1) {
  return (u32)gw_wasi_fd_filestat_get(sync_mem(h), (int32_t)a0, (int32_t)a1);
}

u32 Z_wasi_snapshot_preview1Z_fd_filestat_set_size(
    struct Z_wasi_snapshot_preview1_instance_t *h, u32 a0, u64 a1) {
  return (u32)gw_wasi_fd_filestat_set_size(sync_mem(h), (int32_t)a0, (int64_t)a1);
}

u32 Z_wasi_snapshot_preview1Z_fd_filestat_set_times(
    struct Z_wasi_snapshot_preview1_instance_t *h, u32 a0, u64 a1, u64 a2, u32 a3) {
  return (u32)gw_wasi_fd_filestat_set_times(sync_mem(h), (int32_t)a0, (int64_t)a1, (int64_t)a2, (int32_t)a3);
}

u32 Z_wasi_snapshot_preview1Z_fd_pread(
    struct Z_wasi_snapshot_preview1_instance_t *h, u32 a0, u32 a1, u32 a2, u64 a3, u32 a4) {
  return (u32)gw_wasi_fd_pread(sync_mem(h), (int32_t)a0, (int32_t)a1, (int32_t)a2, (int64_t)a3, (int32_t)a4);
}

u32 Z_wasi_snapshot_preview1Z_fd_prestat_get(
    struct Z_wasi_snapshot_preview1_instance_t *h, u32 a0, u32 a1) {
  return (u32)gw_wasi_fd_prestat_get(sync_mem(h), (int32_t)a0, (int32_t)a1);
}

u32 Z_wasi_snapshot_preview1Z_fd_prestat_dir_name(
    struct Z_wasi_snapshot_preview1_instance_t *h, u32 a0, u32 a1, u32 a2) {
  return (u32)gw_wasi_fd_prestat_dir_name(sync_mem(h), (int32_t)a0, (int32_t)a1, (int32_t)a2);
}

u32 Z_wasi_snapshot_preview1Z_fd_pwrite(
    struct Z_wasi_snapshot_preview1_instance_t *h, u32 a0, u32 a1, u32 a2, u64 a3, u32 a4) {
  return (u32)gw_wasi_fd_pwrite(sync_mem(h), (int32_t)a0, (int32_t)a1, (int32_t)a2, (int64_t)a3, (int32_t)a4);
}

u32 Z_wasi_snapshot_preview1Z_fd_read(
    struct Z_wasi_snapshot_preview1_instance_t *h, u32 a0, u32 a1, u32 a2, u32 a3) {
  return (u32)gw_wasi_fd_read(sync_mem(h), (int32_t)a0, (int32_t)a1, (int32_t)a2, (int32_t)a3);
}

u32 Z_wasi_snapshot_preview1Z_fd_readdir(
    struct Z_wasi_snapshot_preview1_instance_t *h, u32 a0, u32 a1, u32 a2, u64 a3, u32 a4) {
  return (u32)gw_wasi_fd_readdir(sync_mem(h), (int32_t)a0, (int32_t)a1, (int32_t)a2, (int64_t)a3, (int32_t)a4);
}

u32 Z_wasi_snapshot_preview1Z_fd_renumber(
    struct Z_wasi_snapshot_preview1_instance_t *h, u32 a0, u32 a1) {
  return (u32)gw_wasi_fd_renumber(sync_mem(h), (int32_t)a0, (int32_t)a1);
}

u32 Z_wasi_snapshot_preview1Z_fd_seek(
    struct Z_wasi_snapshot_preview1_instance_t *h, u32 a0, u64 a1, u32 a2, u32 a3) {
  return (u32)gw_wasi_fd_seek(sync_mem(h), (int32_t)a0, (int64_t)a1, (int32_t)a2, (int32_t)a3);
}

u32 Z_wasi_snapshot_preview1Z_fd_sync(
    struct Z_wasi_snapshot_preview1_instance_t *h, u32 a0) {
  return (u32)gw_wasi_fd_sync(sync_mem(h), (int32_t)a0);
}

u32 Z_wasi_snapshot_preview1Z_fd_tell(
    struct Z_wasi_snapshot_preview1_instance_t *h, u32 a0, u32 a1) {
  return (u32)gw_wasi_fd_tell(sync_mem(h), (int32_t)a0, (int32_t)a1);
}

u32 Z_wasi_snapshot_preview1Z_fd_write(
    struct Z_wasi_snapshot_preview1_instance_t *h, u32 a0, u32 a1, u32 a2, u32 a3) {
  return (u32)gw_wasi_fd_write(sync_mem(h), (int32_t)a0, (int32_t)a1, (int32_t)a2, (int32_t)a3);
}

u32 Z_wasi_snapshot_preview1Z_path_create_directory(
    struct Z_wasi_snapshot_preview1_instance_t *h, u32 a0, u32 a1, u32 a2) {
  return (u32)gw_wasi_path_create_directory(sync_mem(h), (int32_t)a0, (int32_t)a1, (int32_t)a2);
}

u32 Z_wasi_snapshot_preview1Z_path_filestat_get(
    struct Z_wasi_snapshot_preview1_instance_t *h, u32 a0, u32 a1, u32 a2, u32 a3, u32 a4) {
  return (u32)gw_wasi_path_filestat_get(sync_mem(h), (int32_t)a0, (int32_t)a1, (int32_t)a2, (int32_t)a3, (int32_t)a4);
}

u32 Z_wasi_snapshot_preview1Z_path_filestat_set_times(
    struct Z_wasi_snapshot_preview1_instance_t *h, u32 a0, u32 a1, u32 a2, u32 a3, u64 a4, u64 a5, u32 a6) {
  return (u32)gw_wasi_path_filestat_set_times(sync_mem(h), (int32_t)a0, (int32_t)a1, (int32_t)a2, (int32_t)a3, (int64_t)a4, (int64_t)a5, (int32_t)a6);
}

u32 Z_wasi_snapshot_preview1Z_path_link(
    struct Z_wasi_snapshot_preview1_instance_t *h, u32 a0, u32 a1, u32 a2, u32 a3, u32 a4, u32 a5, u32 a6) {
  return (u32)gw_wasi_path_link(sync_mem(h), (int32_t)a0, (int32_t)a1, (int32_t)a2, (int32_t)a3, (int32_t)a4, (int32_t)a5, (int32_t)a6);
}

u32 Z_wasi_snapshot_preview1Z_path_open(
    struct Z_wasi_snapshot_preview1_instance_t *h, u32 a0, u32 a1, u32 a2, u32 a3, u32 a4, u64 a5, u64 a6, u32 a7, u32 a8) {
  return (u32)gw_wasi_path_open(sync_mem(h), (int32_t)a0, (int32_t)a1, (int32_t)a2, (int32_t)a3, (int32_t)a4, (int64_t)a5, (int64_t)a6, (int32_t)a7, (int32_t)a8);
}

u32 Z_wasi_snapshot_preview1Z_path_readlink(
    struct Z_wasi_snapshot_preview1_instance_t *h, u32 a0, u32 a1, u32 a2, u32 a3, u32 a4, u32 a5) {
  return (u32)gw_wasi_path_readlink(sync_mem(h), (int32_t)a0, (int32_t)a1, (int32_t)a2, (int32_t)a3, (int32_t)a4, (int32_t)a5);
}

u32 Z_wasi_snapshot_preview1Z_path_remove_directory(
    struct Z_wasi_snapshot_preview1_instance_t *h, u32 a0, u32 a1, u32 a2) {
  return (u32)gw_wasi_path_remove_directory(sync_mem(h), (int32_t)a0, (int32_t)a1, (int32_t)a2);
}

u32 Z_wasi_snapshot_preview1Z_path_rename(
    struct Z_wasi_snapshot_preview1_instance_t *h, u32 a0, u32 a1, u32 a2, u32 a3, u32 a4, u32 a5) {
  return (u32)gw_wasi_path_rename(sync_mem(h), (int32_t)a0, (int32_t)a1, (int32_t)a2, (int32_t)a3, (int32_t)a4, (int32_t)a5);
}

u32 Z_wasi_snapshot_preview1Z_path_symlink(
    struct Z_wasi_snapshot_preview1_instance_t *h, u32 a0, u32 a1, u32 a2, u32 a3, u32 a4) {
  return (u32)gw_wasi_path_symlink(sync_mem(h), (int32_t)a0, (int32_t)a1, (int32_t)a2, (int32_t)a3, (int32_t)a4);
}

u32 Z_wasi_snapshot_preview1Z_path_unlink_file(
    struct Z_wasi_snapshot_preview1_instance_t *h, u32 a0, u32 a1, u32 a2) {
  return (u32)gw_wasi_path_unlink_file(sync_mem(h), (int32_t)a0, (int32_t)a1, (int32_t)a2);
}

u32 Z_wasi_snapshot_preview1Z_poll_oneoff(
    struct Z_wasi_snapshot_preview1_instance_t *h, u32 a0, u32 a1, u32 a2, u32 a3) {
  return (u32)gw_wasi_poll_oneoff(sync_mem(h), (int32_t)a0, (int32_t)a1, (int32_t)a2, (int32_t)a3);
}

void Z_wasi_snapshot_preview1Z_proc_exit(
    struct Z_wasi_snapshot_preview1_instance_t *h, u32 a0) {
  gw_wasi_proc_exit(sync_mem(h), (int32_t)a0);
}

u32 Z_wasi_snapshot_preview1Z_proc_raise(
    struct Z_wasi_snapshot_preview1_instance_t *h, u32 a0) {
  return (u32)gw_wasi_proc_raise(sync_mem(h), (int32_t)a0);
}

u32 Z_wasi_snapshot_preview1Z_sched_yield(
    struct Z_wasi_snapshot_preview1_instance_t *h) {
  return (u32)gw_wasi_sched_yield(sync_mem(h));
}

u32 Z_wasi_snapshot_preview1Z_random_get(
    struct Z_wasi_snapshot_preview1_instance_t *h, u32 a0, u32 a1) {
  return (u32)gw_wasi_random_get(sync_mem(h), (int32_t)a0, (int32_t)a1);
}

u32 Z_wasi_snapshot_preview1Z_sock_accept(
    struct Z_wasi_snapshot_preview1_instance_t *h, u32 a0, u32 a1, u32 a2) {
  return (u32)gw_wasi_sock_accept(sync_mem(h), (int32_t)a0, (int32_t)a1, (int32_t)a2);
}

u32 Z_wasi_snapshot_preview1Z_sock_recv(
    struct Z_wasi_snapshot_preview1_instance_t *h, u32 a0, u32 a1, u32 a2, u32 a3, u32 a4, u32 a5) {
  return (u32)gw_wasi_sock_recv(sync_mem(h), (int32_t)a0, (int32_t)a1, (int32_t)a2, (int32_t)a3, (int32_t)a4, (int32_t)a5);
}

u32 Z_wasi_snapshot_preview1Z_sock_send(
    struct Z_wasi_snapshot_preview1_instance_t *h, u32 a0, u32 a1, u32 a2, u32 a3, u32 a4) {
  return (u32)gw_wasi_sock_send(sync_mem(h), (int32_t)a0, (int32_t)a1, (int32_t)a2, (int32_t)a3, (int32_t)a4);
}

u32 Z_wasi_snapshot_preview1Z_sock_shutdown(
    struct Z_wasi_snapshot_preview1_instance_t *h, u32 a0, u32 a1) {
  return (u32)gw_wasi_sock_shutdown(sync_mem(h), (int32_t)a0, (int32_t)a1);
}

int main(int argc, char **argv) {
  const char *hosts[16], *guests[16];
  int npre = 0, i = 1;
  for (; i < argc && strcmp(argv[i], "--") != 0; i++) {
    if (strcmp(argv[i], "--dir") == 0 && i + 1 < argc && npre < 16) {
      char *spec = argv[++i], *sep = strstr(spec, "::");
      if (sep) *sep = 0;
      hosts[npre] = spec;
      guests[npre++] = sep ? sep + 2 : spec;
    }
  }
  if (i < argc) i++;
  static const char *const env[] = {"GODWIT_TEST=1"};
  gw_wasi_config cfg = {argc - i, (const char *const *)argv + i, 1, env,
                        npre, hosts, guests, 0, 1, 2};
  char err[256];
  static struct Z_wasi_snapshot_preview1_instance_t host;
  gw_wasi *w = gw_wasi_new(&cfg, err, sizeof err);
  if (!w) {
    fprintf(stderr, "error: %s\n", err);
    return 2;
  }
  host.inst.host = w;
  host.mems[0] = &host.mem;
  host.inst.memories = host.mems;
  wasm_rt_init();
  Z_prog_init_module();
  static Z_prog_instance_t prog;
  Z_prog_instantiate(&prog, &host);
  host.rt_mem = Z_progZ_memory(&prog);
  int code = 0;
  if (setjmp(wasi_test_trap_jmp) == 0) {
    Z_progZ__start(&prog);
  } else {
    code = wasi_test_trap_kind == GW_TRAP_EXIT ? gw_wasi_exit_code(w) : 3;
  }
  fflush(stdout);
  gw_wasi_free(w);
  return code;
}
