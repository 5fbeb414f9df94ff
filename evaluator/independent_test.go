package evaluator_test

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"cuelang.org/go/cue"
	"cuelang.org/go/cue/ast"
	"cuelang.org/go/cue/ast/astutil"
	"cuelang.org/go/cue/cuecontext"
	"cuelang.org/go/cue/format"
	"cuelang.org/go/cue/load"
	"cuelang.org/go/cue/parser"
	"cuelang.org/go/cue/token"

	"github.com/ladderworks/ladder/evaluator"
	"github.com/ladderworks/ladder/fixtures"
	"github.com/ladderworks/ladder/spec"
)

// TestVerdictsAgreeWithPlainCUE computes the verdict of every (device,
// criterion) pair of the reference corpus under both built-in revisions
// without the evaluator: it rewrites the revision's files so that every
// field under a require is required (x!:), loads them with CUE's loader,
// compiles each device from its file, and decides by the verdict rule —
// missing if a required field is absent, else fail if the unification does
// not validate as concrete, else pass. The evaluator must agree on every
// pair.
func TestVerdictsAgreeWithPlainCUE(t *testing.T) {
	root := os.DirFS("..")
	ws := spec.NewWorkspace(root, "")
	var revs []*spec.Revision
	for _, id := range []string{"gbz177-2026", "gbz177-l4-draft"} {
		rev, err := ws.Load(id)
		if err != nil {
			t.Fatal(err)
		}
		revs = append(revs, rev)
	}
	// A record may carry measurements of the draft; the edition ignores
	// them. Compiled from its file, the device keeps them: no criterion of
	// the edition can see them.
	vocab := fixtures.NewVocabulary(revs...)
	for _, rev := range revs {
		id := rev.ID
		t.Run(id, func(t *testing.T) {
			ctx := cuecontext.New()
			requires, fields := strictRevision(t, ctx, id)

			// The evaluator's verdicts.
			l := fixtures.NewLoader()
			if err := l.AddFS(root, fixtures.DevicesDir, fixtures.DevicesDir); err != nil {
				t.Fatal(err)
			}
			devices, problems := fixtures.Validate(rev, l.Corpus().Records, vocab)
			if len(l.Corpus().Problems)+len(problems) > 0 || len(devices) < 210 {
				t.Fatalf("the reference corpus: %d devices, problems %v %v", len(devices), l.Corpus().Problems, problems)
			}
			ref, err := evaluator.NewReference(rev)
			if err != nil {
				t.Fatal(err)
			}
			outcomes, err := ref.Evaluate(context.Background(), devices)
			if err != nil {
				t.Fatal(err)
			}

			pairs, disagreements := 0, 0
			verdicts := map[string]int{}
			for _, o := range outcomes {
				data, err := fs.ReadFile(root, o.Device.File)
				if err != nil {
					t.Fatal(err)
				}
				dev := ctx.CompileBytes(data, cue.Filename(o.Device.File))
				if err := dev.Err(); err != nil {
					t.Fatalf("compiling %s: %v", o.Device.File, err)
				}
				for _, c := range o.Checks {
					want := plainVerdict(dev, requires[c.Criterion.ID], fields[c.Criterion.ID])
					pairs++
					verdicts[want]++
					if got := c.Verdict.String(); got != want {
						disagreements++
						if disagreements <= 10 {
							t.Errorf("%s, %s: evaluator says %s (%s), plain CUE says %s", o.Device.ID, c.Criterion.ID, got, c.Message(), want)
						}
					}
				}
			}
			if len(requires) != len(rev.Criteria()) {
				t.Errorf("the rewrite found %d requires, the revision has %d criteria", len(requires), len(rev.Criteria()))
			}
			t.Logf("%d pairs (%d pass, %d fail, %d missing), %d disagreements", pairs, verdicts["pass"], verdicts["fail"], verdicts["missing"], disagreements)
			if verdicts["pass"] == 0 || verdicts["fail"] == 0 || verdicts["missing"] == 0 {
				t.Errorf("the corpus does not exercise every verdict: %v", verdicts)
			}
		})
	}
}

// plainVerdict decides a verdict by the verdict rule, with the required
// fields of the criterion listed by the rewrite.
func plainVerdict(dev, require cue.Value, required [][]string) string {
	for _, path := range required {
		sels := make([]cue.Selector, len(path))
		for i, p := range path {
			sels[i] = cue.Str(p)
		}
		if !dev.LookupPath(cue.MakePath(sels...)).Exists() {
			return "missing"
		}
	}
	if dev.Unify(require).Validate(cue.Concrete(true)) != nil {
		return "fail"
	}
	return "pass"
}

// strictRevision copies the CUE module of the repository to a temporary
// directory with every field under a criterion's require made required,
// loads the revision with CUE's loader, and returns each criterion's
// require and the paths of its required fields, by criterion ID.
func strictRevision(t *testing.T, ctx *cue.Context, id string) (map[string]cue.Value, map[string][][]string) {
	t.Helper()
	tmp := t.TempDir()
	fields := map[string][][]string{}
	err := filepath.WalkDir("../cue", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel("../cue", p)
		dst := filepath.Join(tmp, rel)
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if strings.HasSuffix(p, ".cue") && strings.Contains(rel, "revisions") {
			data = requireAll(t, p, data, fields)
		}
		return os.WriteFile(dst, data, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	insts := load.Instances([]string{"./revisions/" + id}, &load.Config{Dir: tmp})
	if insts[0].Err != nil {
		t.Fatal(insts[0].Err)
	}
	v := ctx.BuildInstance(insts[0])
	if err := v.Err(); err != nil {
		t.Fatal(err)
	}
	requires := map[string]cue.Value{}
	cats, _ := v.LookupPath(cue.ParsePath("categories")).Fields()
	for cats.Next() {
		levels, _ := cats.Value().LookupPath(cue.ParsePath("levels")).Fields()
		for levels.Next() {
			crits, err := levels.Value().LookupPath(cue.ParsePath("criteria")).Fields()
			if err != nil {
				continue // a reserved level has no criteria
			}
			for crits.Next() {
				requires[crits.Selector().Unquoted()] = crits.Value().LookupPath(cue.ParsePath("require"))
			}
		}
	}
	return requires, fields
}

// requireAll rewrites one CUE file: every regular field that stands under
// categories.<c>.levels.<l>.criteria.<id>.require becomes required. It
// records the required fields' paths per criterion, and fails the test on a
// require with a comprehension or a disjunction, for which "absent" would
// depend on the device and which the built-in standard does not use.
func requireAll(t *testing.T, name string, data []byte, fields map[string][][]string) []byte {
	t.Helper()
	f, err := parser.ParseFile(name, data)
	if err != nil {
		t.Fatal(err)
	}
	astutil.Apply(f, func(c astutil.Cursor) bool {
		labels := ancestors(c)
		if len(labels) < 7 || labels[0] != "categories" || labels[2] != "levels" || labels[4] != "criteria" || labels[6] != "require" {
			return true
		}
		switch n := c.Node().(type) {
		case *ast.Comprehension:
			t.Fatalf("%s: a require with a comprehension", name)
		case *ast.BinaryExpr:
			if n.Op == token.OR {
				if _, ok := n.X.(*ast.StructLit); ok {
					t.Fatalf("%s: a require with a disjunction of structs", name)
				}
			}
		case *ast.Field:
			if len(labels) > 7 && n.Constraint != token.OPTION {
				n.Constraint = token.NOT
				if _, isStruct := n.Value.(*ast.StructLit); !isStruct {
					fields[labels[5]] = append(fields[labels[5]], labels[7:])
				}
			}
		}
		return true
	}, nil)
	out, err := format.Node(f)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// ancestors returns the labels of the fields enclosing the cursor's node,
// outermost first, the node's own label last if it is a field.
func ancestors(c astutil.Cursor) []string {
	var labels []string
	for ; c != nil; c = c.Parent() {
		if f, ok := c.Node().(*ast.Field); ok {
			name, _, _ := ast.LabelName(f.Label)
			labels = append([]string{name}, labels...)
		}
	}
	return labels
}
