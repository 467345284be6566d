; ===========================================================================
; zxchat.asm - the ZX Spectrum 48K user interface of the chat tape (the
; counterpart of chat.asm, which is the CP/M one).
;
; The tape's BASIC loader runs "CLEAR ZXORG-1: LOAD "" CODE: RANDOMIZE USR
; ZXORG", so START is entered from BASIC's USR with IY = ERR_NR (5C3Ah),
; interrupts on in IM 1 (the ROM's 50 Hz keyboard scan) and SP on BASIC's
; machine stack.  START saves what BASIC needs back (SP, IY, HL'), runs the
; engine's INIT the first time only (the fast engine expands its weights in
; place, so a second RANDOMIZE USR must not repeat it), opens stream 2 (the
; upper screen) and clears the screen with CL-ALL, then loops:
;
;   print "> "; read a line (below); print ENTER;
;   an empty or all-space line prompts again;
;   a line whose first non-space character is "!" returns to BASIC;
;   any other line is answered (the reply, then ENTER) and the loop goes on.
;
; Returning to BASIC: SP, IY and HL' restored, interrupts on, RET to the USR
; caller with BC = 0; RANDOMIZE takes it and the program ends with the ROM's
; OK report ("OK, 10:3" on OpenSE BASIC: statement 3 of line 10 called USR).  The machine is as usable as after any BASIC program.
;
; Reading a line (RDLINE) the ROM's way, the same on Sinclair's 48K ROM and
; OpenSE BASIC: with interrupts on, the IM 1 handler scans the keyboard and
; sets FLAGS bit 5 with the key code in LAST_K; RDLINE polls that bit.  Keys
; 20h..7Fh are stored and echoed with RST 10h; DELETE (0Ch) removes the
; last one (BS, space, BS on the screen); ENTER (0Dh) ends the line, and so
; does the ZXLINE-th character (254, the CP/M build's line length: what is
; typed next starts the next line, as CP/M's BDOS 10 does with a full
; buffer).  Every other code (keyword tokens from SYMBOL SHIFT keys, the
; block graphics, the cursor, mode and edit keys) is ignored: it is not a
; character, so the line holds only characters that print as one cell and
; bytes >= 80h never reach the encoder.  MODE = 0 and FLAGS bit 3 (L mode)
; are set so that letters arrive as letters, not keywords.  After that the
; console rules are CHAT.COM's: an empty or all-space line prompts again, a
; first non-space "!" returns to BASIC, any other line is the query as
; typed (the encoder drops leading and trailing spaces).
;
; Printing (PUTCH, which GENERATE calls with E = the character): RST 10h on
; the current channel (stream 2) with IY = ERR_NR.  SCR_CT is set to 255
; before every character so that the ROM never stops at "scroll?".
;
; IY and interrupts: the engines use IY and the alternate registers freely,
; and the ROM's IM 1 handler writes through IY (FRAMES, the keyboard
; state).  So the engine runs with interrupts off (DI before INIT and
; GENERATE; the fast engine's LD A,I / RET PO then leaves them off) and
; IY = ERR_NR and EI are restored before any key is read.  No key is read
; while the engine runs.
;
; ROM entry points and system variables used (each at the same address
; with the same meaning in Sinclair's 48K ROM and in OpenSE BASIC):
;   RST 10h PRINT-A, 0DAFh CL-ALL, 1601h CHAN-OPEN; the IM 1 handler at 0038h;
;   ERR_NR 5C3Ah (IY), LAST_K 5C08h, FLAGS 5C3Bh (bit 3 L mode, bit 5 new
;   key), MODE 5C41h, SCR_CT 5C8Ch.
; ===========================================================================

        org ZXORG

ERRNR   equ 5C3Ah               ; ERR_NR: the ROM's IY
LASTK   equ 5C08h               ; LAST_K: the last key the IM 1 scan decoded
FLAGS   equ 5C3Bh               ; FLAGS: bit 5 = a new key in LAST_K
MODE    equ 5C41h               ; MODE: 0 = K/L/C
SCRCT   equ 5C8Ch               ; SCR_CT: lines left before "scroll?"
PRINTA  equ 10h                 ; RST 10h: print A on the current channel
CLALL   equ 0DAFh               ; CL-ALL: clear the whole display
CHOPEN  equ 1601h               ; CHAN-OPEN: A = stream
ZXLINE  equ 254                 ; the longest line, as CHAT.COM's
                                ; (console.MaxLine; a test checks they agree)

START:  exx
        push hl                 ; HL': BASIC's calculator needs it back
        exx
        push iy
        ld (BASSP),sp
        ld sp,STACK
        ld a,(INITED)
        or a
        jr nz,st_1              ; INIT ran on an earlier USR
        di
        call INIT               ; the engine's one-time start-up work
        ld a,1
        ld (INITED),a
st_1:   call ROMST              ; IY = ERR_NR, interrupts on
        ld a,2
        call CHOPEN             ; stream 2: the upper screen
        call CLALL              ; clear the screen, print position home
        ld a,2
        call CHOPEN             ; CL-ALL leaves channel K: back to stream 2

chat:   ld a,'>'
        call PRCH
        ld a,' '
        call PRCH
        call RDLINE             ; CONBUF+1: count, chars
        ld a,13
        call PRCH
        ld hl,CONBUF+1
        call BLANK
        jr z,chat               ; empty or all spaces: prompt again
        cp '!'
        jr z,ZXQUIT             ; "!...": back to BASIC
        di
        ld hl,CONBUF+1
        call GENERATE           ; the reply, through PUTCH
        call ROMST
        ld a,13
        call PRCH
        jr chat

ZXQUIT: ld sp,(BASSP)           ; (a label the driver hooks)
        pop iy
        exx
        pop hl
        exx
        ld bc,0                 ; USR's value
        ei
        ret                     ; to BASIC: OK

; ROMST - the state the ROM needs: IY = ERR_NR, interrupts on.  Keeps A.
ROMST:  ld iy,ERRNR
        ei
        ret

; PUTCH - GENERATE's console output: print E with RST 10h.
; PRCH - print A.  Both may change every register but SP.
PUTCH:  ld a,e
PRCH:   ld iy,ERRNR
        ld (iy+SCRCT-ERRNR),255 ; never "scroll?"
        rst PRINTA
        ret

; GETKEY - A = the next key code from the ROM's IM 1 keyboard scan.
; Needs interrupts on and IY = ERR_NR.
GETKEY: bit 5,(iy+FLAGS-ERRNR)
        jr z,GETKEY
        res 5,(iy+FLAGS-ERRNR)
        ld a,(LASTK)
        ret

; RDLINE - read a line into CONBUF+1 (count) and CONBUF+2.. (chars), as
; described at the top.  Needs interrupts on and IY = ERR_NR.
RDLINE: xor a
        ld (CONBUF+1),a
rl_key: ld (iy+MODE-ERRNR),0    ; letters, not keywords
        set 3,(iy+FLAGS-ERRNR)  ; L mode (lower case unless CAPS SHIFT)
        call GETKEY
        cp 13
        ret z                   ; ENTER: done
        cp 12
        jr z,rl_del             ; DELETE
        cp ' '
        jr c,rl_key             ; other control and edit keys: ignored
        cp 80h
        jr nc,rl_key            ; keyword tokens, graphics: ignored
        ld c,a
        ld a,(CONBUF+1)
        inc a
        ld (CONBUF+1),a
        ld e,a
        ld d,0
        ld hl,CONBUF+1
        add hl,de
        ld (hl),c               ; CONBUF+1+count = the key
        ld a,c
        call PRCH               ; echo
        ld a,(CONBUF+1)
        cp ZXLINE
        ret z                   ; the line is full: it ends here
        jr rl_key
rl_del: ld a,(CONBUF+1)
        or a
        jr z,rl_key             ; nothing to delete
        dec a
        ld (CONBUF+1),a
        ld a,8
        call PRCH              ; back one cell,
        ld a,' '
        call PRCH              ; blank it,
        ld a,8
        call PRCH              ; and back again
        jr rl_key

INITED: db 0                    ; 1 once INIT has run
BASSP:  dw 0                    ; BASIC's SP (IY and HL' pushed on it)
