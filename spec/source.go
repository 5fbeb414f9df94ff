package spec

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"hash"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"cuelang.org/go/cue/ast"
)

// sourceFile is what Load knows of one source file of a revision: its
// content, and facts about it that depend on nothing else, so that they are
// worked out once for each content of the file.
type sourceFile struct {
	name string
	data []byte
	// version is the language version the file was parsed at.
	version string

	// plain reports whether CUE's loader would take the file as it is into
	// the revision's package, so that the file may be compiled without the
	// loader: it parses, names a package, is valid UTF-8 without a byte
	// order mark, has no file attributes (@if, @ignore, @extern) and imports
	// only packages of the standard library.
	plain bool
	// pkg is the name of the file's package.
	pkg string

	// decls are the file's field declarations in source order.
	decls []*decl
	// holes are the declarations of criteria in the file, whose text the
	// memo keys of criteria hash apart from the rest (see memo.go).
	holes []hole
	// holeLabels are the labels on the paths from the package root to
	// the criteria declared in the file, the criteria's own included.
	holeLabels []string
	// refs are the names of the identifiers that the file uses as values.
	refs map[string]bool
	// opaque reports that the file's criteria cannot be told apart from
	// the rest of it: a field on the path to a criterion, or the criterion
	// itself, has an alias, by which other code may refer to it, or the
	// positions of a criterion do not delimit its text.
	opaque bool
	// rest hashes the file's name and its text with the text of its holes
	// left out, but for their number of lines.
	rest [sha256.Size]byte
}

// hole is the declaration of a criterion: a field at
// categories.<category>.levels.<level>.criteria.<id> that is not under a
// guard. Key is the criterion's path key, and sum hashes the declaration's
// text.
type hole struct {
	key string
	sum [sha256.Size]byte
}

// newSourceFile works out the facts of a file from its syntax, parsed at the
// given language version. File is nil if the file does not parse.
func newSourceFile(name string, data []byte, version string, file *ast.File) *sourceFile {
	sf := &sourceFile{name: name, data: data, version: version}
	if file == nil {
		return sf
	}
	sf.pkg = file.PackageName()
	sf.plain = sf.pkg != "" && sf.pkg != "_" && utf8.Valid(data) && !hasBOM(data) &&
		!strings.HasSuffix(name, "_test.cue") && !strings.HasSuffix(name, "_tool.cue")
	for _, d := range file.Decls {
		if _, ok := d.(*ast.Attribute); ok {
			sf.plain = false
		}
	}
	for spec := range file.ImportSpecs() {
		p, err := strconv.Unquote(spec.Path.Value)
		if err != nil || !isStdlibPath(p) {
			sf.plain = false
		}
	}

	type span struct{ start, end int }
	var spans []span
	labels := map[string]bool{}
	sf.decls = fileDecls(file, func(d *decl, aliased bool) {
		if d.guarded || !isCriterionPath(d.path) {
			return
		}
		start, end := d.field.Pos().Offset(), d.field.End().Offset()
		if start < 0 || end > len(data) || start > end || (len(spans) > 0 && start < spans[len(spans)-1].end) {
			sf.opaque = true
			return
		}
		spans = append(spans, span{start, end})
		sf.holes = append(sf.holes, hole{key: d.key, sum: sha256.Sum256(data[start:end])})
		for _, l := range d.path {
			labels[l] = true
		}
		sf.opaque = sf.opaque || aliased
	})
	for l := range labels {
		sf.holeLabels = append(sf.holeLabels, l)
	}
	slices.Sort(sf.holeLabels)
	sf.refs = referencedNames(file)

	// The text outside the holes, with the number of lines of each hole in
	// its place: positions after a hole depend on them.
	h := sha256.New()
	writeBytes(h, []byte(name))
	prev := 0
	for _, s := range spans {
		writeBytes(h, data[prev:s.start])
		writeInt(h, bytes.Count(data[s.start:s.end], []byte{'\n'}))
		prev = s.end
	}
	writeBytes(h, data[prev:])
	h.Sum(sf.rest[:0])
	return sf
}

func hasBOM(data []byte) bool {
	return bytes.HasPrefix(data, []byte("\xef\xbb\xbf")) || bytes.HasPrefix(data, []byte("\xfe\xff")) || bytes.HasPrefix(data, []byte("\xff\xfe"))
}

// isStdlibPath reports whether an import path names a package of CUE's
// standard library: its first element has no dot.
func isStdlibPath(p string) bool {
	first, _, _ := strings.Cut(p, "/")
	return p != "" && !strings.Contains(first, ".") && !strings.ContainsAny(p, ":@")
}

// isCriterionPath reports whether path is
// categories.<category>.levels.<level>.criteria.<id>.
func isCriterionPath(p []string) bool {
	return len(p) == 6 && p[0] == "categories" && p[2] == "levels" && p[4] == "criteria"
}

// referencedNames returns the names of the identifiers that a file uses as
// values (see references). Names that a file declares (of let clauses,
// aliases and comprehension variables) are among them, which errs on the
// safe side.
func referencedNames(f *ast.File) map[string]bool {
	names := map[string]bool{}
	references(f, func(n *ast.Ident) { names[n.Name] = true })
	return names
}

// references calls ref for every identifier of a syntax tree that is used
// as a value: every identifier but the labels of fields, the selectors of
// selector expressions and those of package clauses, imports and
// attributes.
func references(root ast.Node, ref func(*ast.Ident)) {
	var visit func(n ast.Node) bool
	visit = func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.Field:
			switch n.Label.(type) {
			case *ast.Ident, *ast.BasicLit:
			default:
				ast.Walk(n.Label, visit, nil)
			}
			if n.Alias != nil {
				ast.Walk(n.Alias, visit, nil)
			}
			if n.Value != nil {
				ast.Walk(n.Value, visit, nil)
			}
			return false
		case *ast.SelectorExpr:
			ast.Walk(n.X, visit, nil)
			return false
		case *ast.Package, *ast.ImportDecl, *ast.ImportSpec, *ast.Attribute:
			return false
		case *ast.Ident:
			ref(n)
		}
		return true
	}
	ast.Walk(root, visit, nil)
}

func writeInt(h hash.Hash, n int) {
	var b [binary.MaxVarintLen64]byte
	h.Write(b[:binary.PutVarint(b[:], int64(n))])
}

func writeBytes(h hash.Hash, b []byte) {
	writeInt(h, len(b))
	h.Write(b)
}
