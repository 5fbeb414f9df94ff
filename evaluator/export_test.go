package evaluator

import "reflect"

// SameImpact reports whether two impacts say the same: the same exported
// contents, whatever each remembers to be made faster.
func SameImpact(a, b *Impact) bool {
	strip := func(im *Impact) *Impact {
		c := *im
		c.Categories = nil
		c.byKey = nil
		for _, ci := range im.Categories {
			x := *ci
			x.pairs, x.passes = nil, nil
			c.Categories = append(c.Categories, &x)
		}
		return &c
	}
	return reflect.DeepEqual(strip(a), strip(b))
}

// LookInParallel has the rows an update decides again, and the devices
// whose level an edit changed, looked at on every core however few they
// are, until the function it returns is called.
func LookInParallel() (restore func()) {
	rows, changes := parallelRows, parallelChanges
	parallelRows, parallelChanges = 1, 1
	return func() { parallelRows, parallelChanges = rows, changes }
}
