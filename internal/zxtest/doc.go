// Package zxtest holds what the tests of several packages (z80ref/zx,
// cmd/mulm, web, web/play) use to run a Spectrum program: z80ref/zx's echo
// program (testdata/echo.asm, which echoes a line upper-cased), assembled
// and on a loader tape. Only tests import it.
package zxtest
