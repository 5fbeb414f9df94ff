package tui

import (
	"fmt"
	"os"
	"slices"
	"strings"
	"time"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/ladderworks/ladder/fixtures"
	"github.com/ladderworks/ladder/spec"
	"github.com/ladderworks/ladder/spec/termtext"
)

// App is the root model of the workbench.
type App struct {
	cfg Config
	// ov holds the texts being edited over the workspace's files, and ws
	// is the workspace read through it, which keeps what it parsed and
	// compiled between loads.
	ov   *overlayFS
	ws   *spec.Workspace
	keys keyMap
	st   styles
	help help.Model

	width, height int
	view          viewID
	// back is the view shown before the one on screen, which esc returns
	// to from the Device and Edit views.
	back viewID
	// focus is the focused pane of each view, as an index of viewPanes.
	focus [numViews]int
	// showHelp shows the full help over the screen, scrolled to helpTop.
	showHelp bool
	helpTop  int

	// s is the last session evaluated; nil until the first arrives.
	s *session
	// err is the error of the last load or evaluation, shown in the status
	// line; the views keep showing s, marked stale.
	err error
	// state is what .ladder/state.json holds, as last written.
	state savedState
	// startErr is why the workbench could not start: the first load
	// failed, and the program quits with it (StartError).
	startErr error
	// busy is set while an evaluation runs.
	busy bool

	sh       shared
	spec     specModel
	impact   impactModel
	diff     diffModel
	corpus   corpusModel
	device   deviceModel
	edit     editModel
	problems problemsModel
	// views are the views above, by viewID, which the root routes to; and
	// pending is what each has yet to follow (refresh) when it comes on
	// screen.
	views   [numViews]view
	pending [numViews]change

	// dlg is the question on screen, which takes every key.
	dlg *dialog
	// notice is a line for the status bar, until the next key.
	notice string

	// The drafting loop (edit.go). version counts the edits and editAt is
	// the time of the last; wsBusy is set while a command uses the
	// workspace (a compilation or a reload), which one at a time may; the
	// queued flags say what to do when it is free.
	version                     int
	editAt                      time.Time
	wsBusy, compiling           bool
	compileQueued, reloadQueued bool
	// compiledVersion is the version of the edits the session shows.
	compiledVersion int
	// compileErr is why the edits do not compile; editCost is the time
	// from the last keystroke to its results.
	compileErr error
	editCost   time.Duration
	// snap is the watcher's last look at the workspace's files.
	snap map[string]fileSig
	// recovered is set once the journal was checked at the start.
	recovered bool
	// signal is the signal that ended the workbench (Signal), or nil.
	signal os.Signal
	// afterWorkspace continues what asked for a workspace to be made.
	afterWorkspace func(*App) tea.Cmd
	// tick schedules a message after a delay: tea.Tick, which tests
	// replace so that they can run every other command at once.
	tick func(time.Duration, func(time.Time) tea.Msg) tea.Cmd

	// The first frame kept by an earlier start (firstframe.go): kept is
	// the one shown until the first session comes, and held the keys,
	// clicks and pastes that came meanwhile, handled once it has come.
	// inputsOfStart is the sum of this start's inputs ("" when they could
	// not be hashed), and firstKept is set once this start's first frame
	// was kept. touched is set once a key, click or paste was handled;
	// dark says whether the styles are those of a dark background.
	kept               *firstFrame
	held               []tea.Msg
	inputsOfStart      string
	firstKept, touched bool
	dark               bool
}

// shared is the state that views share and the root owns.
type shared struct {
	s  *session
	st *styles
	// workID is the revision the drafter works on: the session's working
	// revision, unless it does not compile (the root's compileErr says
	// why), when the session shows the newest that does. Compilations are
	// of it.
	workID string
	// saved is the session of the working revision as its files are saved,
	// against which the Effect pane shows what the unsaved edit does; nil
	// when there is none at hand.
	saved *session
	// builtin is set while the workbench works on the built-in standard,
	// whose files are in the program, not on disk.
	builtin bool
	// cat is the selected category, an index of the working revision's.
	cat int
	// device is the ID of the device the device view shows.
	device string
}

// shown names a file of the workspace as the views show it: for the
// built-in standard, whose files are in the program, as "built-in:" and
// its path in it, which no file on disk has.
func (sh *shared) shown(file string) string {
	if sh.builtin {
		return "built-in:" + file
	}
	return file
}

// New returns the workbench for a configuration. Its Init loads the
// standard and the corpus.
func New(cfg Config) *App {
	if cfg.Timeout == 0 {
		cfg.Timeout = 30 * time.Second
	}
	if cfg.Workspace == nil {
		cfg.Workspace = spec.NewBuiltinWorkspace(cfg.Builtin)
	}
	m := &App{cfg: cfg, keys: defaultKeyMap(), st: newStyles(true), dark: true, help: help.New(), busy: true, tick: tea.Tick}
	m.setWorkspace(cfg.Workspace)
	m.help.Styles = m.st.help
	m.sh.st = &m.st
	m.corpus = newCorpusModel(true)
	m.spec = newSpecModel(true)
	m.edit = newEditModel()
	m.views = [numViews]view{
		specView: &m.spec, impactView: &m.impact, diffView: &m.diff,
		corpusView: &m.corpus, deviceView: &m.device, editView: &m.edit,
		problemsView: &m.problems,
	}
	m.wsBusy = true // the first load
	return m
}

// StartError returns why the workbench could not start, after the program
// ended, or nil.
func (m *App) StartError() error { return m.startErr }

// setWorkspace works on a workspace from now on: its files are read through
// an overlay of the edited texts.
func (m *App) setWorkspace(ws *spec.Workspace) {
	m.cfg.Workspace = ws
	m.sh.builtin = ws.Dir() == "" && ws.Root() == ""
	m.ov = newOverlay(ws.FS())
	m.ws = ws.Over(m.ov)
	// An edit's compilation is bounded by the workspace's limits, with
	// the configured timeout.
	lim := ws.Limits()
	lim.Time = m.cfg.Timeout
	m.ws.SetLimits(lim)
}

// Init reads the first frame an earlier start kept for the same inputs,
// then loads the workspace (the two cores go to the frame first), and asks
// the terminal for its background.
func (m *App) Init() tea.Cmd {
	return tea.Batch(tea.Sequence(readFirstFrame(m.cfg), load(m.cfg, m.ws)), tea.RequestBackgroundColor, m.poll())
}

// Update routes a message to whoever owns it.
func (m *App) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg.(type) {
	case tea.KeyPressMsg, tea.MouseClickMsg, tea.MouseWheelMsg, tea.PasteMsg:
		if m.holds(msg) {
			return m, nil
		}
		m.touched = true
	}
	switch msg := msg.(type) {
	case Signal:
		// Whatever is on screen: the program ends, and FlushJournal
		// keeps the unsaved edits.
		m.signal = msg.Signal
		return m, tea.Quit
	case tea.WindowSizeMsg:
		m.width, m.height = screenSize(msg.Width), screenSize(msg.Height)
		m.help.SetWidth(m.width)
		m.changed(newSize)
		return m, nil
	case tea.BackgroundColorMsg:
		m.dark = msg.IsDark()
		m.st = newStyles(m.dark)
		m.help.Styles = m.st.help
		m.changed(restyled)
		return m, nil
	case loadedMsg:
		return m, m.loaded(msg)
	case firstFrameMsg:
		m.tookFirstFrame(msg)
		return m, nil
	case lintedMsg:
		// A session's findings are read on this goroutine alone.
		msg.s.findings, msg.s.linted = msg.findings, true
		if msg.s == m.s {
			m.placeProblems()
		}
		return m, nil
	case tea.KeyPressMsg:
		m.notice = ""
		return m, m.handleKey(msg)
	case tea.MouseClickMsg:
		if m.dlg == nil && !m.showHelp {
			return m, m.click(msg.Mouse())
		}
		return m, nil
	case tea.MouseWheelMsg:
		if m.dlg == nil {
			m.wheel(msg.Mouse())
		}
		return m, nil
	case tea.PasteMsg:
		return m, m.pasted(msg)
	}
	return m, m.draftingMsg(msg)
}

// draftingMsg routes the messages of the drafting loop.
func (m *App) draftingMsg(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case fileOpenedMsg:
		return m.fileOpened(msg)
	case compiledMsg:
		return m.compiled(msg)
	case journalTickMsg:
		return m.journalTick(msg)
	case journalDoneMsg:
		if msg.err != nil {
			m.err = msg.err
		}
	case savedMsg:
		return m.saved(msg)
	case editorDoneMsg:
		if msg.err != nil {
			m.err = fmt.Errorf("the editor: %w", msg.err)
		}
		return m.scan(false)
	case pollTickMsg:
		return m.scan(true)
	case polledMsg:
		return m.polled(msg)
	case recoveryMsg:
		if len(msg.errs) > 0 {
			m.journalProblems(msg.errs, msg.entries)
			return nil
		}
		m.offerRecovery(msg.entries)
	case workspaceMsg:
		return m.workspaceMade(msg)
	case revisionOpMsg:
		return m.revisionDone(msg)
	case noticeMsg:
		m.notice, m.err = msg.text, msg.err
	}
	return nil
}

// pasted inserts a paste in the dialog's input, as one line (oneLine), as
// typing does, or hands it to the view (the editor and the filters take
// it).
func (m *App) pasted(msg tea.PasteMsg) tea.Cmd {
	switch {
	case m.dlg != nil && m.dlg.input != nil:
		d := m.dlg
		var cmd tea.Cmd
		*d.input, cmd = d.input.Update(oneLine(msg))
		d.err = ""
		d.sel = 0
		d.refilter()
		return cmd
	case m.dlg != nil:
		return nil
	}
	return m.routeToView(msg)
}

// loaded takes a new session, or keeps the last one and shows the error.
// After the first load it checks the journal for edits to recover.
func (m *App) loaded(msg loadedMsg) tea.Cmd {
	m.busy = false
	if msg.fromLoad {
		m.wsBusy = false
	}
	m.err = msg.err
	if m.s == nil && msg.s == nil && msg.err != nil {
		// Nothing to show: the program ends, and says why (StartError).
		m.startErr = msg.err
		return tea.Quit
	}
	var cmds []tea.Cmd
	if !m.recovered {
		m.recovered = true
		cmds = append(cmds, m.checkJournal())
	}
	if msg.s != nil {
		m.takeSession(msg.s)
		m.keepSaved()
		// A new evaluation, not an edit's: no keystroke led to it.
		m.editCost = 0
		if msg.workID != "" {
			m.sh.workID = msg.workID
		}
		m.compileErr = msg.workErr
		m.placeProblems()
		if msg.workErr != nil {
			cmds = append(cmds, m.openProblem())
		}
		cmds = append(cmds, m.rememberState(), lintCmd(msg.s), m.firstFrameToKeep(msg))
	}
	m.kept = nil
	cmds = append(cmds, m.nextWorkspaceJob(m.version))
	// What was pressed while a kept first frame was on screen is handled
	// now, on the session it showed.
	held := m.held
	m.held = nil
	for _, h := range held {
		_, cmd := m.Update(h)
		cmds = append(cmds, cmd)
	}
	return tea.Batch(cmds...)
}

// takeSession shows a new session in every view.
func (m *App) takeSession(s *session) {
	m.s = s
	m.sh.s = s
	m.sh.cat = min(m.sh.cat, max(len(s.work.Revision.Categories)-1, 0))
	if m.sh.device == "" || s.row(m.sh.device) == nil {
		m.sh.device = ""
		if len(s.devices) > 0 {
			m.sh.device = s.devices[0].dev.ID
		}
	}
	m.changed(newSession)
}

// keepSaved keeps the session as the one of the files as saved, when no
// file has unsaved edits and it is of the texts as they are; else it drops
// a saved session of another working revision.
func (m *App) keepSaved() {
	switch {
	case len(m.edit.modified()) == 0 && m.compiledVersion == m.version:
		m.sh.saved = m.s
	case m.sh.saved != nil && m.s != nil && m.sh.saved.work.Revision.ID != m.s.work.Revision.ID:
		m.sh.saved = nil
	}
}

// changed follows a change of the session, the size or the styles: the
// view on screen follows it now, the others when they come on screen (a
// hidden view costs nothing, such as the Diff view's redline while an edit
// is typed).
func (m *App) changed(c change) {
	for v := range m.pending {
		m.pending[v] |= c
	}
	m.refreshView()
}

// refreshView has the view on screen follow what it has not yet.
func (m *App) refreshView() {
	c := m.pending[m.view]
	if c == 0 {
		return
	}
	m.pending[m.view] = 0
	m.views[m.view].refresh(m.context(m.view, c))
}

// context is what a view is given of the root: the shared state, the keys,
// its layout on screen, its focused pane and the state of the compilation.
func (m *App) context(v viewID, c change) *viewContext {
	return &viewContext{
		sh: &m.sh, keys: &m.keys,
		layout: layout(v, m.width, m.height), focus: m.focusOf(v), changes: c, keyOf: m.keyOf,
		compiling: m.compiling, compileErr: m.compileErr, editCost: m.editCost,
	}
}

// handleKey handles a key: the dialog on screen takes every key, then the
// help; a view that takes text takes every other key; otherwise the root's
// own keys come first and the view has the rest.
func (m *App) handleKey(msg tea.KeyPressMsg) tea.Cmd {
	k := &m.keys
	switch {
	case m.dlg != nil:
		return m.dialogKey(msg)
	case m.showHelp:
		body := layout(m.view, m.width, m.height).body
		page := max(body.h-2, 1)
		last := max(len(m.helpLines(body.w-2))-page, 0)
		switch {
		case key.Matches(msg, k.Quit):
			return m.quit()
		case key.Matches(msg, k.HelpUp):
			m.helpTop = max(min(m.helpTop, last)-1, 0)
		case key.Matches(msg, k.HelpDown):
			m.helpTop = min(m.helpTop+1, last)
		case key.Matches(msg, k.HelpPageUp):
			m.helpTop = max(min(m.helpTop, last)-page, 0)
		case key.Matches(msg, k.HelpPageDown):
			m.helpTop = min(m.helpTop+page, last)
		default:
			// Any other key closes the help.
			m.showHelp = false
		}
		return nil
	case m.views[m.view].takesText():
		return m.routeToView(msg)
	}
	switch {
	case key.Matches(msg, k.Quit):
		return m.quit()
	case key.Matches(msg, k.Help):
		m.showHelp, m.helpTop = true, 0
	case key.Matches(msg, k.Next):
		m.switchTo((m.view + 1) % numViews)
	case key.Matches(msg, k.Prev):
		m.switchTo((m.view + numViews - 1) % numViews)
	case key.Matches(msg, k.Views[:]...):
		for v, b := range k.Views {
			if key.Matches(msg, b) {
				m.switchTo(viewID(v))
			}
		}
	case key.Matches(msg, k.Save):
		return m.save(nil)
	case key.Matches(msg, k.Left):
		m.moveFocus(-1)
	case key.Matches(msg, k.Right):
		m.moveFocus(1)
	case key.Matches(msg, k.Base, k.Working):
		return m.cycleRevision(key.Matches(msg, k.Base))
	case key.Matches(msg, k.GoTo):
		return m.goTo()
	case key.Matches(msg, k.Revisions):
		return m.pickRevisions()
	default:
		return m.routeToView(msg)
	}
	return nil
}

// routeToView hands a key or a paste to the view on screen, and carries
// out what it asks for.
func (m *App) routeToView(msg tea.Msg) tea.Cmd {
	if m.s == nil {
		return nil
	}
	act, cmd := m.views[m.view].key(m.context(m.view, 0), msg)
	return tea.Batch(cmd, m.do(act, msg))
}

// do carries out what a view asked for on a message.
func (m *App) do(act action, msg tea.Msg) tea.Cmd {
	if act.refused != "" {
		m.notice = act.refused
	}
	switch {
	case act.open != "":
		m.openDevice(act.open)
	case act.edit != nil:
		return m.openCriterion(act.edit)
	case act.external != nil:
		return m.externalEditor(act.external.key, act.external.line)
	case act.goTo != nil:
		return m.openFileAt(act.goTo.key, act.goTo.line)
	case act.back:
		back := m.back
		if back == m.view {
			back = specView
		}
		m.switchTo(back)
	case act.revise:
		if km, ok := msg.(tea.KeyPressMsg); ok {
			return m.revisionKey(km)
		}
	case act.copy != "":
		return m.copyID(act.copy)
	case act.save:
		return m.save(nil)
	case act.quit:
		return m.quit()
	case act.help:
		m.showHelp, m.helpTop = true, 0
	case act.unlock:
		return m.askUnlock()
	case act.edited:
		return m.edited()
	}
	return nil
}

// openDevice shows a device in the Device view, from the top.
func (m *App) openDevice(id string) {
	m.sh.device = id
	m.device.reset()
	m.switchTo(deviceView)
}

// switchTo puts a view on screen, which follows what changed while it was
// not and that it came on screen.
func (m *App) switchTo(v viewID) {
	if v != m.view {
		m.back = m.view
	}
	m.view = v
	m.pending[v] |= shown
	m.refreshView()
}

// focusedPane is the focused pane of the view on screen.
func (m *App) focusedPane() paneID { return m.focusOf(m.view) }

// focusOf is the focused pane of a view.
func (m *App) focusOf(v viewID) paneID {
	panes := viewPanes[v]
	return panes[min(m.focus[v], len(panes)-1)]
}

// moveFocus focuses the next (d = 1) or previous (d = -1) pane of the view.
func (m *App) moveFocus(d int) {
	n := len(viewPanes[m.view])
	m.focus[m.view] = (m.focus[m.view] + d + n) % n
}

// click focuses the pane under the mouse.
func (m *App) click(mouse tea.Mouse) tea.Cmd {
	l := layout(m.view, m.width, m.height)
	if p, ok := l.paneAt(m.view, mouse.X, mouse.Y); ok {
		for i, q := range viewPanes[m.view] {
			if q == p {
				m.focus[m.view] = i
			}
		}
		in := l.panes[p].inner()
		if cl, ok := m.views[m.view].(clicker); ok && m.s != nil && mouse.Button == tea.MouseLeft && in.contains(mouse.X, mouse.Y) {
			return m.do(cl.click(m.context(m.view, 0), p, mouse.Y-in.y), nil)
		}
		return nil
	}
	// A click on a tab switches to its view.
	if l.header.contains(mouse.X, mouse.Y) {
		if v, ok := m.tabAt(mouse.X); ok {
			m.switchTo(v)
		}
	}
	return nil
}

// wheel scrolls the pane under the mouse, focusing it.
func (m *App) wheel(mouse tea.Mouse) {
	l := layout(m.view, m.width, m.height)
	if p, ok := l.paneAt(m.view, mouse.X, mouse.Y); ok {
		for i, q := range viewPanes[m.view] {
			if q == p {
				m.focus[m.view] = i
			}
		}
	}
	if m.s == nil {
		return
	}
	delta := 3
	if mouse.Button == tea.MouseWheelUp {
		delta = -3
	}
	m.views[m.view].scroll(m.context(m.view, 0), delta)
}

// cycleRevision evaluates under the next loaded revision as base or as
// working revision.
func (m *App) cycleRevision(base bool) tea.Cmd {
	switch {
	case m.s == nil:
		return nil
	case m.busy || m.wsBusy:
		m.notice = "an evaluation is running: press it again in a moment"
		return nil
	case len(m.s.std.Revisions) < 2:
		m.notice = "the workspace has one revision that compiles: there is no other to switch to"
		return nil
	}
	if len(m.edit.modified()) > 0 {
		m.notice = "save or undo your edits before switching revisions"
		return nil
	}
	revs := m.s.std.Revisions
	b, w := m.s.base.Revision, m.s.work.Revision
	next := func(r *spec.Revision) *spec.Revision {
		for i, x := range revs {
			if x == r {
				return revs[(i+1)%len(revs)]
			}
		}
		return revs[0]
	}
	if base {
		b = next(b)
	} else {
		w = next(w)
	}
	m.busy = true
	return reevaluate(m.s, b, w)
}

// tabs are the labels of the tab bar, in order.
func (m *App) tabs() []string {
	out := make([]string, numViews)
	for v := range numViews {
		out[v] = fmt.Sprintf("%d %s", v+1, v)
	}
	// Where the names do not fit, each keeps its first letters.
	if m.tabsWidth(out)+width(" Ladder ") > m.width {
		for v := range numViews {
			name := v.String()
			out[v] = fmt.Sprintf("%d %s", v+1, name[:min(len(name), 4)])
		}
	}
	return out
}

// tabsWidth is the width of the tabs, with their padding.
func (m *App) tabsWidth(tabs []string) int {
	n := 0
	for _, t := range tabs {
		n += width(t) + 2
	}
	return n
}

// tabAt returns the view whose tab is at column x.
func (m *App) tabAt(x int) (viewID, bool) {
	col := width(m.brand())
	for v, t := range m.tabs() {
		w := width(t) + 2 // the tab's padding
		if x >= col && x < col+w {
			return viewID(v), true
		}
		col += w
	}
	return 0, false
}

// brand is the program's name before the tabs, where the tabs leave room.
func (m *App) brand() string {
	if m.tabsWidth(m.tabs())+width(" Ladder ") > m.width {
		return ""
	}
	return " Ladder "
}

// View draws the screen.
func (m *App) View() tea.View {
	v := tea.NewView(safeScreen(m.render()))
	if m.dlg == nil && !m.showHelp && m.s != nil {
		if x, y, ok := m.views[m.view].cursor(m.context(m.view, 0)); ok {
			v.Cursor = tea.NewCursor(x, y)
		}
	}
	v.AltScreen = true
	v.MouseMode = tea.MouseModeCellMotion
	v.WindowTitle = "Ladder"
	return v
}

// render draws the screen as a string of exactly width × height cells.
func (m *App) render() string {
	if m.width == 0 || m.height == 0 {
		return ""
	}
	if f := m.firstFrameShown(); f != "" {
		return f
	}
	l := layout(m.view, m.width, m.height)
	var body string
	switch {
	case m.dlg != nil:
		// The dialog over the view, which stays in sight around it.
		under := blank(l.body.w, l.body.h)
		if m.s != nil {
			under = m.renderView(l)
		}
		body = m.renderDialog(l.body, under)
	case m.showHelp:
		body = m.renderHelp(l.body)
	case m.s == nil && m.err != nil:
		body = box("Ladder cannot start", wrapText(termtext.Text(m.err.Error()), l.body.w-2), l.body.w, l.body.h, true, m.st)
	case m.s == nil:
		body = lipgloss.Place(l.body.w, l.body.h, lipgloss.Center, lipgloss.Center, m.st.dim.Render("Loading the standard and the corpus…"))
	default:
		body = m.renderView(l)
	}
	// Only the parts with rows: an empty string would still be a row.
	var parts []string
	if l.header.h > 0 {
		parts = append(parts, m.renderHeader(l.header.w))
	}
	if l.body.h > 0 {
		parts = append(parts, body)
	}
	if l.status.h > 0 {
		parts = append(parts, m.renderStatus(l.status))
	}
	return strings.Join(parts, "\n")
}

func (m *App) renderHeader(w int) string {
	var parts []string
	if b := m.brand(); b != "" {
		parts = append(parts, m.st.title.Render(b))
	}
	for v, t := range m.tabs() {
		if viewID(v) == m.view {
			parts = append(parts, m.st.activeTab.Render(t))
		} else {
			parts = append(parts, m.st.tab.Render(t))
		}
	}
	return fit(strings.Join(parts, ""), w)
}

// renderView draws the panes of the view on screen.
func (m *App) renderView(l screenLayout) string {
	c := m.context(m.view, 0)
	pane := func(p paneID) string {
		r := l.panes[p]
		in := r.inner()
		title, lines := m.views[m.view].pane(c, p, in.w, in.h)
		if title == "" {
			title = paneTitles[p]
		}
		return box(title, lines, r.w, r.h, p == c.focus, m.st)
	}
	return compose(l.body, l.panes, viewPanes[m.view], pane)
}

// compose draws tiled panes into a rectangle: each row is the pieces of the
// panes that cross it, left to right. Panes without area draw nothing.
func compose(body rect, rects map[paneID]rect, panes []paneID, draw func(paneID) string) string {
	drawn := map[paneID][]string{}
	for _, p := range panes {
		if r := rects[p]; r.w > 0 && r.h > 0 {
			drawn[p] = strings.Split(draw(p), "\n")
		}
	}
	rows := make([]string, body.h)
	for y := range body.h {
		var pieces []paneID
		for p := range drawn {
			if r := rects[p]; y+body.y >= r.y && y+body.y < r.y+r.h {
				pieces = append(pieces, p)
			}
		}
		slices.SortFunc(pieces, func(a, b paneID) int { return rects[a].x - rects[b].x })
		var row strings.Builder
		for _, p := range pieces {
			r := rects[p]
			if line := y + body.y - r.y; line < len(drawn[p]) {
				row.WriteString(fit(drawn[p][line], r.w))
			} else {
				row.WriteString(strings.Repeat(" ", r.w))
			}
		}
		rows[y] = fit(row.String(), body.w)
	}
	return strings.Join(rows, "\n")
}

// renderStatus draws the status line (revisions, corpus, the cost of the
// last evaluation, or an error) and the short help.
func (m *App) renderStatus(r rect) string {
	if r.h <= 0 {
		return ""
	}
	// The workspace comes first, and takes at most a quarter of the line;
	// an error takes its place (statusError), where and why first.
	where := m.st.status.Render(" " + leftTruncate(termtext.Line(m.cfg.Workspace.Name()), max(r.w/4, 12)) + " ·")
	var status string
	switch {
	case m.s == nil:
		status = m.st.status.Render(" loading…")
	default:
		s := m.s
		status = m.st.status.Render(termtext.Line(fmt.Sprintf(" %s → %s · %s · %s checks in %s",
			s.base.Revision.ID, s.work.Revision.ID, countDevices(s), thousands(s.checks), formatDuration(s.took))))
		if n := fixtures.CountProblems(s.invalid); n > 0 {
			status += m.st.statusErr.Render(fmt.Sprintf(" · %d invalid (7 lists them)", n))
		}
		if m.busy {
			status += m.st.stale.Render(" · evaluating…")
		}
	}
	switch {
	case m.notice != "":
		// What the last key did, or why it did nothing, until the next.
		status = m.st.status.Render(" " + termtext.Line(m.notice))
	case m.err != nil && m.s != nil:
		where, status = "", m.st.statusErr.Render(" "+termtext.Line(statusError(m.err)))
	case m.compileErr != nil && m.s != nil && m.s.work.Revision.ID != m.sh.workID:
		where, status = "", m.st.statusErr.Render(" "+termtext.Line(statusError(m.compileErr)))+
			m.st.stale.Render(" · showing "+termtext.Line(m.s.work.Revision.ID)+" meanwhile")
	case m.compileErr != nil:
		where, status = "", m.st.statusErr.Render(" "+termtext.Line(statusError(m.compileErr)))+m.st.stale.Render(" · results are stale")
	case m.editCost > 0 && m.s != nil:
		status += m.st.status.Render(" · keystroke → results " + formatDuration(m.editCost))
	}
	if n := len(m.edit.modified()); n > 0 {
		status += m.st.stale.Render(fmt.Sprintf(" · %d unsaved", n))
	}
	lines := []string{fit(where+status, r.w)}
	if r.h > 1 {
		keys, end := m.views[m.view].shortHelp(&m.keys)
		lines = append(lines, m.footer(keys, end, r.w))
	}
	return strings.Join(lines, "\n")
}

// footer is the line of help in w cells: as many of keys as fit, then end,
// which always shows (help and quit).
func (m *App) footer(keys, end []key.Binding, w int) string {
	const sep = " • "
	item := func(b key.Binding) string {
		h := b.Help()
		return m.st.help.ShortKey.Render(h.Key) + " " + m.st.help.ShortDesc.Render(h.Desc)
	}
	var tail []string
	for _, b := range end {
		tail = append(tail, item(b))
	}
	tailText := strings.Join(tail, m.st.help.ShortSeparator.Render(sep))
	room := w - 1 - width(tailText)
	var head []string
	used := 0
	for _, b := range keys {
		it := item(b)
		if used+width(it)+width(sep) > room {
			break
		}
		head = append(head, it)
		used += width(it) + width(sep)
	}
	line := " " + strings.Join(append(head, tailText), m.st.help.ShortSeparator.Render(sep))
	return fit(line, w)
}

// renderHelp draws the help, scrolled to helpTop.
func (m *App) renderHelp(r rect) string {
	lines := m.helpLines(r.w - 2)
	top := min(m.helpTop, max(len(lines)-(r.h-2), 0))
	title := "Help"
	if len(lines) > r.h-2 {
		title = fmt.Sprintf("Help · %d–%d of %d lines · ↑↓ pgup pgdn scroll · any other key closes", top+1, min(top+r.h-2, len(lines)), len(lines))
	}
	return box(title, lines[top:], r.w, r.h, true, m.st)
}

// helpLines are the help's lines in w cells: what each view shows, and
// every key, a column a group of the key map, flowing into as many bands
// as the width needs; nothing is cut, long texts wrap.
func (m *App) helpLines(w int) []string {
	w = max(w, 10)
	lines := []string{"", m.st.bold.Render("Views"), ""}
	for v := range numViews {
		for i, l := range wrapText(fmt.Sprintf("%d %-8s %s", v+1, v, viewHelp[v]), w-11) {
			if i > 0 {
				l = strings.Repeat(" ", 11) + l
			}
			lines = append(lines, l)
		}
	}
	lines = append(lines, "", m.st.bold.Render("Keys"), "")
	lines = append(lines, m.keyColumns(w)...)
	lines = append(lines, wrapText("A click selects a row or opens a tab, a second click opens the row; the wheel scrolls the pane under it.", w)...)
	lines = append(lines, "")
	for _, l := range wrapText("Any key but the scroll keys closes this help. Every threshold in the built-in standard is illustrative.", w) {
		lines = append(lines, m.st.dim.Render(l))
	}
	return lines
}

// keyColumns lays the groups of the key map out as titled columns, side by
// side in bands of at most w cells where they fit; a column is at most w
// cells wide, and its texts wrap within it. Each band ends with an empty
// line.
func (m *App) keyColumns(w int) []string {
	const gap = "   "
	column := func(g keyGroup) []string {
		keyW := 0
		for _, b := range g.keys {
			keyW = max(keyW, width(b.Help().Key))
		}
		keyW = min(keyW, max(w/2, 6))
		colW := width(g.title)
		for _, b := range g.keys {
			colW = max(colW, keyW+1+width(b.Help().Desc))
		}
		colW = min(colW, w)
		col := []string{}
		for _, l := range wrapText(g.title, colW) {
			col = append(col, m.st.bold.Render(l))
		}
		for _, b := range g.keys {
			h := b.Help()
			keys := wrapText(h.Key, keyW)
			descs := wrapText(h.Desc, max(colW-keyW-1, 4))
			for i := range max(len(keys), len(descs)) {
				k, d := "", ""
				if i < len(keys) {
					k = keys[i]
				}
				if i < len(descs) {
					d = descs[i]
				}
				col = append(col, m.st.help.FullKey.Render(fit(k, keyW))+" "+m.st.help.FullDesc.Render(d))
			}
		}
		for i := range col {
			col[i] = fit(col[i], colW)
		}
		return col
	}
	var out []string
	var band [][]string
	bandW := 0
	flush := func() {
		if len(band) == 0 {
			return
		}
		rows := 0
		for _, c := range band {
			rows = max(rows, len(c))
		}
		for i := range rows {
			var row strings.Builder
			for j, c := range band {
				if j > 0 {
					row.WriteString(gap)
				}
				if i < len(c) {
					row.WriteString(c[i])
				} else if len(c) > 0 {
					row.WriteString(strings.Repeat(" ", width(c[0])))
				}
			}
			out = append(out, row.String())
		}
		out = append(out, "")
		band, bandW = nil, 0
	}
	for _, g := range m.keys.keyGroups() {
		col := column(g)
		cw := width(col[0])
		if len(band) > 0 && bandW+len(gap)+cw > w {
			flush()
		}
		if len(band) > 0 {
			bandW += len(gap)
		}
		band = append(band, col)
		bandW += cw
	}
	flush()
	return out
}

// viewHelp says what each view shows, for the help.
var viewHelp = [numViews]string{
	"the categories with their level distributions, the criteria with pass counts, the CUE; enter edits",
	"what the working revision does to the corpus: level matrix, moved devices and why",
	"the criterion changes between the revisions, and the redline of their CUE",
	"every device, sortable and filtered by words",
	"one device under both revisions: verdicts, why, and the gap to the next level",
	"the working revision's CUE, compiled and evaluated as you type; ctrl+s saves, esc leaves",
	"compile errors, vet's findings and device records not graded, each with file:line:col; enter opens one",
}

// countDevices says how many devices the session grades, and how many of
// them are the user's own.
func countDevices(s *session) string {
	out := fmt.Sprintf("%s devices", thousands(len(s.devices)))
	if s.theirs > 0 {
		out += fmt.Sprintf(" (%s yours)", thousands(s.theirs))
	}
	return out
}

// thousands writes n with thousands separators: 14,382.
func thousands(n int) string {
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

func formatDuration(d time.Duration) string {
	switch {
	case d < time.Millisecond:
		return fmt.Sprintf("%d µs", d.Microseconds())
	case d < time.Second:
		return fmt.Sprintf("%.1f ms", float64(d.Microseconds())/1000)
	}
	return fmt.Sprintf("%.2f s", d.Seconds())
}

// leftTruncate cuts s to at most w cells, keeping its end: "…ds/my-standard".
func leftTruncate(s string, w int) string {
	sw := ansi.StringWidth(s)
	if sw <= w {
		return s
	}
	return "…" + ansi.TruncateLeft(s, sw-w+1, "")
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}

// wrapText breaks text into lines of at most w cells at spaces.
func wrapText(s string, w int) []string {
	var out []string
	for _, para := range strings.Split(s, "\n") {
		out = append(out, strings.Split(ansi.Wrap(para, max(w, 10), ""), "\n")...)
	}
	return out
}
