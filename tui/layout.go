package tui

// viewID names a view of the workbench.
type viewID int

const (
	specView viewID = iota
	impactView
	diffView
	corpusView
	deviceView
	editView
	problemsView
	numViews
)

var viewNames = [numViews]string{"Spec", "Impact", "Diff", "Corpus", "Device", "Edit", "Problems"}

func (v viewID) String() string { return viewNames[v] }

// paneID names a pane of a view.
type paneID int

const (
	categoriesPane paneID = iota
	criteriaPane
	sourcePane
	summaryPane
	matrixPane
	movedPane
	passesPane
	changesPane
	changePane
	redlinePane
	devicesPane
	devicePane
	editPane
	effectPane
	problemsPane
)

var paneTitles = map[paneID]string{
	categoriesPane: "Categories", criteriaPane: "Criteria", sourcePane: "CUE",
	summaryPane: "Impact by category", matrixPane: "Levels", movedPane: "Moved devices", passesPane: "Pass counts",
	changesPane: "Criterion changes", changePane: "Change", redlinePane: "Redline",
	devicesPane: "Devices", devicePane: "Device",
	editPane: "Edit", effectPane: "Effect",
	problemsPane: "Problems",
}

// viewPanes are the panes of each view, in the order focus moves through
// them.
var viewPanes = [numViews][]paneID{
	specView:     {categoriesPane, criteriaPane, sourcePane},
	impactView:   {summaryPane, movedPane, passesPane, matrixPane},
	diffView:     {changesPane, changePane, redlinePane},
	corpusView:   {devicesPane},
	deviceView:   {devicePane},
	editView:     {editPane, effectPane},
	problemsView: {problemsPane},
}

// rect is a rectangle of the screen, in cells.
type rect struct{ x, y, w, h int }

// contains reports whether the cell at x, y is in the rectangle.
func (r rect) contains(x, y int) bool {
	return x >= r.x && x < r.x+r.w && y >= r.y && y < r.y+r.h
}

// inner is the rectangle inside a pane's border.
func (r rect) inner() rect { return rect{r.x + 1, r.y + 1, max(r.w-2, 0), max(r.h-2, 0)} }

// screenLayout is where everything goes on a screen of a given size.
type screenLayout struct {
	width, height int
	header        rect
	body          rect
	status        rect
	panes         map[paneID]rect
}

// headerHeight and statusHeight are the rows of the tab bar and of the
// status and help lines.
const (
	headerHeight = 1
	statusHeight = 2
)

// layout places the panes of a view on a screen of w × h cells. It is a
// pure function of its arguments.
func layout(v viewID, w, h int) screenLayout {
	w, h = max(w, 1), max(h, 1)
	bodyH := max(h-headerHeight-statusHeight, 0)
	l := screenLayout{
		width: w, height: h,
		header: rect{0, 0, w, min(headerHeight, h)},
		body:   rect{0, headerHeight, w, bodyH},
		status: rect{0, headerHeight + bodyH, w, max(h-headerHeight-bodyH, 0)},
		panes:  map[paneID]rect{},
	}
	b := l.body
	// split cuts a rectangle into a left part of width lw and the rest, or
	// a top part of height th and the rest.
	splitW := func(r rect, lw int) (rect, rect) {
		lw = min(max(lw, 0), r.w)
		return rect{r.x, r.y, lw, r.h}, rect{r.x + lw, r.y, r.w - lw, r.h}
	}
	splitH := func(r rect, th int) (rect, rect) {
		th = min(max(th, 0), r.h)
		return rect{r.x, r.y, r.w, th}, rect{r.x, r.y + th, r.w, r.h - th}
	}
	clamp := func(v, lo, hi int) int { return min(max(v, lo), hi) }
	switch v {
	case specView:
		// The categories need their names and two bars; the criteria their
		// IDs, counts and titles, which take what is left.
		left, right := splitW(b, clamp(b.w/3, 24, 44))
		top, bottom := splitH(right, b.h*11/20)
		l.panes[categoriesPane], l.panes[criteriaPane], l.panes[sourcePane] = left, top, bottom
	case impactView:
		left, right := splitW(b, clamp(b.w*3/10, 30, 48))
		// The summary holds a header, seven categories and the totals;
		// the matrix below it six rows and a note.
		lt, lb := splitH(left, min(11, max(b.h-9, b.h/2)))
		rt, rb := splitH(right, b.h/2)
		l.panes[summaryPane], l.panes[matrixPane], l.panes[movedPane], l.panes[passesPane] = lt, lb, rt, rb
	case diffView:
		top, bottom := splitH(b, b.h*2/5)
		tl, tr := splitW(top, clamp(b.w*2/5, 34, 50))
		l.panes[changesPane], l.panes[changePane], l.panes[redlinePane] = tl, tr, bottom
	case corpusView:
		l.panes[devicesPane] = b
	case deviceView:
		l.panes[devicePane] = b
	case editView:
		left, right := splitW(b, b.w-clamp(b.w*2/5, 26, 60))
		l.panes[editPane], l.panes[effectPane] = left, right
	case problemsView:
		l.panes[problemsPane] = b
	}
	return l
}

// paneAt returns the pane of the view under the cell x, y.
func (l screenLayout) paneAt(v viewID, x, y int) (paneID, bool) {
	for _, p := range viewPanes[v] {
		if l.panes[p].contains(x, y) {
			return p, true
		}
	}
	return 0, false
}
