package pii

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

func testRing(t testing.TB) *Keyring {
	t.Helper()
	k, err := NewKey()
	if err != nil {
		t.Fatal(err)
	}
	r, err := NewKeyring(k)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

var adID = AD{Table: "people", Column: "id_number", Row: "17"}

func TestEncryptDecrypt(t *testing.T) {
	r := testRing(t)
	for _, pt := range []string{"330381199001011230", "13812345678", "x", strings.Repeat("长", 300)} {
		ct, err := r.Encrypt([]byte(pt), adID)
		if err != nil {
			t.Fatal(err)
		}
		if len(ct) != len(pt)+overhead {
			t.Errorf("ciphertext of %d bytes is %d long", len(pt), len(ct))
		}
		// (A 1-byte plaintext turns up in random bytes by chance; 4 bytes do not.)
		if len(pt) >= 4 && (bytes.Contains(ct, []byte(pt)) || bytes.Contains(ct, []byte(pt[len(pt)-4:]))) {
			t.Errorf("the ciphertext holds the plaintext")
		}
		if id, err := CiphertextKeyID(ct); err != nil || id != r.Current() {
			t.Errorf("key id %v %v, want %v", id, err, r.Current())
		}
		got, err := r.Decrypt(ct, adID)
		if err != nil || string(got) != pt {
			t.Errorf("Decrypt = %q %v", got, err)
		}
	}
	// A fresh nonce every time: the same plaintext never encrypts alike.
	a, _ := r.Encrypt([]byte("13812345678"), adID)
	b, _ := r.Encrypt([]byte("13812345678"), adID)
	if bytes.Equal(a, b) {
		t.Error("two encryptions of one plaintext are equal")
	}
	// Empty strings need no ciphertext.
	if ct, err := r.EncryptString("", adID); ct != nil || err != nil {
		t.Errorf("EncryptString(\"\") = %v %v", ct, err)
	}
	if s, err := r.DecryptString(nil, adID); s != "" || err != nil {
		t.Errorf("DecryptString(nil) = %q %v", s, err)
	}
	ct, _ := r.EncryptString("13812345678", adID)
	if s, err := r.DecryptString(ct, adID); s != "13812345678" || err != nil {
		t.Errorf("DecryptString = %q %v", s, err)
	}
}

func TestTampering(t *testing.T) {
	r := testRing(t)
	pt := []byte("330381199001011230")
	ct, err := r.Encrypt(pt, adID)
	if err != nil {
		t.Fatal(err)
	}
	// Every bit of the nonce, the sealed text and the tag is checked; the
	// version and key id fail as malformed or an unknown key.
	for i := range ct {
		for bit := range 8 {
			c := bytes.Clone(ct)
			c[i] ^= 1 << bit
			_, err := r.Decrypt(c, adID)
			var want error
			switch {
			case i == 0:
				want = ErrMalformed
			case i < headerSize:
				want = ErrUnknownKey
			default:
				want = ErrAuth
			}
			if !errors.Is(err, want) {
				t.Fatalf("byte %d bit %d flipped: %v, want %v", i, bit, err, want)
			}
		}
	}
	// Moved to another row, column or table, it does not decrypt.
	for _, ad := range []AD{
		{"people", "id_number", "18"},
		{"people", "phone", "17"},
		{"checkpoint", "id_number", "17"},
		{"people", "id_number", "1"},
		{"people", "id_numbe", "r17"}, // the fields are length-prefixed
		{},
	} {
		if _, err := r.Decrypt(ct, ad); !errors.Is(err, ErrAuth) {
			t.Errorf("decrypted as %+v: %v", ad, err)
		}
	}
	// Cut short or lengthened.
	for _, c := range [][]byte{nil, ct[:overhead-1], ct[:len(ct)-1], append(bytes.Clone(ct), 0)} {
		if _, err := r.Decrypt(c, adID); err == nil {
			t.Errorf("%d bytes decrypted", len(c))
		}
	}
	// The key id rewritten to another key of the ring: the header is
	// authenticated, and the other key does not open it anyway.
	r2, _ := r.Rotate()
	c := bytes.Clone(ct)
	id := r2.Current()
	c[1], c[2], c[3], c[4] = byte(id>>24), byte(id>>16), byte(id>>8), byte(id)
	if _, err := r2.Decrypt(c, adID); !errors.Is(err, ErrAuth) {
		t.Errorf("key id rewritten: %v", err)
	}
	// Another key file: the key is unknown, and named.
	other := testRing(t)
	_, err = other.Decrypt(ct, adID)
	if !errors.Is(err, ErrUnknownKey) || !strings.Contains(err.Error(), r.Current().String()) {
		t.Errorf("another keyring: %v", err)
	}
	if strings.Contains(err.Error(), string(pt)) {
		t.Error("the error holds the plaintext")
	}
}

func TestRotation(t *testing.T) {
	r1 := testRing(t)
	old, _ := r1.Encrypt([]byte("13812345678"), adID)
	idx1, _ := r1.IDIndex("330381199001011230")

	r2, err := r1.Rotate()
	if err != nil {
		t.Fatal(err)
	}
	if r2.Current() == r1.Current() || len(r2.IDs()) != 2 || r2.IDs()[1] != r1.Current() {
		t.Fatalf("rotated ring %v from %v", r2.IDs(), r1.IDs())
	}
	// Not yet re-encrypted: still readable, and found.
	if got, err := r2.Decrypt(old, adID); err != nil || string(got) != "13812345678" {
		t.Fatalf("old row under the new ring: %q %v", got, err)
	}
	idxs, _ := r2.IDIndexes("330381199001011230")
	if len(idxs) != 2 || idxs[1] != idx1 || idxs[0] == idx1 {
		t.Errorf("indexes %v, old %v", idxs, idx1)
	}
	// Re-encrypted: under the new key, and a second pass changes nothing.
	ct, changed, err := r2.Reencrypt(old, adID)
	if err != nil || !changed {
		t.Fatalf("Reencrypt: %v %v", changed, err)
	}
	if id, _ := CiphertextKeyID(ct); id != r2.Current() {
		t.Errorf("re-encrypted under %v", id)
	}
	again, changed, err := r2.Reencrypt(ct, adID)
	if err != nil || changed || !bytes.Equal(again, ct) {
		t.Errorf("second pass: %v %v", changed, err)
	}
	if _, _, err := r2.Reencrypt(old, AD{"people", "phone", "18"}); !errors.Is(err, ErrAuth) {
		t.Errorf("Reencrypt with the wrong record: %v", err)
	}
	// Retired: the new ring no longer reads the old ciphertext.
	r3, err := r2.Retire(r1.Current())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r3.Decrypt(old, adID); !errors.Is(err, ErrUnknownKey) {
		t.Errorf("retired key still decrypts: %v", err)
	}
	if got, err := r3.Decrypt(ct, adID); err != nil || string(got) != "13812345678" {
		t.Errorf("rotated row after retiring: %q %v", got, err)
	}
	if _, err := r3.Retire(r3.Current()); err == nil {
		t.Error("the current key retired")
	}
	if _, err := r3.Retire(r1.Current()); err == nil {
		t.Error("a key retired twice")
	}
	k := r1.keys[0]
	if _, err := NewKeyring(k, k); err == nil {
		t.Error("one key twice in a ring")
	}
	if _, err := NewKeyring(nil); err == nil {
		t.Error("a ring without a key")
	}
}

func TestIDIndex(t *testing.T) {
	r := testRing(t)
	a, err := r.IDIndex("33038119900101129X")
	if err != nil {
		t.Fatal(err)
	}
	for _, same := range []string{"33038119900101129x", " 330381 19900101 129X "} {
		if b, _ := r.IDIndex(same); b != a {
			t.Errorf("%q indexes as %s, want %s", same, b, a)
		}
	}
	if b, _ := r.IDIndex("11010519491231002X"); b == a {
		t.Error("two numbers index alike")
	}
	if len(a) != 40 || !strings.HasPrefix(string(a), r.Current().String()) {
		t.Errorf("index %q", a)
	}
	if id, err := a.KeyID(); err != nil || id != r.Current() {
		t.Errorf("index key id %v %v", id, err)
	}
	if strings.Contains(string(a), "330381") {
		t.Error("the index shows the number")
	}
	// Another key, another index: without the key the index cannot be
	// recomputed from a list of candidate numbers.
	if b, _ := testRing(t).IDIndex("33038119900101129X"); b == a || b[8:] == a[8:] {
		t.Error("the index does not depend on the key")
	}
	if _, err := r.IDIndex("33038119900101123"); err == nil {
		t.Error("an invalid number indexed")
	}
	if _, err := r.IDIndexes(""); err == nil {
		t.Error("an empty number indexed")
	}
	if _, err := Index("zz").KeyID(); err == nil {
		t.Error("a short index read")
	}
}

func TestKeyDerivation(t *testing.T) {
	master := bytes.Repeat([]byte{7}, KeySize)
	k1, err := KeyFromBytes(master)
	if err != nil {
		t.Fatal(err)
	}
	k2, _ := KeyFromBytes(master)
	if k1.ID() != k2.ID() || !bytes.Equal(k1.index, k2.index) {
		t.Error("one master derived two keys")
	}
	if bytes.Equal(k1.index, master) {
		t.Error("the index key is the master key")
	}
	master[0] = 8
	if k3, _ := KeyFromBytes(master); k3.ID() == k1.ID() {
		t.Error("two masters share an id")
	}
	if k1.master[0] != 7 {
		t.Error("the key shares the caller's slice")
	}
	for _, n := range []int{0, 16, 31, 33, 64} {
		if _, err := KeyFromBytes(make([]byte, n)); err == nil {
			t.Errorf("a %d-byte key accepted", n)
		}
	}
	if id, err := ParseKeyID(k1.ID().String()); err != nil || id != k1.ID() {
		t.Errorf("ParseKeyID(%s) = %v %v", k1.ID(), id, err)
	}
	for _, bad := range []string{"", "1234567", "123456789", "1234567g", "-1234567"} {
		if _, err := ParseKeyID(bad); err == nil {
			t.Errorf("ParseKeyID(%q) accepted", bad)
		}
	}
}

func FuzzDecrypt(f *testing.F) {
	r := testRing(f)
	ct, _ := r.Encrypt([]byte("330381199001011230"), adID)
	f.Add(ct, "people", "id_number", "17")
	f.Add(ct[:overhead], "people", "id_number", "17")
	f.Add([]byte{}, "", "", "")
	f.Add([]byte{1, 0, 0, 0, 0}, "a", "b", "c")
	f.Fuzz(func(t *testing.T, b []byte, table, column, row string) {
		ad := AD{table, column, row}
		pt, err := r.Decrypt(b, ad)
		if err == nil && !(bytes.Equal(b, ct) && ad == adID) {
			t.Fatalf("forged ciphertext %x for %+v opened as %q", b, ad, pt)
		}
		r.Reencrypt(b, ad)
		CiphertextKeyID(b)
	})
}

func TestDeriveSecret(t *testing.T) {
	k, err := KeyFromBytes(bytes.Repeat([]byte{7}, KeySize))
	if err != nil {
		t.Fatal(err)
	}
	r, err := NewKeyring(k)
	if err != nil {
		t.Fatal(err)
	}
	a, err := r.DeriveSecret("remember", 32)
	if err != nil || len(a) != 32 {
		t.Fatalf("derive: %d bytes, %v", len(a), err)
	}
	again, _ := r.DeriveSecret("remember", 32)
	other, _ := r.DeriveSecret("other", 32)
	if !bytes.Equal(a, again) {
		t.Error("one purpose derives two secrets")
	}
	if bytes.Equal(a, other) || bytes.Equal(a, k.index) || bytes.Equal(a, k.master) {
		t.Error("a derived secret equals another purpose's or a sealing key")
	}
	rotated, err := r.Rotate()
	if err != nil {
		t.Fatal(err)
	}
	if b, _ := rotated.DeriveSecret("remember", 32); bytes.Equal(a, b) {
		t.Error("a rotation keeps the derived secret")
	}
}
