package cpm

import (
	"fmt"
	"io"
)

const (
	chCtlC = 0x03
	chBS   = 0x08
	chTab  = 0x09
	chLF   = 0x0A
	chCR   = 0x0D
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

// readBuffer implements BDOS 10 at de. The response in progress ends at the
// request; a new one starts when the line has been delivered.
func (m *Machine) readBuffer(de uint16, inCall bool) (int, error) {
	if !inCall {
		m.closeResponse()
	}
	if err := m.out.Flush(); err != nil {
		return actStop, err
	}
	line, err := m.readLine()
	if err != nil {
		return actStop, err
	}
	max := int(m.mem[de])
	n := 0
	for _, c := range line {
		if n >= max {
			break // the rest of the line is dropped
		}
		c &= 0x7F
		m.mem[de+2+uint16(n)] = c
		n++
		m.ctlout(c)
		if c == chCtlC && n == 1 {
			return m.warmBoot(inCall)
		}
	}
	m.mem[de+1] = byte(n)
	m.conout(chCR)
	if !inCall {
		m.openResponse(string(m.mem[de+2 : de+2+uint16(n)]))
	}
	return actContinue, nil
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

// conout writes c and tracks the column like the CP/M 2.2 BDOS.
func (m *Machine) conout(c byte) {
	m.conoutf(c)
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

// readLine reads one input line for BDOS 10, without its "\n", "\r\n" or
// "\r". A last line without a newline is delivered as is.
func (m *Machine) readLine() ([]byte, error) {
	if m.in == nil {
		return nil, ErrInputExhausted
	}
	var line []byte
	for {
		c, err := m.in.ReadByte()
		if err != nil {
			if err == io.EOF && len(line) > 0 {
				return line, nil
			}
			return nil, inErr(err)
		}
		switch c {
		case '\n':
			return line, nil
		case '\r':
			if b, err := m.in.Peek(1); err == nil && b[0] == '\n' {
				m.in.ReadByte()
			}
			return line, nil
		}
		line = append(line, c)
	}
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
