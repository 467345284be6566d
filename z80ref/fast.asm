; ===========================================================================
; fast.asm - the FAST engine's start-up and walk: index lists.
;
; The shared list-engine core (lists.asm) documents the storage, the
; activation lists, the accumulators and the descriptor.
; ===========================================================================


; ---------------------------------------------------------------------------
; INIT - one-time start-up: build every layer's reset image from its biases,
; point PTL/PTH at the stored blocks (SBLK on, ready in the file), then
; expand the packed columns (those whose bit is set in their layer's bitmap
; XBMk; the builder packed only as many as the file's size limit needed)
; into index-list blocks (lists.asm; a target whose file limit is not
; below its memory, the Spectrum's by default, packs nothing and its INIT
; has no decoder: see target.pack in build.go).  Must run exactly once, before
; anything else (the packed columns are gone afterwards).  Uses the normal
; stack.
; ---------------------------------------------------------------------------
INIT:   call MKBIM
        ld hl,0FFFFh            ; the x WALK reads after a list's end mark
        ld (ACTTOP),hl          ; (INIT's TPM2 scratch lies below it)
        ; Stored blocks, in (layer, input) order.  DE = bitmap byte, C = the
        ; rest of its bits with a 1 above them, B = inputs left; in the
        ; alternate set HL' = the next block, DE' = its PTL entry, B' = 0.
        exx
        ld hl,SBLK
        ld b,0
        exx
        ld hl,XBMT
        ld (XBP),hl
        ld ix,LAYERS
        ld a,(NLAYERS)
sb_ly:  ld (XLEFT),a
        ld hl,(XBP)
        ld e,(hl)
        inc hl
        ld d,(hl)               ; DE = XBMk
        inc hl
        inc hl
        inc hl                  ; past XPLk
        ld (XBP),hl
        ld a,(ix+FDPT)
        exx
        ld d,a
        ld e,0                  ; DE' = PTL[0]
        exx
        ld b,(ix+FDNIN)         ; 0 = 256 inputs
        ld c,1                  ; no bits left: load the first byte
sb_i:   srl c                   ; 8   carry = the input's bit
        jr z,sb_ld              ; 7/12 the byte is used up
sb_t:   exx                     ; 4
        jr c,sb_nx              ; 12/7 packed: expanded below
        ex de,hl                ; 4
        ld (hl),e               ; 7   PTL[i]
        inc h                   ; 4
        ld (hl),d               ; 7   PTH[i]
        dec h                   ; 4
        ex de,hl                ; 4
        ld c,(hl)               ; 7   n+
        inc hl                  ; 6   (past its count: n+ may be 255)
        add hl,bc               ; 11
        ld c,(hl)               ; 7   n1
        inc hl                  ; 6
        add hl,bc               ; 11
        ld c,(hl)               ; 7   n2
        inc hl                  ; 6
        add hl,bc               ; 11  HL' = the next block
sb_nx:  inc e                   ; 4   the next input's PTL entry
        exx                     ; 4
        djnz sb_i               ; 13/8
        ld de,FLDSZ
        add ix,de
        ld a,(XLEFT)
        dec a
        jr nz,sb_ly
        jr sb_dn
sb_ld:  ld a,(de)               ; the next bitmap byte
        inc de
        scf
        rra                     ; carry = bit 0, a 1 above bits 7..1
        ld c,a
        jp sb_t
sb_dn:
{{if .Pack}}        ; Packed columns, last layer first, each layer's last input first,
        ; read downward from ENDIMG by XCOL (HL', kept from column to
        ; column).  IX = the layer's descriptor.
        ld hl,LISTTOP
        ld (XWP),hl
        exx
        ld hl,ENDIMG
        exx
        ld hl,XBMTL
        ld (XBP),hl
        ld ix,LASTD
        ld a,(NLAYERS)
xp_ly:  ld (XLEFT),a
        ld a,(ix+FDPT)
        ld (XPT),a
        ld hl,(XBP)
        ld e,(hl)
        inc hl
        ld d,(hl)               ; DE = XBMk
        inc hl
        ld a,(hl)
        inc hl
        ld h,(hl)
        ld l,a                  ; HL = XPLk
        ld a,(hl)
        inc hl
        ld (XSWP),a             ; 1: code 10 is -1, 110 is +1
        ld c,(hl)
        inc hl
        ld b,(hl)               ; BC = the inputs to walk
        inc hl
        push hl
        ld hl,(XBP)
        push bc
        ld bc,-4
        add hl,bc
        ld (XBP),hl             ; the previous layer's entry
        pop bc
        ld a,b
        or c
        jr nz,xp_w
        pop hl                  ; no packed columns
        jr xp_nl
xp_w:   ld a,c
        ld (XWALK),a            ; 0 = 256
        ld a,(ix+FDNIN)
        dec a                   ; A = the last input (0 = 256 inputs)
        ld l,a
        rrca
        rrca
        rrca
        and 1Fh
        add a,e
        ld e,a
        jr nc,xp_0
        inc d                   ; DE = its bitmap byte
xp_0:   ld a,l
        and 7
        ld b,a
        ld c,1
        jr z,xp_m
xp_b:   rlc c
        djnz xp_b               ; C = its bit
xp_m:   ld a,(XWALK)
        ld b,a                  ; B = inputs to walk
        pop hl                  ; HL = the packed inputs' counts
        ld a,(ix+FDNIN)
        sub b
        ld (XLOW),a             ; the lowest packed input
        ; Inputs from the last down to the lowest packed one: B = inputs
        ; left (input XLOW + B - 1 next), DE = its bitmap byte, C = its bit,
        ; HL = the next packed input's counts (XPLk lists them from the
        ; last down).
xp_in:  ld a,(de)               ; 7
        and c                   ; 4
        jr z,xp_nx              ; 12/7 not packed
        push bc
        push de
        ld a,(XLOW)
        add a,b
        dec a
        ld e,a                  ; E = the input
        ld d,(hl)               ; D = its +1 weights
        inc hl
        ld a,(hl)               ; A = its non-zero weights less one
        inc hl
        push hl
        call XCOL
        pop hl
        pop de
        pop bc
xp_nx:  rrc c                   ; 8   the previous input's bit
        jr nc,xp_nb             ; 12/7
        dec de                  ;     in the previous bitmap byte
xp_nb:  djnz xp_in              ; 13/8
xp_nl:  ld de,-FLDSZ
        add ix,de
        ld a,(XLEFT)
        dec a
        jp nz,xp_ly
        ret

; XCOL - expand the packed column that ends at HL' (input E of the layer
; whose PT page is XPT; D = its +1 weights, A = its non-zero weights less
; one) into its block just below XWP, and set PTL/PTH[E] to the block's
; address.  The block's size is known (3 + non-zero weights), so the +1
; and -1 lists are written in place; the -2 list goes to TPM2 (page
; aligned) and is copied on top at the end, when n2 is known.  Returns
; HL' = the column's first byte, the end of the next column to expand.
; Keeps IX (INIT's layer descriptor).
;
; The bit string (read from the column's last byte down, bit 7 first):
; weight 0 = "0", +1 and -1 "10" and "110" (or "110" and "10" when XSWP
; is set), -2 "1110", and "1111" after the last non-zero weight.  The
; decoder is unrolled by bit position (Go text/template, one template per
; code prefix): xN_p decodes bit p (0 = bit 7) of the byte in A after the
; prefix "", "1", "11" or "111" (N = 0..3); xN_8 loads the next byte.
; Registers: A the byte being decoded, C output index, HL list of code
; 10, DE list of code 110, IY the -2 list, HL' the last byte read.
; Measured (go test ./z80ref -run TestFastXCOLCost -v): 15 T a weight 0,
; 54 a code 10, 78 a code 110, 105 a code 1110, 62 the end mark, 21 a
; byte after the first (10 more when a 0 ends the byte before), 21 a -2
; weight copied, and 422 to 445 a column.
XCOL:   ld c,a
        ld b,0
        ld hl,(XWP)
        ld (XTOP),hl            ; the block's end
        scf
        sbc hl,bc               ; HL = XWP - 1 - (non-zero weights - 1)
        dec hl
        dec hl
        dec hl                  ; the block: 3 count bytes more
        ld (XWP),hl
        ld c,l
        ld b,h
        ld a,(XPT)
        ld h,a
        ld l,e
        ld (hl),c               ; PTL[i]
        inc h
        ld (hl),b               ; PTH[i]
        ld l,c
        ld h,b
        ld (hl),d               ; n+
        inc hl                  ; the +1 list
        ld e,d
        ld d,0
        ex de,hl
        add hl,de
        ld (XN1A),hl            ; n1, once known
        inc hl                  ; the -1 list
        ex de,hl                ; HL = the +1 list, DE = the -1 list
        ld a,(XSWP)
        or a
        jr z,xc_1
        ex de,hl                ; code 10 is -1
xc_1:   ld iy,TPM2              ; the -2 list
        ld c,0                  ; C = the first output
x0_8:   exx                     ; 4   the next byte, after a whole code
        dec hl                  ; 6
        ld a,(hl)               ; 7
        exx                     ; 4
{{range .Bits}}x0_{{.P}}:   add a,a                 ; 4   bit {{.P}}: carry = 1, a non-zero weight
        jr c,x1_{{.N}}              ; 7/12
        inc c                   ; 4   a 0: the next output
{{end}}        jp x0_8                 ; 10
{{range $n := .Chains}}x{{$n.N}}_8:   exx                     ; 4   a code across bytes: the next byte
        dec hl                  ; 6
        ld a,(hl)               ; 7
        exx                     ; 4
{{range $.Bits}}x{{$n.N}}_{{.P}}:   add a,a                 ; 4   "{{$n.Prefix}}", bit {{.P}}
{{if eq $n.N 3}}        jp c,xc_end             ; 10  the end mark
        ld (iy+0),c             ; 19  code 1110: -2
        inc iy                  ; 10
{{else}}        jr c,x{{$n.Next}}_{{.N}}              ; 7/12
{{if eq $n.N 1}}        ld (hl),c               ; 7   code 10
        inc hl                  ; 6
{{else}}        ex de,hl                ; 4   code 110
        ld (hl),c               ; 7
        inc hl                  ; 6
        ex de,hl                ; 4
{{end}}{{end}}        inc c                   ; 4
        jp x0_{{.N}}                ; 10
{{end}}{{end}}
xc_end: push iy                 ; the lists are complete
        pop bc                  ; C = n2 (TPM2 is page aligned)
        ld hl,(XTOP)
        ld a,c
        cpl
        ld e,a
        ld d,0FFh               ; DE = -n2 - 1
        add hl,de               ; HL = the n2 byte, below the -2 list
        ld (hl),c
        ex de,hl
        ld hl,(XN1A)
        ld a,e
        sub l
        dec a
        ld (hl),a               ; n1: the -1 list fills the gap
        ld a,c
        or a
        ret z
        inc de
        ld b,0
        ld hl,TPM2
        ldir                    ; the -2 list on top
        ret
{{else}}        ret                     ; (a target that packs no column:
                                ; no decoder, see target.pack)
{{end}}
; ---------------------------------------------------------------------------
; The run template: WALK expands it three times (Go text/template, at
; build time) for the +1, -1 and -2 runs.  in: A = n, B = n, SP -> the n
; indices, H = ACCLO page, C = the value to add (x or 2x).  .P is the
; runs' label prefix, .Op the 8-bit add or subtract, .Cy the carry or
; borrow into the high byte, .End where the run goes when done.  A carry
; goes to the stub of its index (_c1.._c4), which goes on with a copy of
; the rest of the trip rather than jumping back (10 T less a carry, about
; 50 bytes more a run).
; ---------------------------------------------------------------------------
{{define "run"}}        srl b                   ; 8
        srl b                   ; 8   B = n/4 trips
        and 3                   ; 7   A = n mod 4 indices before them
        jr z,{{.P}}_t               ; 12/7
        inc b                   ; 4   one more (partial) trip
        dec a                   ; 4
        jr z,{{.P}}_r1              ; 12/7
        dec a                   ; 4
        jr z,{{.P}}_t2              ; 12/7 2 left: enter at the second POP
        dec sp                  ;     3 left: one index alone, then 2
        pop de                  ;     D = that index
        jp {{.P}}_m1
{{.P}}_r1:  dec sp                  ;     1 left: one index alone
        pop de
        jp {{.P}}_m3
{{template "trip" (trip . 1 true)}}{{.P}}_c1:  inc h                   ; 4   carry (borrow) into the high byte
        {{.Cy}} (hl)                ; 11
        dec h                   ; 4   then a copy of the trip's rest
{{template "trip" (trip . 2 false)}}{{.P}}_c2:  inc h
        {{.Cy}} (hl)
        dec h
{{template "trip" (trip . 3 false)}}{{.P}}_c3:  inc h
        {{.Cy}} (hl)
        dec h
{{template "trip" (trip . 4 false)}}{{.P}}_c4:  inc h
        {{.Cy}} (hl)
        dec h
{{template "trip" (trip . 5 false)}}{{end}}
{{/* trip: a run's unrolled trip from its index .From (1..4; 5: none left)
to the loop's end, .R the run's parameters; .Labels: the loop itself
(labelled), else a stub's copy of its rest. */}}{{define "trip"}}{{if le .From 1}}{{if .Labels}}{{.R.P}}_t:   {{else}}        {{end}}pop de                  ; 10  E, D = the next two indices
        ld l,e                  ; 4
        ld a,(hl)               ; 7
        {{printf "%-24s" .R.Op}}; 4
        ld (hl),a               ; 7
        jr c,{{.R.P}}_c1              ; 7/12
{{end}}{{if le .From 2}}{{if .Labels}}{{.R.P}}_m1:  {{else}}        {{end}}ld l,d                  ; 4
        ld a,(hl)               ; 7
        {{printf "%-24s" .R.Op}}; 4
        ld (hl),a               ; 7
        jr c,{{.R.P}}_c2              ; 7/12
{{end}}{{if le .From 3}}{{if .Labels}}{{.R.P}}_t2:  {{else}}        {{end}}pop de                  ; 10
        ld l,e                  ; 4
        ld a,(hl)               ; 7
        {{printf "%-24s" .R.Op}}; 4
        ld (hl),a               ; 7
        jr c,{{.R.P}}_c3              ; 7/12
{{end}}{{if le .From 4}}{{if .Labels}}{{.R.P}}_m3:  {{else}}        {{end}}ld l,d                  ; 4
        ld a,(hl)               ; 7
        {{printf "%-24s" .R.Op}}; 4
        ld (hl),a               ; 7
        jr c,{{.R.P}}_c4              ; 7/12
{{end}}        djnz {{.R.P}}_t               ; 13/8
        jp {{.R.End}}
{{end}}
; ---------------------------------------------------------------------------
; WALK's rare paths, placed before it so that WALK's loops lie as high as
; they can: on the Spectrum the program ends at the top of RAM and what
; lies below 8000h runs slower (contended), which code placed here
; keeps from the loops.  w_wide: an x outside 0..255 (-x and -2x too),
; through ADD16.
; ---------------------------------------------------------------------------
w_big:  ld a,h                  ; the end (a 0000h block)?
        or a
        jp z,SPBACK
        ld sp,hl                ; SP -> n+
        ld h,ACCLO/256
w_wide: ld d,b                  ; 16-bit x: DE = x, then -x, then -2x
        ld e,c
        dec sp
        pop af                  ; n+
        ld ix,ww_1
        jp ADD16
ww_1:   xor a                   ; DE = -x
        sub e
        ld e,a
        sbc a,a
        sub d
        ld d,a
        dec sp
        pop af                  ; n1
        ld ix,ww_2
        jp ADD16
ww_2:   ex de,hl                ; DE = -2x
        add hl,hl
        ex de,hl
        dec sp
        pop af                  ; n2
        ld ix,w_next
        ; fall through

; ADD16 - A = count n (0..255), DE = value, SP -> n indices, H = ACCLO
; page: ACC[idx] += DE for each, 16-bit; then JP (IX).  77 T per weight.
ADD16:  or a
        jr z,a16_x
        ld b,a
a16_l:  dec sp                  ; 6
        pop af                  ; 10  A = index
        ld l,a                  ; 4
        ld a,(hl)               ; 7
        add a,e                 ; 4
        ld (hl),a               ; 7
        inc h                   ; 4
        ld a,(hl)               ; 7
        adc a,d                 ; 4
        ld (hl),a               ; 7
        dec h                   ; 4
        djnz a16_l              ; 13
a16_x:  jp (ix)

; ---------------------------------------------------------------------------
; WALK - add every input of an activation list into the accumulators:
;      ACC[o] += w[o][i] * x for every entry (block of i, x) and every o
;      with a non-zero weight.  in: HL = the list.
;
; Per input (8-bit x, 1..255): 75 T to fetch the entry (from w_next's
; self-modified ld sp,nn; the list's end, a 0000h block, is read with the
; x FFFFh that INIT put above it, so only the rare path w_big tests for
; it) and reach the +1 run; the +1 and -1 runs cost 30 T when empty, else
; about 60 T to start (n mod 4 indices are handled by entering the
; unrolled loop in the middle) and per FOUR indices:
;     2 x pop de (10) + 4 x (ld l / ld a,(hl) / add|sub / ld (hl),a / jr c)
;     (4 x 29) + djnz 13 = 149 T, i.e. 37.25 T per weight,
; plus 24 T for each carry (or borrow) into the high byte: its stub goes
; on with a copy of the rest of the trip instead of jumping back.  The -2
; run costs 30 T when empty (the usual case) and uses C = 2x when x < 128.
; Registers in the 8-bit loops: SP list, HL accumulator (H = ACCLO page,
; L = output), C = x, B = trips left, DE = two indices.  Other x (>= 256,
; negative, or 2x >= 256) go to the 16-bit loop ADD16 (77 T per weight).
; ---------------------------------------------------------------------------
WALK:   ld (ACTSP),hl
WALKA:  ld a,i                  ; WALKA: the list at ACTSP
        push af
        di
        ld (SAVSP),sp
        ld hl,(ACTSP)
        ld (w_next+1),hl        ; the list, in w_next's ld sp,nn
w_next: ld sp,0                 ; 10  the list (self-modifying)
        pop hl                  ; 10  HL = block of input i (0 = end)
        pop bc                  ; 10  BC = x (FFFFh after the end)
        ld (w_next+1),sp        ; 20
        inc b                   ; 4   B back after djnz: not 0 (taken) when
        djnz w_big              ; 8   x is not in 0..255, or at the end
        ld sp,hl                ; 6   SP -> n+
        ld h,ACCLO/256          ; 7
                                ; ---- +1 run: ACC[o] += x ----
        dec sp                  ; 6
        pop af                  ; 10  A = n, SP -> the indices
        or a                    ; 4
        jp z,wp_e               ; 10  empty run
        ld b,a                  ; 4
{{template "run" (run "wp" "add a,c" "inc" "wp_e")}}
wp_e:
                                ; ---- -1 run: ACC[o] -= x ----
        dec sp                  ; 6
        pop af                  ; 10  A = n, SP -> the indices
        or a                    ; 4
        jp z,wm_e               ; 10  empty run
        ld b,a                  ; 4
{{template "run" (run "wm" "sub c" "dec" "wm_e")}}
wm_e:                           ; ---- -2 run: ACC[o] -= 2x, with C = 2x when it fits a byte ----
        dec sp                  ; 6
        pop af                  ; 10  A = n2
        or a                    ; 4
        jp z,w_next             ; 10  (most inputs have no -2 weight)
        ld b,a                  ; 4
        ld a,c                  ; 4
        add a,a                 ; 4   2x
        jp c,w_m2w              ; 10  2x > 255: 16-bit loop
        ld c,a                  ; 4
        ld a,b                  ; 4
{{template "run" (run "w2" "sub c" "dec" "w_next")}}

w_m2w:  ld e,c                  ; -2 run of an 8-bit x >= 128: DE = -2x
        ld d,0
        xor a
        sub e
        ld e,a
        sbc a,a
        sub d
        ld d,a
        ex de,hl
        add hl,hl
        ex de,hl
        ld a,b                  ; n2
        ld ix,w_next
        jp ADD16


