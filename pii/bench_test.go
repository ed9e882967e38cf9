package pii

import "testing"

// Per record: an ID number (18 bytes) and a mobile (11 bytes).

func BenchmarkEncryptID(b *testing.B) {
	r := testRing(b)
	pt := []byte("330381199001011230")
	b.ReportAllocs()
	for b.Loop() {
		if _, err := r.Encrypt(pt, adID); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDecryptID(b *testing.B) {
	r := testRing(b)
	ct, _ := r.Encrypt([]byte("330381199001011230"), adID)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := r.Decrypt(ct, adID); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkEncryptPhone(b *testing.B) {
	r := testRing(b)
	ad := AD{"people", "phone", "17"}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := r.EncryptString("13812345678", ad); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkIDIndex(b *testing.B) {
	r := testRing(b)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := r.IDIndex("330381199001011230"); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkReencryptID(b *testing.B) {
	r1 := testRing(b)
	ct, _ := r1.Encrypt([]byte("330381199001011230"), adID)
	r2, _ := r1.Rotate()
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := r2.Reencrypt(ct, adID); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkRedactAuditRow(b *testing.B) {
	doc := []byte(`{"before":{"name":"张三","id_number":"330381199001011230","phone":"13812345678","origin":"湖北省武汉市","hubei":true,"returned_on":"2020-02-10"},` +
		`"after":{"name":"张三","id_number":"330381199001011230","phone":"13812345679","origin":"湖北省武汉市","hubei":true,"returned_on":"2020-02-10","note":"电话改为13812345679"}}`)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := RedactJSON(doc); err != nil {
			b.Fatal(err)
		}
	}
}
