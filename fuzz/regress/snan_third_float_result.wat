;; A function with three float results must keep a signaling NaN's payload
;; in each (on x86-64 the third came back through the x87 stack, quieted).
(module
  (import "fuzzing-support" "log-f32" (func $log32 (param f32)))
  (import "fuzzing-support" "log-f64" (func $log64 (param f64)))
  (table 2 funcref)
  (elem (i32.const 0) $three32 $three64)
  (type $t32 (func (result f32 f32 f32)))
  (type $t64 (func (result f64 f64 f64)))
  (func $three32 (type $t32) (f32.const 1) (f32.const 2) (f32.const nan:0x200001))
  (func $three64 (type $t64) (f64.const 1) (f64.const 2) (f64.const nan:0x4000000000001))
  (func (export "f32")
    (call_indirect (type $t32) (i32.const 0))
    (call $log32) (call $log32) (call $log32))
  (func (export "f64")
    (call_indirect (type $t64) (i32.const 1))
    (call $log64) (call $log64) (call $log64)))
