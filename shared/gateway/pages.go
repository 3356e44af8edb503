package gateway

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"

	"unfbridge/shared/httpapi"
	"unfbridge/shared/onec"
	"unfbridge/shared/staging"
	"unfbridge/shared/store"
)

// pageEvent is how the gateway handles the events of one kind of paged snapshot; P is the
// payload type.
type pageEvent[P any, PP interface {
	*P
	Validate() []onec.FieldProblem
}] struct {
	kind staging.Kind
	// noun names the snapshot in messages, after "выгрузки": "каталога".
	noun string
	// next tells the 1C user what happens once the snapshot is complete.
	next string
	// paging returns the paging of a payload.
	paging func(*P) onec.Paging
	// encode writes the staged form of a payload.
	encode func(io.Writer, *P) error
	// tally returns the counts of a payload's lists, for the answer, and its staging.Page
	// Items and Offers.
	tally func(*P) (counts map[string]int, items, offers int)
	// total tells the size of a complete snapshot: "100 000 товаров, 900 000 характеристик".
	total func(staging.Staged) string
}

var catalogPages = pageEvent[onec.CatalogPage, *onec.CatalogPage]{
	kind:   staging.Catalog,
	noun:   "каталога",
	next:   "Файл каталога будет сформирован в течение минуты.",
	paging: func(p *onec.CatalogPage) onec.Paging { return p.Paging },
	encode: staging.EncodeCatalogPage,
	tally: func(p *onec.CatalogPage) (map[string]int, int, int) {
		characteristics := 0
		for i := range p.Products {
			characteristics += len(p.Products[i].Characteristics)
		}
		counts := map[string]int{"groups": len(p.Groups), "products": len(p.Products), "characteristics": characteristics}
		return counts, len(p.Products), len(p.Products) + characteristics
	},
	total: func(s staging.Staged) string {
		return quantity(s.Items, "товар", "товара", "товаров") + ", " +
			quantity(s.Offers-s.Items, "характеристика", "характеристики", "характеристик")
	},
}

var stockPages = pageEvent[onec.StockPage, *onec.StockPage]{
	kind:   staging.Stock,
	noun:   "остатков",
	next:   "Остатки будут выгружены в RetailCRM в течение минуты, если включена выгрузка остатков.",
	paging: func(p *onec.StockPage) onec.Paging { return p.Paging },
	encode: staging.EncodeStockPage,
	tally:  func(p *onec.StockPage) (map[string]int, int, int) { return rowCounts(len(p.Rows)) },
	total:  rowsTotal,
}

var pricesPages = pageEvent[onec.PricesPage, *onec.PricesPage]{
	kind:   staging.Prices,
	noun:   "цен",
	next:   "Цены будут выгружены в RetailCRM в течение минуты, если включена выгрузка цен.",
	paging: func(p *onec.PricesPage) onec.Paging { return p.Paging },
	encode: staging.EncodePricesPage,
	tally:  func(p *onec.PricesPage) (map[string]int, int, int) { return rowCounts(len(p.Rows)) },
	total:  rowsTotal,
}

func rowCounts(rows int) (map[string]int, int, int) { return map[string]int{"rows": rows}, rows, 0 }

func rowsTotal(s staging.Staged) string {
	return quantity(s.Items, "строка", "строки", "строк")
}

// pageHandlers returns the handlers of the page events; none without a staging repository, so
// that those events are answered as not supported.
func (g *gateway) pageHandlers() map[onec.EventType]EventHandler {
	if g.Staging == nil {
		return nil
	}
	return map[onec.EventType]EventHandler{
		onec.TypeCatalogPage: catalogPages.handler(g.Staging),
		onec.TypeStockPage:   stockPages.handler(g.Staging),
		onec.TypePricesPage:  pricesPages.handler(g.Staging),
	}
}

// handler returns the handler that stages a page: it writes the page's body to the staging
// store and returns the operations that record it in its snapshot.
func (d pageEvent[P, PP]) handler(repo *staging.Repo) EventHandler {
	return func(ctx context.Context, ev onec.Envelope) (Result, []store.Op, error) {
		payload := PP(new(P))
		if err := decodePayload(ev.Payload, payload); err != nil {
			return Result{}, nil, err
		}
		var body bytes.Buffer
		if err := d.encode(&body, payload); err != nil {
			return Result{}, nil, err
		}
		counts, items, offers := d.tally(payload)
		pg := d.paging(payload)
		ops, staged, err := repo.StagePage(ctx, staging.Page{Kind: d.kind, Paging: pg, OccurredAt: ev.OccurredTime(),
			Items: items, Offers: offers}, body.Bytes())
		if mismatch, ok := errors.AsType[*staging.PagesMismatchError](err); ok {
			return Result{}, nil, &Rejection{Status: http.StatusUnprocessableEntity, Err: httpapi.Error{Code: "snapshot_mismatch",
				Message: fmt.Sprintf("Страница %d выгрузки %s не принята: в ней указано страниц %d, а в полученных ранее "+
					"страницах этой выгрузки — %d. У каждой выгрузки должен быть свой snapshotId.",
					pg.Page, d.noun, mismatch.Pages, mismatch.Staged)}}
		}
		if err != nil {
			return Result{}, nil, err
		}
		counts["page"], counts["pages"], counts["received"] = pg.Page, pg.Pages, staged.Received
		return Result{Status: pageStatus(staged), Message: d.message(pg, staged), Counts: counts}, ops, nil
	}
}

// pageStatus is the status of a staged page: a duplicate changes nothing.
func pageStatus(s staging.Staged) string {
	if s.Duplicate {
		return StatusIgnored
	}
	return StatusApplied
}

// message tells the 1C user what became of the page.
func (d pageEvent[P, PP]) message(pg onec.Paging, s staging.Staged) string {
	switch {
	case s.Duplicate:
		return fmt.Sprintf("Страница %d выгрузки %s уже получена.", pg.Page, d.noun)
	case !s.Complete:
		return fmt.Sprintf("Страница %d из %d выгрузки %s принята.", pg.Page, pg.Pages, d.noun)
	}
	complete := fmt.Sprintf("Выгрузка %s получена полностью (%s, %s).", d.noun,
		quantity(s.Pages, "страница", "страницы", "страниц"), d.total(s))
	if s.Superseded {
		return fmt.Sprintf("%s Она не будет использована: в мосте уже есть более поздняя выгрузка %s.", complete, d.noun)
	}
	return complete + " " + d.next
}

// quantity writes a count with its noun in the right Russian form, digits grouped by three:
// "1 страница", "3 строки", "1 000 000 товаров".
func quantity(n int, one, few, many string) string {
	digits := strconv.Itoa(n)
	grouped := make([]byte, 0, len(digits)*4/3)
	for i := range len(digits) {
		if i > 0 && (len(digits)-i)%3 == 0 {
			grouped = append(grouped, ' ')
		}
		grouped = append(grouped, digits[i])
	}
	noun := many
	switch n10, n100 := n%10, n%100; {
	case n10 == 1 && n100 != 11:
		noun = one
	case n10 >= 2 && n10 <= 4 && (n100 < 12 || n100 > 14):
		noun = few
	}
	return string(grouped) + " " + noun
}
