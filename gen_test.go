package main

import "testing"

// TestGenScripts runs the scripts of ladder gen.
func TestGenScripts(t *testing.T) { runScripts(t, "gen") }
