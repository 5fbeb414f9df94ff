package main

import "testing"

// TestVetScripts runs the scripts of ladder vet.
func TestVetScripts(t *testing.T) { runScripts(t, "vet") }
