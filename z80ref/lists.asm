; ===========================================================================
; fast.asm - the mulm FAST inference engine for the Z80.
;
; Same contract as the compact engine (see mulm/infer): trigram encoders,
; wrapping 16-bit accumulators, bias, arithmetic (floor) shift, ReLU on
; hidden layers, argmax with the lowest index winning ties.  GENERATE,
; PUSHW and ENCQ are shared (common.asm); the model's data part (generated
; by mulm/z80ref, fast.go) and the buffer layout follow this file.
;
; Storage
; -------
; The .COM carries the weights packed 2 bits each, column-major (exactly the
; compact engine's layout: for input i, STRIDE = ceil(nout/4) bytes, first
; output in bits 7-6, 00 = 0, 01 = -1, 10 = +1, 11 = -2).  INIT expands them
; once, in place, into one BLOCK per input of every layer:
;
;     db n+   ; then n+ output indices whose weight is +1
;     db n1   ; then n1 output indices whose weight is -1
;     db n2   ; then n2 output indices whose weight is -2
;
; (each count 0..255; the builder refuses a model with a count of 256).
; The blocks are written downward from LISTTOP, from the last column of the
; last layer to column 0 of layer 1, so the write pointer stays above the
; packed bytes not read yet (the builder checks that for every column and
; places LISTTOP accordingly).  PTLk/PTHk (page aligned, low and high bytes)
; hold the block address of every input of layer k.
;
; Activations: input-stationary.  A layer's input is an ACTIVATION LIST of
; 4-byte entries (dw block address, dw x) for the non-zero inputs only,
; ended by a 0000h block address.  Layer 1's list is built from the query
; buckets once per reply (QACT) and from the 21 context n-grams (x = 32)
; every step (CTXACT); a hidden layer's FINISH builds its successor's list.
;
; Accumulators: ACCLO/ACCHI, two pages (low bytes, high bytes), so that
; H = page and L = neuron; "inc h" reaches the high byte.  Adding x in
; 1..255 (nearly every activation) is an 8-bit add plus "inc (hl)" on the
; high page when it carries; other x (>= 256 or negative) use the 16-bit
; loop.  Wrapping 16-bit addition is associative and commutative, so any
; order gives the contract's result.
;
; SP as a pointer: WALK, QACT, CTXACT and FINISH point SP into the lists
; (POP reads two indices in 10 T, PUSH writes two bytes in 11 T) with
; interrupts disabled (DI after LD A,I has saved IFF2 in the P/V flag, which
; they push on the real stack); they keep the real SP in SAVSP, restore it
; and re-enable interrupts if they were enabled (POP AF, RET PO, EI) before
; they return.  No CALL happens in between.
;
; Per step: ACC = Q1 (bias + query share, BEGIN), add the context list,
; FINISH; then for every next layer ACC = its reset image (the biases as
; 16-bit values, BIMk, built by INIT), WALK the list, FINISH.  The last
; layer's FINISH writes LOGITS (words) for ARGMAX.
;
; Layer descriptor (generated; LAYERS is the first): FLDSZ bytes, fields
; FDW (packed weights), FDB (biases), FDR (reset image), FDNIN, FDNOUT,
; FDSTR (STRIDE), FDSH (shift), FDFL (flags) and FDPT (pointer page); their
; sizes and offsets are equs in the generated data (from listDesc in
; mulm/z80ref).
;
; Registers: every routine may change every register, IX, IY, the alternate
; set and AF' included, unless it says otherwise.  T-states are Z80 figures
; (taken/not-taken for conditional jumps).
; ===========================================================================

; ---------------------------------------------------------------------------
; MKBIM - one-time start-up (INIT calls it): clear CTXACT's counts CNT and
; build the reset image BIMk of every layer after the first from its
; biases (16-bit values: nout low bytes, then nout high bytes).  BEGIN
; expands layer 1's biases itself.
; EXPB - expand the biases of the layer whose descriptor is at IX into a
; split image: low bytes from HL, high bytes from HL + DE.  Uses A, BC.
; ---------------------------------------------------------------------------
MKBIM:  ld hl,CNT              ; CNT = 0 (CTXACT keeps it so)
        ld b,128
mkb_c:  ld (hl),0
        inc l
        djnz mkb_c
        ld ix,LAYERS+FLDSZ
        ld a,(NLAYERS)
        dec a
        ret z
mkb_l:  push af
        ld l,(ix+FDR)
        ld h,(ix+FDR+1)         ; HL = BIMk low bytes
        ld e,(ix+FDNOUT)
        ld d,0
        ld a,e
        or a
        jr nz,mkb_n
        inc d                   ; DE = nout (256 when the byte is 0)
mkb_n:  call EXPB
        ld de,FLDSZ
        add ix,de
        pop af
        dec a
        jr nz,mkb_l
        ret

EXPB:   ld c,(ix+FDB)
        ld b,(ix+FDB+1)         ; BC = biases
        ld a,(ix+FDNOUT)        ; 0 = 256
exb_o:  push af
        ld a,(bc)
        inc bc
        ld (hl),a               ; low byte
        bit 0,(ix+FDFL)
        jr nz,exb_8
        ld a,(bc)               ; word biases: the high byte follows
        inc bc
        jr exb_h
exb_8:  rla                     ; byte biases: sign-extend
        sbc a,a
exb_h:  push hl
        add hl,de
        ld (hl),a               ; high byte
        pop hl
        inc hl
        pop af
        dec a
        jr nz,exb_o
        ret

; LDBIAS - ACC = the biases of the layer whose descriptor is at IX, as
; 16-bit values (for layer 1, which has no reset image).  60 T an output.
LDBIAS: ld c,(ix+FDB)
        ld b,(ix+FDB+1)         ; BC = biases
        ld hl,ACCLO
        ld e,(ix+FDNOUT)        ; E = outputs (0 = 256)
        bit 0,(ix+FDFL)
        jr z,ldb_w
ldb_8:  ld a,(bc)               ; 7   byte biases
        inc bc                  ; 6
        ld (hl),a               ; 7
        rla                     ; 4
        sbc a,a                 ; 4   sign-extended
        inc h                   ; 4
        ld (hl),a               ; 7
        dec h                   ; 4
        inc l                   ; 4
        dec e                   ; 4
        jr nz,ldb_8             ; 12
        ret
ldb_w:  ld a,(bc)               ;     word biases
        inc bc
        ld (hl),a
        ld a,(bc)
        inc bc
        inc h
        ld (hl),a
        dec h
        inc l
        dec e
        jr nz,ldb_w
        ret

; ---------------------------------------------------------------------------
; ENCCTX - context encoder.
; in:  WIN = the last 8 generated chars, lower-cased, left-padded with spaces
; out: NGR[0..20] = the bucket (0..127) of each n-gram, in the order start
;      i = 0..7, then n = 1..min(3, 8-i): h = 7*i, then h = h*31 + b over
;      the n bytes from WIN[i]; bucket h mod 128.  Each adds 32 to context
;      input 128 + bucket.  (Only h mod 128 matters, so A keeps it.)
; ---------------------------------------------------------------------------
ENCCTX: ld de,WIN               ; DE -> WIN[i]
        ld hl,NGR
        ld c,0                  ; C = 7*i
        ld b,8                  ; B = 8 - i
ectx_i: push bc
        push de
        ld a,b                  ; n-grams from this start: min(3, 8-i)
        cp 3
        jr c,ectx_k
        ld a,3
ectx_k: ld b,a
        ld a,c                  ; h = 7*i
ectx_n: ld c,a                  ; h = h*31 = h*32 - h
        add a,a
        add a,a
        add a,a
        add a,a
        add a,a
        sub c
        ex de,hl
        add a,(hl)              ; + WIN[i+n-1]
        inc hl
        ex de,hl
        and 7Fh
        ld (hl),a               ; bucket
        inc hl
        djnz ectx_n
        pop de
        inc de
        pop bc
        ld a,c
        add a,7
        ld c,a
        djnz ectx_i
        ret

; ---------------------------------------------------------------------------
; QACT - layer 1's activation list of the query: an entry (block of input i,
; XV[i]) for every non-zero query bucket i = 0..127.  out: ACTSP = the
; list (WALKA walks it).
; CTXACT - the list of the context.  With Dedupe (the dense engine, whose
; walk of a column costs the same however sparse it is): an entry (block
; of input 128+b, 32*n) for every bucket b that n >= 1 of the 21 n-grams
; NGR hit, so that a bucket hit twice is walked once; CNT (zero between
; calls) counts them.  Else (the fast engine, where that costs more than
; it saves): an entry (block of input 128+NGR[j], 32) for each n-gram.
; Both write downward from ACTTOP with PUSH (a 0000h end mark first).
; ---------------------------------------------------------------------------
QACT:   ld a,i                  ; P/V = IFF2: interrupts enabled?
        push af
        di
        ld (SAVSP),sp
        ld sp,ACTTOP
        ld hl,0
        push hl                 ; end mark
        ld a,(LAYERS+FDPT)
        ld d,a                  ; D = PTL1 page
        ld hl,XV+254            ; word 127
qa_l:   ld c,(hl)
        inc l
        ld b,(hl)               ; BC = XV[i], L = 2i+1
        ld a,b
        or c
        jr z,qa_n
        push bc                 ; x
        ld a,l
        srl a
        ld e,a                  ; E = i
        ex de,hl                ; HL = PTL1 + i, DE = XV pointer
        ld c,(hl)
        inc h
        ld b,(hl)
        dec h
        ex de,hl
        push bc                 ; block of input i
qa_n:   dec l
        ld a,l
        sub 2
        ld l,a
        jr nc,qa_l
        jr act_x

CTXACT: ld a,i
        push af
        di
        ld (SAVSP),sp
        ld sp,ACTTOP
        ld hl,0
        push hl                 ; end mark
{{if .Dedupe}}        ld de,NGR               ; count the n-grams of every bucket: CNT
        ld h,CNT/256            ; is the upper half of a page, so that
        ld b,21                 ; L = 80h + bucket
ca_c:   ld a,(de)               ; 7
        inc de                  ; 6
        or 80h                  ; 7
        ld l,a                  ; 4
        inc (hl)                ; 11
        djnz ca_c               ; 13
        ld a,(LAYERS+FDPT)
        ld c,a                  ; C = PTL1 page
        ld de,NGR
        ld b,21
ca_l:   ld a,(de)               ; 7
        inc de                  ; 6
        or 80h                  ; 7   input 128 + bucket
        ld l,a                  ; 4
        ld h,CNT/256            ; 7
        ld a,(hl)               ; 7   its n-grams (0: listed already)
        or a                    ; 4
        jr z,ca_n               ; 12/7
        ld (hl),0               ; 10  CNT is all zero again at the end
        ld h,0
        ld l,a
        add hl,hl
        add hl,hl
        add hl,hl
        add hl,hl
        add hl,hl               ; 55  HL = 32 * count
        push hl                 ; 11  x
        dec de
        ld a,(de)
        inc de
        or 80h
        ld l,a
        ld h,c
        ld a,(hl)
        inc h
        ld h,(hl)
        ld l,a
        push hl                 ; 11  its block
ca_n:   djnz ca_l               ; 13
{{else}}        ld a,(LAYERS+FDPT)
        ld c,a                  ; C = PTL1 page
        ld ix,32                ; every n-gram adds 32
        ld de,NGR
        ld b,21
ca_l:   push ix                 ; 15  x = 32
        ld a,(de)               ; 7
        inc de                  ; 6
        or 80h                  ; 7   input 128 + bucket
        ld l,a                  ; 4
        ld h,c                  ; 4
        ld a,(hl)               ; 7
        inc h                   ; 4
        ld h,(hl)               ; 7
        ld l,a                  ; 4
        push hl                 ; 11  its block
        djnz ca_l               ; 13
{{end}}act_x:  ld (ACTSP),sp           ; the list, for WALKA
        jp SPBACK

; SPBACK - the common exit of the routines that borrow SP: the real SP
; back, interrupts enabled again if they were (flags pushed after LD A,I).
SPBACK: ld sp,(SAVSP)
        pop af
        ret po                  ; they were disabled
        ei
        ret

; ---------------------------------------------------------------------------
; FINISH - the outputs of the layer whose descriptor is in CURD, from the
; accumulators.  y[o] = ACC[o] >> shift (arithmetic, rounds toward minus
; infinity).  Hidden layer: ReLU, and the activation list of the next layer
; (entries for y[o] > 0 only, o descending in memory order ascending) at
; ACTLIST.  Last layer: LOGITS[o] = y[o], words.
; Hidden cost per output: 38 T when ACC < 0; else 60 + 16*shift T, and
; 55 T more when y > 0 (two PUSHes and the block lookup).
; ---------------------------------------------------------------------------
FINISH: ld ix,(CURD)
        ld c,(ix+FDSH)          ; C = shift
        ld b,(ix+FDNOUT)        ; B = outputs (0 = 256)
        bit 7,(ix+FDFL)
        jp z,FINL
        ld a,c                  ; IY = fh_t - 4*shift: the entry into the
        add a,a                 ; chain of 15 shifts below (4 bytes each)
        add a,a
        ld e,a
        ld d,0
        ld hl,fh_t
        or a
        sbc hl,de
        push hl
        pop iy
        ld c,(ix+FLDSZ+FDPT)    ; C = the next layer's PTL page
        ld h,ACCHI/256
        ld l,b
        dec l                   ; L = nout-1
        ld a,i
        push af
        di
        ld (SAVSP),sp
        ld sp,ACTTOP
        ld de,0
        push de                 ; end mark
fh_l:   ld a,(hl)               ; 7   high byte
        or a                    ; 4
        jp m,fh_z               ; 10  negative: ReLU gives 0, no entry
        ld d,a                  ; 4
        dec h                   ; 4
        ld e,(hl)               ; 7   DE = ACC[o] >= 0
        inc h                   ; 4
        jp (iy)                 ; 8   shift: the last SHIFT pairs below
        srl d                   ; 8   DE >>= 1, 16 T per bit
        rr e
        srl d
        rr e
        srl d
        rr e
        srl d
        rr e
        srl d
        rr e
        srl d
        rr e
        srl d
        rr e
        srl d
        rr e
        srl d
        rr e
        srl d
        rr e
        srl d
        rr e
        srl d
        rr e
        srl d
        rr e
        srl d
        rr e
        srl d
        rr e
fh_t:   ld a,d                  ; 4
        or e                    ; 4
        jr z,fh_z               ; 12/7 shifted to 0
        push de                 ; 11  x
        ld h,c                  ; 4
        ld e,(hl)               ; 7
        inc h                   ; 4
        ld d,(hl)               ; 7
        push de                 ; 11  block of input o of the next layer
        ld h,ACCHI/256          ; 7
fh_z:   dec l                   ; 4
        djnz fh_l               ; 13/8
        ld hl,0
        add hl,sp
        ld (ACTLIST),hl
        jp SPBACK

FINL:   ld hl,ACCLO
        ld de,LOGITS
fl_l:   push bc
        ld a,c                  ; shift
        ld c,(hl)
        inc h
        ld b,(hl)               ; BC = ACC[o]
        dec h
        or a
        jr z,fl_w
fl_s:   sra b                   ; arithmetic: floor
        rr c
        dec a
        jr nz,fl_s
fl_w:   ex de,hl
        ld (hl),c
        inc hl
        ld (hl),b
        inc hl
        ex de,hl
        inc l
        pop bc
        djnz fl_l
        ret

; ---------------------------------------------------------------------------
; LDACC - accumulators = the image at HL (B = nout, 0 = 256: nout low bytes
; then nout high bytes).
; CPYN - copy A bytes (0 = 256) from HL to DE: the first n mod 16 with LDIR
; (21 T a byte), the rest with 16 unrolled LDIs (16 T a byte, + 10 T per
; 16).  Uses A, BC.
; ---------------------------------------------------------------------------
LDACC:  ld a,b
        push af
        ld de,ACCLO
        call CPYN
        pop af
        ld de,ACCHI             ; HL continues with the high bytes
CPYN:   ld c,a
        ld b,0
        or a
        jr nz,cpn_1
        inc b                   ; BC = 256
cpn_1:  and 0Fh
        jr z,cpn_l              ; a multiple of 16
        push bc
        ld c,a
        ld b,0
        ldir                    ; the first n mod 16 bytes
        pop bc
        ld a,c
        and 0F0h
        ld c,a                  ; BC = the rest (B = 0: n < 256 here)
        ret z                   ; n < 16: done
cpn_l:  ldi                     ; 16 x 16 T
        ldi
        ldi
        ldi
        ldi
        ldi
        ldi
        ldi
        ldi
        ldi
        ldi
        ldi
        ldi
        ldi
        ldi
        ldi
        jp pe,cpn_l             ; 10  P/V: BC not 0
        ret

; ---------------------------------------------------------------------------
; LAYER - run one layer on the activation list at ACTLIST.
; in:  HL = its descriptor (not layer 1's, which has no reset image: STEP
; runs it through L1LIST).  ACC = its reset image (biases), WALK, FINISH.
; ---------------------------------------------------------------------------
LAYER:  ld (CURD),hl
        push hl
        pop ix
        ld l,(ix+FDR)
        ld h,(ix+FDR+1)
        ld b,(ix+FDNOUT)
        call LDACC
        ld hl,(ACTLIST)
        call WALK
        jp FINISH

; ---------------------------------------------------------------------------
; BEGIN - once per reply, after ENCQ: Q1 = layer-1 biases + the query
; share (inputs 0..127 times XV[0..127]); WIN = 8 spaces.
; ---------------------------------------------------------------------------
BEGIN:  ld hl,LAYERS
        ld (CURD),hl            ; the layer WALK walks (the dense engine
        ld ix,LAYERS            ; reads its STRIDE)
        call LDBIAS             ; ACC = layer 1's biases
        call QACT
        call WALKA
        ld a,(LAYERS+FDNOUT)    ; Q1 = ACC: low bytes, then high bytes
        push af
        ld hl,ACCLO
        ld de,Q1
        call CPYN
        pop af
        ld hl,ACCHI
        call CPYN
        ld hl,WIN
        ld b,8
beg_w:  ld (hl),' '
        inc hl
        djnz beg_w
        ret

; ---------------------------------------------------------------------------
; L1LIST - layer 1 of a step: ACC = Q1 (BEGIN's bias + query share), plus
; the activation list at ACTSP (CTXACT's: inputs 128..255), then FINISH.
; STEP calls it; so does the stage API, with a list of its own.
; ---------------------------------------------------------------------------
L1LIST: ld hl,LAYERS
        ld (CURD),hl
        ld hl,Q1
        ld a,(LAYERS+FDNOUT)
        ld b,a
        call LDACC
        call WALKA
        jp FINISH

; ---------------------------------------------------------------------------
; STEP - one character: encode the context, run every layer, argmax.
; in:  Q1 (BEGIN) and WIN
; out: A = index of the next character (EOSIDX for EOS)
; Hooks: STEPX (NGR complete; with XV's query words it is the input
; vector), STEPL (after each layer: CURL = its index, 0-based; a hidden
; layer's output is the list at ACTLIST, the last one's LOGITS), STEPA (A =
; the argmax).
; ---------------------------------------------------------------------------
STEP:   call ENCCTX
STEPX:                          ; hook: the input vector is complete
        xor a
        ld (CURL),a
        call CTXACT             ; ACTSP = the context's list
        call L1LIST             ; layer 1
STEPL:                          ; hook: layer CURL done
        ld hl,CURL
        inc (hl)
        ld a,(NLAYERS)
        cp (hl)
        jr z,step_a
        ld hl,(CURD)
        ld de,FLDSZ
        add hl,de
        call LAYER
        jr STEPL
step_a: call ARGMAX
STEPA:                          ; hook: A = argmax
        ret

; ---------------------------------------------------------------------------
; ARGMAX - A = index of the largest word of LOGITS (the last layer's nout
; words); the lowest index wins a tie.  Values are compared as unsigned
; after flipping the sign bit, which orders them as signed.
; ---------------------------------------------------------------------------
ARGMAX: ld hl,LOGITS
        ld a,(LASTD+FDNOUT)
        jp ARGMW                ; common.asm
