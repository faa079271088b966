;; Bulk memory: memory.fill, memory.copy (overlapping both ways), memory.init from a passive
;; segment, data.drop, and a checksum over the result.
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
  (data $words "godwit-bulk-memory")
  (data (i32.const 200) "0123456789")
  (func $sum (param $p i32) (param $n i32) (result i32)
    (local $s i32)
    (block $done
      (loop $l
        (br_if $done (i32.eqz (local.get $n)))
        (local.set $s (i32.add (i32.mul (local.get $s) (i32.const 31)) (i32.load8_u (local.get $p))))
        (local.set $p (i32.add (local.get $p) (i32.const 1)))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br $l)))
    (local.get $s))
  (func (export "_start")
    (memory.fill (i32.const 300) (i32.const 0x41) (i32.const 20))
    (call $write (i32.const 300) (i32.const 20))
    (call $print_i32 (call $sum (i32.const 300) (i32.const 20)))
    (memory.init $words (i32.const 400) (i32.const 0) (i32.const 18))
    (call $write (i32.const 400) (i32.const 18))
    (call $print_i32 (i32.const 0))
    ;; forward overlap
    (memory.copy (i32.const 202) (i32.const 200) (i32.const 8))
    (call $write (i32.const 200) (i32.const 10))
    (call $print_i32 (i32.const 1))
    ;; backward overlap
    (memory.copy (i32.const 400) (i32.const 403) (i32.const 10))
    (call $write (i32.const 400) (i32.const 18))
    (call $print_i32 (i32.const 2))
    (memory.init $words (i32.const 500) (i32.const 7) (i32.const 4))
    (call $write (i32.const 500) (i32.const 4))
    (call $print_i32 (i32.const 3))
    (data.drop $words)
    ;; zero-length init of a dropped segment is allowed
    (memory.init $words (i32.const 0) (i32.const 0) (i32.const 0))
    ;; copy/fill at the very end of memory with n=0 and n>0
    (memory.fill (i32.const 65530) (i32.const 0x7a) (i32.const 6))
    (memory.copy (i32.const 65536) (i32.const 0) (i32.const 0))
    (call $write (i32.const 65530) (i32.const 6))
    (call $print_i32 (call $sum (i32.const 0) (i32.const 65536)))))
