;; Checkpoint/restore torture module (compiler/instrument/checkpoint_test.ts,
;; through the spec harness's checkpoint injection):
;; recursion, nested loops, multi-value blocks and loops, calls inside loops
;; with live operand-stack values below the arguments, call_indirect,
;; globals, and every value type that codegen supports.
(module
  (memory (export "mem") 1)
  (global $acc (export "acc") (mut i64) (i64.const 0))
  (global $calls (export "calls") (mut i32) (i32.const 0))
  (type $binop (func (param i32 i32) (result i32)))
  (type $pair (func (param i32) (result i32 i64)))
  (table 4 funcref)
  (elem (i32.const 0) $add $mul $sub $fib)

  (func $add (type $binop) (global.set $calls (i32.add (global.get $calls) (i32.const 1)))
    (i32.add (local.get 0) (local.get 1)))
  (func $mul (type $binop) (i32.mul (local.get 0) (local.get 1)))
  (func $sub (type $binop) (i32.sub (local.get 0) (local.get 1)))

  ;; Recursion: a call point with a value below the call's argument.
  (func $fib (export "fib") (param $n i32) (result i32)
    (if (result i32) (i32.lt_u (local.get $n) (i32.const 2))
      (then (local.get $n))
      (else
        (i32.add
          (call $fib (i32.sub (local.get $n) (i32.const 1)))
          (call $fib (i32.sub (local.get $n) (i32.const 2)))))))

  ;; Nested loops writing memory, a call in the inner loop with two values
  ;; (an i64 and an f64) live below its arguments.
  (func $grid (export "grid") (param $w i32) (param $h i32) (result i64)
    (local $x i32) (local $y i32) (local $f f64) (local $s i64)
    (loop $rows
      (local.set $x (i32.const 0))
      (loop $cols
        (local.set $s
          (i64.add
            (local.get $s)
            (i64.extend_i32_u
              (i32.add
                (i32.trunc_f64_s (f64.add (local.get $f) (f64.const 0.5)))
                (call_indirect (type $binop)
                  (local.get $x) (local.get $y)
                  (i32.rem_u (i32.add (local.get $x) (local.get $y)) (i32.const 3)))))))
        (i32.store (i32.shl (i32.add (i32.mul (local.get $y) (local.get $w)) (local.get $x)) (i32.const 2))
          (i32.wrap_i64 (local.get $s)))
        (local.set $f (f64.add (local.get $f) (f64.const 0.25)))
        (br_if $cols (i32.lt_u (local.tee $x (i32.add (local.get $x) (i32.const 1))) (local.get $w))))
      (global.set $acc (i64.add (global.get $acc) (local.get $s)))
      (br_if $rows (i32.lt_u (local.tee $y (i32.add (local.get $y) (i32.const 1))) (local.get $h))))
    (local.get $s))

  ;; Multi-value: a function returning two values, a loop with parameters,
  ;; a block with parameters, values of the enclosing blocks live across.
  (func $split (type $pair) (local.get 0) (i64.extend_i32_s (i32.sub (i32.const 0) (local.get 0))))
  (func $multi (export "multi") (param $n i32) (result i64) (local $t i64)
    (i64.const 1000)                 ;; lives below everything
    (i32.const 0) (i64.const 0)
    (loop $l (param i32 i64) (result i32 i64)
      (block $b (param i32 i64) (result i32 i64)
        (call $split (local.get $n))   ;; stack: i64 i32 i64 i32 i64
        (i64.add (i64.extend_i32_u (call $fib (i32.const 5))))
        (drop) (drop))
      (local.set $n (i32.sub (local.get $n) (i32.const 1)))
      (i64.add (i64.extend_i32_u (local.get $n)))
      (br_if $l (local.get $n)))
    (local.set $t)
    (drop)
    (i64.add (local.get $t)))

  ;; A loop whose body only calls: polls at both the header and the callee.
  (func $indirect_sum (export "indirect_sum") (param $n i32) (result i32) (local $s i32)
    (block $done
      (loop $l
        (br_if $done (i32.eqz (local.get $n)))
        (local.set $s
          (i32.add (local.get $s)
            (call_indirect (type $binop) (local.get $n) (i32.const 3)
              (i32.and (local.get $n) (i32.const 3)))))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br $l)))
    (local.get $s))

  ;; A load result kept on the stack across a call, then dropped.
  (func $keep_load (export "keep_load") (param $a i32) (result i32)
    (i32.load (local.get $a))
    (call $fib (i32.const 6))
    (drop)
    (drop)
    (i32.load (local.get $a)))

  ;; Deep recursion with a float accumulator.
  (func $fsum (export "fsum") (param $n i32) (param $x f32) (result f32)
    (if (result f32) (i32.eqz (local.get $n))
      (then (local.get $x))
      (else (f32.add (f32.mul (local.get $x) (f32.const 0.5))
                     (call $fsum (i32.sub (local.get $n) (i32.const 1))
                                 (f32.add (local.get $x) (f32.const 1.25)))))))
;; Call-free innermost loops inside a loop that calls: a counted one
  ;; (no poll by default) and a scan whose exit depends on memory (polled).
  (func $inner (export "inner") (param $n i32) (result i32)
    (local $i i32) (local $j i32) (local $s i32)
    (loop $outer
      (local.set $j (i32.const 0))
      (loop $counted
        (i32.store8 (i32.add (i32.const 1024) (local.get $j))
          (i32.add (i32.const 1) (i32.add (local.get $j) (local.get $i))))
        (local.set $s (i32.add (local.get $s) (local.get $j)))
        (br_if $counted
          (i32.ne (local.tee $j (i32.add (local.get $j) (i32.const 1))) (i32.const 9))))
      (local.set $j (i32.const 0))
      (loop $scan
        (br_if $scan (i32.load8_u (i32.add (i32.const 1024)
          (local.tee $j (i32.add (local.get $j) (i32.const 1)))))))
      (local.set $s (call $add (local.get $s) (local.get $j)))
      (br_if $outer (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1)))
                              (local.get $n))))
    (local.get $s))

  ;; A hash of the memory's first 4 KiB (what the functions above write),
  ;; so that a test compares memory with another engine.
  (func (export "mem_hash") (result i64) (local $p i32) (local $h i64)
    (local.set $h (i64.const 0xcbf29ce484222325))
    (loop $l
      (local.set $h (i64.mul (i64.xor (local.get $h) (i64.load (local.get $p)))
                             (i64.const 0x100000001b3)))
      (br_if $l (i32.lt_u (local.tee $p (i32.add (local.get $p) (i32.const 8)))
                          (i32.const 4096))))
    (local.get $h))
)
