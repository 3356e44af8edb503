package storesync

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
)

// Entry is what RetailCRM last accepted of one offer.
type Entry struct {
	// Print fingerprints the values accepted; 0 is unknown: the offer is sent again.
	Print uint64
	// Codes are the codes that had a value (the price types of the prices), so that a value
	// gone in 1C is removed in RetailCRM.
	Codes []string
}

// Offers is what RetailCRM last accepted of every offer, by offer key.
type Offers struct {
	// Scope fingerprints what the entries hold for (the site, the offer key tag): entries of
	// another scope tell nothing.
	Scope   string
	Entries map[string]Entry
}

// offersMagic starts every encoded Offers; its last byte is the format version.
const offersMagic = "UBSO\x01"

// maxString bounds one string of an encoded Offers.
const maxString = 1 << 16

// WriteOffers encodes o onto w: the magic, the scope, the table of codes, then one record per
// offer (key, print as 8 bytes, the number of codes and their indexes in the table), strings
// as a uvarint length and their bytes.
func WriteOffers(w io.Writer, o Offers) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	index := map[string]int{}
	var table []string
	for _, e := range o.Entries {
		for _, c := range e.Codes {
			if _, ok := index[c]; !ok {
				index[c] = len(table)
				table = append(table, c)
			}
		}
	}
	b := []byte(offersMagic)
	b = appendString(b, o.Scope)
	b = binary.AppendUvarint(b, uint64(len(table)))
	for _, c := range table {
		b = appendString(b, c)
	}
	for k, e := range o.Entries {
		b = appendString(b, k)
		b = binary.LittleEndian.AppendUint64(b, e.Print)
		b = binary.AppendUvarint(b, uint64(len(e.Codes)))
		for _, c := range e.Codes {
			b = binary.AppendUvarint(b, uint64(index[c]))
		}
		if _, err := bw.Write(b); err != nil {
			return err
		}
		b = b[:0]
	}
	if _, err := bw.Write(b); err != nil {
		return err
	}
	return bw.Flush()
}

func appendString(b []byte, s string) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

// ReadOffers decodes what WriteOffers wrote.
func ReadOffers(r io.Reader) (Offers, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	magic := make([]byte, len(offersMagic))
	if _, err := io.ReadFull(br, magic); err != nil || string(magic) != offersMagic {
		return Offers{}, errors.New("storesync: not an offers state")
	}
	scope, err := readString(br)
	if err != nil {
		return Offers{}, fmt.Errorf("storesync: offers state scope: %w", err)
	}
	table, err := readCodes(br)
	if err != nil {
		return Offers{}, err
	}
	o := Offers{Scope: scope, Entries: map[string]Entry{}}
	for {
		k, err := readString(br)
		if errors.Is(err, io.EOF) {
			return o, nil
		}
		e, rerr := readEntry(br, table)
		if err = errors.Join(err, rerr); err != nil {
			return Offers{}, fmt.Errorf("storesync: offers state record %d: %w", len(o.Entries)+1, err)
		}
		o.Entries[k] = e
	}
}

// readCodes reads the table of codes.
func readCodes(br *bufio.Reader) ([]string, error) {
	n, err := binary.ReadUvarint(br)
	if err != nil || n > maxString {
		return nil, errors.New("storesync: offers state: bad table of codes")
	}
	table := make([]string, n)
	for i := range table {
		if table[i], err = readString(br); err != nil {
			return nil, fmt.Errorf("storesync: offers state code %d: %w", i+1, err)
		}
	}
	return table, nil
}

// readEntry reads the print and the codes of a record.
func readEntry(br *bufio.Reader, table []string) (Entry, error) {
	var print [8]byte
	if _, err := io.ReadFull(br, print[:]); err != nil {
		return Entry{}, io.ErrUnexpectedEOF
	}
	e := Entry{Print: binary.LittleEndian.Uint64(print[:])}
	n, err := binary.ReadUvarint(br)
	if err != nil || n > uint64(len(table)) {
		return Entry{}, errors.New("bad number of codes")
	}
	for range n {
		i, err := binary.ReadUvarint(br)
		if err != nil || i >= uint64(len(table)) {
			return Entry{}, errors.New("bad code")
		}
		e.Codes = append(e.Codes, table[i])
	}
	return e, nil
}

func readString(br *bufio.Reader) (string, error) {
	n, err := binary.ReadUvarint(br)
	if err != nil {
		return "", err
	}
	if n > maxString {
		return "", errors.New("string too long")
	}
	b := make([]byte, n)
	if _, err := io.ReadFull(br, b); err != nil {
		return "", io.ErrUnexpectedEOF
	}
	return string(b), nil
}
