package people

import (
	"errors"
	"strconv"

	"fugong/pii"
)

// Table is the name the sealed personal data is bound to (pii.AD): a
// ciphertext of one person's row does not open in another's.
const Table = "people"

func ad(column string, id int64) pii.AD {
	return pii.AD{Table: Table, Column: column, Row: strconv.FormatInt(id, 10)}
}

// Sealed is a person's ID number and phone as they are stored: encrypted
// under one key, the ID number's look-up index under the same key, and the
// masked forms, so lists never decrypt.
type Sealed struct {
	KeyID       pii.KeyID
	IDNumber    []byte
	IDIndex     pii.Index
	Phone       []byte // nil when they have no phone
	IDMasked    string
	PhoneMasked string
}

// Seal encrypts a normalised person's ID number and phone for their row
// (p.ID, which the store has given them: it inserts the row, then seals it
// in the same transaction).
func Seal(r *pii.Keyring, p Person) (Sealed, error) {
	if p.ID <= 0 {
		return Sealed{}, errors.New("people: seal needs the person's row id")
	}
	idx, err := r.IDIndex(p.IDNumber)
	if err != nil {
		return Sealed{}, err
	}
	s := Sealed{KeyID: r.Current(), IDIndex: idx, IDMasked: pii.MaskID(p.IDNumber)}
	if s.IDNumber, err = r.EncryptString(p.IDNumber, ad("id_number", p.ID)); err != nil {
		return Sealed{}, err
	}
	if s.Phone, err = r.EncryptString(p.Phone, ad("phone", p.ID)); err != nil {
		return Sealed{}, err
	}
	if p.Phone != "" {
		s.PhoneMasked = pii.MaskPhone(p.Phone)
	}
	return s, nil
}

// Open decrypts the ID number and phone of person id into p: a full view,
// which the caller audits.
func (s Sealed) Open(r *pii.Keyring, id int64, p *Person) error {
	idn, err := r.DecryptString(s.IDNumber, ad("id_number", id))
	if err != nil {
		return err
	}
	phone, err := r.DecryptString(s.Phone, ad("phone", id))
	if err != nil {
		return err
	}
	p.IDNumber, p.Phone = idn, phone
	return nil
}

// Mask puts the masked ID number and phone into p, for lists.
func (s Sealed) Mask(p *Person) { p.IDNumber, p.Phone = s.IDMasked, s.PhoneMasked }

// Reseal moves a row under the current key for a rotation: both
// ciphertexts re-encrypted and the index recomputed under the new key
// together. A row already under the current key comes back unchanged
// (false), so a stopped rotation just runs again.
func Reseal(r *pii.Keyring, id int64, s Sealed) (Sealed, bool, error) {
	if s.KeyID == r.Current() {
		return s, false, nil
	}
	p := Person{ID: id}
	if err := s.Open(r, id, &p); err != nil {
		return s, false, err
	}
	out, err := Seal(r, p)
	if err != nil {
		return s, false, err
	}
	return out, true, nil
}
