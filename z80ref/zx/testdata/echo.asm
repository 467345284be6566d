; echo.asm - a tiny Spectrum program to test the machine against Fuse.
; Prints a banner and "> " with RST 10h on the upper screen, reads keys the
; ROM way (the IM 1 scan sets FLAGS bit 5 and leaves the key in LAST_K),
; echoes them, handles DELETE (12) and ENTER (13), then prints the line
; upper-cased and loops; "!" alone returns to BASIC. IY stays 5C3Ah and
; interrupts stay on, as the ROM needs.
FLAGS   equ 5C3Bh
LAST_K  equ 5C08h
FRAMES  equ 5C78h
        org 8000h
start:  ld a,2
        call 1601h          ; CHAN-OPEN: stream 2, the upper screen
        call 0DAFh          ; CL-ALL: clear the whole screen
        ld hl,banner
        call print
prompt: ld hl,pstr
        call print
        ld hl,buf           ; HL: next free byte, B: characters in buf
        ld b,0
key:    ld a,(FLAGS)        ; wait for the IM 1 scan to report a key
        bit 5,a
        jr z,key
        res 5,a
        ld (FLAGS),a
        ld a,(LAST_K)
        cp 13
        jr z,enter
        cp 12
        jr z,delete
        cp ' '
        jr c,key            ; other control codes: ignored
        cp 80h
        jr nc,key           ; tokens and graphics: ignored
        ld c,a
        ld a,b
        cp 40
        jr nc,key           ; buffer full
        ld (hl),c
        inc hl
        inc b
        ld a,c
        rst 10h
        jr key
delete: ld a,b
        or a
        jr z,key
        dec hl
        dec b
        ld a,8              ; back, blank, back
        rst 10h
        ld a,' '
        rst 10h
        ld a,8
        rst 10h
        jr key
enter:  ld a,13
        rst 10h
        ld a,b
        cp 1
        jr nz,reply
        ld a,(buf)
        cp '!'
        ret z               ; "!": back to BASIC (0 OK)
reply:  ld a,b
        or a
        jr z,prompt
        ld hl,buf
upper:  ld a,(hl)
        cp 'a'
        jr c,show
        cp 'z'+1
        jr nc,show
        sub 32
show:   rst 10h
        inc hl
        djnz upper
        ld a,13
        rst 10h
        jr prompt
print:  ld a,(hl)           ; print the 0-terminated string at HL
        or a
        ret z
        rst 10h
        inc hl
        jr print
banner: defb "ZX ECHO",13,0
pstr:   defb "> ",0
buf:    defs 40
        end start
