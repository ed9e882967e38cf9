package pii

import (
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"

	"golang.org/x/crypto/chacha20poly1305"
)

// KeySize is the length of a master key in bytes.
const KeySize = 32

// HKDF labels of the sub-keys derived from a master key.
const (
	labelCipher = "fugong pii cipher v1"
	labelIndex  = "fugong pii index v1"
	labelID     = "fugong pii key id v1"
)

// Ciphertext layout: version | key id | nonce | sealed text and tag.
const (
	version    = 1
	headerSize = 1 + 4
	nonceSize  = chacha20poly1305.NonceSizeX
	overhead   = headerSize + nonceSize + chacha20poly1305.Overhead
)

// Errors of decryption. Wrapped with detail; test them with errors.Is.
var (
	// ErrMalformed is a ciphertext too short or of an unknown version.
	ErrMalformed = errors.New("pii: malformed ciphertext")
	// ErrUnknownKey is a ciphertext under a key the key file lacks.
	ErrUnknownKey = errors.New("pii: ciphertext under a key not in the key file")
	// ErrAuth is a ciphertext that does not authenticate: tampered with, or
	// moved from another record.
	ErrAuth = errors.New("pii: ciphertext does not authenticate (tampered with, or moved from another record)")
)

// KeyID names a key: 4 bytes derived from it, written as 8 hex digits.
type KeyID uint32

func (id KeyID) String() string { return fmt.Sprintf("%08x", uint32(id)) }

// ParseKeyID reads 8 hex digits.
func ParseKeyID(s string) (KeyID, error) {
	if len(s) != 8 {
		return 0, fmt.Errorf("pii: key id %q is not 8 hex digits", s)
	}
	v, err := strconv.ParseUint(s, 16, 32)
	if err != nil {
		return 0, fmt.Errorf("pii: key id %q is not 8 hex digits", s)
	}
	return KeyID(v), nil
}

// Key is one master key with its derived sub-keys. It is immutable and
// safe for concurrent use.
type Key struct {
	id     KeyID
	master []byte
	aead   cipher.AEAD
	index  []byte
}

// NewKey makes a key from 32 random bytes.
func NewKey() (*Key, error) {
	b := make([]byte, KeySize)
	if _, err := rand.Read(b); err != nil {
		return nil, err
	}
	return KeyFromBytes(b)
}

// KeyFromBytes makes a key from a 32-byte master key.
func KeyFromBytes(master []byte) (*Key, error) {
	if len(master) != KeySize {
		return nil, fmt.Errorf("pii: a key is %d bytes, not %d", KeySize, len(master))
	}
	derive := func(label string, n int) []byte {
		b, err := hkdf.Key(sha256.New, master, nil, label, n)
		if err != nil {
			panic(err) // only for lengths beyond 255 × 32 bytes
		}
		return b
	}
	aead, err := chacha20poly1305.NewX(derive(labelCipher, chacha20poly1305.KeySize))
	if err != nil {
		return nil, err
	}
	return &Key{
		id:     KeyID(binary.BigEndian.Uint32(derive(labelID, 4))),
		master: append([]byte(nil), master...),
		aead:   aead,
		index:  derive(labelIndex, 32),
	}, nil
}

// ID is the key's id.
func (k *Key) ID() KeyID { return k.id }

// AD is the identity of the record a ciphertext belongs to; it is
// authenticated with it, so the ciphertext does not decrypt in another
// table, column or row.
type AD struct {
	Table  string
	Column string
	Row    string
}

// appendAD appends the authenticated data: the ciphertext's header and the
// record's identity, each string length-prefixed so no two identities
// encode alike.
func appendAD(b, header []byte, ad AD) []byte {
	b = append(b, "fugong pii v1\x00"...)
	b = append(b, header...)
	for _, s := range []string{ad.Table, ad.Column, ad.Row} {
		b = binary.AppendUvarint(b, uint64(len(s)))
		b = append(b, s...)
	}
	return b
}

// Keyring is the current key, which encrypts and indexes, and older keys,
// which only decrypt and find rows not yet rotated. It is immutable and
// safe for concurrent use.
type Keyring struct {
	keys []*Key // keys[0] is current
}

// NewKeyring makes a keyring; the ids must differ.
func NewKeyring(current *Key, older ...*Key) (*Keyring, error) {
	if current == nil {
		return nil, errors.New("pii: a keyring needs a current key")
	}
	keys := append([]*Key{current}, older...)
	seen := map[KeyID]bool{}
	for _, k := range keys {
		if k == nil {
			return nil, errors.New("pii: nil key")
		}
		if seen[k.id] {
			return nil, fmt.Errorf("pii: key %s is in the keyring twice", k.id)
		}
		seen[k.id] = true
	}
	return &Keyring{keys: keys}, nil
}

// Current is the id of the key that encrypts.
func (r *Keyring) Current() KeyID { return r.keys[0].id }

// IDs lists the key ids, the current first.
func (r *Keyring) IDs() []KeyID {
	ids := make([]KeyID, len(r.keys))
	for i, k := range r.keys {
		ids[i] = k.id
	}
	return ids
}

func (r *Keyring) key(id KeyID) *Key {
	for _, k := range r.keys {
		if k.id == id {
			return k
		}
	}
	return nil
}

// Rotate returns a keyring with a new random current key; the keys of r
// are kept to decrypt what they encrypted.
func (r *Keyring) Rotate() (*Keyring, error) {
	k, err := NewKey()
	if err != nil {
		return nil, err
	}
	return NewKeyring(k, r.keys...)
}

// Retire returns the keyring without an old key, once no row is under it.
// The current key cannot be retired.
func (r *Keyring) Retire(id KeyID) (*Keyring, error) {
	if id == r.Current() {
		return nil, fmt.Errorf("pii: key %s is the current key; rotate first", id)
	}
	if r.key(id) == nil {
		return nil, fmt.Errorf("pii: key %s is not in the keyring", id)
	}
	var older []*Key
	for _, k := range r.keys[1:] {
		if k.id != id {
			older = append(older, k)
		}
	}
	return NewKeyring(r.keys[0], older...)
}

// Encrypt seals plaintext under the current key for the record ad.
func (r *Keyring) Encrypt(plaintext []byte, ad AD) ([]byte, error) {
	k := r.keys[0]
	out := make([]byte, headerSize+nonceSize, len(plaintext)+overhead)
	out[0] = version
	binary.BigEndian.PutUint32(out[1:headerSize], uint32(k.id))
	if _, err := rand.Read(out[headerSize:]); err != nil {
		return nil, err
	}
	var buf [128]byte
	return k.aead.Seal(out, out[headerSize:], plaintext, appendAD(buf[:0], out[:headerSize], ad)), nil
}

// EncryptString seals a string; "" stays empty (nil), so an absent value
// needs no ciphertext.
func (r *Keyring) EncryptString(s string, ad AD) ([]byte, error) {
	if s == "" {
		return nil, nil
	}
	return r.Encrypt([]byte(s), ad)
}

// CiphertextKeyID is the id of the key a ciphertext is under.
func CiphertextKeyID(ct []byte) (KeyID, error) {
	if len(ct) < overhead || ct[0] != version {
		return 0, ErrMalformed
	}
	return KeyID(binary.BigEndian.Uint32(ct[1:headerSize])), nil
}

// Decrypt opens a ciphertext of the record ad, under whichever key of the
// ring it names. Any bytes may be given: what is not a ciphertext of this
// record under one of these keys is an error, never a panic.
func (r *Keyring) Decrypt(ct []byte, ad AD) ([]byte, error) {
	id, err := CiphertextKeyID(ct)
	if err != nil {
		return nil, err
	}
	k := r.key(id)
	if k == nil {
		return nil, fmt.Errorf("%w: %s", ErrUnknownKey, id)
	}
	var buf [128]byte
	nonce := ct[headerSize : headerSize+nonceSize]
	pt, err := k.aead.Open(nil, nonce, ct[headerSize+nonceSize:], appendAD(buf[:0], ct[:headerSize], ad))
	if err != nil {
		return nil, ErrAuth
	}
	return pt, nil
}

// DecryptString opens a ciphertext made by EncryptString; empty stays "".
func (r *Keyring) DecryptString(ct []byte, ad AD) (string, error) {
	if len(ct) == 0 {
		return "", nil
	}
	pt, err := r.Decrypt(ct, ad)
	return string(pt), err
}

// Reencrypt returns ct under the current key, and whether it changed: a
// ciphertext already under the current key is returned as it is.
func (r *Keyring) Reencrypt(ct []byte, ad AD) ([]byte, bool, error) {
	if len(ct) == 0 {
		return ct, false, nil
	}
	id, err := CiphertextKeyID(ct)
	if err != nil {
		return nil, false, err
	}
	if id == r.Current() {
		return ct, false, nil
	}
	pt, err := r.Decrypt(ct, ad)
	if err != nil {
		return nil, false, err
	}
	out, err := r.Encrypt(pt, ad)
	clear(pt)
	return out, err == nil, err
}

// Index is an ID number's look-up index under one key: the key id and 128
// bits of HMAC-SHA256 of the normalised number, 40 hex digits in all.
type Index string

// KeyID is the key the index was computed under.
func (x Index) KeyID() (KeyID, error) {
	if len(x) != 40 {
		return 0, fmt.Errorf("pii: index %q is not 40 hex digits", string(x))
	}
	return ParseKeyID(string(x[:8]))
}

func (k *Key) idIndex(normalized string) Index {
	m := hmac.New(sha256.New, k.index)
	m.Write([]byte("id_number\x00"))
	m.Write([]byte(normalized))
	var sum [sha256.Size]byte
	var b [40]byte
	hex.Encode(b[:8], binary.BigEndian.AppendUint32(nil, uint32(k.id)))
	hex.Encode(b[8:], m.Sum(sum[:0])[:16])
	return Index(b[:])
}

// IDIndex is the look-up index of an ID number under the current key, for
// storing beside its ciphertext. The number is normalised first (a lower
// case x and an upper case X index alike); an invalid one is an error.
func (r *Keyring) IDIndex(id string) (Index, error) {
	n, msg := NormalizeIDNumber(id)
	if msg != "" {
		return "", fmt.Errorf("pii: ID number %s", msg)
	}
	return r.keys[0].idIndex(n), nil
}

// IDIndexes are the look-up indexes of an ID number under every key, the
// current first: a look-up searches them all, so it finds rows a rotation
// has not reached yet.
func (r *Keyring) IDIndexes(id string) ([]Index, error) {
	n, msg := NormalizeIDNumber(id)
	if msg != "" {
		return nil, fmt.Errorf("pii: ID number %s", msg)
	}
	out := make([]Index, len(r.keys))
	for i, k := range r.keys {
		out[i] = k.idIndex(n)
	}
	return out, nil
}

// DeriveSecret is a secret of n bytes for another purpose than sealing,
// derived from the current master key with HKDF under a label of its own
// ("fugong derived v1: " + purpose), so that no second key file is needed
// and no derived secret says anything of the sealing keys or of another
// purpose's. It changes with a rotation, like everything the current key
// does.
func (r *Keyring) DeriveSecret(purpose string, n int) ([]byte, error) {
	return hkdf.Key(sha256.New, r.keys[0].master, nil, "fugong derived v1: "+purpose, n)
}
