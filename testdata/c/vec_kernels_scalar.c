/* wasm-cflags: -O3 */
/* vec_kernels.c built without -msimd128: the scalar baseline of the same loops. */
#include "vec_kernels.c"
