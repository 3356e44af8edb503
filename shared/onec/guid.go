package onec

import (
	"crypto/rand"
	"fmt"
)

// NewGUID returns a random GUID (a version 4 UUID) as the contract writes it: lower-case.
func NewGUID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b) // crypto/rand.Read never fails.
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:])
}
