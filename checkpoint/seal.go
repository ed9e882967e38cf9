package checkpoint

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"strconv"
	"time"

	"fugong/pii"
)

// The tables personal data is sealed for (pii.AD): a ciphertext of one
// row does not open in another row, column or table.
const (
	TableRegistrations = "checkpoint_registrations"
	TableResidents     = "isolation_residents"
	TableRemembered    = "remembered_travellers"
)

func ad(table, column, row string) pii.AD { return pii.AD{Table: table, Column: column, Row: row} }

// Sealed is a traveller's or resident's ID number and phone as they are
// stored, as package people stores its staff's: encrypted under one key,
// the ID number's look-up index under the same key (to find everyone who
// passed a post or stayed at a point by ID number, without decrypting),
// and the masked forms, so lists never decrypt.
type Sealed struct {
	KeyID       pii.KeyID
	IDNumber    []byte
	IDIndex     pii.Index
	Phone       []byte // nil when there is none
	IDMasked    string
	PhoneMasked string
}

// Seal encrypts a normalised ID number and phone for row id of table
// (TableRegistrations or TableResidents): the store gives the row its id,
// then stores what Seal makes of it, in one transaction.
func Seal(r *pii.Keyring, table string, id int64, idNumber, phone string) (Sealed, error) {
	if id <= 0 {
		return Sealed{}, errors.New("checkpoint: seal needs the row id")
	}
	idx, err := r.IDIndex(idNumber)
	if err != nil {
		return Sealed{}, err
	}
	row := strconv.FormatInt(id, 10)
	s := Sealed{KeyID: r.Current(), IDIndex: idx, IDMasked: pii.MaskID(idNumber)}
	if s.IDNumber, err = r.EncryptString(idNumber, ad(table, "id_number", row)); err != nil {
		return Sealed{}, err
	}
	if phone != "" {
		if s.Phone, err = r.EncryptString(phone, ad(table, "phone", row)); err != nil {
			return Sealed{}, err
		}
		s.PhoneMasked = pii.MaskPhone(phone)
	}
	return s, nil
}

// Open decrypts the ID number and phone of row id of table: a full view,
// which the caller audits.
func (s Sealed) Open(r *pii.Keyring, table string, id int64) (idNumber, phone string, err error) {
	row := strconv.FormatInt(id, 10)
	if idNumber, err = r.DecryptString(s.IDNumber, ad(table, "id_number", row)); err != nil {
		return "", "", err
	}
	if s.Phone != nil {
		if phone, err = r.DecryptString(s.Phone, ad(table, "phone", row)); err != nil {
			return "", "", err
		}
	}
	return idNumber, phone, nil
}

// Reseal moves a row under the current key for a rotation, the index
// recomputed with the ciphertexts; a row already under it comes back
// unchanged (false).
func Reseal(r *pii.Keyring, table string, id int64, s Sealed) (Sealed, bool, error) {
	if s.KeyID == r.Current() {
		return s, false, nil
	}
	idn, phone, err := s.Open(r, table, id)
	if err != nil {
		return s, false, err
	}
	out, err := Seal(r, table, id, idn, phone)
	return out, err == nil, err
}

// A remembered traveller is a phone's details kept for its next
// registration, at any post.
//
// The phone's cookie holds only a Ref: 128 random bits, no personal data.
// The store keeps the ref's keyed hash (Lookup) as the row's key, never the
// ref: someone holding a copy of the database cannot find the row of a
// cookie they have seen (nor make a cookie for a row) without the remember
// key, which is kept outside the database like the pii key file. The
// details are sealed with pii, bound to that look-up key.
//
// A remembered traveller lasts RememberFor after it was last used (each
// registration renews it, and the cookie's Max-Age with it); the store
// deletes the expired ones, and a traveller who unticks "remember me" is
// forgotten at once.
type Remembered struct {
	Lookup    Lookup    `json:"-"`
	KeyID     pii.KeyID `json:"-"`
	Details   []byte    `json:"-"` // the sealed JSON of a Traveller
	CreatedAt time.Time `json:"created_at"`
	UsedAt    time.Time `json:"used_at"`
	ExpiresAt time.Time `json:"expires_at"`
}

// RememberFor is how long a remembered traveller lasts after its last use:
// 30 days, a month of a commuter's crossings; someone who has not passed
// a post for a month types their details again.
const RememberFor = 30 * 24 * time.Hour

// Ref is the random reference a remembering phone's cookie holds: 128
// bits as 22 characters of unpadded base64url.
type Ref string

// RefBytes is a ref's randomness: 16 bytes, 128 bits.
const RefBytes = 16

// NewRef draws a ref from random (crypto/rand.Reader when nil).
func NewRef(random io.Reader) (Ref, error) {
	s, err := randomString(random, RefBytes)
	return Ref(s), err
}

// ParseRef reads a cookie's value: false when it cannot be a ref.
func ParseRef(s string) (Ref, bool) {
	if !canonical(s, RefBytes) {
		return "", false
	}
	return Ref(s), true
}

// Lookup is a ref's keyed hash, the remembered traveller's key in the
// store: 64 hex digits of HMAC-SHA256.
type Lookup string

// RememberKey keys the look-up hash. It is a secret of at least 32 bytes
// kept outside the database (beside the pii key file). Replacing it
// forgets every remembered traveller: their cookies find nothing, and they
// type their details once more.
type RememberKey struct{ key []byte }

// NewRememberKey makes a key of secret, at least 32 bytes.
func NewRememberKey(secret []byte) (*RememberKey, error) {
	if len(secret) < 32 {
		return nil, errors.New("checkpoint: the remember key needs at least 32 bytes")
	}
	return &RememberKey{key: append([]byte(nil), secret...)}, nil
}

// Lookup is the store's key of the traveller a ref names.
func (k *RememberKey) Lookup(ref Ref) Lookup {
	m := hmac.New(sha256.New, k.key)
	m.Write([]byte("fugong remembered traveller v1\x00"))
	m.Write([]byte(ref))
	return Lookup(hex.EncodeToString(m.Sum(nil)))
}

// Remember seals a normalised traveller's details under the look-up key l,
// to last RememberFor from now.
func Remember(r *pii.Keyring, l Lookup, t Traveller, now time.Time) (Remembered, error) {
	if len(l) != 64 {
		return Remembered{}, errors.New("checkpoint: remember needs a look-up key")
	}
	b, err := json.Marshal(t)
	if err != nil {
		return Remembered{}, err
	}
	ct, err := r.Encrypt(b, ad(TableRemembered, "details", string(l)))
	if err != nil {
		return Remembered{}, err
	}
	return Remembered{Lookup: l, KeyID: r.Current(), Details: ct, CreatedAt: now, UsedAt: now,
		ExpiresAt: now.Add(RememberFor)}, nil
}

// Open decrypts the remembered details, to fill the form (masked: see
// ParseForm).
func (m Remembered) Open(r *pii.Keyring) (Traveller, error) {
	b, err := r.Decrypt(m.Details, ad(TableRemembered, "details", string(m.Lookup)))
	if err != nil {
		return Traveller{}, err
	}
	var t Traveller
	err = json.Unmarshal(b, &t)
	return t, err
}

// Expired reports whether the remembered traveller has lapsed at now.
func (m Remembered) Expired(now time.Time) bool { return !now.Before(m.ExpiresAt) }

// Renew is the remembered traveller used again at now, with details t
// (they may have changed their plate or destination): sealed afresh under
// the current key, to last RememberFor from now, created when it was.
func (m Remembered) Renew(r *pii.Keyring, t Traveller, now time.Time) (Remembered, error) {
	out, err := Remember(r, m.Lookup, t, now)
	if err == nil && !m.CreatedAt.IsZero() {
		out.CreatedAt = m.CreatedAt
	}
	return out, err
}
