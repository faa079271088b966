;; br_table: a dense switch, a default, nested block depths, and a br_table carrying a value.
(module
  ;; Printing helpers (each .wat is self-contained). Scratch: iovec at 0, nwritten at 8,
  ;; digit buffer at 16..47; program data from 64.
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (func $write (param $ptr i32) (param $len i32)
    (i32.store (i32.const 0) (local.get $ptr))
    (i32.store (i32.const 4) (local.get $len))
    (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8))))
  ;; Prints a signed 64-bit integer in decimal followed by a newline.
  (func $print_i64 (param $v i64)
    (local $p i32) (local $neg i32)
    (i32.store8 (i32.const 47) (i32.const 10))
    (local.set $p (i32.const 47))
    (if (i64.lt_s (local.get $v) (i64.const 0))
      (then (local.set $neg (i32.const 1))
            (local.set $v (i64.sub (i64.const 0) (local.get $v)))))
    (loop $digits
      (local.set $p (i32.sub (local.get $p) (i32.const 1)))
      (i32.store8 (local.get $p)
        (i32.add (i32.const 48) (i32.wrap_i64 (i64.rem_u (local.get $v) (i64.const 10)))))
      (local.set $v (i64.div_u (local.get $v) (i64.const 10)))
      (br_if $digits (i64.ne (local.get $v) (i64.const 0))))
    (if (local.get $neg)
      (then (local.set $p (i32.sub (local.get $p) (i32.const 1)))
            (i32.store8 (local.get $p) (i32.const 45))))
    (call $write (local.get $p) (i32.sub (i32.const 48) (local.get $p))))
  (func $print_i32 (param $v i32) (call $print_i64 (i64.extend_i32_s (local.get $v))))
  (memory (export "memory") 1)
  (func $classify (param $x i32) (result i32)
    (block $default
      (block $c3
        (block $c2
          (block $c1
            (block $c0
              (br_table $c0 $c1 $c2 $c3 $c2 $default (local.get $x)))
            (return (i32.const 100)))
          (return (i32.const 101)))
        (return (i32.const 102)))
      (return (i32.const 103)))
    (i32.const -1))
  ;; br_table with a value: the block result is the carried operand.
  (func $carry (param $x i32) (result i32)
    (block $b (result i32)
      (block $a (result i32)
        (br_table $a $b $a (i32.mul (local.get $x) (i32.const 10)) (local.get $x)))
      (i32.add (i32.const 1)))
    (i32.add (i32.const 1000)))
  ;; A state machine driven by br_table in a loop (Collatz-like step counter).
  (func $machine (param $n i32) (result i32)
    (local $steps i32)
    (loop $top
      (block $even
        (block $odd
          (block $done
            (br_table $done $odd $even
              (select (i32.const 0)
                (i32.add (i32.const 1) (i32.eqz (i32.and (local.get $n) (i32.const 1))))
                (i32.eq (local.get $n) (i32.const 1)))))
          (return (local.get $steps)))
        ;; odd
        (local.set $n (i32.add (i32.mul (local.get $n) (i32.const 3)) (i32.const 1)))
        (local.set $steps (i32.add (local.get $steps) (i32.const 1)))
        (br $top))
      ;; even
      (local.set $n (i32.shr_u (local.get $n) (i32.const 1)))
      (local.set $steps (i32.add (local.get $steps) (i32.const 1)))
      (br $top))
    (unreachable))
  (func (export "_start")
    (local $i i32)
    (loop $l
      (call $print_i32 (call $classify (local.get $i)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_s (local.get $i) (i32.const 7))))
    (call $print_i32 (call $classify (i32.const -1)))
    (call $print_i32 (call $carry (i32.const 0)))
    (call $print_i32 (call $carry (i32.const 1)))
    (call $print_i32 (call $carry (i32.const 2)))
    (call $print_i32 (call $carry (i32.const 99)))
    (call $print_i32 (call $machine (i32.const 27)))
    (call $print_i32 (call $machine (i32.const 1)))))
