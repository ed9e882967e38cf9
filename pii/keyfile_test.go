package pii

import (
	"bytes"
	"encoding/base64"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

func TestKeyFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "fugong.key")
	r, err := CreateKeyFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi, _ := os.Stat(path); runtime.GOOS != "windows" && fi.Mode().Perm() != 0o600 {
		t.Errorf("mode %v", fi.Mode())
	}
	if _, err := CreateKeyFile(path); !errors.Is(err, fs.ErrExist) {
		t.Errorf("CreateKeyFile over a file: %v", err)
	}
	loaded, err := LoadKeyFile(path)
	if err != nil {
		t.Fatal(err)
	}
	ct, _ := r.Encrypt([]byte("13812345678"), adID)
	if got, err := loaded.Decrypt(ct, adID); err != nil || string(got) != "13812345678" {
		t.Fatalf("the loaded key: %q %v", got, err)
	}

	// Rotated and written back: the order is kept, the old key decrypts.
	r2, _ := loaded.Rotate()
	if err := WriteKeyFile(path, r2); err != nil {
		t.Fatal(err)
	}
	back, err := LoadKeyFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if ids := back.IDs(); len(ids) != 2 || ids[0] != r2.Current() || ids[1] != r.Current() {
		t.Errorf("ids %v, want %v", ids, r2.IDs())
	}
	if _, err := back.Decrypt(ct, adID); err != nil {
		t.Errorf("old row after rotation: %v", err)
	}
	if fi, _ := os.Stat(path); runtime.GOOS != "windows" && fi.Mode().Perm() != 0o600 {
		t.Errorf("mode after rewrite %v", fi.Mode())
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 1 {
		t.Errorf("temporary files left: %v", ents)
	}

	if runtime.GOOS != "windows" {
		for _, mode := range []os.FileMode{0o644, 0o640, 0o604, 0o660} {
			os.Chmod(path, mode)
			if _, err := LoadKeyFile(path); err == nil || !strings.Contains(err.Error(), "chmod 600") {
				t.Errorf("mode %04o: %v", mode, err)
			}
		}
		os.Chmod(path, 0o400)
		if _, err := LoadKeyFile(path); err != nil {
			t.Errorf("mode 0400: %v", err)
		}
	}
	if _, err := LoadKeyFile(filepath.Join(dir, "missing.key")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("a missing file: %v", err)
	}
	if _, err := LoadKeyFile(dir); err == nil {
		t.Error("a directory loaded")
	}
	big := filepath.Join(dir, "big.key")
	os.WriteFile(big, bytes.Repeat([]byte("#\n"), maxKeyFile), 0o600)
	if _, err := LoadKeyFile(big); err == nil {
		t.Error("a huge file loaded")
	}
}

func TestParseKeyFile(t *testing.T) {
	k, _ := KeyFromBytes(bytes.Repeat([]byte{1}, KeySize))
	k2, _ := KeyFromBytes(bytes.Repeat([]byte{2}, KeySize))
	b64 := func(b []byte) string { return base64.StdEncoding.EncodeToString(b) }
	line := k.ID().String() + " " + b64(k.master)
	line2 := k2.ID().String() + " " + b64(k2.master)
	good := "fugong-keys v1\n# a comment\n\n  " + line + "  \n" + line2 + "\n"
	r, err := ParseKeyFile([]byte(good))
	if err != nil {
		t.Fatal(err)
	}
	if r.Current() != k.ID() || len(r.IDs()) != 2 {
		t.Errorf("ids %v", r.IDs())
	}
	if r2, err := ParseKeyFile(r.MarshalKeyFile()); err != nil || r2.Current() != k.ID() || len(r2.IDs()) != 2 {
		t.Errorf("round trip: %v %v", r2, err)
	}
	if !strings.HasPrefix(string(r.MarshalKeyFile()), "fugong-keys v1\n# ") {
		t.Errorf("the written file does not start with its header")
	}

	short := b64(make([]byte, 16))
	for _, tt := range []struct{ name, file, msg string }{
		{"empty", "", "empty"},
		{"comments only", "# x\n", "empty"},
		{"no header", line + "\n", "want \"fugong-keys v1\" first"},
		{"other version", "fugong-keys v2\n" + line, "want \"fugong-keys v1\" first"},
		{"no key", "fugong-keys v1\n", "no key"},
		{"one field", "fugong-keys v1\n" + b64(k.master), "line 2: want a key id and a key"},
		{"three fields", "fugong-keys v1\n" + line + " x", "want a key id and a key"},
		{"bad id", "fugong-keys v1\nxyz " + b64(k.master), "8 hex digits"},
		{"not base64", "fugong-keys v1\n" + k.ID().String() + " !!!!", "not base64"},
		{"16 bytes", "fugong-keys v1\n" + k.ID().String() + " " + short, "16 bytes, want 32"},
		{"64 hex digits", "fugong-keys v1\n" + k.ID().String() + " " + strings.Repeat("ab", 32), "bytes, want 32"},
		{"wrong id", "fugong-keys v1\n" + k2.ID().String() + " " + b64(k.master), "does not match its id"},
		{"twice", "fugong-keys v1\n" + line + "\n" + line, "twice"},
	} {
		_, err := ParseKeyFile([]byte(tt.file))
		if err == nil || !strings.Contains(err.Error(), tt.msg) {
			t.Errorf("%s: %v, want %q", tt.name, err, tt.msg)
			continue
		}
		if strings.Contains(err.Error(), b64(k.master)) || strings.Contains(err.Error(), b64(k.master)[:12]) {
			t.Errorf("%s: the error shows the key", tt.name)
		}
	}
}

func FuzzParseKeyFile(f *testing.F) {
	f.Add(testRing(f).MarshalKeyFile())
	f.Add([]byte("fugong-keys v1\n00000000 AAAA\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		if r, err := ParseKeyFile(b); err == nil && len(r.IDs()) == 0 {
			t.Fatal("a keyring without keys")
		}
	})
}
