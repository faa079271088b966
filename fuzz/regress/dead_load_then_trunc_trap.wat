;; Reduced by wasm-reduce from fuzz seed 1001449: a dead out-of-bounds load
;; must trap (memory) before the later trunc traps (integer overflow).
(module
  (memory 16 17)
  (func (export "f") (result i32)
    (drop (i32.add (i32.load16_s offset=22 align=1 (i32.const -2049))
                   (i32.const 16384)))
    (drop (i32.trunc_f64_s (f64.const 0x1.fffffep+127)))
    (i32.const -692160)))
