; ===========================================================================
; dense.asm - the DENSE engine's start-up and walk: packed columns walked a
; byte (four weights) at a time through 256 generated handlers.
;
; The shared list-engine core (lists.asm) documents the activation lists,
; the accumulators and the descriptor; here a PTLk/PTHk entry is the
; address of input i's packed column (W + i*STRIDE), not an index list, so
; the weights stay as the .COM carries them: 2 bits each, whatever the
; model's density.
;
; Handlers: for every stored byte value t, whose four codes are HCODE[t]
; (the first output in bits 7-6; 00 = 0, 01 = -1, 10 = +1, 11 = -2), INIT
; writes a handler that adds the four weights times x into ACC[E..E+3] and
; leaves E four outputs on; then it jumps to NEXT, which fetches the
; column's next byte and jumps to that byte's handler.  Handler t starts at
; offset t of page HPT[t] (a 256-byte table in the data), so a dispatch is
;     ld l,a / ld h,DTBL/256 / ld h,(hl) / jp (hl)       (22 T)
; with DTBL the page-aligned copy of HPT.  The builder chose which value t
; stands for which codes so that the handlers pack tightly, and stored the
; weights accordingly.
;
; Every column is followed by a sentinel: the stored value HSENT of the
; model's rarest byte of codes, whose handler starts with a check of SP
; against the column's end (HT_END), so that no other byte pays for
; counting.  Columns are stored in pairs, 2j and 2j+1 interleaved byte by
; byte (2*(STRIDE + 1) bytes a pair), so that NEXT pops two bytes, uses
; the first and needs no dec sp.
;
; Registers in the walk of one column (x in 1..127): SP the column (two
; bytes a NEXT), DE accumulator (D = ACCLO page, E = output), C = x,
; B = 2x, HL the dispatch, A scratch.
; Other x (128 or more, or negative: rare, ReLU outputs are small) walk
; the column twice (see WALK).
; ===========================================================================

; ---------------------------------------------------------------------------
; NEXT - every handler's end (INIT copies it there): the column's next byte
; t (SP walks the column, two bytes a pop: columns are stored in pairs,
; interleaved byte by byte), then handler t.  28 T.
; ---------------------------------------------------------------------------
NEXT:   pop hl                  ; 10  L = t (H = the other column's byte)
        ld h,DTBL/256           ; 7
        ld h,(hl)               ; 7   HPT[t]
        jp (hl)                 ; 4   handler t, at offset t
HTNLEN  equ $ - NEXT

; ---------------------------------------------------------------------------
; WALK - add every input of an activation list into the accumulators:
;      ACC[o] += w[o][i] * x for every entry (column of i, x) and every o.
;      in: HL = the list; CURD = the layer (its STRIDE).
; The list ends with a 0000h column; the word above it (ACTTOP) is FFFFh
; (INIT's), which the walk reads as that entry's x, so that only the rare
; path of an x outside 0..255 looks for the end.  An x of 0 (no list has
; one) would be walked as the 8-bit x it is.
; Per input with x in 1..127: 122 T to fetch the entry and start the column
; (up to and with its first NEXT), and leaving it at its sentinel (HT_END,
; 26 T); per byte the handler (per non-zero weight 25 T, 65 T with a carry,
; 53 T for a handler's last; 4 T per output) and its copy of NEXT (28 T).
; Other x = 256h + l (x of 128..255, or negative, included) walk the
; column twice through the same handlers: h on the high bytes (D = ACCHI
; page, C = h, B = 2h + 1 if l >= 128 else 2h, mod 256), the carries out
; of a high byte going to ACCX, the page above ACCHI, which nothing reads;
; then l on the low bytes (C = l, B = 2l mod 256; none for an l of 0).
; Together they add w*x mod 65536: a -2 takes 2l mod 256 off the low byte
; and 2h + (l >= 128), with the borrow, off the high byte.  (For x in
; 128..255, h = 0: the first walk only takes 1 off the high byte of a -2,
; and its +1 and -1, adding or taking 0, never carry.)
; Code is set as it runs (self-modifying): per layer the column's end (E
; there, 4*STRIDE mod 256) in the sentinel handler's cp n (whose address
; INIT writes at dw_ce+1), per entry the list's position in dw_nx's
; ld sp,nn; and in the full variant WALKA clears L1C0's c0_f (ACC is no
; longer BEGIN's Q1), 17 T a walk.
; ---------------------------------------------------------------------------
WALK:   ld (ACTSP),hl
WALKA:
{{if .Ctx0}}        xor a                   ; ACC is no longer Q1 (L1C0)
        ld (c0_f+1),a
{{end}}        ld a,i                  ; WALKA: the list at ACTSP
        push af
        di
        ld (SAVSP),sp
        ld hl,(ACTSP)
        ld (dw_nx+1),hl         ; the list, in dw_nx's ld sp,nn
        ld ix,(CURD)
        ld a,(ix+FDSTR)
        add a,a
        add a,a
dw_ce:  ld (0),a                ; 4*STRIDE mod 256: E at a column's end,
                                ; into HT_END's cp n (INIT sets the address)
        ld d,ACCLO/256          ; D = the ACCLO page (dw_8 keeps it)
        ld ix,dw_nx             ; where a column's end goes (HT_END)
dw_nx:  ld sp,0                 ; 10  the list (self-modifying)
        pop hl                  ; 10  HL = column of input i (0 = end)
        pop bc                  ; 10  BC = x (FFFFh after the end)
        ld (dw_nx+1),sp         ; 20
        inc b                   ; 4   B back after djnz: not 0 (taken) when
        djnz dw_w               ; 8   x is not in 0..255, or at the end
        ld a,c                  ; 4
        add a,a                 ; 4   2x; a carry: x in 128..255
        jr c,dw_h               ; 7
        ld b,a                  ; 4   B = 2x
dw_8:   ld sp,hl                ; 6   SP walks the column
        ld e,0                  ; 7   E = output 0
        pop hl                  ; 10  NEXT, inline: the first byte
        ld h,DTBL/256           ; 7
        ld h,(hl)               ; 7
        jp (hl)                 ; 4
dw_w:   ld a,h
        or a
        jp z,SPBACK             ; the end
dw_h:   ld a,c                  ; x = 256h + l (dw_h: h = 0, l >= 128)
        ld (WX2),a              ; l for the second walk (dw_lo)
        ld (WCOL),hl
        rlca                    ; CY = l >= 128
        ld a,b
        adc a,a
        ld c,b                  ; C = h
        ld b,a                  ; B = 2h + (l >= 128), mod 256
        ld ix,dw_lo
        ld d,ACCHI/256          ; dw_8's walk, on the high bytes
        jr dw_8
dw_lo:  ld ix,dw_nx             ; the column's second walk: l (0..255)
        ld d,ACCLO/256
        ld hl,(WCOL)
        ld a,(WX2)
        or a
        jr z,dw_nx              ; (none for an l of 0)
        ld c,a
        add a,a
        ld b,a                  ; B = 2l mod 256
        jr dw_8

; ===========================================================================
; What only INIT uses, last in the code: INIT, its helpers here and the
; templates it copies (lists.asm's MKBIM, EXPB and F1PAT stay with their
; code), followed by the data only INIT reads (HPT, HCODE, HSENT, HINL,
; HSTB, at the start of data.asm, up to INITEND).  Once INIT has returned
; these bytes are dead, and XV and Q1 lie over them (densebufs.asm: OVL).
; ===========================================================================

; ---------------------------------------------------------------------------
; INIT - one-time start-up: the reset images (MKBIM), the column address of
; every input of every layer (PTLk/PTHk), the dispatch page DTBL and the 256
; handlers, then the C0 vectors.  Uses the normal stack.  About 1.1 to
; 1.4 M T-states (mulm bench, start-up), most of it the handlers' options
; and the vectors' walks.  Must run exactly once, before anything else:
; XV and Q1 lie over it and its tables afterwards.
; ---------------------------------------------------------------------------
INIT:   call MKBIM
        ld hl,0FFFFh            ; the x WALK reads after a list's end mark
        ld (ACTTOP),hl
        ld a,(L1BIT)            ; layer 1's pre-shift m (see L1LIST): the
        call F1PAT              ; sign bit and the mask FINISH1 tests,
        ld a,(L1MSK)
        ld (f1_m+1),a
        ld a,(L1PRE)            ; and CTXACT's x: 2^(5-m) per n-gram, the
        or a                    ; first m of its five add hl,hl made nops
        jr z,in_np
        ld b,a
        ld hl,ca_sh
in_nl:  ld (hl),0
        inc hl
        djnz in_nl
in_np:
        ld ix,LAYERS
        ld a,(NLAYERS)
pt_ly:  push af
        ld l,(ix+FDW)
        ld h,(ix+FDW+1)         ; HL = column 0
        ld e,(ix+FDSTR)
        ld d,0
        ex de,hl
        add hl,hl
        inc hl
        ex de,hl                ; DE = 2*STRIDE + 1
        ld a,(ix+FDNIN)         ; 0 = 256 columns
        dec a
        srl a
        inc a
        ld b,a                  ; B = the column pairs, (NIN + 1) / 2
        ld a,(ix+FDPT)
        exx
        ld h,a
        ld l,0                  ; HL' = PTLk + 0
        exx
pt_i:   call PTPUT              ; column 2j at HL
        inc hl
        call PTPUT              ; column 2j+1 at HL + 1 (odd NIN: a pad)
        add hl,de               ; the next pair, past its sentinels
        djnz pt_i
        ld de,FLDSZ
        add ix,de
        pop af
        dec a
        jr nz,pt_ly
        ld hl,HPT               ; DTBL = HPT (page aligned)
        ld de,DTBL
        ld bc,256
        ldir
        ld a,(HSENT)            ; WALKA writes a layer's column end (E
        ld l,a                  ; there) into the sentinel handler's cp n
        ld h,DTBL/256
        ld h,(hl)
        inc hl
        inc hl
        ld (dw_ce+1),hl
        ld c,0                  ; C = t, the stored byte value
hg_s:   ld h,DTBL/256
        ld l,c
        ld d,(hl)
        ld e,c                  ; DE = handler t (offset t of page HPT[t])
        ld a,(HSENT)
        cp c
        jr nz,hg_c
        ld hl,HT_END            ; the sentinel's handler checks the end first
        ld bc,HTELEN
        ldir
        ld a,(HSENT)
        ld c,a
hg_c:   ld b,0
        ld hl,HCODE
        add hl,bc
        ld a,(hl)               ; A = its codes
        ld hl,OPL
        ld (HOPP),hl            ; no op recorded yet
        push af
        ld hl,HSTB              ; HSTB bit t: carries in stubs, else inline
        call HBIT
        sbc a,a
        ld (HSTUB),a            ; FFh: stubs
        pop af
        ld b,4                  ; four codes
hg_k:   rlca
        rlca                    ; the next code in bits 1-0
        push af
        push bc
        and 3
        jr z,hg_z               ; weight 0: no code
        ld (HCUR),a             ; the code, for its carry stub
        add a,a
        ld l,a
        ld h,0
        ld a,(HSTUB)
        or a
        jr nz,hg_ts
        ld bc,HTTI-2            ; carry inline
        add hl,bc
        ld a,(hl)
        inc hl
        ld h,(hl)
        ld l,a
        ld bc,HTILEN
        ldir
        jr hg_z
hg_ts:  ld bc,HTT-2
        add hl,bc
        ld a,(hl)
        inc hl
        ld h,(hl)
        ld l,a                  ; HL = the template of this code
        ld bc,HTLEN
        ldir
        ld hl,(HOPP)            ; record the op: where its jr c's
        dec de                  ; displacement is, and its code
        ld (hl),e
        inc hl
        ld (hl),d
        inc hl
        inc de
        ld a,(HCUR)
        ld (hl),a
        inc hl
        ld (HOPP),hl
hg_z:   ld a,1Ch                ; inc e: the next output
        ld (de),a
        inc de
        pop bc
        pop af
        djnz hg_k
        push bc
        ld hl,HINL              ; HINL bit t: a copy of NEXT, else jp NEXT
        call HBIT
        jr c,hg_n
        ex de,hl                ; jp NEXT
        ld (hl),0C3h
        inc hl
        ld de,NEXT
        ld (hl),e
        inc hl
        ld (hl),d
        inc hl
        ex de,hl
        jr hg_e
hg_n:   ld hl,NEXT              ; a copy of NEXT
        ld bc,HTNLEN
        ldir
hg_e:   ld (HEND),de            ; the handler's end: its stubs follow
        ld hl,OPL               ; then a carry stub for every op
hg_st:  ld bc,(HOPP)
        ld a,l
        cp c
        jr nz,hg_s1
        ld a,h
        cp b
        jr z,hg_se              ; all done
hg_s1:  ld c,(hl)
        inc hl
        ld b,(hl)               ; BC = the op's jr c displacement
        inc hl
        ld a,e                  ; jr c to the stub at DE: DE - (BC + 1)
        sub c
        dec a
        ld (bc),a
        ld a,(hl)               ; the op's code
        inc hl
        push hl
        push bc
        push af
        ld bc,(HOPP)
        or a
        sbc hl,bc
        ld a,0
        jr nz,hg_s2
        dec a                   ; FFh: the handler's last op
hg_s2:  ld (HLST),a
        pop af
        add a,a
        ld l,a
        ld h,0
        ld bc,HST-2
        add hl,bc
        ld a,(hl)
        inc hl
        ld h,(hl)
        ld l,a                  ; HL = the stub template of the code
        ld bc,HSTLEN
        ld a,(HLST)
        or a
        jr z,hg_s3
        ld c,HSTLEN-2           ; the last op's: without the jr back
hg_s3:  ldir
        pop bc
        or a
        jr nz,hg_tl
        ld a,c                  ; its jr back after the op: (BC + 1) - DE
        inc a
        sub e
        dec de
        ld (de),a
        inc de
        pop hl
        jr hg_st
hg_tl:  ld h,b                  ; the last op's stub ends with a copy of
        ld l,c                  ; the handler's tail after the op (its
        inc hl                  ; inc e's and NEXT): no jump back
        push hl
        ld hl,(HEND)
        pop bc
        or a
        sbc hl,bc               ; HL = the tail's length
        push hl
        ld h,b
        ld l,c
        pop bc
        ldir
        pop hl
        jr hg_st                ; (all done: HL = HOPP)
hg_se:  pop bc
        ld b,0
        inc c
        jp nz,hg_s
{{if .Ctx0}}        ld a,(NC0)              ; the C0 vectors (see L1C0): vector v is
        or a                    ; layer 1's share of the n-grams in the
        ret z                   ; first k = 8 - v spaces of a window (i + n
        ld a,30h                ; <= k), walked from ACC = 0 as L1LIST
        ld (ca_j),a             ; walks them: CTXACT lists only those (jr nc)
        ld hl,WIN               ; a window of spaces
        ld b,8
in_w:   ld (hl),' '
        inc hl
        djnz in_w
        ld b,0                  ; B = v
in_v:   push bc
        call ENCCTX             ; (each time: NGR may be in ACCX, where
                                ; the walks carry)
        pop bc
        push bc
        ld a,9
        sub b
        ld (ca_k+1),a           ; k + 1
        call CTXACT
        ld hl,ACCLO             ; ACC = 0
        ld b,0
        xor a
in_z:   ld (hl),a
        inc h
        ld (hl),a
        dec h
        inc l
        djnz in_z
        ld hl,LAYERS
        ld (CURD),hl
        call WALKA
        pop bc
        push bc
        ld a,b
        add a,a
        add a,C0V/256
        ld d,a
        ld e,0                  ; DE = vector v: 256 words, ACC[o]
        ld hl,ACCLO
in_c:   ld a,(hl)
        ld (de),a
        inc de
        inc h
        ld a,(hl)
        ld (de),a
        inc de
        dec h
        inc l
        jr nz,in_c
        pop bc
        inc b
        ld a,(NC0)
        cp b
        jr nz,in_v
        ld a,38h                ; CTXACT: jr c again (STEP's)
        ld (ca_j),a
        ret
{{else}}        ret                     ; (the lean variant: no C0 vectors)
{{end}}
; PTPUT - PTL[i], PTH[i] = HL at HL' (PTLk + i), then i + 1.  Uses A.
PTPUT:  ld a,l
        exx
        ld (hl),a
        inc h
        exx
        ld a,h
        exx
        ld (hl),a
        dec h
        inc l
        exx
        ret

; HBIT - carry = bit C%8 of byte C/8 of the bitmap at HL.  Uses A, B, HL.
HBIT:   ld a,c
        rrca
        rrca
        rrca
        and 1Fh
        add a,l
        ld l,a
        jr nc,hb_n
        inc h
hb_n:   ld a,c
        and 7
        ld b,a
        ld a,(hl)
        inc b
hb_l:   dec b
        jr z,hb_t
        rrca
        jr hb_l
hb_t:   rrca
        ret

; The templates INIT copies, HTLEN bytes each (code 01 = -1: ACC[E] -= x,
; 10 = +1: += x, 11 = -2: -= 2x, with B = 2x < 256): 25 T when there is no
; carry (or borrow) into the high byte; else the jr c goes to the op's
; stub (HSTLEN bytes, copied after the handler's end) and back, 65 T in
; all; the stub of a handler's last op ends with a copy of the handler's
; tail (its inc e's and NEXT) instead of the jump back: 53 T.  INIT sets both displacements.  One template each ("op", "stub"),
; expanded at build time (Go text/template).
HTT:    dw HT_M1, HT_P1, HT_M2
{{define "op"}}{{.L}}:  ld a,(de)               ; 7
        {{printf "%-24s" .Op}}; 4
        ld (de),a               ; 7
        jr c,{{.L}}X            ; 7/12  to the carry stub
{{.L}}X:
{{end}}{{template "op" (op "HT_M1" "sub c" "dec a")}}{{template "op" (op "HT_P1" "add a,c" "inc a")}}{{template "op" (op "HT_M2" "sub b" "dec a")}}HTLEN   equ HT_P1 - HT_M1
; The same ops with the carry inline (for handlers the memory has no room
; for stubs in): 30 T, 48 T with a carry.
HTTI:   dw HI_M1, HI_P1, HI_M2
{{define "opi"}}{{.L}}:  ld a,(de)               ; 7
        {{printf "%-24s" .Op}}; 4
        ld (de),a               ; 7
        jr nc,{{.L}}X           ; 12/7
        ld h,d                  ; 4   HL = the high byte (HL is free in
        ld l,e                  ; 4   a handler: NEXT pops it anew)
        inc h                   ; 4
        {{printf "%-24s" .Cy}}; 11  carry or borrow into it
{{.L}}X:
{{end}}{{template "opi" (op "HI_M1" "sub c" "dec (hl)")}}{{template "opi" (op "HI_P1" "add a,c" "inc (hl)")}}{{template "opi" (op "HI_M2" "sub b" "dec (hl)")}}HTILEN  equ HI_P1 - HI_M1
HST:    dw HS_M1, HS_P1, HS_M1
{{define "stub"}}{{.L}}:  ld h,d                  ; 4   HL = the high byte (HL is free
        ld l,e                  ; 4   in a handler: NEXT pops it anew)
        inc h                   ; 4
        {{printf "%-24s" .Cy}}; 11  the carry or borrow
        jr {{.L}}               ; 12  back after the op
{{end}}{{template "stub" (op "HS_M1" "" "dec (hl)")}}{{template "stub" (op "HS_P1" "" "inc (hl)")}}HSTLEN  equ HS_P1 - HS_M1

; HT_END starts the handler of the sentinel byte HSENT, which ends every
; column: past the column's last byte (E = 4*STRIDE mod 256, which WALKA
; wrote into its cp n) the column is done, else it is a weight byte like
; any other: 23 T (26 T at the end, to IX: dw_nx, or dw_lo when the column
; has another walk).  Inside a column E is 4k for its byte k < STRIDE, so
; it never equals 4*STRIDE mod 256 there, except E = 0 at byte 0 of a
; column of 64 bytes (249..256 outputs): the builder takes as HSENT a byte
; that no such column starts with.
HT_END: ld a,e                  ; 4   E = the output of the byte
        cp 0                    ; 7   (WALKA: 4*STRIDE mod 256)
        jr nz,hte_x             ; 12/7
        jp (ix)                 ; 8   done: dw_nx (or dw_lo, another walk)
hte_x:
HTELEN  equ $ - HT_END

