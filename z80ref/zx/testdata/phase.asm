; phase.asm - times single instructions inside the contended part of a
; frame, to compare the machine's contention with Fuse's to the T-state.
; After HALT the code waits (a DEC BC loop) until frame T-state ~14300,
; then runs the instructions between "seq" and "seqend", each at its own
; address: a debugger breakpoint (Fuse) or hook (zx) on each reads the
; frame T-state before it executes. The code straddles 8000h: the start is
; in contended RAM, the rest not; the stack (below RAMTOP) is contended;
; HL, DE, IX point into blank display-file bytes (values left unchanged).
; Then it prints "> " and idles. IY stays 5C3Ah.
        org 7F00h
start:  ld a,2
        call 1601h          ; CHAN-OPEN: upper screen
        call 0DAFh          ; CL-ALL
        ei
        ld b,25             ; wait half a second: the ROM's keyboard scan
settle: halt                ; forgets the ENTER that ran the loader (its
        djnz settle         ; timing differs between typists)
        halt                ; sync to the frame
synced: ld bc,DELAY
wait:   dec bc              ; 26 T-states a round (contended fetches)
        ld a,b
        or c
        jr nz,wait
        ld hl,57E0h         ; blank bytes of row 23
        ld de,57F0h
        ld ix,57C0h
seq:    nop
        nop
        ld a,(hl)
        ld (hl),a
        inc (hl)
        dec (hl)
        ld (de),a
        push bc
        pop bc
        ex (sp),hl
        ex (sp),hl
        call subr
        ld a,0FEh
        in a,(0FEh)
        ld a,7
        out (0FEh),a
        ld b,40h
        in a,(c)
        ld b,0
        ld a,(ix+3)
        ld (ix+4),a
        inc (ix+5)
        dec (ix+5)
        bit 2,(ix+6)
        set 2,(ix+6)
        res 2,(ix+6)
        rlc (hl)
        bit 1,(hl)
        xor a
        rrd
        rrd
        rrd
        ld bc,3
        ldir
        ld hl,57E0h
        ld de,57F0h
        ld bc,2
        ld a,1
        cpir
        ldi
        ld a,40h
        ld i,a
        inc bc
        add hl,bc
        nop
        ld a,3Fh
        ld i,a
        ld b,3
dj:     djnz dj
        jr far
        ds 7FF8h-$          ; the rest runs from uncontended RAM
far:    nop
        ld hl,57E0h
        ld a,(hl)
        ld (57E1h),a
        ld hl,(57E2h)
        ld (57E2h),hl
        push hl
        pop hl
seqend: nop
        ld a,'>'
        rst 10h
        ld a,' '
        rst 10h
idle:   halt
        jr idle
subr:   ret
        end start
