package spec

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"unicode/utf8"
)

// checkText says what keeps data, the CUE file name, from being read as
// CUE source text, at its position, or returns nil. CUE files are UTF-8
// without a byte-order mark: CUE's scanner skips a leading one silently
// and reads bytes that are not UTF-8 as U+FFFD, which would change a
// string without a word.
func checkText(name string, data []byte) *Error {
	switch {
	case bytes.HasPrefix(data, []byte("\xef\xbb\xbf")):
		return &Error{Pos: Position{File: name, Line: 1, Column: 1},
			Msg: "the file starts with a byte-order mark (U+FEFF, bytes EF BB BF): CUE files are UTF-8 without one; save the file without it"}
	case bytes.HasPrefix(data, []byte("\xfe\xff")), bytes.HasPrefix(data, []byte("\xff\xfe")):
		return &Error{Pos: Position{File: name, Line: 1, Column: 1},
			Msg: "the file starts with a UTF-16 byte-order mark: it is UTF-16 text, and CUE files are UTF-8; save it as UTF-8"}
	}
	if utf8.Valid(data) {
		return nil
	}
	for i := 0; i < len(data); {
		r, w := utf8.DecodeRune(data[i:])
		if r == utf8.RuneError && w == 1 {
			line := 1 + bytes.Count(data[:i], []byte("\n"))
			col := i - bytes.LastIndexByte(data[:i], '\n')
			return &Error{Pos: Position{File: name, Line: line, Column: col},
				Msg: fmt.Sprintf("invalid UTF-8: byte 0x%02X is not part of a UTF-8 character; CUE files are UTF-8 text (was the file saved in another encoding?)", data[i])}
		}
		i += w
	}
	return nil
}

// reason says why a file could not be read, for a message that names the
// file already.
func reason(err error) string {
	var pe *fs.PathError
	var nr *NotRegularError
	switch {
	case errors.As(err, &nr):
		return nr.Error()
	case errors.Is(err, errOutside):
		return errOutside.Error()
	case errors.Is(err, fs.ErrNotExist):
		return "it does not exist"
	case errors.Is(err, fs.ErrPermission):
		return "permission denied"
	case errors.As(err, &pe):
		return pe.Err.Error()
	}
	return err.Error()
}
