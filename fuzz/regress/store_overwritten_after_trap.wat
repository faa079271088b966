;; A write before an access that traps out of bounds stays visible after the
;; trap, even where a later write covers it. The trap is a guard-page fault
;; LLVM cannot see, so at -O1 and above its dead store elimination deleted
;; the f32.store below (the i64.store at 2..9 covers bytes 4..7, and the load
;; between them reads another address), on x86-64 and aarch64 alike. Now an
;; empty asm that LLVM must assume may unwind follows every write
;; (`gwp_write_fence`, prelude.ts). Reduced by hand from `deno task fuzz`
;; seed 1005597 (seed_1005597.wasm here). The other functions are the
;; neighbouring shapes the fence also covers; they matched before it.
(module
  (memory 1 1)
  (global $g (mut i32) (i32.const 0))
  (data (i32.const 0) "\11\22\33\44\55\66\77\88\99\aa")
  (func (export "dse_memory") (result i64)
    (f32.store offset=4 (i32.const 0) (f32.const 0x1p+39))
    (i64.store offset=2 (i32.const 0)
      (i64.load16_s offset=22 (i32.const -2110303488)))
    (i64.const 0))
  (func (export "dse_global") (result i32)
    (global.set $g (i32.const 7))
    (global.set $g (i32.load (i32.const -4)))
    (global.get $g))
  ;; Hoisting the invariant load out of the loop would trap before the
  ;; first iteration's store.
  (func (export "loop_store_then_invariant_load") (result i32)
    (local $i i32) (local $s i32)
    (loop $l
      (i32.store (i32.const 100) (i32.add (local.get $i) (i32.const 7)))
      (local.set $s (i32.add (local.get $s) (i32.load (i32.const 65534))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (global.get $g))))
    (local.get $s))
  ;; A global counted down in a loop (binaryen's hang limit): kept in a
  ;; register, its value would be lost at the trap.
  (func (export "loop_global_then_load") (result i32)
    (local $s i32)
    (global.set $g (i32.const 5))
    (loop $l
      (global.set $g (i32.sub (global.get $g) (i32.const 1)))
      (local.set $s (i32.add (local.get $s)
        (i32.load (i32.mul (global.get $g) (i32.const 100000)))))
      (br_if $l (global.get $g)))
    (local.get $s))
  (func (export "store_in_branch_then_load") (result i32)
    (if (global.get $g)
      (then (i32.store (i32.const 200) (i32.const 1)))
      (else (i32.store (i32.const 200) (i32.const 2))))
    (i32.load (i32.const 65535)))
)
