package store

// SetMujunMergeFrom sets the size of year Firms reads as merged scans, for
// the tests to read small years both ways; it returns the old size.
func SetMujunMergeFrom(n int) int {
	old := mergeFrom
	mergeFrom = n
	return old
}
