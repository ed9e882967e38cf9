// Package checkpoint is M8, checkpoints and isolation points (卡口 and
// 隔离点): the posts with their QR codes, the travellers' own
// registration on their phones (扫码登记) and the staff's confirmation with
// a fever alert, the posts' 24-hour duty roster, and the isolation points
// with their rooms, residents, twice-daily temperature rounds, meals and
// releases.
//
// Personal data follows package people's rules through package pii: ID
// numbers and phones are sealed before the store sees them (Seal), shown
// masked, and checked with pii's GB 11643 rules; temperatures are people's
// (34–43 ℃, a tenth of a degree) and so is the fever threshold
// (people.Settings). A remembered traveller is a cookie holding only a
// random reference; the store keeps the reference's keyed hash beside the
// sealed details (Remembered).
//
// It knows nothing of HTTP or SQL: the web layer serves the forms and the
// codes (package qrcode draws them), the store implements Store.
package checkpoint
