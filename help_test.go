package main

import "testing"

// TestHelpScripts runs the scripts of ladder help.
func TestHelpScripts(t *testing.T) { runScripts(t, "help") }
