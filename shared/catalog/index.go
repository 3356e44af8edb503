package catalog

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
)

// OfferRef names a 1C offer: a product, with a characteristic or without one (empty).
type OfferRef struct {
	Product        string
	Characteristic string
}

// IndexEntry is what the offer index knows of an offer in the published file.
type IndexEntry struct {
	// Key is the offer's key in RetailCRM: its externalId or xmlId, as the settings say.
	Key string
	// Service marks a service, which has no stock.
	Service bool
}

// indexMagic starts every offer index; its last byte is the format version.
const indexMagic = "UBIX\x01"

// IndexWriter writes an offer index: records of product, characteristic, key and service flag,
// each string as a uvarint length and its bytes.
type IndexWriter struct {
	w   *bufio.Writer
	buf []byte
	err error
}

// NewIndexWriter starts an offer index on w.
func NewIndexWriter(w io.Writer) *IndexWriter {
	iw := &IndexWriter{w: bufio.NewWriterSize(w, 64<<10)}
	_, iw.err = iw.w.WriteString(indexMagic)
	return iw
}

// Add records one offer.
func (iw *IndexWriter) Add(ref OfferRef, e IndexEntry) error {
	if iw.err != nil {
		return iw.err
	}
	b := iw.buf[:0]
	for _, s := range []string{ref.Product, ref.Characteristic, e.Key} {
		b = binary.AppendUvarint(b, uint64(len(s)))
		b = append(b, s...)
	}
	flag := byte(0)
	if e.Service {
		flag = 1
	}
	iw.buf = append(b, flag)
	_, iw.err = iw.w.Write(iw.buf)
	return iw.err
}

// Close flushes the index; it does not close the underlying writer.
func (iw *IndexWriter) Close() error {
	if iw.err != nil {
		return iw.err
	}
	return iw.w.Flush()
}

// maxIndexString bounds one string of an index record.
const maxIndexString = 1 << 16

// ReadIndex reads a whole offer index.
func ReadIndex(r io.Reader) (map[OfferRef]IndexEntry, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	magic := make([]byte, len(indexMagic))
	if _, err := io.ReadFull(br, magic); err != nil || string(magic) != indexMagic {
		return nil, errors.New("catalog: not an offer index")
	}
	index := map[OfferRef]IndexEntry{}
	for {
		var f [3]string
		for i := range f {
			s, err := readString(br)
			if i == 0 && errors.Is(err, io.EOF) {
				return index, nil
			}
			if err != nil {
				return nil, fmt.Errorf("catalog: offer index record %d: %w", len(index)+1, err)
			}
			f[i] = s
		}
		flag, err := br.ReadByte()
		if err != nil || flag > 1 {
			return nil, fmt.Errorf("catalog: offer index record %d: bad service flag", len(index)+1)
		}
		index[OfferRef{Product: f[0], Characteristic: f[1]}] = IndexEntry{Key: f[2], Service: flag == 1}
	}
}

func readString(br *bufio.Reader) (string, error) {
	n, err := binary.ReadUvarint(br)
	if err != nil {
		return "", err
	}
	if n > maxIndexString {
		return "", errors.New("string too long")
	}
	b := make([]byte, n)
	if _, err := io.ReadFull(br, b); err != nil {
		return "", io.ErrUnexpectedEOF
	}
	return string(b), nil
}
