package cpm

import (
	"errors"
	"fmt"
	"io"
)

const (
	chCtlC = 0x03
	chCtlE = 0x05
	chBS   = 0x08
	chTab  = 0x09
	chLF   = 0x0A
	chCR   = 0x0D
	chCtlP = 0x10
	chCtlR = 0x12
	chCtlU = 0x15
	chCtlX = 0x18
	chDEL  = 0x7F
)

// bdos emulates a call to the BDOS (PC at 0005h or BDOSEntry) and the RET
// back to the caller. It costs no T-states.
func (m *Machine) bdos(pc uint16, inCall bool) (int, error) {
	cpu := &m.cpu
	fn := cpu.BC.Lo
	e := cpu.DE.Lo
	de := cpu.DE.U16()
	var ret uint16 // aret: returned in HL, with A=L and B=H
	if fn != 11 && fn != 6 {
		m.eofPolls = 0
	}
	switch fn {
	case 0: // system reset
		return m.warmBoot(inCall)
	case 1: // console input with echo
		c, err := m.readChar()
		if err != nil {
			return actStop, err
		}
		if echoable(c) {
			m.tabout(c)
		}
		ret = uint16(c)
	case 2: // console output with tab expansion
		m.tabout(e)
	case 6: // direct console I/O
		switch e {
		case 0xFF:
			ready, err := m.poll()
			if err != nil {
				return actStop, err
			}
			if ready {
				c, err := m.readChar()
				if err != nil {
					return actStop, err
				}
				ret = uint16(c)
			}
		case 0xFE:
			ready, err := m.poll()
			if err != nil {
				return actStop, err
			}
			if ready {
				ret = 0xFF
			}
		default:
			m.eofPolls = 0
			m.conoutf(e)
		}
	case 7: // get IOBYTE
		ret = uint16(m.mem[3])
	case 8: // set IOBYTE
		m.mem[3] = e
	case 9: // print string up to '$'
		for a := de; m.mem[a] != '$'; a++ {
			m.tabout(m.mem[a])
			if a == 0xFFFF {
				break
			}
		}
	case 10: // read console buffer
		act, err := m.readBuffer(de, inCall)
		if act != actContinue {
			return act, err
		}
	case 11: // console status
		ready, err := m.poll()
		if err != nil {
			return actStop, err
		}
		if ready {
			ret = 0xFF
		}
	case 12: // version
		ret = 0x0022
	case 13: // reset disk system: DMA back to 0080h
	case 14: // select disk: accepted, nothing to do
	case 25: // current disk: A:
	case 26: // set DMA: accepted (no disk I/O is emulated)
	case 32: // get/set user code
		if e == 0xFF {
			ret = uint16(m.mem[4] >> 4)
		} else {
			m.mem[4] = m.mem[4]&0x0F | (e&0x0F)<<4
		}
	default:
		return actStop, &UnsupportedError{What: "BDOS function", Num: int(fn), PC: pc, RetAddr: m.ReadWord(cpu.SP)}
	}
	cpu.HL.SetU16(ret)
	cpu.AF.Hi = byte(ret)
	cpu.BC.Hi = byte(ret >> 8)
	m.ret()
	return actContinue, nil
}

// bios emulates a call to a BIOS jump-table entry.
func (m *Machine) bios(pc uint16, inCall bool) (int, error) {
	cpu := &m.cpu
	n := int(pc-BIOSBase) / 3
	switch n {
	case 0, 1: // BOOT, WBOOT
		return m.warmBoot(inCall)
	case 2: // CONST
		ready, err := m.poll()
		if err != nil {
			return actStop, err
		}
		cpu.AF.Hi = 0
		if ready {
			cpu.AF.Hi = 0xFF
		}
	case 3: // CONIN
		m.eofPolls = 0
		c, err := m.readChar()
		if err != nil {
			return actStop, err
		}
		cpu.AF.Hi = c
	case 4: // CONOUT
		m.eofPolls = 0
		m.conoutf(cpu.BC.Lo)
	default:
		return actStop, &UnsupportedError{What: "BIOS entry", Num: n, PC: pc, RetAddr: m.ReadWord(cpu.SP)}
	}
	m.ret()
	return actContinue, nil
}

// readBuffer implements BDOS 10 at de as the "read" routine of Digital
// Research's CP/M 2.2 BDOS does, one typed character at a time (see the
// package documentation for each rule). The response in progress ends at
// the request; a new one starts when the line has been delivered.
func (m *Machine) readBuffer(de uint16, inCall bool) (int, error) {
	if !inCall {
		m.closeResponse()
	}
	if err := m.out.Flush(); err != nil {
		return actStop, err
	}
	max := int(m.mem[de])
	buf := de + 2
	n := 0 // characters in the buffer (DRI's B)
	if r := m.reading; r.active && r.de == de {
		n = r.n // a line the input cut short (Options.Interactive) goes on
	} else {
		m.strtcol = m.column
	}
	m.reading = lineRead{}
	for {
		c, err := m.readChar()
		if err != nil {
			if errors.Is(err, ErrInputExhausted) && m.opt.Interactive {
				m.reading = lineRead{active: true, de: de, n: n}
				return actStop, err // the next Run goes on with the line
			}
			if errors.Is(err, ErrInputExhausted) && n > 0 {
				break // a last line without a line end is delivered
			}
			return actStop, err
		}
		c &= 0x7F // mask the parity bit
		switch c {
		case chCR, chLF:
		case chBS: // back over the last character
			if n == 0 {
				continue
			}
			n--
			m.compcol = m.column
			m.retype(buf, n)
			continue
		case chDEL: // rub out: echo the character removed
			if n == 0 {
				continue
			}
			n--
			m.ctlout(m.mem[buf+uint16(n)])
			continue
		case chCtlE: // physical end of line, the line goes on
			m.conout(chCR)
			m.conout(chLF)
			m.strtcol = 0
			continue
		case chCtlP: // printer echo on/off
			m.listcp = !m.listcp
			continue
		case chCtlX: // erase the line on screen, start again
			for m.strtcol < m.column {
				m.column--
				m.backup()
			}
			n = 0
			m.strtcol = m.column
			continue
		case chCtlU: // "#", a new line, start again
			m.crlfp()
			n = 0
			m.strtcol = m.column
			continue
		case chCtlR: // retype the line
			m.retype(buf, n)
			continue
		default:
			m.mem[buf+uint16(n)] = c
			n++
			m.ctlout(c)
			if c == chCtlC && n == 1 {
				return m.warmBoot(inCall)
			}
			if n < max {
				continue
			}
			// The buffer is full: the read ends here, and what is typed
			// next (the line end included) is the next read's.
		}
		break
	}
	m.mem[de+1] = byte(n)
	m.conout(chCR)
	if !inCall {
		m.openResponse(string(m.mem[buf : buf+uint16(n)]))
	}
	return actContinue, nil
}

// retype is DRI's linelen/^R code: "#", CR LF and spaces to the starting
// column, then the n buffered characters again. With compcol set (^H) it
// prints nothing, only computes where the shortened line ends, and then
// backs up from compcol to there.
func (m *Machine) retype(buf uint16, n int) {
	m.crlfp()
	for i := range n {
		m.ctlout(m.mem[buf+uint16(i)])
	}
	if m.compcol == 0 {
		return
	}
	d := m.compcol - m.column // byte arithmetic, as DRI's SUB M
	m.compcol = 0
	for {
		m.backup()
		d--
		if d == 0 {
			return
		}
	}
}

// crlfp prints "#", CR LF and spaces up to the starting column.
func (m *Machine) crlfp() {
	m.conout('#')
	m.conout(chCR)
	m.conout(chLF)
	for m.column < m.strtcol {
		m.conout(' ')
	}
}

// backup moves the cursor back one position: BS, space, BS, raw (the
// column is the caller's business).
func (m *Machine) backup() {
	m.conoutf(chBS)
	m.conoutf(' ')
	m.conoutf(chBS)
}

// echoable reports whether BDOS 1 echoes c (graphic, CR, LF, TAB, BS).
func echoable(c byte) bool {
	return c >= ' ' || c == chCR || c == chLF || c == chTab || c == chBS
}

// conoutf writes one raw byte to the console (the BIOS CONOUT).
func (m *Machine) conoutf(c byte) {
	m.eofPolls = 0
	if m.opt.TextOutput && c == chCR {
		return
	}
	m.out.WriteByte(c)
	if m.respOpen {
		m.respOut = append(m.respOut, c)
	}
}

// conout writes c and tracks the column like the CP/M 2.2 BDOS; while
// compcol is set (^H computing a column) it only tracks the column. With
// the printer echo on (^P) the character also goes to Options.List.
func (m *Machine) conout(c byte) {
	if m.compcol == 0 {
		m.conoutf(c)
		if m.listcp && m.opt.List != nil {
			m.opt.List.Write([]byte{c})
		}
	}
	switch {
	case c == chDEL:
	case c >= ' ':
		m.column++
	case m.column == 0:
	case c == chBS:
		m.column--
	case c == chLF:
		m.column = 0
	}
}

// tabout is conout with TAB expanded to the next multiple of 8 columns.
func (m *Machine) tabout(c byte) {
	if c != chTab {
		m.conout(c)
		return
	}
	for {
		m.conout(' ')
		if m.column&7 == 0 {
			return
		}
	}
}

// ctlout echoes c, showing non-graphic characters other than CR, LF, TAB
// and BS as ^X (BDOS 10 echo).
func (m *Machine) ctlout(c byte) {
	if !echoable(c) {
		m.conout('^')
		c |= 0x40
	}
	m.tabout(c)
}

// readChar reads one console character for BDOS 1/6 and BIOS CONIN;
// "\n", "\r\n" and "\r" arrive as CR.
func (m *Machine) readChar() (byte, error) {
	if m.in == nil {
		return 0, ErrInputExhausted
	}
	if err := m.out.Flush(); err != nil {
		return 0, err
	}
	c, err := m.in.ReadByte()
	if err != nil {
		return 0, inErr(err)
	}
	switch c {
	case '\n':
		c = chCR
	case '\r':
		if b, err := m.in.Peek(1); err == nil && b[0] == '\n' {
			m.in.ReadByte()
		}
	}
	return c, nil
}

// poll reports whether a console character is ready. It may block until
// the reader delivers data or EOF. After the input is exhausted, it answers
// false eofPollLimit times in a row without intervening output, then
// returns ErrInputExhausted.
func (m *Machine) poll() (bool, error) {
	if m.in != nil {
		if err := m.out.Flush(); err != nil {
			return false, err
		}
		_, err := m.in.Peek(1)
		if err == nil {
			m.eofPolls = 0
			return true, nil
		}
		if err != io.EOF {
			return false, fmt.Errorf("cpm: reading console input: %w", err)
		}
	}
	m.eofPolls++
	if m.eofPolls > eofPollLimit {
		return false, ErrInputExhausted
	}
	return false, nil
}

func inErr(err error) error {
	if err == io.EOF {
		return ErrInputExhausted
	}
	return fmt.Errorf("cpm: reading console input: %w", err)
}
