;; The module behind runtime/tests/cr_test.c: cr_test.c implements these two
;; functions by hand, as generated code would (polls, saves, resumes), and
;; checkpoint_test.ts checks the results against Deno's own engine.
(module
  (type $t (func (param i32) (result i64)))
  (memory 1 8)
  (table 2 funcref)
  (global $count (mut i32) (i32.const 0))
  (global $total (mut f64) (f64.const 0))
  (global $seven i32 (i32.const 7))
  (export "run" (func $run))
  (export "memory" (memory 0))
  (export "count" (global $count))
  (export "total" (global $total))
  (elem (i32.const 0) $sum)
  (data (i32.const 1000) "hello")
  (func $sum (type $t) (param $n i32) (result i64)
    (if (result i64) (i32.eqz (local.get $n))
      (then (i64.const 0))
      (else
        (i64.add
          (i64.extend_i32_s (local.get $n))
          (call $sum (i32.sub (local.get $n) (i32.const 1)))))))
  (func $run (type $t) (param $n i32) (result i64)
    (local $i i32) (local $h i64) (local $acc f64) (local $x f32) (local $v v128)
    (loop $l
      (local.set $h
        (i64.add
          (i64.mul (local.get $h) (i64.const 31))
          (call $sum (i32.rem_u (local.get $i) (i32.const 20)))))
      (i64.store
        (i32.rem_u (i32.mul (local.get $i) (i32.const 8))
                   (i32.mul (memory.size) (i32.const 65536)))
        (local.get $h))
      (local.set $acc
        (f64.add (local.get $acc)
                 (f64.mul (f64.convert_i32_u (local.get $i)) (f64.const 0.5))))
      (local.set $x (f32.add (local.get $x) (f32.const 0.25)))
      (local.set $v
        (i32x4.add (local.get $v) (i32x4.splat (i32.mul (local.get $i) (i32.const 3)))))
      (global.set $count (i32.add (global.get $count) (i32.const 1)))
      (if (i32.eqz (i32.rem_u (local.get $i) (i32.const 37)))
        (then (drop (memory.grow (i32.const 1)))))
      (if (i32.eq (local.get $i) (i32.const 5))
        (then (table.set 0 (i32.const 1) (ref.func $sum))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (local.get $n))))
    (global.set $total (local.get $acc))
    (i64.xor
      (i64.xor (local.get $h) (i64.reinterpret_f64 (local.get $acc)))
      (i64.xor (i64.extend_i32_u (i32.reinterpret_f32 (local.get $x)))
               (i64x2.extract_lane 0 (local.get $v)))))
)
