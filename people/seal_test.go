package people

import (
	"errors"
	"testing"

	"fugong"
	"fugong/pii"
)

func testRing(t testing.TB) *pii.Keyring {
	k, err := pii.NewKey()
	if err != nil {
		t.Fatal(err)
	}
	r, _ := pii.NewKeyring(k)
	return r
}

func TestSeal(t *testing.T) {
	r := testRing(t)
	p := valid()
	p.ID = 42
	if _, err := Seal(r, Person{IDNumber: idA}); err == nil {
		t.Error("sealed without a row id")
	}
	s, err := Seal(r, p)
	if err != nil {
		t.Fatal(err)
	}
	if s.KeyID != r.Current() || s.IDMasked != "330381********1230" || s.PhoneMasked != "138****5678" {
		t.Errorf("sealed %+v", s)
	}
	if idxs, _ := r.IDIndexes(idA); s.IDIndex != idxs[0] {
		t.Error("the index is not the current key's")
	}
	var back Person
	if err := s.Open(r, 42, &back); err != nil || back.IDNumber != idA || back.Phone != "13812345678" {
		t.Fatalf("opened %q %q %v", back.IDNumber, back.Phone, err)
	}
	// Another person's row, or the columns swapped: refused.
	if err := s.Open(r, 43, &back); !errors.Is(err, pii.ErrAuth) {
		t.Errorf("opened as row 43: %v", err)
	}
	swapped := s
	swapped.IDNumber, swapped.Phone = s.Phone, s.IDNumber
	if err := swapped.Open(r, 42, &back); !errors.Is(err, pii.ErrAuth) {
		t.Errorf("swapped columns opened: %v", err)
	}
	var masked Person
	s.Mask(&masked)
	if masked.IDNumber != "330381********1230" || masked.Phone != "138****5678" {
		t.Errorf("masked %+v", masked)
	}

	// No phone: no ciphertext.
	p.Phone = ""
	s2, _ := Seal(r, p)
	if s2.Phone != nil || s2.PhoneMasked != "" {
		t.Errorf("no phone sealed as %x %q", s2.Phone, s2.PhoneMasked)
	}
	if err := s2.Open(r, 42, &back); err != nil || back.Phone != "" {
		t.Errorf("no phone opened as %q %v", back.Phone, err)
	}

	// Rotation: the row moves to the new key, index too; a second pass
	// leaves it alone.
	r2, _ := r.Rotate()
	moved, changed, err := Reseal(r2, 42, s)
	if err != nil || !changed {
		t.Fatalf("Reseal: %v %v", changed, err)
	}
	idxs, _ := r2.IDIndexes(idA)
	if moved.KeyID != r2.Current() || moved.IDIndex != idxs[0] || moved.IDIndex == s.IDIndex || idxs[1] != s.IDIndex {
		t.Errorf("resealed under %v, index %s (indexes %v)", moved.KeyID, moved.IDIndex, idxs)
	}
	if id, _ := pii.CiphertextKeyID(moved.Phone); id != r2.Current() {
		t.Errorf("phone under %v", id)
	}
	if err := moved.Open(r2, 42, &back); err != nil || back.IDNumber != idA {
		t.Errorf("resealed row opened %q %v", back.IDNumber, err)
	}
	if again, changed, err := Reseal(r2, 42, moved); changed || err != nil || again.IDIndex != moved.IDIndex {
		t.Errorf("second pass changed the row: %v %v", changed, err)
	}
	if _, _, err := Reseal(r2, 43, s); err == nil {
		t.Error("resealed another row's data")
	}
}

func TestPermissions(t *testing.T) {
	for _, tt := range []struct {
		a              fugong.Actor
		edit, full, mg bool
	}{
		{fugong.Actor{Role: fugong.RoleAdmin}, true, true, true},
		{fugong.Actor{Role: fugong.RoleBureau, Group: fugong.GroupPrevention}, true, true, true},
		{fugong.Actor{Role: fugong.RoleBureau, Group: fugong.GroupStatistics}, false, false, false},
		{fugong.Actor{Role: fugong.RoleEnterprise, Enterprise: firm}, true, true, false},
		{fugong.Actor{Role: fugong.RoleTown, Town: "330381001"}, true, true, false},
		{fugong.Actor{Role: fugong.RoleCadre}, true, false, false},
		{fugong.Actor{Role: fugong.RoleCheckpoint}, false, false, false},
	} {
		if CanEdit(tt.a) != tt.edit || CanViewFull(tt.a) != tt.full || CanManage(tt.a) != tt.mg {
			t.Errorf("%s %s: edit %v full %v manage %v", tt.a.Role, tt.a.Group, CanEdit(tt.a), CanViewFull(tt.a), CanManage(tt.a))
		}
	}
}

func BenchmarkSeal(b *testing.B) {
	r := testRing(b)
	p := valid()
	p.ID = 42
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Seal(r, p); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkOpen(b *testing.B) {
	r := testRing(b)
	p := valid()
	p.ID = 42
	s, _ := Seal(r, p)
	var back Person
	b.ReportAllocs()
	for b.Loop() {
		if err := s.Open(r, 42, &back); err != nil {
			b.Fatal(err)
		}
	}
}
