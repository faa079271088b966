;; A store must happen before a later load that traps out of bounds: the
;; trap leaves the store's bytes in memory. On aarch64 at -O1 and above,
;; llc's alias analysis scheduled the (non-aliasing) load above the store, so
;; the guard-page trap came first and the store was lost. llc ran with
;; -aarch64-use-aa=false until the write fence that follows every write
;; (`gwp_write_fence`, prelude.ts) made the order hold on its own. Reduced by hand from `deno task fuzz --simd
;; --target aarch64` seed 5008048 (func_0: f64.store of 0.215 at 8, then a
;; v128.load at 0xffffe212+22). fuzz/regress_test.ts replays these files on
;; aarch64 too.
(module
  (import "fuzzing-support" "log-i64" (func $log (param i64)))
  (import "fuzzing-support" "log-f32" (func $logf (param f32)))
  (memory 1 1)
  (func (export "scalar") (result i64)
    (f64.store offset=4 (i32.const 4) (f64.const 0.215))
    (i64.load offset=22 (i32.const -7662)))
  (func (export "simd") (result f32)
    (f64.store offset=4 (i32.const 4) (f64.const 0.215))
    (f32x4.extract_lane 2 (v128.load offset=22 (i32.const -7662)))))
