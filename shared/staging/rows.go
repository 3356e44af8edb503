package staging

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"unfbridge/shared/onec"
)

// EncodeStockPage writes the staged form of a stock page: the JSON array of its rows.
func EncodeStockPage(w io.Writer, p *onec.StockPage) error { return encodeRows(w, p.Rows) }

// DecodeStockPage reads the rows of a staged stock page; nil when it has none.
func DecodeStockPage(r io.Reader) ([]onec.StockRow, error) { return decodeRows[onec.StockRow](r) }

// EncodePricesPage writes the staged form of a prices page: the JSON array of its rows.
func EncodePricesPage(w io.Writer, p *onec.PricesPage) error { return encodeRows(w, p.Rows) }

// DecodePricesPage reads the rows of a staged prices page; nil when it has none.
func DecodePricesPage(r io.Reader) ([]onec.PriceRow, error) { return decodeRows[onec.PriceRow](r) }

func encodeRows[T any](w io.Writer, rows []T) error {
	if err := checkLen("rows", len(rows), onec.MaxRowsPerPage); err != nil {
		return err
	}
	if rows == nil {
		rows = []T{}
	}
	return json.NewEncoder(w).Encode(rows)
}

func decodeRows[T any](r io.Reader) ([]T, error) {
	dec := json.NewDecoder(r)
	dec.DisallowUnknownFields()
	var rows []T
	if err := dec.Decode(&rows); err != nil {
		return nil, corrupt("rows", err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("%w: data after the rows", ErrCorrupt)
	}
	if len(rows) == 0 {
		return nil, nil
	}
	return rows, nil
}
