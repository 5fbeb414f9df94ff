package main

import "testing"

// TestCheckScripts runs the scripts of ladder check.
func TestCheckScripts(t *testing.T) { runScripts(t, "check") }
