// Package pii protects personal data: resident ID numbers and phone
// numbers. It validates ID numbers (GB 11643), masks and redacts them,
// encrypts them at rest under keys kept outside the database, and indexes
// ID numbers for exact look-up without decrypting. It knows nothing of
// HTTP or SQL; the store and the command line use it.
//
// # Cipher
//
// XChaCha20-Poly1305 (golang.org/x/crypto/chacha20poly1305), an
// authenticated cipher with a 192-bit nonce. Every encryption takes a fresh
// random nonce: with several instances writing under the same key there is
// no counter to share, and at 192 bits random nonces never collide in
// practice (AES-GCM's 96-bit nonces are limited to about 2³² messages per
// key).
//
// A ciphertext is
//
//	version (1 byte, 1) | key id (4 bytes, big-endian) | nonce (24) | sealed text and tag (n + 16)
//
// so 45 bytes longer than the plaintext. The version and key id are
// authenticated with the associated data: changing either fails.
//
// # Keys
//
// The master key is 32 random bytes in a key file (see [ParseKeyFile] for
// its format), never in the database. Sub-keys are derived from it with
// HKDF-SHA256 under distinct labels: one for the cipher, one for the
// look-up index, and the key id (4 bytes, written as 8 hex digits). A key
// id derived from the key itself cannot be mismatched with its key: a key
// line mangled by a copy is refused on load, and a database opened with
// the wrong key file says which key it lacks instead of reporting every
// row as tampered.
//
// A [Keyring] holds the current key, which encrypts, and older keys, which
// only decrypt.
//
// # Associated data
//
// Every ciphertext is bound to the record it belongs to by [AD]: table,
// column and row id. A ciphertext copied to another row or another column
// does not decrypt.
//
// # Look-up index
//
// [Keyring.IDIndex] is HMAC-SHA256, under the index sub-key, of the
// normalised ID number (upper-case X), truncated to 128 bits and prefixed
// with the key id. Equal ID numbers have equal indexes under one key, so
// the store finds a person by ID number without decrypting any row. An
// unsalted hash would not do: there are only some 10⁷ ID numbers of one
// county's working-age people, and anyone with the database could hash
// them all; without the key the HMAC cannot be computed.
//
// # Rotation
//
// `fugong keys rotate` works in this order, and every row stays readable
// at every point:
//
//  1. [Keyring.Rotate] adds a new current key; [WriteKeyFile] replaces the
//     key file atomically (and fsyncs it) before any row is written under
//     the new key, so a crash never leaves a row under a key not on disk.
//  2. The rows not under the current key ([CiphertextKeyID], or the key-id
//     column the store keeps beside the ciphertexts) are re-encrypted in
//     batches, one transaction each: each row's fields are decrypted with
//     their old key and encrypted under the current key ([Keyring.Reencrypt]),
//     and its ID-number index is recomputed under the current key's index
//     sub-key in the same update, so a row's ciphertexts and index always
//     agree on one key. The update is conditional on the row's old key id,
//     so a row edited meanwhile (and so already under the new key) is left
//     alone. Stopped at any point, the pass is simply run again: rows
//     already under the current key are skipped.
//  3. While rows remain under old keys, look-ups search every key's index
//     ([Keyring.IDIndexes]). Instances still running with the old key file
//     keep writing under the old key until restarted; a second pass after
//     the restart picks those rows up.
//  4. Once no row is under an old key, [Keyring.Retire] drops it from the
//     key file.
package pii
