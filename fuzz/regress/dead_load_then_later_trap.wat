;; Reduced by wasm-reduce from fuzz seed 3100098 (--nans), then by hand:
;; a dead out-of-bounds load must trap where it is, not let the function go
;; on to trap later (both engines trap, but the global tells where).
(module
  (memory 16 17)
  (global $g (mut i32) (i32.const 0))
  (func (export "f")
    (drop (i32.xor (i32.load8_u offset=10 (i32.const -128)) (i32.const 0)))
    (global.set $g (i32.const 1))
    (i32.store16 (i32.const 4) (i32.load16_s offset=4 (i32.const -9)))))
