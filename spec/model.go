package spec

import (
	"slices"
	"strconv"
	"strings"
	"sync"

	"cuelang.org/go/cue"
)

// The statuses of a revision.
const (
	RevisionPublished = "published"
	RevisionDraft     = "draft"
)

// The statuses of a level.
const (
	// LevelNormative marks a level whose criteria are in force.
	LevelNormative = "normative"
	// LevelDraft marks a level whose criteria are proposed by a draft.
	LevelDraft = "draft"
	// LevelReserved marks a level that the revision names but does not
	// define; no device reaches it.
	LevelReserved = "reserved"
)

// FamilyCore is the family of a criterion that counts in every family of its
// category, and the only family of a category that names none.
const FamilyCore = "core"

// RuleCumulative is the determination rule by which a device is at level Lk
// when it passes every criterion of L1 to Lk.
const RuleCumulative = "cumulative"

// The vocabularies of the model, in the order in which they are listed to
// users.
var (
	// Provenances say where a criterion comes from: the normative or
	// informative text of the standard, or a placeholder of Ladder's.
	Provenances = []string{"normative", "informative", "illustrative"}
	// LevelStatuses are the statuses a level may have.
	LevelStatuses = []string{LevelNormative, LevelDraft, LevelReserved}
	// RevisionStatuses are the statuses a revision may have.
	RevisionStatuses = []string{RevisionPublished, RevisionDraft}
)

// MaxLevels is the most levels a category may declare: L1 to L9.
const MaxLevels = 9

// Revision is one revision of the standard: a CUE package in
// cue/revisions/<id>/.
type Revision struct {
	ID     string
	Title  string
	Status string
	// Base is the revision a draft was forked from, or "".
	Base string
	// Dir is the revision's directory as shown in positions.
	Dir string
	// Files are the revision's CUE files, sorted by name.
	Files []*File
	// Categories are in the order of the standard's parts.
	Categories []*Category
	// Measurements is the vocabulary of #Measurements, sorted by name.
	Measurements []*Measurement
	// Elements are the capability elements that the revision's #Element
	// admits, in the order it lists them, or nil if it declares none (then
	// a criterion may name any element).
	Elements []string
	// Device is the #Device schema that every device record must satisfy.
	Device cue.Value
	// Value is the whole compiled revision. After an edit inside one
	// criterion's require, which Load compiles by building that criterion
	// alone (see Workspace.Load), it is the value of the last full
	// compilation, in which that require is as it was then: read the
	// criteria from the model (Criterion.Value, Require, Fields), which is
	// always that of the current text.
	Value cue.Value
	// Pos is where the revision's metadata is declared.
	Pos Position

	// problems are the findings made while reading the model; Lint reports
	// them with its own.
	problems []Finding
	// decls are the declarations of the revision's files, by CUE path.
	decls *declIndex
	// ctx is the context the revision was compiled in.
	ctx *cue.Context
	// byID indexes the criteria by ID, the first of each.
	byID map[string]*Criterion
	// deviceFP caches DeviceFingerprint.
	deviceFP     string
	deviceFPOnce sync.Once
}

// File is one source file of a revision.
type File struct {
	// Name is the file's path as shown in positions.
	Name string
	Data []byte
}

// Category is one product category of the standard, graded by its own part.
type Category struct {
	Key   string
	Title string
	Part  string
	// Prefix is the prefix that the IDs of the category's criteria carry,
	// such as "DR" in DR-L2-OBSTACLES, or "" if the category declares none.
	Prefix string
	// Determination says how the level of a device is decided.
	Determination Determination
	// Levels are the levels the category declares, lowest first.
	Levels []*Level
	Pos    Position
}

// Determination is the rule that decides a device's level in a category.
type Determination struct {
	// Rule is RuleCumulative.
	Rule string
	// Families, when set, are determined separately; the device's level is
	// the lowest of them.
	Families []string
}

// Level is one rung of a category's ladder.
type Level struct {
	Name string
	// Rank is 1 for L1, 2 for L2 and so on.
	Rank   int
	Status string
	// Criteria are ordered by ID.
	Criteria []*Criterion
	Pos      Position
}

// Criterion is one machine-checkable requirement of a level.
type Criterion struct {
	// ID is the criterion's stable key, carried across revisions.
	ID         string
	Title      string
	Element    string
	Family     string
	Provenance string
	// Clause is where the standard's text says it, or "".
	Clause string
	// Category and Level locate the criterion in its revision.
	Category string
	Level    string
	// Fields are the device fields that Require constrains, by path, sorted.
	Fields []*Constraint
	// Require is the CUE constraint a device record must satisfy.
	Require cue.Value
	// Value is the whole criterion.
	Value cue.Value
	// Pos is the position of the criterion's key.
	Pos Position
	// Source is the CUE text that declares the criterion.
	Source string
	// Fingerprint identifies the criterion: it changes when the criterion or
	// a definition it uses changes, and not for comments, formatting or the
	// order of fields.
	Fingerprint string
	// RequireFingerprint identifies what Require asks of a device in the same
	// way. It decides verdicts: a criterion whose title changes keeps it.
	RequireFingerprint string
}

// Constraint is what a criterion asks of one device field.
type Constraint struct {
	// Labels are the labels of the field's path in a device record, such
	// as measurements and npu_tops_int8; a label may hold any character.
	Labels []string
	// Path is the field's path written as CUE selectors (FieldPath), such
	// as measurements.npu_tops_int8 or measurements."speed.max".
	Path  string
	Value cue.Value
	// Text is the constraint as CUE text, as written where it is declared
	// (such as ">=7" or "#LongTermMemory").
	Text string
	Pos  Position
}

// Measurement is one field of the measurement vocabulary.
type Measurement struct {
	Name string
	// Path is the field's path in a device record.
	Path string
	// Kind is the CUE kind of the field's values, such as cue.NumberKind.
	Kind cue.Kind
	// Unit is the field's @unit attribute, or "".
	Unit string
	// Doc is the field's doc comment.
	Doc string
	// Constraint is the CUE text of the field's type and range.
	Constraint string
	Value      cue.Value
	Pos        Position
}

// Category returns the category with the given key, or nil.
func (r *Revision) Category(key string) *Category {
	for _, c := range r.Categories {
		if c.Key == key {
			return c
		}
	}
	return nil
}

// Criteria returns every criterion of the revision, by category, level and ID.
func (r *Revision) Criteria() []*Criterion {
	var out []*Criterion
	for _, c := range r.Categories {
		for _, l := range c.Levels {
			out = append(out, l.Criteria...)
		}
	}
	return out
}

// Context returns the CUE context the revision was compiled in. Values that
// are unified with the revision's values, such as device records, are built
// in it.
func (r *Revision) Context() *cue.Context {
	return r.ctx
}

// Criterion returns the criterion with the given ID, or nil. When a
// malformed revision holds the ID twice, it returns the first.
func (r *Revision) Criterion(id string) *Criterion {
	return r.byID[id]
}

// Measurement returns the measurement with the given name, or nil.
func (r *Revision) Measurement(name string) *Measurement {
	i, ok := slices.BinarySearchFunc(r.Measurements, name, func(m *Measurement, name string) int {
		return strings.Compare(m.Name, name)
	})
	if !ok {
		return nil
	}
	return r.Measurements[i]
}

// Level returns the level with the given name, or nil.
func (c *Category) Level(name string) *Level {
	for _, l := range c.Levels {
		if l.Name == name {
			return l
		}
	}
	return nil
}

// Counts reports whether a criterion of this family counts in the given
// family of its category.
func (c *Criterion) Counts(family string) bool {
	return c.Family == FamilyCore || c.Family == family
}

// FieldPath writes the labels of a field's path as CUE selectors, quoting a
// label that is not an identifier: measurements.npu_tops_int8,
// measurements."speed.max". Labels are labels: a dot in one is never read
// as a separator.
func FieldPath(labels ...string) string {
	var b strings.Builder
	for i, l := range labels {
		if i > 0 {
			b.WriteByte('.')
		}
		b.WriteString(cue.Str(l).String())
	}
	return b.String()
}

// LevelName returns the name of the level of a rank: "L0" (no level) for
// 0, "L1" for 1 and so on.
func LevelName(rank int) string {
	if rank >= 0 && rank < len(levelNames) {
		return levelNames[rank] // no allocation: a device's level is named per device
	}
	return "L" + strconv.Itoa(rank)
}

// levelNames are the names of the ranks 0 to MaxLevels.
var levelNames = [MaxLevels + 1]string{"L0", "L1", "L2", "L3", "L4", "L5", "L6", "L7", "L8", "L9"}

// LevelRank returns the rank of a level name: 1 for L1 up to MaxLevels for
// L9, or 0 if it is not one ("L0" names no level a category declares).
func LevelRank(name string) int {
	if len(name) == 2 && name[0] == 'L' && name[1] >= '1' && name[1] <= '0'+MaxLevels {
		return int(name[1] - '0')
	}
	return 0
}

// Ladder returns the names of the levels a device may be at when the
// highest is top: L0 (no level) first, then L1 to Ltop. Matrices,
// distributions and reports are laid out by it.
func Ladder(top int) []string {
	top = min(max(top, 0), MaxLevels)
	return slices.Clone(levelNames[:top+1])
}

// Top returns the rank of the category's highest level, 0 if it declares
// none.
func (c *Category) Top() int {
	top := 0
	for _, l := range c.Levels {
		top = max(top, l.Rank)
	}
	return top
}

// Top returns the rank of the highest level of any of the revision's
// categories.
func (r *Revision) Top() int {
	top := 0
	for _, c := range r.Categories {
		top = max(top, c.Top())
	}
	return top
}

// Families returns the families that the revision's categories name, in the
// order in which they first appear, without core.
func (r *Revision) Families() []string {
	var out []string
	for _, c := range r.Categories {
		for _, f := range c.Determination.Families {
			if f != FamilyCore && !slices.Contains(out, f) {
				out = append(out, f)
			}
		}
	}
	return out
}

// DeviceFingerprint identifies what the revision's #Device schema admits: it
// changes when the schema or a definition it uses changes, and not for
// comments or formatting. Records validated against a revision stay valid
// for another with the same fingerprint.
func (r *Revision) DeviceFingerprint() string {
	r.deviceFPOnce.Do(func() { r.deviceFP = fingerprint(r.Device) })
	return r.deviceFP
}
