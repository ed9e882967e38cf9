package web

import (
	"io/fs"
	"strings"
	"testing"
)

// The stylesheet's braces balance: a block left open (an @media merged
// without its end) would make everything after it apply only on phones or
// in print, as issue 11 found once.
func TestStylesheetBalanced(t *testing.T) {
	b, err := fs.ReadFile(assets, "static/style.css")
	if err != nil {
		t.Fatal(err)
	}
	css := string(b)
	depth, line := 0, 1
	for i := 0; i < len(css); i++ {
		switch {
		case strings.HasPrefix(css[i:], "/*"):
			end := strings.Index(css[i:], "*/")
			if end < 0 {
				t.Fatalf("line %d: a comment never closed", line)
			}
			line += strings.Count(css[i:i+end], "\n")
			i += end + 1
		case css[i] == '\n':
			line++
		case css[i] == '{':
			depth++
		case css[i] == '}':
			if depth--; depth < 0 {
				t.Fatalf("line %d: a } closes nothing", line)
			}
		}
	}
	if depth != 0 {
		t.Errorf("%d block(s) left open at the end of style.css", depth)
	}
}
