;; The W3C log reader's line and space finder (w3c-log-bytes.ts, ByteLines) in WebAssembly with
;; 128-bit SIMD: sixteen bytes compared against space and LF at once, and only the matches looked at.
;; The JavaScript loop it replaces compares one byte at a time and tops out near 650 MB/s on the bench
;; log; this runs at about 1.4-1.9 GB/s (bench "log"). It fills exactly the tables the JavaScript loop
;; fills, with the same batch limits (tests/unit/server-w3c-scan-wasm.test.ts compares the two on
;; random bytes). Compiled by scripts/build-wasm.mjs into w3c-scan-wasm.ts; a test checks that the
;; committed bytes are this text compiled.
;;
;; Memory: the tables first, then the bytes being scanned (copied in by JavaScript, at most one slice).
;;   spaces  i32[66048] at      0   (BATCH * 32 + MAX_SPACES positions)
;;   starts  i32[2048]  at 264192
;;   ends    i32[2048]  at 272384
;;   counts  i32[2048]  at 280576
;;   bases   i32[2048]  at 288768
;;   input              at 296960   (the caller leaves 16 bytes of room after it: the last block is read whole)
;; Positions written to the tables are the scanned address plus `delta`: the index in the caller's array.
(module
  (memory (export "memory") 5)
  (global (export "spacesAt") i32 (i32.const 0))
  (global (export "startsAt") i32 (i32.const 264192))
  (global (export "endsAt") i32 (i32.const 272384))
  (global (export "countsAt") i32 (i32.const 280576))
  (global (export "basesAt") i32 (i32.const 288768))
  (global (export "inputAt") i32 (i32.const 296960))
  (global (export "batch") i32 (i32.const 2048))
  (global (export "maxSpaces") i32 (i32.const 512))
  (global (export "spaceRoom") i32 (i32.const 66048))
  ;; Where find stopped (caller's index): after the batch's last line, or at the unfinished line.
  (global $next (export "next") (mut i32) (i32.const 0))
  ;; 1 when the bytes ran out, 0 when the batch filled first.
  (global $exhausted (export "exhausted") (mut i32) (i32.const 0))

  ;; Fills the tables from memory[pos, to); returns the number of lines found.
  (func (export "find") (param $pos i32) (param $to i32) (param $delta i32) (result i32)
    (local $i i32) (local $lines i32) (local $base i32) (local $n i32) (local $start i32)
    (local $v v128) (local $lf i32) (local $m i32) (local $bit i32) (local $at i32)
    (local.set $start (local.get $pos))
    (local.set $i (local.get $pos))
    (block $blocksDone
      (loop $blocks
        (br_if $blocksDone (i32.ge_u (local.get $i) (local.get $to)))
        (local.set $v (v128.load (local.get $i)))
        (local.set $lf (i8x16.bitmask (i8x16.eq (local.get $v) (i8x16.splat (i32.const 10)))))
        (local.set $m (i32.or (local.get $lf) (i8x16.bitmask (i8x16.eq (local.get $v) (i8x16.splat (i32.const 32))))))
        ;; The last block may reach past `to`: only its first (to - i) bytes count.
        (if (i32.lt_u (i32.sub (local.get $to) (local.get $i)) (i32.const 16))
          (then (local.set $m (i32.and (local.get $m) (i32.sub (i32.shl (i32.const 1) (i32.sub (local.get $to) (local.get $i))) (i32.const 1))))))
        ;; The matches of this block, lowest address first.
        (block $bitsDone
          (loop $bits
            (br_if $bitsDone (i32.eqz (local.get $m)))
            (local.set $bit (i32.ctz (local.get $m)))
            (local.set $m (i32.and (local.get $m) (i32.sub (local.get $m) (i32.const 1))))
            (local.set $at (i32.add (local.get $i) (local.get $bit)))
            (if (i32.and (i32.shr_u (local.get $lf) (local.get $bit)) (i32.const 1))
              (then
                ;; LF: the line [start, at) ends; its space count and where its spaces begin.
                (i32.store offset=264192 (i32.shl (local.get $lines) (i32.const 2)) (i32.add (local.get $start) (local.get $delta)))
                (i32.store offset=272384 (i32.shl (local.get $lines) (i32.const 2)) (i32.add (local.get $at) (local.get $delta)))
                (i32.store offset=280576 (i32.shl (local.get $lines) (i32.const 2)) (local.get $n))
                (i32.store offset=288768 (i32.shl (local.get $lines) (i32.const 2)) (local.get $base))
                (local.set $lines (i32.add (local.get $lines) (i32.const 1)))
                (local.set $base (i32.add (local.get $base) (select (local.get $n) (i32.const 512) (i32.lt_u (local.get $n) (i32.const 512)))))
                (local.set $start (i32.add (local.get $at) (i32.const 1)))
                (local.set $n (i32.const 0))
                ;; The batch is full (BATCH lines, or no room for another line's MAX_SPACES spaces).
                (if (i32.or (i32.eq (local.get $lines) (i32.const 2048)) (i32.gt_u (local.get $base) (i32.const 65536)))
                  (then
                    (global.set $next (i32.add (local.get $start) (local.get $delta)))
                    (global.set $exhausted (i32.const 0))
                    (return (local.get $lines)))))
              (else
                ;; A space: its position kept while the line has fewer than MAX_SPACES, always counted.
                (if (i32.lt_u (local.get $n) (i32.const 512))
                  (then (i32.store (i32.shl (i32.add (local.get $base) (local.get $n)) (i32.const 2)) (i32.add (local.get $at) (local.get $delta)))))
                (local.set $n (i32.add (local.get $n) (i32.const 1)))))
            (br $bits)))
        (local.set $i (i32.add (local.get $i) (i32.const 16)))
        (br $blocks)))
    (global.set $next (i32.add (local.get $start) (local.get $delta)))
    (global.set $exhausted (i32.const 1))
    (local.get $lines))
)
