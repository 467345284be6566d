; ===========================================================================
; chat.asm - the CP/M user interface of CHAT.COM.
;
; With a command tail (CHAT HELLO THERE) that is not all spaces: answer it
; once, print CR LF and warm boot.  The CCP upper-cases the tail and keeps
; its leading space; the query encoder lower-cases and trims, so that is
; fine.
;
; Otherwise loop: print "> ", read a line of at most CONMAX bytes with
; BDOS 10 (which edits and echoes the line and ends with a CR), print LF;
; an empty or all-space line prompts again; a line whose first non-space
; character is "!" warm boots; any other line is answered (the reply, then
; CR LF) and the loop prompts again.  These are the console rules of
; package mulm/console, which mulm chat follows too.
; ===========================================================================

CONMAX  equ 254                 ; the longest line read: 254, not 255, as
                                ; RunCPM hangs when a line fills 255 bytes
                                ; (console.MaxLine; a test checks they agree)

        org 0100h

BDOS    equ 0005h               ; CP/M BDOS entry
PUTCH   equ BDOS                ; GENERATE's console output: BDOS 2

START:  ld sp,STACK
        call INIT               ; the engine's one-time start-up work
        ld hl,0080h             ; command tail: length byte + chars
        call BLANK
        jr z,chat
        ld hl,0080h
        call GENERATE
        call CRLF
        jp 0                    ; warm boot

chat:   ld de,PROMPT
        ld c,9                  ; BDOS 9: print "$"-terminated string
        call BDOS
        ld hl,CONBUF
        ld (hl),CONMAX          ; longest line
        ex de,hl
        ld c,10                 ; BDOS 10: read console buffer
        call BDOS
        ld e,10                 ; BDOS 10 ends by echoing CR only (as
        ld c,2                  ; CP/M 2.2 does): add the LF
        call BDOS
        ld hl,CONBUF+1
        call BLANK
        jr z,chat               ; empty or all spaces: prompt again
        cp '!'
        jp z,0                  ; "!...": warm boot
        ld hl,CONBUF+1
        call GENERATE
        call CRLF
        jr chat

; CRLF - print CR LF.
CRLF:   ld e,13
        ld c,2
        call BDOS
        ld e,10
        ld c,2
        jp BDOS

PROMPT: db "> $"
