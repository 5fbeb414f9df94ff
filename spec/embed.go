package spec

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"strconv"
	"strings"

	"cuelang.org/go/cue/ast"
	"cuelang.org/go/cue/parser"
)

// CUE's @embed reads files of the module into a revision. CUE's loader
// reads them through the workspace's file system, which refuses what lies
// outside the workspace and what is not a regular file; checkEmbeds says
// so first, at the attribute, in words a drafter can act on, where CUE
// would only say that the file does not exist.

// checkEmbeds returns an error for each @embed attribute of the revision's
// files that names a file the revision may not embed: an absolute path, or
// one that leads out of the revision's directory, out of the workspace
// (through a symbolic link) or to a file that is not a regular file.
// Attributes in files without @extern(embed) embed nothing, and are left
// alone; so are those that CUE itself reports on (a directory, a
// malformed attribute).
func (w *Workspace) checkEmbeds(id string, files []*File) []*Error {
	dir := path.Join(RevisionsDir, id)
	var errs []*Error
	for _, f := range files {
		if !bytes.Contains(f.Data, []byte("@embed")) {
			continue
		}
		af, err := parser.ParseFile(f.Name, f.Data)
		if err != nil || !embeds(af) {
			continue
		}
		ast.Walk(af, func(n ast.Node) bool {
			a, ok := n.(*ast.Attribute)
			if !ok {
				return true
			}
			if name, body := a.Split(); name == "embed" {
				if msg := w.checkEmbed(dir, body); msg != "" {
					errs = append(errs, &Error{Pos: positionOf(a.Pos()), Msg: msg})
				}
			}
			return true
		}, nil)
	}
	return errs
}

// embeds reports whether a file declares @extern(embed).
func embeds(f *ast.File) bool {
	for _, d := range f.Decls {
		if a, ok := d.(*ast.Attribute); ok {
			if name, body := a.Split(); name == "extern" && strings.TrimSpace(body) == "embed" {
				return true
			}
		}
	}
	return false
}

// checkEmbed says what is wrong with the file or files that an @embed
// attribute of body names, for a revision in dir, or returns "".
func (w *Workspace) checkEmbed(dir, body string) string {
	args := attrArgs(body)
	key, name := "file", args["file"]
	if name == "" {
		key, name = "glob", args["glob"]
	}
	if name == "" {
		return ""
	}
	at := fmt.Sprintf("@embed(%s=%s)", key, name)
	inside := fmt.Sprintf("an embedded file must be inside the revision's directory, %s, in the workspace", w.DisplayPath(dir))
	switch {
	case path.IsAbs(name) || strings.HasPrefix(name, `\`) || (len(name) > 1 && name[1] == ':'):
		return fmt.Sprintf("%s: %s is an absolute path: %s", at, strconv.Quote(name), inside)
	case name == ".." || strings.HasPrefix(path.Clean(name), "../") || path.Clean(name) == "..":
		return fmt.Sprintf("%s: %s leads out of the revision's directory: %s", at, strconv.Quote(name), inside)
	}
	var names []string
	if key == "file" {
		names = []string{path.Clean(name)}
	} else {
		sub, err := fs.Sub(w.fsys, dir)
		if err != nil {
			return ""
		}
		matches, err := fs.Glob(sub, name)
		if err != nil {
			return ""
		}
		for _, m := range matches {
			// CUE's glob leaves out dot files unless the pattern names
			// them.
			if strings.HasPrefix(path.Base(m), ".") && !strings.HasPrefix(path.Base(name), ".") {
				continue
			}
			names = append(names, m)
		}
	}
	for _, n := range names {
		info, err := fs.Stat(w.fsys, path.Join(dir, n))
		switch {
		case err != nil && errors.Is(err, fs.ErrNotExist):
			return fmt.Sprintf("%s: cannot read %s: %s", at, n, reason(err))
		case err != nil:
			return fmt.Sprintf("%s: cannot read %s: %s; %s", at, n, reason(err), inside)
		case info.IsDir():
			// CUE says so.
		case !info.Mode().IsRegular():
			return fmt.Sprintf("%s: cannot read %s: %s", at, n, (&NotRegularError{Mode: info.Mode()}).Error())
		}
	}
	return ""
}

// attrArgs reads the key=value arguments of an attribute's body; a value
// may be quoted.
func attrArgs(body string) map[string]string {
	args := map[string]string{}
	var parts []string
	start, quoted := 0, false
	for i := 0; i < len(body); i++ {
		switch c := body[i]; {
		case c == '\\' && quoted:
			i++
		case c == '"':
			quoted = !quoted
		case c == ',' && !quoted:
			parts = append(parts, body[start:i])
			start = i + 1
		}
	}
	parts = append(parts, body[start:])
	for _, p := range parts {
		k, v, ok := strings.Cut(strings.TrimSpace(p), "=")
		if !ok {
			continue
		}
		v = strings.TrimSpace(v)
		if u, err := strconv.Unquote(v); err == nil {
			v = u
		}
		args[strings.TrimSpace(k)] = v
	}
	return args
}
