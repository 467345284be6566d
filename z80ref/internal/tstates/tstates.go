// Package tstates holds the Z80 instruction timing tables shared by the
// machines of z80ref (cpm, zx): the T-states of every opcode, documented
// and undocumented, and the extra cost of taken conditional branches and
// repeating block instructions. koron-go/z80 does not count cycles; a
// machine decodes the instruction at PC before each Step and adds its cost.
package tstates

// T-state tables.
//
// Sources: Zilog "Z80 CPU User Manual" (UM0080) for every documented
// instruction, and Sean Young's "Z80 instructions sorted by opcode" /
// "The Undocumented Z80 Documented" for the undocumented ones
// (IXH/IXL/IYH/IYL forms, SLL, the ED "NOP"s, DDCB register forms).
//
// Each table is indexed by the opcode byte (the byte after the prefix for
// the prefixed tables). Rows are the high nibble, columns the low nibble.
//
// Conditional instructions hold their NOT-TAKEN cost here; the extra
// T-states when the condition is met are added by the step loop:
//
//	JR cc,e      7 / 12  (+5 taken)      DJNZ e      8 / 13  (+5 taken)
//	CALL cc,nn  10 / 17  (+7 taken)      RET cc      5 / 11  (+6 taken)
//	JP cc,nn    10 / 10  (no extra)
//	LDIR LDDR CPIR CPDR INIR INDR OTIR OTDR: 16 on the last iteration,
//	21 (+5) on every iteration that repeats.
//
// Under a DD/FD prefix an instruction that does not use HL/H/L costs its
// unprefixed cost plus 4 (the prefix behaves as a 4 T-state NOP).
//
// A zero entry marks a prefix byte that is decoded further (CB, DD, ED, FD
// in Main; CB in XY).

// tMain: unprefixed opcodes.
var tMain = [256]uint8{
	//0  1   2   3   4   5   6   7   8   9   A   B   C   D   E   F
	4, 10, 7, 6, 4, 4, 7, 4, 4, 11, 7, 6, 4, 4, 7, 4, // 0x NOP,LD BC,nn,LD (BC),A,INC BC,INC B,DEC B,LD B,n,RLCA,EX AF,AF',ADD HL,BC,LD A,(BC),DEC BC,INC C,DEC C,LD C,n,RRCA
	8, 10, 7, 6, 4, 4, 7, 4, 12, 11, 7, 6, 4, 4, 7, 4, // 1x DJNZ(8/13),LD DE,nn,LD (DE),A,INC DE,..,RLA,JR e,ADD HL,DE,LD A,(DE),DEC DE,..,RRA
	7, 10, 16, 6, 4, 4, 7, 4, 7, 11, 16, 6, 4, 4, 7, 4, // 2x JR NZ(7/12),LD HL,nn,LD (nn),HL,INC HL,INC H,DEC H,LD H,n,DAA,JR Z,ADD HL,HL,LD HL,(nn),DEC HL,..,CPL
	7, 10, 13, 6, 11, 11, 10, 4, 7, 11, 13, 6, 4, 4, 7, 4, // 3x JR NC,LD SP,nn,LD (nn),A,INC SP,INC (HL),DEC (HL),LD (HL),n,SCF,JR C,ADD HL,SP,LD A,(nn),DEC SP,..,CCF
	4, 4, 4, 4, 4, 4, 7, 4, 4, 4, 4, 4, 4, 4, 7, 4, // 4x LD B,r / LD C,r ; r=(HL): 7
	4, 4, 4, 4, 4, 4, 7, 4, 4, 4, 4, 4, 4, 4, 7, 4, // 5x LD D,r / LD E,r
	4, 4, 4, 4, 4, 4, 7, 4, 4, 4, 4, 4, 4, 4, 7, 4, // 6x LD H,r / LD L,r
	7, 7, 7, 7, 7, 7, 4, 7, 4, 4, 4, 4, 4, 4, 7, 4, // 7x LD (HL),r: 7, HALT: 4 / LD A,r
	4, 4, 4, 4, 4, 4, 7, 4, 4, 4, 4, 4, 4, 4, 7, 4, // 8x ADD A,r / ADC A,r
	4, 4, 4, 4, 4, 4, 7, 4, 4, 4, 4, 4, 4, 4, 7, 4, // 9x SUB r / SBC A,r
	4, 4, 4, 4, 4, 4, 7, 4, 4, 4, 4, 4, 4, 4, 7, 4, // Ax AND r / XOR r
	4, 4, 4, 4, 4, 4, 7, 4, 4, 4, 4, 4, 4, 4, 7, 4, // Bx OR r / CP r
	5, 10, 10, 10, 10, 11, 7, 11, 5, 10, 10, 0, 10, 17, 7, 11, // Cx RET NZ(5/11),POP BC,JP NZ,JP nn,CALL NZ(10/17),PUSH BC,ADD A,n,RST 0,RET Z,RET,JP Z,[CB],CALL Z,CALL nn,ADC A,n,RST 8
	5, 10, 10, 11, 10, 11, 7, 11, 5, 4, 10, 11, 10, 0, 7, 11, // Dx RET NC,POP DE,JP NC,OUT (n),A,CALL NC,PUSH DE,SUB n,RST 10,RET C,EXX,JP C,IN A,(n),CALL C,[DD],SBC A,n,RST 18
	5, 10, 10, 19, 10, 11, 7, 11, 5, 4, 10, 4, 10, 0, 7, 11, // Ex RET PO,POP HL,JP PO,EX (SP),HL,CALL PO,PUSH HL,AND n,RST 20,RET PE,JP (HL),JP PE,EX DE,HL,CALL PE,[ED],XOR n,RST 28
	5, 10, 10, 4, 10, 11, 7, 11, 5, 6, 10, 4, 10, 0, 7, 11, // Fx RET P,POP AF,JP P,DI,CALL P,PUSH AF,OR n,RST 30,RET M,LD SP,HL,JP M,EI,CALL M,[FD],CP n,RST 38
}

// tCB: CB-prefixed opcodes (rotates/shifts incl. undocumented SLL at
// CB 30-37, BIT, RES, SET). Register forms 8; (HL) forms: BIT 12, others 15.
var tCB = [256]uint8{
	//0  1   2   3   4   5   6   7   8   9   A   B   C   D   E   F
	8, 8, 8, 8, 8, 8, 15, 8, 8, 8, 8, 8, 8, 8, 15, 8, // 0x RLC r / RRC r
	8, 8, 8, 8, 8, 8, 15, 8, 8, 8, 8, 8, 8, 8, 15, 8, // 1x RL r / RR r
	8, 8, 8, 8, 8, 8, 15, 8, 8, 8, 8, 8, 8, 8, 15, 8, // 2x SLA r / SRA r
	8, 8, 8, 8, 8, 8, 15, 8, 8, 8, 8, 8, 8, 8, 15, 8, // 3x SLL r (undoc.) / SRL r
	8, 8, 8, 8, 8, 8, 12, 8, 8, 8, 8, 8, 8, 8, 12, 8, // 4x BIT 0 / BIT 1
	8, 8, 8, 8, 8, 8, 12, 8, 8, 8, 8, 8, 8, 8, 12, 8, // 5x BIT 2 / BIT 3
	8, 8, 8, 8, 8, 8, 12, 8, 8, 8, 8, 8, 8, 8, 12, 8, // 6x BIT 4 / BIT 5
	8, 8, 8, 8, 8, 8, 12, 8, 8, 8, 8, 8, 8, 8, 12, 8, // 7x BIT 6 / BIT 7
	8, 8, 8, 8, 8, 8, 15, 8, 8, 8, 8, 8, 8, 8, 15, 8, // 8x RES 0 / RES 1
	8, 8, 8, 8, 8, 8, 15, 8, 8, 8, 8, 8, 8, 8, 15, 8, // 9x RES 2 / RES 3
	8, 8, 8, 8, 8, 8, 15, 8, 8, 8, 8, 8, 8, 8, 15, 8, // Ax RES 4 / RES 5
	8, 8, 8, 8, 8, 8, 15, 8, 8, 8, 8, 8, 8, 8, 15, 8, // Bx RES 6 / RES 7
	8, 8, 8, 8, 8, 8, 15, 8, 8, 8, 8, 8, 8, 8, 15, 8, // Cx SET 0 / SET 1
	8, 8, 8, 8, 8, 8, 15, 8, 8, 8, 8, 8, 8, 8, 15, 8, // Dx SET 2 / SET 3
	8, 8, 8, 8, 8, 8, 15, 8, 8, 8, 8, 8, 8, 8, 15, 8, // Ex SET 4 / SET 5
	8, 8, 8, 8, 8, 8, 15, 8, 8, 8, 8, 8, 8, 8, 15, 8, // Fx SET 6 / SET 7
}

// tED: ED-prefixed opcodes. Every opcode not listed by Zilog is an
// "ED NOP" costing 8. Mirrors (undocumented) of NEG/RETN/IM cost as the
// originals. Block repeats hold their final-iteration cost 16.
var tED = [256]uint8{
	//0   1   2   3   4   5   6   7   8   9   A   B   C   D   E   F
	8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, // 0x ED NOP
	8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, // 1x
	8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, // 2x
	8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, // 3x
	12, 12, 15, 20, 8, 14, 8, 9, 12, 12, 15, 20, 8, 14, 8, 9, // 4x IN B,(C),OUT (C),B,SBC HL,BC,LD (nn),BC,NEG,RETN,IM 0,LD I,A,IN C,(C),OUT (C),C,ADC HL,BC,LD BC,(nn),NEG*,RETI,IM 0*,LD R,A
	12, 12, 15, 20, 8, 14, 8, 9, 12, 12, 15, 20, 8, 14, 8, 9, // 5x ..DE..,IM 1,LD A,I / ..,IM 2,LD A,R
	12, 12, 15, 20, 8, 14, 8, 18, 12, 12, 15, 20, 8, 14, 8, 18, // 6x ..HL..,RRD / ..,RLD
	12, 12, 15, 20, 8, 14, 8, 8, 12, 12, 15, 20, 8, 14, 8, 8, // 7x IN F,(C)*,OUT (C),0*,SBC HL,SP,LD (nn),SP,..,ED NOP / IN A,(C),..,ED NOP
	8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, // 8x
	8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, // 9x
	16, 16, 16, 16, 8, 8, 8, 8, 16, 16, 16, 16, 8, 8, 8, 8, // Ax LDI,CPI,INI,OUTI / LDD,CPD,IND,OUTD
	16, 16, 16, 16, 8, 8, 8, 8, 16, 16, 16, 16, 8, 8, 8, 8, // Bx LDIR,CPIR,INIR,OTIR / LDDR,CPDR,INDR,OTDR (16, +5 when repeating)
	8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, // Cx
	8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, // Dx
	8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, // Ex
	8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, // Fx
}

// tXY: DD- or FD-prefixed opcodes (IX shown; IY identical). IX/IY forms
// have their Zilog cost; IXH/IXL forms (undocumented) 8 (LD x,n 11);
// everything else is the unprefixed cost + 4. DD/ED/FD after DD/FD cost 8
// (koron-go consumes such a pair as one step).
var tXY = [256]uint8{
	//0  1   2   3   4   5   6   7   8   9   A   B   C   D   E   F
	8, 14, 11, 10, 8, 8, 11, 8, 8, 15, 11, 10, 8, 8, 11, 8, // 0x ..,ADD IX,BC: 15
	12, 14, 11, 10, 8, 8, 11, 8, 16, 15, 11, 10, 8, 8, 11, 8, // 1x DJNZ(12/17),..,JR(16),ADD IX,DE: 15
	11, 14, 20, 10, 8, 8, 11, 8, 11, 15, 20, 10, 8, 8, 11, 8, // 2x JR NZ(11/16),LD IX,nn,LD (nn),IX,INC IX,INC IXH,DEC IXH,LD IXH,n,..,ADD IX,IX,LD IX,(nn),DEC IX,INC IXL,DEC IXL,LD IXL,n
	11, 14, 17, 10, 23, 23, 19, 8, 11, 15, 17, 10, 8, 8, 11, 8, // 3x ..,INC (IX+d),DEC (IX+d),LD (IX+d),n,..,ADD IX,SP
	8, 8, 8, 8, 8, 8, 19, 8, 8, 8, 8, 8, 8, 8, 19, 8, // 4x LD B,(IX+d) / LD C,(IX+d): 19; LD B,IXH etc. 8
	8, 8, 8, 8, 8, 8, 19, 8, 8, 8, 8, 8, 8, 8, 19, 8, // 5x
	8, 8, 8, 8, 8, 8, 19, 8, 8, 8, 8, 8, 8, 8, 19, 8, // 6x LD IXH,r / LD H,(IX+d) / LD IXL,r / LD L,(IX+d)
	19, 19, 19, 19, 19, 19, 8, 19, 8, 8, 8, 8, 8, 8, 19, 8, // 7x LD (IX+d),r: 19 (76 = HALT+4) / LD A,(IX+d)
	8, 8, 8, 8, 8, 8, 19, 8, 8, 8, 8, 8, 8, 8, 19, 8, // 8x ADD A,(IX+d) / ADC A,(IX+d): 19
	8, 8, 8, 8, 8, 8, 19, 8, 8, 8, 8, 8, 8, 8, 19, 8, // 9x SUB / SBC
	8, 8, 8, 8, 8, 8, 19, 8, 8, 8, 8, 8, 8, 8, 19, 8, // Ax AND / XOR
	8, 8, 8, 8, 8, 8, 19, 8, 8, 8, 8, 8, 8, 8, 19, 8, // Bx OR / CP
	9, 14, 14, 14, 14, 15, 11, 15, 9, 14, 14, 0, 14, 21, 11, 15, // Cx (ret cc 9/15, call cc 14/21),[DDCB]
	9, 14, 14, 15, 14, 15, 11, 15, 9, 8, 14, 15, 14, 8, 11, 15, // Dx ..,EXX 8,..,DD DD 8
	9, 14, 14, 23, 14, 15, 11, 15, 9, 8, 14, 8, 14, 8, 11, 15, // Ex POP IX 14,EX (SP),IX 23,PUSH IX 15,JP (IX) 8,EX DE,HL 8,DD ED 8
	9, 14, 14, 8, 14, 15, 11, 15, 9, 10, 14, 8, 14, 8, 11, 15, // Fx ..,LD SP,IX 10,..,DD FD 8
}

// tXYCB: DD CB d op / FD CB d op, indexed by op (the 4th byte).
// BIT b,(IX+d) 20; rotates/shifts/RES/SET (IX+d) 23, including the
// undocumented forms that also copy the result to a register.
var tXYCB = [256]uint8{
	//0   1   2   3   4   5   6   7   8   9   A   B   C   D   E   F
	23, 23, 23, 23, 23, 23, 23, 23, 23, 23, 23, 23, 23, 23, 23, 23, // 0x RLC/RRC (IX+d)
	23, 23, 23, 23, 23, 23, 23, 23, 23, 23, 23, 23, 23, 23, 23, 23, // 1x RL/RR
	23, 23, 23, 23, 23, 23, 23, 23, 23, 23, 23, 23, 23, 23, 23, 23, // 2x SLA/SRA
	23, 23, 23, 23, 23, 23, 23, 23, 23, 23, 23, 23, 23, 23, 23, 23, // 3x SLL/SRL
	20, 20, 20, 20, 20, 20, 20, 20, 20, 20, 20, 20, 20, 20, 20, 20, // 4x BIT 0/1,(IX+d)
	20, 20, 20, 20, 20, 20, 20, 20, 20, 20, 20, 20, 20, 20, 20, 20, // 5x BIT 2/3
	20, 20, 20, 20, 20, 20, 20, 20, 20, 20, 20, 20, 20, 20, 20, 20, // 6x BIT 4/5
	20, 20, 20, 20, 20, 20, 20, 20, 20, 20, 20, 20, 20, 20, 20, 20, // 7x BIT 6/7
	23, 23, 23, 23, 23, 23, 23, 23, 23, 23, 23, 23, 23, 23, 23, 23, // 8x RES
	23, 23, 23, 23, 23, 23, 23, 23, 23, 23, 23, 23, 23, 23, 23, 23, // 9x
	23, 23, 23, 23, 23, 23, 23, 23, 23, 23, 23, 23, 23, 23, 23, 23, // Ax
	23, 23, 23, 23, 23, 23, 23, 23, 23, 23, 23, 23, 23, 23, 23, 23, // Bx
	23, 23, 23, 23, 23, 23, 23, 23, 23, 23, 23, 23, 23, 23, 23, 23, // Cx SET
	23, 23, 23, 23, 23, 23, 23, 23, 23, 23, 23, 23, 23, 23, 23, 23, // Dx
	23, 23, 23, 23, 23, 23, 23, 23, 23, 23, 23, 23, 23, 23, 23, 23, // Ex
	23, 23, 23, 23, 23, 23, 23, 23, 23, 23, 23, 23, 23, 23, 23, 23, // Fx
}

// Kinds of unprefixed opcodes whose cost depends on the machine state.
const (
	KNone   uint8 = iota
	KJRcc         // JR cc,e: +5 when taken (cc in bits 3-4)
	KDJNZ         // DJNZ e: +5 when B != 1 before the step
	KCALLcc       // CALL cc,nn: +7 when taken (cc in bits 3-5)
	KRETcc        // RET cc: +6 when taken (cc in bits 3-5)
	KHALT         // HALT: stops the machine (no interrupts exist here)
)

// kMain classifies unprefixed opcodes (also used for DD/FD + opcode).
var kMain = func() (k [256]uint8) {
	k[0x10] = KDJNZ
	for _, op := range []int{0x20, 0x28, 0x30, 0x38} {
		k[op] = KJRcc
	}
	for cc := 0; cc < 8; cc++ {
		k[0xC0|cc<<3] = KRETcc
		k[0xC4|cc<<3] = KCALLcc
	}
	k[0x76] = KHALT
	return k
}()

// mainInfo packs Main (low byte) and Kind (high byte) for one lookup
// per unprefixed instruction in the step loop.
var mainInfo = func() (e [256]uint16) {
	for i := range e {
		e[i] = uint16(tMain[i]) | uint16(kMain[i])<<8
	}
	return e
}()

// ccMask maps cc>>1 (NZ/Z, NC/C, PO/PE, P/M) to the tested flag bit.
var ccMask = [4]uint8{0x40, 0x01, 0x04, 0x80}

// CCTrue evaluates condition code cc (0..7 = NZ,Z,NC,C,PO,PE,P,M) on F.
func CCTrue(f, cc uint8) bool {
	return (f&ccMask[cc>>1] != 0) == (cc&1 != 0)
}

// Extra returns the additional T-states of a conditional instruction of
// kind k with opcode op, evaluated on the state before it executes.
// f is the F register, b the B register.
func Extra(k, op, f, b uint8) uint64 {
	switch k {
	case KJRcc:
		if CCTrue(f, (op>>3)&3) {
			return 5
		}
	case KDJNZ:
		if b != 1 {
			return 5
		}
	case KCALLcc:
		if CCTrue(f, (op>>3)&7) {
			return 7
		}
	case KRETcc:
		if CCTrue(f, (op>>3)&7) {
			return 6
		}
	}
	return 0
}

// IsBlockRepeat reports whether ED op is LDIR/CPIR/INIR/OTIR/LDDR/CPDR/
// INDR/OTDR (ED B0-B3, B8-BB).
func IsBlockRepeat(op uint8) bool { return op&0xF4 == 0xB0 }

// Main returns the cost of unprefixed opcode op (0 for the prefixes CB,
// DD, ED, FD); conditional instructions give their not-taken cost.
func Main(op uint8) uint8 { return tMain[op] }

// CB returns the cost of CB op.
func CB(op uint8) uint8 { return tCB[op] }

// ED returns the cost of ED op (block repeats: their last iteration, 16).
func ED(op uint8) uint8 { return tED[op] }

// XY returns the cost of DD op / FD op (0 for CB, decoded by XYCB).
func XY(op uint8) uint8 { return tXY[op] }

// XYCB returns the cost of DD CB d op / FD CB d op.
func XYCB(op uint8) uint8 { return tXYCB[op] }

// Kind classifies unprefixed opcode op (KNone, KJRcc, KDJNZ, KCALLcc,
// KRETcc, KHALT); DD/FD + op have the same kind.
func Kind(op uint8) uint8 { return kMain[op] }

// Info packs Main(op) (low byte) and Kind(op) (high byte) for one lookup
// per unprefixed instruction in a step loop.
func Info(op uint8) uint16 { return mainInfo[op] }
