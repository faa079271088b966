;; Float arithmetic on a signaling NaN constant must return a quiet NaN
;; (an arithmetic NaN). Found by `deno task fuzz --simd --nans` (seed 5002001:
;; f32.mul of -nan:0x170222 logged unquieted at -O2). LLVM 14 folds
;; x op sNaN (+ - * /, scalar and f32x4/f64x2) to that sNaN: such constants
;; are now fenced like the identities. Scalar min/max now quiet the NaN of
;; their `fadd`, which LLVM folded the same way even at -O0 (c13, c14, c18).
;; Logged as f32/f64, so the
;; logger compares quiet NaNs as equal and keeps signaling payloads.
(module
  (import "fuzzing-support" "log-f32" (func $l32 (param f32)))
  (import "fuzzing-support" "log-f64" (func $l64 (param f64)))
  (memory 1)
  (data (i32.const 0) "\00\00\80\3f\00\00\80\3f\00\00\80\3f\00\00\80\3f\00\00\00\00\00\00\f0\3f\00\00\00\00\00\00\f0\3f")
  (func (export "c0") (call $l32 (f32.mul (f32.const -nan:0x170222) (f32.load (i32.const 0)))))
  (func (export "c1") (call $l32 (f32.add (f32.load (i32.const 0)) (f32.const nan:0x1))))
  (func (export "c2") (call $l32 (f32.sub (f32.const nan:0x200000) (f32.load (i32.const 0)))))
  (func (export "c3") (call $l32 (f32.div (f32.load (i32.const 0)) (f32.const nan:0x3))))
  (func (export "c4") (call $l64 (f64.mul (f64.const -nan:0x1234) (f64.load (i32.const 16)))))
  (func (export "c5") (call $l64 (f64.add (f64.load (i32.const 16)) (f64.const nan:0x1))))
  (func (export "c6") (call $l64 (f64.sub (f64.const nan:0x4000000000000) (f64.load (i32.const 16)))))
  (func (export "c7") (call $l64 (f64.div (f64.load (i32.const 16)) (f64.const nan:0x3))))
  (func (export "c8") (call $l32 (f32.sqrt (f32.const nan:0x5))))
  (func (export "c9") (call $l32 (f32.ceil (f32.const nan:0x5))))
  (func (export "c10") (call $l32 (f32.floor (f32.const nan:0x5))))
  (func (export "c11") (call $l32 (f32.trunc (f32.const nan:0x5))))
  (func (export "c12") (call $l32 (f32.nearest (f32.const nan:0x5))))
  (func (export "c13") (call $l32 (f32.min (f32.const nan:0x5) (f32.load (i32.const 0)))))
  (func (export "c14") (call $l32 (f32.max (f32.load (i32.const 0)) (f32.const nan:0x5))))
  (func (export "c15") (call $l32 (f32.demote_f64 (f64.const nan:0x5))))
  (func (export "c16") (call $l64 (f64.promote_f32 (f32.const nan:0x5))))
  (func (export "c17") (call $l64 (f64.sqrt (f64.const nan:0x5))))
  (func (export "c18") (call $l64 (f64.min (f64.const nan:0x5) (f64.load (i32.const 16)))))
  (func (export "c19") (call $l32 (f32x4.extract_lane 1 (f32x4.mul (v128.const f32x4 2 -nan:0x170222 3 4) (v128.load (i32.const 0))))))
  (func (export "c20") (call $l32 (f32x4.extract_lane 0 (f32x4.add (v128.load (i32.const 0)) (v128.const f32x4 nan:0x1 2 3 4)))))
  (func (export "c21") (call $l32 (f32x4.extract_lane 2 (f32x4.sub (v128.const f32x4 2 3 nan:0x7 4) (v128.load (i32.const 0))))))
  (func (export "c22") (call $l32 (f32x4.extract_lane 3 (f32x4.div (v128.load (i32.const 0)) (v128.const f32x4 2 3 4 nan:0x9)))))
  (func (export "c23") (call $l64 (f64x2.extract_lane 1 (f64x2.mul (v128.const f64x2 2 -nan:0x1234) (v128.load (i32.const 16))))))
  (func (export "c24") (call $l64 (f64x2.extract_lane 0 (f64x2.add (v128.load (i32.const 16)) (v128.const f64x2 nan:0x1 2)))))
  (func (export "c25") (call $l32 (f32x4.extract_lane 0 (f32x4.sqrt (v128.const f32x4 nan:0x5 1 1 1)))))
  (func (export "c26") (call $l32 (f32x4.extract_lane 0 (f32x4.ceil (v128.const f32x4 nan:0x5 1 1 1)))))
  (func (export "c27") (call $l32 (f32x4.extract_lane 0 (f32x4.nearest (v128.const f32x4 nan:0x5 1 1 1)))))
  (func (export "c28") (call $l32 (f32x4.extract_lane 0 (f32x4.min (v128.const f32x4 nan:0x5 1 1 1) (v128.load (i32.const 0))))))
  (func (export "c29") (call $l32 (f32x4.extract_lane 0 (f32x4.max (v128.load (i32.const 0)) (v128.const f32x4 nan:0x5 1 1 1)))))
  (func (export "c30") (call $l32 (f32x4.extract_lane 0 (f32x4.demote_f64x2_zero (v128.const f64x2 nan:0x5 1)))))
  (func (export "c31") (call $l64 (f64x2.extract_lane 0 (f64x2.promote_low_f32x4 (v128.const f32x4 nan:0x5 1 1 1)))))
  (func (export "c32") (call $l64 (f64x2.extract_lane 0 (f64x2.sqrt (v128.const f64x2 nan:0x5 1)))))
)
