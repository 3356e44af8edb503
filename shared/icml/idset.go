package icml

import (
	"encoding/binary"
	"math/bits"
)

// idSet is a set of 64-bit hashes of offer ids: open addressing with linear probing in one
// []uint64 filled to at most 7/8, about 9 bytes per id when sized by an accurate hint.
//
// Ids are added in batches. Each lookup in a set larger than the processor's caches misses
// them; looking up a batch in one loop lets the processor wait for many misses at once. The
// batch keeps its ids, to name a duplicate.
type idSet struct {
	slots []uint64 // 0 marks a free slot
	n     int
	batch []uint64 // hashes of the ids not yet in slots
	ids   []byte   // the ids of the batch, one after another
	ends  []int    // end of each id of the batch in ids
	offs  []int64  // document offset of each id of the batch
}

// Bounds of a batch: ids, and bytes of ids.
const (
	batchLen   = 64
	batchBytes = 8 << 10
)

// newIDSet returns a set sized for hint ids.
func newIDSet(hint int) idSet {
	return idSet{
		slots: make([]uint64, max(hint, 0)*8/7+8),
		batch: make([]uint64, 0, batchLen),
		ends:  make([]int, 0, batchLen),
		offs:  make([]int64, 0, batchLen),
	}
}

// add queues id, found at offset off of the document, and reports whether the batch is full:
// then flush is due.
func (s *idSet) add(id []byte, off int64) bool {
	s.batch = append(s.batch, hashID(id))
	s.ids = append(s.ids, id...)
	s.ends = append(s.ends, len(s.ids))
	s.offs = append(s.offs, off)
	return len(s.batch) == batchLen || len(s.ids) >= batchBytes
}

// flush puts the batch into the set. It returns the first id of the batch that was already
// in the set or earlier in the batch, with its offset, and whether there was one.
func (s *idSet) flush() (dup []byte, off int64, found bool) {
	if need := s.n + len(s.batch); need > len(s.slots)/8*7 {
		old := s.slots
		s.slots = make([]uint64, max(2*len(old), need*8/7+8))
		for _, h := range old {
			if h != 0 {
				s.place(h)
			}
		}
	}
	for i, h := range s.batch {
		if !s.place(h) {
			start := 0
			if i > 0 {
				start = s.ends[i-1]
			}
			dup, off, found = s.ids[start:s.ends[i]], s.offs[i], true
			break
		}
		s.n++
	}
	s.batch, s.ids, s.ends, s.offs = s.batch[:0], s.ids[:0], s.ends[:0], s.offs[:0]
	return dup, off, found
}

// place stores h in the first free slot from its home slot, unless it is there already; it
// reports whether it stored it. A hash of 0 is stored as 1.
func (s *idSet) place(h uint64) bool {
	h = max(h, 1)
	home, _ := bits.Mul64(h, uint64(len(s.slots)))
	for i := int(home); ; {
		switch s.slots[i] {
		case 0:
			s.slots[i] = h
			return true
		case h:
			return false
		}
		if i++; i == len(s.slots) {
			i = 0
		}
	}
}

// hashID is a 64-bit hash of an offer id: FNV-1a taken over 64-bit little-endian words
// instead of bytes (the length seeds it, the last word is padded with zeros), mixed by the
// finaliser of MurmurHash3, which spreads ids that differ only in their last bytes over the
// high bits place uses. Two ids of the same length that differ in one word never collide; the
// finaliser is a bijection and adds no collisions.
func hashID(id []byte) uint64 {
	const prime = 1099511628211
	h := uint64(14695981039346656037) ^ uint64(len(id))
	for ; len(id) >= 8; id = id[8:] {
		h = (h ^ binary.LittleEndian.Uint64(id)) * prime
	}
	var tail uint64
	for i, c := range id {
		tail |= uint64(c) << (8 * i)
	}
	h = (h ^ tail) * prime
	h ^= h >> 33
	h *= 0xff51afd7ed558ccd
	h ^= h >> 33
	h *= 0xc4ceb9fe1a85ec53
	return h ^ h>>33
}
