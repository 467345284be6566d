; ===========================================================================
; bufs.asm - the end of the image and the buffers after it.
;
; Nothing here is stored in the .COM: the buffers are addresses past its
; end, page aligned where the engine needs it (XV, ACCLO/ACCHI, Q1LO/Q1HI).
; The Go builder checks that BUFEND stays below the CCP at E400h.
; ===========================================================================

ENDIMG:                         ; end of the .COM image

BUFS    equ (ENDIMG + 255) / 256 * 256
XV      equ BUFS                ; 512  input vector (256 words)
ACCLO   equ BUFS + 512          ; 256  accumulators, low bytes
ACCHI   equ BUFS + 768          ; 256  accumulators, high bytes
Q1LO    equ BUFS + 1024         ; 256  layer 1 after bias + query, low bytes
Q1HI    equ BUFS + 1280         ; 256  ... high bytes
A0      equ BUFS + 1536         ; 512  outputs of layers 1, 3, 5, ... (words)
A1      equ BUFS + 2048         ; 512  outputs of layers 2, 4, 6, ...
CONBUF  equ A0                  ; 258  console buffer: max, count, 255 chars
QBUF    equ CONBUF + 258        ; 257  " " + trimmed query + " "
                                ;      (both inside A0/A1: they are read by
                                ;      ENCQ only, before any layer writes
                                ;      A0 or A1; this keeps the original
                                ;      tinychat model inside a 48K Spectrum)
WIN     equ A1 + 512            ; 8    context window
DESC    equ WIN + 8             ; 13   current layer descriptor (LDESC)
CURD    equ DESC + LDSIZE       ; 2    address of that descriptor
NLEFT   equ CURD + 2            ; 1    characters the reply may still have
LLEFT   equ NLEFT + 1           ; 1    layers left in this step
AMAX    equ LLEFT + 1           ; 1    argmax so far
L1CW    equ AMAX + 1            ; 2    layer 1's column of input 128 (BEGIN)
RWALK   equ L1CW + 2            ;      the column walks, copied by INIT
                                ;      (WALKLEN bytes, in the Spectrum's
                                ;      uncontended RAM; engine.asm)
RW8     equ RWALK + w8_byte - WALKS     ; the copies' entries
RW16    equ RWALK + w16_byte - WALKS
RW8END  equ RWALK + w8_end - WALKS      ; and their end tests
RW16END equ RWALK + w16_end - WALKS
STKBOT  equ RWALK + WALKLEN     ; 128  stack
STACK   equ STKBOT + 128        ;      initial SP (grows down)
BUFEND  equ STACK               ; first address past everything
