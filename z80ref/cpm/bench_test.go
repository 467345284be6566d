package cpm

import (
	"testing"
	"time"
)

// loopProg counts BC down from 0 (65536 iterations) and returns.
var loopProg = []byte{
	0x01, 0x00, 0x00, // 0100 LD BC,0       10
	0x0B,       //             0103 DEC BC         6
	0x78,       //             0104 LD A,B         4
	0xB1,       //             0105 OR C           4
	0x20, 0xFB, //       0106 JR NZ,0103h   12/7
	0xC9, //             0108 RET           10
}

// mixedProg exercises memory, IX, CB and ED instructions in its loop.
var mixedProg = []byte{
	0xDD, 0x21, 0x00, 0x80, // 0100 LD IX,8000h      14
	0x21, 0x00, 0x90, //       0104 LD HL,9000h      10
	0x01, 0x00, 0x00, //       0107 LD BC,0          10
	0xDD, 0x7E, 0x00, //       010A LD A,(IX+0)      19  loop
	0x86,       //                   010D ADD A,(HL)        7
	0x77,       //                   010E LD (HL),A         7
	0xCB, 0x3F, //             010F SRL A             8
	0xDD, 0x77, 0x01, //       0111 LD (IX+1),A      19
	0x23,       //                   0114 INC HL            6
	0xED, 0x42, //             0115 SBC HL,BC        15
	0x0B,       //                   0117 DEC BC            6
	0x78,       //                   0118 LD A,B            4
	0xB1,       //                   0119 OR C              4
	0x20, 0xEE, //             011A JR NZ,010Ah      12/7
	0xC9, //                   011C RET              10
}

func benchProg(b *testing.B, code []byte, wantT uint64) {
	var total uint64
	var elapsed time.Duration
	for b.Loop() {
		m, err := New(code, Options{})
		if err != nil {
			b.Fatal(err)
		}
		start := time.Now()
		if err := m.Run(); err != nil {
			b.Fatal(err)
		}
		elapsed += time.Since(start)
		if wantT != 0 && m.TStates() != wantT {
			b.Fatalf("T-states %d, want %d", m.TStates(), wantT)
		}
		total += m.TStates()
	}
	b.ReportMetric(float64(total)/elapsed.Seconds()/1e6, "MT/s")
}

// BenchmarkRun measures emulated T-states per second on a tight loop
// (reported as MT/s, millions of T-states per second).
func BenchmarkRun(b *testing.B) {
	// 10 + 65535*26 + 21 + 10
	benchProg(b, loopProg, 10+65535*26+21+10)
}

// BenchmarkRunMixed is like BenchmarkRun on a loop using IX, CB and ED
// instructions and memory operands.
func BenchmarkRunMixed(b *testing.B) {
	benchProg(b, mixedProg, 34+65535*107+102+10)
}
