// Package dataset reads mulm training data: query|response lines, as in
// the original project, and computes class statistics, the exact-match
// ceiling and class-balanced resamplings.
//
// # Format
//
// One pair per line, split at the first '|'; both sides are trimmed and
// upper-cased (ASCII). Blank lines and lines starting with '#' are ignored.
// Input may be gzip-compressed (detected by its magic bytes, not its name);
// a UTF-8 byte-order mark at the start is dropped; lines end in "\n" or
// "\r\n" and may be up to MaxLineBytes (1 MiB) long, a longer one is an
// error naming file:line and the limit. A directory given as a file is an
// error. Lines and SplitPair are the one reader of this format: Parse uses
// them, and so does the examples' strict parser (examples/internal/phrase).
// Unlike the original, which silently drops or truncates, every line that
// is not used is reported with file:line and the reason (Rejection.String
// quotes at most a short excerpt of the line):
//
//   - no '|' separator;
//   - query shorter than 2 characters (as the original);
//   - query longer than 255 bytes (what the Z80 console buffer and the
//     trigram encoder read; the original cut queries at 60, which changes
//     what the model sees, so longer queries are kept whole);
//   - empty response;
//   - response longer than the generation limit (50 by default: the model
//     could never print it);
//   - a response byte outside printable ASCII.
//
// With an explicit charset a response character outside it is an error
// naming file:line.
//
// # Charset
//
// DeriveCharset orders the response characters as the original does:
// space first, then letters, digits and other punctuation, each in byte
// order, and EOS (byte 0) last.
//
// # Ceiling
//
// A query that appears with several responses can only be answered one
// way; Ceiling is the exact-match of answering every query with its
// majority response, the best any model can reach.
package dataset
