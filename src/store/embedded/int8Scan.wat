;; Dot products of one int16 query with many int8 codes, 16 dimensions per step with WebAssembly
;; SIMD: the exact scans of a selective filter over a large segment are these products.
;; Compiled into int8Scan.wasm.ts by `npm run build:wasm` (a test checks that the two agree).
(module
  (import "env" "memory" (memory 1))
  ;; For i in [0, count): out[i] = sum over j < d of query[j] * codes[list[i] * d + j].
  ;; query: d int16 at byte `query`; codes: int8, d per passage, from byte `codes`; list: uint32
  ;; passage numbers; out: int32. d must be a multiple of 16. The caller keeps |query[j]| small
  ;; enough that no sum leaves int32.
  (func (export "scan")
    (param $query i32) (param $codes i32) (param $d i32) (param $list i32) (param $count i32) (param $out i32)
    (local $i i32) (local $j i32) (local $base i32) (local $q i32) (local $acc v128) (local $c v128)
    (block $passagesDone
      (loop $passages
        (br_if $passagesDone (i32.ge_u (local.get $i) (local.get $count)))
        (local.set $base
          (i32.add (local.get $codes)
            (i32.mul (i32.load (i32.add (local.get $list) (i32.shl (local.get $i) (i32.const 2)))) (local.get $d))))
        (local.set $acc (v128.const i32x4 0 0 0 0))
        (local.set $j (i32.const 0))
        (local.set $q (local.get $query))
        (block $dimsDone
          (loop $dims
            (br_if $dimsDone (i32.ge_u (local.get $j) (local.get $d)))
            (local.set $c (v128.load (i32.add (local.get $base) (local.get $j))))
            (local.set $acc
              (i32x4.add (local.get $acc)
                (i32x4.dot_i16x8_s (i16x8.extend_low_i8x16_s (local.get $c)) (v128.load (local.get $q)))))
            (local.set $acc
              (i32x4.add (local.get $acc)
                (i32x4.dot_i16x8_s (i16x8.extend_high_i8x16_s (local.get $c)) (v128.load offset=16 (local.get $q)))))
            (local.set $j (i32.add (local.get $j) (i32.const 16)))
            (local.set $q (i32.add (local.get $q) (i32.const 32)))
            (br $dims)))
        (i32.store (i32.add (local.get $out) (i32.shl (local.get $i) (i32.const 2)))
          (i32.add
            (i32.add (i32x4.extract_lane 0 (local.get $acc)) (i32x4.extract_lane 1 (local.get $acc)))
            (i32.add (i32x4.extract_lane 2 (local.get $acc)) (i32x4.extract_lane 3 (local.get $acc)))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $passages)))))
