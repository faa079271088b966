;; Reduced by wasm-reduce from fuzz seed 4 (binaryen 108 -ttf, --denan):
;; an out-of-bounds load whose value feeds an arithmetic result that is
;; dropped must still trap.
(module
  (memory 16 17)
  (func (export "f") (result i32)
    (drop (i32.xor (i32.load8_u offset=9 (i32.const -2147483647))
                   (i32.const 17)))
    (i32.const -67108864)))
