; timing.asm - measures loops against the 50 Hz frame, to compare the
; machine's T-state counting (memory and I/O contention included) with
; Fuse's. For each test it syncs to the frame with HALT, then counts loop
; iterations in HL until the IM 1 handler has moved FRAMES on, and prints
; the count in hex with RST 10h. At the end it prints "> " and waits.
; Assemble after an "ORG_AT equ ..." line: 8000h (uncontended code) or
; 6000h (code in contended RAM). IY stays 5C3Ah, interrupts on.
FRAMES  equ 5C78h
        org ORG_AT
start:  ld a,2
        call 1601h          ; CHAN-OPEN: upper screen
        call 0DAFh          ; CL-ALL
        ld ix,tests
next:   ld l,(ix+0)
        ld h,(ix+1)
        ld a,h
        or l
        jr z,done
        ld (jump+1),hl      ; the call below goes to this test
        ei
        halt                ; sync: resume right after the frame's interrupt
        ld hl,0
        ld a,(FRAMES)
        ld b,a              ; B: FRAMES now; the test loops until it changes
jump:   call 0
        push ix
        call hex16
        ld a,' '
        rst 10h
        pop ix
        inc ix
        inc ix
        jr next
done:   ld a,13
        rst 10h
        ld a,'>'
        rst 10h
        ld a,' '
        rst 10h
idle:   halt
        jr idle

; t1: the bare loop (LD A,(FRAMES) reads contended 5C78h)
t1:     inc hl
        ld a,(FRAMES)
        cp b
        jr z,t1
        ret
; t2: + IN A,(FEh), the ULA port, keyboard half-row FEh
t2:     inc hl
        ld a,0FEh
        in a,(0FEh)
        ld a,(FRAMES)
        cp b
        jr z,t2
        ret
; t3: + a write to the display file (a blank cell of row 23)
t3:     inc hl
        xor a
        ld (57FFh),a
        ld a,(FRAMES)
        cp b
        jr z,t3
        ret
; t4: + IN from port 40FFh (contended high byte, odd port)
t4:     inc hl
        push bc
        ld bc,40FFh
        in a,(c)
        pop bc
        ld a,(FRAMES)
        cp b
        jr z,t4
        ret
; t5: + LDIR of 8 bytes inside the (blank) display file
t5:     inc hl
        push bc
        push hl
        ld hl,5600h
        ld de,5610h
        ld bc,8
        ldir
        pop hl
        pop bc
        ld a,(FRAMES)
        cp b
        jr z,t5
        ret
; t6: + CB and (IX+d) operations on display-file bytes holding 0
t6:     inc hl
        push hl
        push ix
        ld hl,57FEh
        rlc (hl)
        set 0,(hl)
        res 0,(hl)
        bit 0,(hl)
        ld ix,57F0h
        ld a,(ix+5)
        ld (ix+6),a
        inc (ix+7)
        dec (ix+7)
        set 1,(ix+8)
        res 1,(ix+8)
        pop ix
        pop hl
        ld a,(FRAMES)
        cp b
        jr z,t6
        ret
; t7: + OUT to the ULA (border black, as BASIC left it: BORDCR says 7)
t7:     inc hl
        ld a,7
        out (0FEh),a
        ex (sp),hl
        ex (sp),hl
        ld a,(FRAMES)
        cp b
        jr z,t7
        ret

hex16:  push hl             ; print HL as 4 hex digits
        ld a,h
        call hex8
        pop hl
        ld a,l
hex8:   push af
        rrca
        rrca
        rrca
        rrca
        call nib
        pop af
nib:    and 0Fh
        add a,'0'
        cp '9'+1
        jr c,digit
        add a,7
digit:  rst 10h
        ret

tests:  defw t1,t2,t3,t4,t5,t6,t7,0
        end start
