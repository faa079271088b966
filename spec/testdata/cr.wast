;; Checkpoint injection (deno task spec --cr): every invocation below reaches
;; migration points (entries, loop headers, calls); restoring at any of them
;; must reproduce the uninterrupted run. Expected values follow the spec.
(module
  (type $ii (func (param i32) (result i32)))
  (memory 1 4)
  (table 4 funcref)
  (global $g (mut i32) (i32.const 0))
  (global $h (mut i64) (i64.const 0))
  (data $d "\01\02\03\04")
  (elem (i32.const 0) $double $fact)
  ;; A loop with i32, i64, f64 locals that writes memory and globals.
  (func (export "sum") (param $n i32) (result i64)
    (local $i i32) (local $acc i64) (local $f f64)
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (drop (call $double (local.get $i))) ;; a call: the loop header polls
        (local.set $acc (i64.add (local.get $acc) (i64.extend_i32_u (local.get $i))))
        (local.set $f (f64.add (local.get $f) (f64.const 0.5)))
        (i32.store (i32.mul (local.get $i) (i32.const 4)) (local.get $i))
        (global.set $g (i32.add (global.get $g) (i32.const 1)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (global.set $h (i64.trunc_f64_s (local.get $f)))
    (local.get $acc))
  (func $double (type $ii) (i32.mul (local.get 0) (i32.const 2)))
  ;; Recursion: frames suspended at calls hold operand-stack values.
  (func $fact (export "fact") (type $ii)
    (if (result i32) (i32.le_s (local.get 0) (i32.const 1))
      (then (i32.const 1))
      (else (i32.mul (local.get 0) (call $fact (i32.sub (local.get 0) (i32.const 1)))))))
  (func $fib (export "fib") (param i64) (result i64)
    (if (result i64) (i64.lt_u (local.get 0) (i64.const 2))
      (then (local.get 0))
      (else (i64.add (call $fib (i64.sub (local.get 0) (i64.const 1)))
                     (call $fib (i64.sub (local.get 0) (i64.const 2)))))))
  ;; call_indirect inside a loop, with a value below the arguments.
  (func (export "indirect") (param $k i32) (result i32)
    (local $i i32) (local $r i32)
    (loop $l
      (local.set $r
        (i32.add (i32.const 100)
          (call_indirect (type $ii) (local.get $i) (i32.and (local.get $i) (i32.const 1)))))
      (i32.store offset=64 (i32.mul (local.get $i) (i32.const 4)) (local.get $r))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (local.get $k))))
    (local.get $r))
  ;; Multi-value results, a block with parameters, a loop carrying values.
  (func $swap (param i64 i32) (result i32 i64) (local.get 1) (local.get 0))
  (func $swap2 (param i32 i64) (result i64 i32) (local.get 1) (local.get 0))
  (func (export "multi") (param $n i32) (result i64 i32 f32)
    (local $i i32) (local $t i64)
    (i64.const 0) (i32.const 0)
    (loop $l (param i64 i32) (result i64 i32)
      (call $swap)
      (i64.add (i64.const 3))
      (local.set $t)
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (i32.add (local.get $i))
      (local.get $t)
      (call $swap2)
      (br_if $l (i32.lt_u (local.get $i) (local.get $n))))
    (f32.const -0.5))
  ;; memory.grow, table.grow/set, data.drop, memory.fill: state changes the
  ;; restore must carry.
  (func (export "grow") (param $n i32) (result i32)
    (local $i i32)
    (loop $l
      (drop (memory.grow (i32.const 1)))
      (memory.fill (i32.mul (memory.size) (i32.const 0x8000)) (local.get $i) (i32.const 16))
      (drop (table.grow (ref.func $double) (i32.const 1)))
      (table.set (local.get $i) (ref.func $fact))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (local.get $n))))
    (memory.init $d (i32.const 8) (i32.const 0) (i32.const 4))
    (data.drop $d)
    (i32.add (memory.size) (table.size)))
  (func (export "load") (param i32) (result i32) (i32.load (local.get 0)))
  (func (export "g") (result i32) (global.get $g))
  (func (export "h") (result i64) (global.get $h))
  (func (export "call_table") (param i32 i32) (result i32)
    (call_indirect (type $ii) (local.get 1) (local.get 0)))
  ;; A trap after some points: the restored run must trap the same way.
  (func (export "trap_late") (param $n i32) (result i32)
    (loop $l
      (local.set $n (call $dec (local.get $n)))
      (br_if $l (i32.gt_s (local.get $n) (i32.const 0))))
    (i32.div_u (i32.const 1) (local.get $n)))
  (func $dec (param i32) (result i32) (i32.sub (local.get 0) (i32.const 1)))
  (func $deep (export "deep") (param i32) (result i32)
    (i32.add (i32.const 1) (call $deep (local.get 0))))
)
(assert_return (invoke "sum" (i32.const 10)) (i64.const 45))
(assert_return (invoke "g") (i32.const 10))
(assert_return (invoke "h") (i64.const 5))
(assert_return (invoke "load" (i32.const 36)) (i32.const 9))
(assert_return (invoke "sum" (i32.const 3)) (i64.const 3))
(assert_return (invoke "g") (i32.const 13))
(assert_return (invoke "fact" (i32.const 7)) (i32.const 5040))
(assert_return (invoke "fib" (i64.const 10)) (i64.const 55))
(assert_return (invoke "indirect" (i32.const 5)) (i32.const 108))
(assert_return (invoke "load" (i32.const 76)) (i32.const 106))
(assert_return (invoke "multi" (i32.const 4)) (i64.const 12) (i32.const 10) (f32.const -0.5))
(assert_return (invoke "grow" (i32.const 2)) (i32.const 9))
(assert_return (invoke "load" (i32.const 8)) (i32.const 0x04030201))
(assert_return (invoke "load" (i32.const 0x18000)) (i32.const 0x01010101))
(assert_return (invoke "call_table" (i32.const 1) (i32.const 5)) (i32.const 120))
(assert_return (invoke "call_table" (i32.const 5) (i32.const 5)) (i32.const 10))
(assert_trap (invoke "trap_late" (i32.const 5)) "integer divide by zero")
(assert_exhaustion (invoke "deep" (i32.const 0)) "call stack exhausted")
(assert_return (invoke "g") (i32.const 13))

;; Imports from spectest only: these checks also restore in a fresh process.
(module $C
  (import "spectest" "global_i32" (global $c i32))
  (import "spectest" "print_i32" (func $print (param i32)))
  (global $x (mut i32) (i32.const 0))
  (func (export "count") (param $n i32) (result i32)
    (loop $l
      (call $print (local.get $n))
      (global.set $x (i32.add (global.get $x) (global.get $c)))
      (local.set $n (i32.sub (local.get $n) (i32.const 1)))
      (br_if $l (local.get $n)))
    (global.get $x))
)
(assert_return (invoke "count" (i32.const 3)) (i32.const 1998))
(assert_return (invoke "count" (i32.const 2)) (i32.const 3330))
(register "counter" $C)

;; A call into another instance: when the checkpoint falls there, the stack
;; spans two instances and cannot be checkpointed (counted, not failed).
(module
  (import "counter" "count" (func $count (param i32) (result i32)))
  (global $y (mut i32) (i32.const 0))
  (func (export "twice") (result i32)
    (local $i i32)
    (loop $l
      (global.set $y (call $count (i32.const 1)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (i32.const 2))))
    (global.get $y))
)
(assert_return (invoke "twice") (i32.const 4662))
(assert_return (invoke $C "count" (i32.const 1)) (i32.const 5328))

;; A non-null externref in a global cannot be checkpointed portably.
(module
  (global $e (mut externref) (ref.null extern))
  (func $dec (param i32) (result i32) (i32.sub (local.get 0) (i32.const 1)))
  (func (export "keep") (param externref) (param $n i32) (result i32)
    (global.set $e (local.get 0))
    (loop $l
      (local.set $n (call $dec (local.get $n)))
      (br_if $l (local.get $n)))
    (local.get $n))
)
(assert_return (invoke "keep" (ref.extern 1) (i32.const 3)) (i32.const 0))

;; A memory imported from another instance (shared with the instance the
;; chained check restores into): the snapshots carry it.
(module $exporter (memory (export "mem") 1))
(register "exp" $exporter)
(module
  (import "exp" "mem" (memory 1))
  (func (export "fill-imported") (param $n i32) (result i32)
    (local $i i32)
    (loop $l
      (i32.store8 (local.get $i) (i32.add (local.get $i) (i32.const 1)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (local.get $n))))
    (i32.load8_u (i32.const 4)))
  (func (export "peek") (param i32) (result i32) (i32.load8_u (local.get 0))))
(assert_return (invoke "fill-imported" (i32.const 10)) (i32.const 5))
(assert_return (invoke "peek" (i32.const 9)) (i32.const 10))
