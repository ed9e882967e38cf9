package pii

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
)

// keyFileHeader is the first line of a key file: its format and version.
const keyFileHeader = "fugong-keys v1"

// maxKeyFile bounds what LoadKeyFile reads.
const maxKeyFile = 64 << 10

const keyFileComment = `# fugong personal-data keys: ID numbers and phone numbers are encrypted
# under them. Keep this file mode 0600, and away from the database and its
# backups: whoever holds both reads every ID number; whoever loses this file
# loses those fields for good. Back it up on its own.
#
# One key a line: its id (8 hex digits, derived from the key) and the
# 32-byte key in standard base64. The first key encrypts; the others only
# decrypt rows that ` + "`fugong keys rotate`" + ` has not re-encrypted yet.
`

// MarshalKeyFile writes the keyring in the key file format (see
// ParseKeyFile).
func (r *Keyring) MarshalKeyFile() []byte {
	var b bytes.Buffer
	b.WriteString(keyFileHeader + "\n")
	b.WriteString(keyFileComment)
	for _, k := range r.keys {
		fmt.Fprintf(&b, "%s %s\n", k.id, base64.StdEncoding.EncodeToString(k.master))
	}
	return b.Bytes()
}

// ParseKeyFile reads a key file. Its format, in UTF-8 text:
//
//	fugong-keys v1
//	# comments and blank lines are ignored
//	3f2a9c10 q83vEjRWeJq83vEjRWeJq83vEjRWeJq83vEjRWeJAAA=
//
// The first line names the format. Each key line is the key id (8 hex
// digits) and the 32-byte key in standard base64, separated by a space;
// the first key line is the current key. A line whose id is not the one
// derived from its key is refused: the key was mangled or the line
// edited. Errors name the line, never a key.
func ParseKeyFile(data []byte) (*Keyring, error) {
	sc := bufio.NewScanner(bytes.NewReader(data))
	var keys []*Key
	header := false
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if !header {
			if line != keyFileHeader {
				return nil, fmt.Errorf("pii: key file line %d: want %q first", n, keyFileHeader)
			}
			header = true
			continue
		}
		f := strings.Fields(line)
		if len(f) != 2 {
			return nil, fmt.Errorf("pii: key file line %d: want a key id and a key", n)
		}
		id, err := ParseKeyID(f[0])
		if err != nil {
			return nil, fmt.Errorf("pii: key file line %d: the key id is not 8 hex digits", n)
		}
		raw, err := base64.StdEncoding.DecodeString(f[1])
		if err != nil {
			return nil, fmt.Errorf("pii: key file line %d: the key is not base64", n)
		}
		if len(raw) != KeySize {
			return nil, fmt.Errorf("pii: key file line %d: the key is %d bytes, want %d", n, len(raw), KeySize)
		}
		k, err := KeyFromBytes(raw)
		clear(raw)
		if err != nil {
			return nil, fmt.Errorf("pii: key file line %d: %w", n, err)
		}
		if k.id != id {
			return nil, fmt.Errorf("pii: key file line %d: the key does not match its id %s (it is %s): the line is damaged", n, id, k.id)
		}
		keys = append(keys, k)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("pii: key file: %w", err)
	}
	if !header {
		return nil, errors.New("pii: key file is empty")
	}
	if len(keys) == 0 {
		return nil, errors.New("pii: key file holds no key")
	}
	return NewKeyring(keys[0], keys[1:]...)
}

// LoadKeyFile reads a key file. It refuses one that others than its owner
// may read or write (as ssh does a private key; not checked on Windows,
// which has no such mode bits).
func LoadKeyFile(path string) (*Keyring, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("pii: key file: %w", err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("pii: key file: %w", err)
	}
	if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("pii: key file %s is not a regular file", path)
	}
	if perm := fi.Mode().Perm(); perm&0o077 != 0 && runtime.GOOS != "windows" {
		return nil, fmt.Errorf("pii: key file %s has mode %04o: others may read it; run chmod 600 %s", path, perm, path)
	}
	data, err := io.ReadAll(io.LimitReader(f, maxKeyFile+1))
	if err != nil {
		return nil, fmt.Errorf("pii: key file: %w", err)
	}
	if len(data) > maxKeyFile {
		return nil, fmt.Errorf("pii: key file %s is larger than %d bytes", path, maxKeyFile)
	}
	r, err := ParseKeyFile(data)
	clear(data)
	if err != nil {
		return nil, fmt.Errorf("%w (%s)", err, path)
	}
	return r, nil
}

// CreateKeyFile writes a new key file, mode 0600, with one new random key.
// It never replaces a file: an existing one is an error (fs.ErrExist).
func CreateKeyFile(path string) (*Keyring, error) {
	k, err := NewKey()
	if err != nil {
		return nil, err
	}
	r, err := NewKeyring(k)
	if err != nil {
		return nil, err
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return nil, fmt.Errorf("pii: key file: %w", err)
	}
	if err := writeSync(f, r.MarshalKeyFile()); err != nil {
		os.Remove(path)
		return nil, err
	}
	syncDir(filepath.Dir(path))
	return r, nil
}

// WriteKeyFile replaces a key file with r atomically: a new file, mode
// 0600, written and synced beside it, then renamed over it. A crash leaves
// the old file or the new, never a torn one.
func WriteKeyFile(path string, r *Keyring) error {
	f, err := os.CreateTemp(filepath.Dir(path), ".fugong-keys-*")
	if err != nil {
		return fmt.Errorf("pii: key file: %w", err)
	}
	tmp := f.Name()
	if err := f.Chmod(0o600); err != nil && runtime.GOOS != "windows" {
		f.Close()
		os.Remove(tmp)
		return fmt.Errorf("pii: key file: %w", err)
	}
	if err := writeSync(f, r.MarshalKeyFile()); err != nil {
		os.Remove(tmp)
		return err
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("pii: key file: %w", err)
	}
	syncDir(filepath.Dir(path))
	return nil
}

func writeSync(f *os.File, data []byte) error {
	_, err := f.Write(data)
	clear(data)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("pii: key file: %w", err)
	}
	return nil
}

// syncDir makes a new directory entry durable where the system allows it.
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
}
