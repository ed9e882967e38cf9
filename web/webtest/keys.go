package webtest

import "fugong/pii"

// Keys are the personal-data keys of every test server (M7): one random
// key per test process, as a key file would hold.
var Keys = func() *pii.Keyring {
	k, err := pii.NewKey()
	if err != nil {
		panic(err)
	}
	r, err := pii.NewKeyring(k)
	if err != nil {
		panic(err)
	}
	return r
}()
