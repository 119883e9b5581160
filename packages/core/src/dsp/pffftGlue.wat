;; The two per-sample loops around PFFFT's real transform, in WebAssembly SIMD, on PFFFT's own
;; memory (imported): labrx's packages/core/src/dsp/pffftGlue.ts holds the assembled bytes.
;; Every operation is the IEEE one JavaScript does (f64 multiply, round to f32 on the way in;
;; f32 → f64, squares, sum and scale in f64 on the way out), so results equal the JS loops' bit for bit.
(module
  (import "env" "memory" (memory 0))

  ;; out[i] = f32(x[i] · w[i]) for i < n; x, w Float64 arrays, out Float32; n a multiple of 4,
  ;; every pointer 16-byte aligned (byte offsets).
  (func (export "window") (param $x i32) (param $w i32) (param $out i32) (param $n i32)
    (local $end i32)
    (local.set $end (i32.add (local.get $out) (i32.shl (local.get $n) (i32.const 2))))
    (block $done
      (br_if $done (i32.eqz (local.get $n)))
      (loop $next
        (v128.store (local.get $out)
          (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23
            (f32x4.demote_f64x2_zero (f64x2.mul (v128.load (local.get $x)) (v128.load (local.get $w))))
            (f32x4.demote_f64x2_zero (f64x2.mul (v128.load offset=16 (local.get $x)) (v128.load offset=16 (local.get $w))))))
        (local.set $x (i32.add (local.get $x) (i32.const 32)))
        (local.set $w (i32.add (local.get $w) (i32.const 32)))
        (local.set $out (i32.add (local.get $out) (i32.const 16)))
        (br_if $next (i32.lt_u (local.get $out) (local.get $end))))))

  ;; For the bins k = from, from+1, …, to−1 (from even, to − from even) of an ordered real
  ;; transform z (Float32: Re X_k at z[2k], Im X_k at z[2k+1]):
  ;; p = scale[k] · (Re² + Im²); mean[k] = p when $store, else mean[k] + (p − mean[k]) · weight.
  ;; scale, mean Float64 arrays indexed by k; pointers are byte offsets of element 0.
  (func (export "power") (param $z i32) (param $scale i32) (param $mean i32) (param $from i32) (param $to i32) (param $weight f64) (param $store i32)
    (local $k i32) (local $v v128) (local $lo v128) (local $hi v128) (local $p v128) (local $m v128) (local $wt v128)
    (local.set $wt (f64x2.splat (local.get $weight)))
    (local.set $k (local.get $from))
    (block $done
      (br_if $done (i32.ge_u (local.get $k) (local.get $to)))
      (loop $next
        (local.set $v (v128.load (i32.add (local.get $z) (i32.shl (local.get $k) (i32.const 3)))))
        (local.set $lo (f64x2.promote_low_f32x4 (local.get $v)))
        (local.set $hi (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $v) (local.get $v))))
        (local.set $lo (f64x2.mul (local.get $lo) (local.get $lo)))
        (local.set $hi (f64x2.mul (local.get $hi) (local.get $hi)))
        (local.set $p
          (f64x2.mul
            (v128.load (i32.add (local.get $scale) (i32.shl (local.get $k) (i32.const 3))))
            (f64x2.add
              (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $lo) (local.get $hi))
              (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $lo) (local.get $hi)))))
        (if (local.get $store)
          (then (v128.store (i32.add (local.get $mean) (i32.shl (local.get $k) (i32.const 3))) (local.get $p)))
          (else
            (local.set $m (v128.load (i32.add (local.get $mean) (i32.shl (local.get $k) (i32.const 3)))))
            (v128.store (i32.add (local.get $mean) (i32.shl (local.get $k) (i32.const 3)))
              (f64x2.add (local.get $m) (f64x2.mul (f64x2.sub (local.get $p) (local.get $m)) (local.get $wt))))))
        (local.set $k (i32.add (local.get $k) (i32.const 2)))
        (br_if $next (i32.lt_u (local.get $k) (local.get $to))))))
)
