; ===========================================================================
; common.asm - routines shared by every mulm Z80 engine (compact and fast):
; the generation loop, the context-window push, the query encoder, argmax.
;
; They use the engine's STEP, BEGIN and buffers (XV page aligned, QBUF, WIN,
; NLEFT) and the generated MAXLEN, EOSIDX and CHARSET.  Every routine may
; change every register unless it says otherwise.
; ===========================================================================

; The platform's user interface (chat.asm, zxchat.asm) defines PUTCH, the
; console output GENERATE prints through: E = the character, C = 2, any
; register may change.  On CP/M PUTCH is the BDOS entry itself (function 2).

; ---------------------------------------------------------------------------
; GENERATE - answer one query, printing the reply through PUTCH.
; in:  HL = query as a CP/M string: a length byte, then that many chars
;      (a BDOS 10 buffer + 1, or the command tail at 0080h)
; out: the reply is printed (EOS is not); WIN holds its last 8 characters
; Stops at EOS or after MAXLEN characters.
; Hooks for tracing: GENQ (once-per-reply work done), STEP (each character).
; ---------------------------------------------------------------------------
GENERATE:
        call ENCQ               ; XV[0..127] = query buckets
        call BEGIN              ; Q1 = bias + query share of layer 1
GENQ:                           ; hook: once-per-reply work done
        ld a,(MAXLEN)
        ld (NLEFT),a
gen_l:  call STEP               ; A = index of the next character
        ld hl,EOSIDX
        cp (hl)
        ret z                   ; EOS: the reply is complete
        ld e,a
        ld d,0
        ld hl,CHARSET
        add hl,de
        ld a,(hl)               ; A = the character
        push af
        ld e,a
        ld c,2                  ; BDOS 2 on CP/M: console output of E
        call PUTCH
        pop af
        call PUSHW              ; into the context window
        ld hl,NLEFT
        dec (hl)
        jr nz,gen_l             ; until MAXLEN characters
        ret

; ---------------------------------------------------------------------------
; PUSHW - append character A (lower-cased here) to the context window WIN.
; ---------------------------------------------------------------------------
PUSHW:  call LOWER
        ld hl,WIN+1
        ld de,WIN
        ld bc,7
        ldir                    ; WIN[0..6] = WIN[1..7]
        ld (de),a               ; WIN[7] = A
        ret

; ---------------------------------------------------------------------------
; LOWER - fold A to lower case if it is ASCII 'A'..'Z'; other bytes unchanged.
; ---------------------------------------------------------------------------
LOWER:  cp 'A'
        ret c
        cp 'Z'+1
        ret nc
        add a,20h
        ret

; ---------------------------------------------------------------------------
; MUL31 - A = A*31 mod 256 (= A*32 - A).  Uses C.
; Only h mod 128 matters for a bucket, and (h*31 + b) mod 128 depends only
; on h mod 128, so the encoders hash in 8 bits.
; ---------------------------------------------------------------------------
MUL31:  ld c,a
        add a,a
        add a,a
        add a,a
        add a,a
        add a,a
        sub c
        ret

; ---------------------------------------------------------------------------
; ENCQ - query encoder.
; in:  HL = length byte + chars (at most 255 chars by construction)
; out: XV words 0..127 = query buckets (see package trigram): ASCII
;      lower-casing, leading and trailing spaces dropped, then for the
;      trimmed s and t = " " + s + " " each of the len(s) windows of three
;      bytes adds 32 to bucket h mod 128, h = ((t0*31)+t1)*31+t2.
;      Copies the trimmed, lower-cased query with its two spaces to QBUF.
; ---------------------------------------------------------------------------
ENCQ:   push hl
        ld hl,XV                ; clear the 128 query words (256 bytes)
        xor a
        ld b,a                  ; B = 0: 256 iterations
encq_z: ld (hl),a
        inc hl
        djnz encq_z
        pop hl
        ld b,(hl)               ; B = length
        inc hl                  ; HL -> first char
encq_l: ld a,b                  ; drop leading spaces
        or a
        ret z                   ; nothing left: all zero buckets
        ld a,(hl)
        cp ' '
        jr nz,encq_t
        inc hl
        dec b
        jr encq_l
encq_t: push hl                 ; drop trailing spaces; (HL) is not a
        ld e,b                  ; space, so the scan stops there at last
        ld d,0
        add hl,de               ; HL -> one past the last char
encq_r: dec hl
        ld a,(hl)
        cp ' '
        jr nz,encq_c
        dec b
        jr encq_r
encq_c: pop hl                  ; HL -> s, B = len(s) >= 1
        ld de,QBUF
        ld a,' '
        ld (de),a               ; t[0] = ' '
        inc de
        ld c,b
encq_p: ld a,(hl)               ; t[1..n] = lower(s)
        call LOWER
        ld (de),a
        inc hl
        inc de
        djnz encq_p
        ld a,' '
        ld (de),a               ; t[n+1] = ' '
        ld b,c                  ; B = number of windows
        ld hl,QBUF
encq_w: ld a,(hl)               ; h = t[k]
        call MUL31
        inc hl
        add a,(hl)              ; h = h*31 + t[k+1]
        call MUL31
        inc hl
        add a,(hl)              ; h = h*31 + t[k+2]
        dec hl                  ; HL -> t[k+1], the next window's start
        push hl
        add a,a                 ; A = 2*(h mod 128): offset of the word
        ld l,a
        ld h,XV/256             ; XV is page aligned
        call ADD32
        pop hl
        djnz encq_w
        ret

; ADD32 - add 32 to the word at HL (HL even, the word within one page).
ADD32:  ld a,(hl)
        add a,32
        ld (hl),a
        inc l
        ld a,(hl)
        adc a,0
        ld (hl),a
        ret

; ---------------------------------------------------------------------------
; BLANK - HL = length byte + chars.  Z when there is no character other
; than spaces; else NZ and A = the first non-space character.  The chat
; UIs use it: such a line prompts again; one starting with "!" quits.
; ---------------------------------------------------------------------------
BLANK:  ld b,(hl)
blank_l:
        ld a,b
        or a
        ret z
        inc hl
        dec b
        ld a,(hl)
        cp ' '
        jr z,blank_l
        ret

; ---------------------------------------------------------------------------
; ARGMW - A = index of the largest of A words at HL (0 = 256); the lowest
; index wins a tie.  Values are compared as unsigned after flipping the
; sign bit, which orders them as signed.  Each engine's ARGMAX points it
; at its last layer's outputs.  About 90 T-states a word.
; ---------------------------------------------------------------------------
ARGMW:
        ld b,a                  ; 0 = 256
        ld c,0                  ; C = index
        ld de,0                 ; DE = best, sign-flipped (-32768)
        xor a
        ld (AMAX),a
am_l:   push hl
        ld a,(hl)
        inc hl
        ld h,(hl)
        ld l,a
        ld a,h
        xor 80h
        ld h,a                  ; HL = value, sign-flipped
        or a
        sbc hl,de
        jr c,am_n               ; smaller
        jr z,am_n               ; equal: the lower index stays
        add hl,de
        ex de,hl                ; new best
        ld a,c
        ld (AMAX),a
am_n:   pop hl
        inc hl
        inc hl
        inc c
        djnz am_l
        ld a,(AMAX)
        ret
