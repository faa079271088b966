;; memory.grow and memory.size: growing, writing into new pages, failing past the maximum.
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
  (memory (export "memory") 1 5)
  (func (export "_start")
    (call $print_i32 (memory.size))
    (call $print_i32 (memory.grow (i32.const 2)))
    (call $print_i32 (memory.size))
    ;; write at the last byte of the new memory and read it back
    (i32.store (i32.const 196604) (i32.const 0x12345678))
    (call $print_i32 (i32.load (i32.const 196604)))
    (call $print_i32 (i32.load16_u (i32.const 196606)))
    (call $print_i32 (memory.grow (i32.const 3)))
    (call $print_i32 (memory.size))
    (call $print_i32 (memory.grow (i32.const 0)))
    (call $print_i32 (memory.grow (i32.const 2)))
    (call $print_i32 (memory.size))
    ;; unaligned access across the new page boundary
    (i64.store (i32.const 131069) (i64.const 0x0102030405060708))
    (call $print_i64 (i64.load (i32.const 131069)))
    (call $print_i32 (i32.load8_u (i32.const 131072)))
    ;; reading just past the end traps
    (call $print_i32 (i32.load (i32.const 327680)))))
